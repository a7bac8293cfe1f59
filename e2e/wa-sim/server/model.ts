// What the simulated WhatsApp server knows: users (accounts whose companions are real Baileys clients, and
// contacts that exist only here), their simulated devices with real Signal state, and what each received.
import { createHash } from 'node:crypto';
import { Curve, type BinaryNode, type proto } from '@whiskeysockets/baileys';
import { SignalDevice } from '../signal/party';
import type { Connection } from './connection';

export const S_WHATSAPP_NET = 's.whatsapp.net';
/** Bounds on what the simulator keeps per device or user, like any queue in this project. */
export const MAX_OFFLINE_QUEUE = 1000;
export const MAX_RECORDED = 1000;
/** Message ids whose per-device delivery counts are kept per user (oldest forgotten first). */
export const MAX_COUNTED_IDS = 100_000;

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
  /** Sent but not yet acknowledged by the client, by `<tag>:<id>`; requeued if the socket closes first. */
  unacked: Map<string, BinaryNode>;
}

/** A message as a simulated device decrypted it. */
export interface ReceivedMessage {
  id: string;
  /** Which of the recipient's simulated devices decrypted it. */
  device: number;
  /** The sending device's JID as the server saw it (a companion's PN JID with its device). */
  from: string;
  /** The chat: the recipient user's JID for 1:1, the group JID for groups. */
  chat: string;
  /** Set on copies of the owner's own sends (deviceSentMessage): where the original went. */
  destination?: string;
  message: proto.IMessage;
  encType: 'pkmsg' | 'msg' | 'skmsg';
  stanza: BinaryNode;
}

export interface ReceiptRecord {
  ids: string[];
  type: 'delivery' | 'read' | 'played' | string;
  from: string;
}

export interface PresenceRecord {
  from: string;
  to?: string;
  state: string;
}

/** Recorded events with waiters, so tests wait for an event instead of sleeping. */
export class Recorder<T> {
  readonly items: T[] = [];
  private readonly waiters = new Set<() => void>();

  push(item: T): void {
    this.items.push(item);
    if (this.items.length > MAX_RECORDED) this.items.shift();
    for (const w of [...this.waiters]) w();
  }

  /** The first item from index `after` on that matches, now or when it arrives. */
  next(match: (item: T) => boolean, what: string, timeoutMs = 10_000, after = 0): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const hit = this.items.slice(after).find(match);
        if (!hit) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(hit);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }
}

export class SimUser {
  /** Devices simulated here with real Signal state: all of a contact's, an account's phone (device 0). */
  readonly devices = new Map<number, SignalDevice>();
  readonly received = new Recorder<ReceivedMessage>();
  readonly receipts = new Recorder<ReceiptRecord>();
  readonly presence = new Recorder<PresenceRecord>();
  /**
   * How many times each of this user's simulated devices decrypted each message id, as `id → device → count`.
   * Unlike `received` (the newest MAX_RECORDED) it keeps MAX_COUNTED_IDS ids, so an exactly-once check over a
   * long run counts every copy: a count above 1 is a message shown twice on that device.
   */
  readonly deliveries = new Map<string, Map<number, number>>();

  constructor(
    readonly user: string,
    readonly lidUser: string,
    public name: string,
    deviceIds: number[],
    seed: string | undefined,
  ) {
    for (const id of deviceIds) {
      const jid = id === 0 ? `${user}@${S_WHATSAPP_NET}` : `${user}:${id}@${S_WHATSAPP_NET}`;
      this.devices.set(
        id,
        SignalDevice.create({ jid, seed: seed === undefined ? undefined : `${seed}:${user}:${id}` }),
      );
    }
  }

  /** Records a decrypted message: in `received`, and once more in the device's count for its id. */
  record(message: ReceivedMessage): void {
    let perDevice = this.deliveries.get(message.id);
    if (!perDevice) {
      if (this.deliveries.size >= MAX_COUNTED_IDS)
        this.deliveries.delete(this.deliveries.keys().next().value!);
      perDevice = new Map();
      this.deliveries.set(message.id, perDevice);
    }
    perDevice.set(message.device, (perDevice.get(message.device) ?? 0) + 1);
    this.received.push(message);
  }

  /** How many times `device` (default: the sum over all devices) decrypted message `id`. */
  deliveryCount(id: string, device?: number): number {
    const perDevice = this.deliveries.get(id);
    if (!perDevice) return 0;
    if (device !== undefined) return perDevice.get(device) ?? 0;
    let total = 0;
    for (const n of perDevice.values()) total += n;
    return total;
  }

  get jid(): string {
    return `${this.user}@${S_WHATSAPP_NET}`;
  }

  get lid(): string {
    return `${this.lidUser}@lid`;
  }
}

export class Account extends SimUser {
  readonly accountKey = Curve.generateKeyPair();
  readonly companions = new Map<number, Companion>();
  private nextDevice = 1;

  constructor(user: string, lidUser: string, name: string, seed: string | undefined) {
    super(user, lidUser, name, [0], seed);
  }

  allocateDevice(): number {
    return this.nextDevice++;
  }

  linkedCompanions(): Companion[] {
    return [...this.companions.values()];
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
