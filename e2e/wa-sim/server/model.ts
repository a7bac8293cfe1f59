// What the simulated WhatsApp server knows: accounts (a phone number, its LID and its phone's account key) and
// their linked companion devices with the keys each uploaded.
import { createHash } from 'node:crypto';
import { Curve, type BinaryNode } from '@whiskeysockets/baileys';
import type { Connection } from './connection';

export const S_WHATSAPP_NET = 's.whatsapp.net';
/** Bound on messages kept for a disconnected device, like any queue in this project. */
export const MAX_OFFLINE_QUEUE = 1000;

export interface Companion {
  device: number;
  registrationId: number;
  identityKey: Buffer;
  signedPreKey: { id: number; publicKey: Buffer; signature: Buffer };
  preKeys: Map<number, Buffer>;
  platform: string;
  conn: Connection | null;
  /** Stanzas that arrived while the device was offline, delivered on its next login. */
  queue: BinaryNode[];
}

export class Account {
  readonly accountKey = Curve.generateKeyPair();
  readonly companions = new Map<number, Companion>();
  private nextDevice = 1;

  constructor(
    readonly user: string,
    readonly lidUser: string,
    public name: string,
  ) {}

  get jid(): string {
    return `${this.user}@${S_WHATSAPP_NET}`;
  }

  get lid(): string {
    return `${this.lidUser}@lid`;
  }

  allocateDevice(): number {
    return this.nextDevice++;
  }
}

/** Digits of an E.164 number: '+15551234567' → '15551234567'. */
export function userOf(e164: string): string {
  const digits = e164.replace(/^\+/, '');
  if (!/^[1-9]\d{6,14}$/.test(digits)) throw new Error(`not a phone number in E.164 form: ${e164}`);
  return digits;
}

/** A stable, plausible 15-digit LID for a phone number, so runs are reproducible. */
export function lidFor(user: string): string {
  const n = BigInt('0x' + createHash('sha256').update(`lid:${user}`).digest('hex').slice(0, 15));
  return (100000000000000n + (n % 899999999999999n)).toString();
}
