// One WhatsApp device on the simulator's side of the wire (a contact's phone, or the account's own phone that
// receives `deviceSentMessage` copies), doing real Signal 1:1 crypto with the same libsignal build Baileys uses.
// Nothing here knows about stanzas: callers move `{ type, ciphertext }` in and out of `<enc>` nodes.
import { randomInt } from 'node:crypto';
import { Curve, unpadRandomMax16, writeRandomPadMax16 } from '@whiskeysockets/baileys';
import { ProtocolAddress, SessionBuilder, SessionCipher, SessionRecord, type SignalStorage } from 'libsignal';
import {
  deriveBytes,
  makeKeyPair,
  signalAddressFor,
  verifyBundle,
  withKeyType,
  type KeyPair,
  type PreKeyBundle,
} from './bundle';

export {
  bundleFromUpload,
  keyUploadFromNode,
  parseKeyUpload,
  prekeyUserNode,
  signalAddressFor,
  verifyBundle,
  type PreKeyBundle,
  type PreKeyPublic,
  type RawKeyUpload,
  type SignedPreKeyPublic,
  type UploadedKeys,
} from './bundle';

export type SignalMessageType = 'pkmsg' | 'msg';

export interface EncryptedSignal {
  type: SignalMessageType;
  ciphertext: Buffer;
}

export interface RemoteDevice {
  /** libsignal address (`15551234567.0`, `123456789_1.2`) or a JID, which is converted with `signalAddressFor`. */
  address: string;
  /** Needed only when no session exists yet. */
  bundle?: PreKeyBundle;
}

export interface SignalDeviceOptions {
  jid: string;
  registrationId?: number;
  /** Same seed → same identity, registration id and prekeys (ciphertexts still differ: ratchet keys are random). */
  seed?: string;
  /** One-time prekeys to create (ids 1…n); bundles go out without one once they are used up. */
  preKeyCount?: number;
}

/** libsignal's key-pair shape: `pubKey` carries the 0x05 type byte. */
interface LibKeyPair {
  pubKey: Buffer;
  privKey: Buffer;
}

type StoredSession = ReturnType<SessionRecord['serialize']>;

const SIGNED_PREKEY_ID = 1;
const PREKEY_TYPE = 3;

const toLib = (pair: KeyPair): LibKeyPair => ({ pubKey: withKeyType(pair.public), privKey: pair.private });

/** WhatsApp pads every plaintext protobuf with 1–16 bytes of PKCS#7-style padding before encrypting. */
export function padMessage(plaintext: Uint8Array): Buffer {
  return writeRandomPadMax16(plaintext);
}

export function unpadMessage(padded: Uint8Array): Buffer {
  return Buffer.from(unpadRandomMax16(padded));
}

/** Accepts either form so callers can pass whatever the stanza gave them. */
export function toProtocolAddress(addressOrJid: string): ProtocolAddress {
  const address = addressOrJid.includes('@') ? signalAddressFor(addressOrJid) : addressOrJid;
  const dot = address.lastIndexOf('.');
  const device = Number(address.slice(dot + 1));
  if (dot <= 0 || !Number.isInteger(device)) throw new Error(`not a libsignal address: ${addressOrJid}`);
  return new ProtocolAddress(address.slice(0, dot), device);
}

/**
 * Sessions are kept serialized, as Baileys keeps them, so a decryption that throws halfway leaves the stored
 * record untouched instead of a half-mutated object.
 */
class MemorySignalStore implements SignalStorage {
  readonly sessions = new Map<string, StoredSession>();

  constructor(
    private readonly identity: LibKeyPair,
    private readonly registrationId: number,
    private readonly signedPreKey: LibKeyPair,
    readonly preKeys: Map<number, LibKeyPair>,
  ) {}

  async loadSession(id: string): Promise<SessionRecord | undefined> {
    const stored = this.sessions.get(id);
    return stored === undefined ? undefined : SessionRecord.deserialize(stored);
  }

  async storeSession(id: string, record: SessionRecord): Promise<void> {
    this.sessions.set(id, record.serialize());
  }

  // WhatsApp trusts on first use and on change alike (it only shows a notice), as does Baileys.
  isTrustedIdentity(): boolean {
    return true;
  }

  async loadPreKey(id: number | string): Promise<LibKeyPair | undefined> {
    return this.preKeys.get(Number(id));
  }

  removePreKey(id: number): void {
    this.preKeys.delete(Number(id));
  }

  loadSignedPreKey(): LibKeyPair {
    return this.signedPreKey;
  }

  getOurRegistrationId(): number {
    return this.registrationId;
  }

  getOurIdentity(): LibKeyPair {
    return this.identity;
  }
}

export class SignalDevice {
  readonly jid: string;
  /** This device's own libsignal address, as the other end files sessions with it. */
  readonly address: string;
  readonly registrationId: number;
  /** 33 bytes, 0x05-prefixed. */
  readonly identityKey: Buffer;
  private readonly store: MemorySignalStore;
  private readonly signedPreKey: PreKeyBundle['signedPreKey'];
  /** Prekey ids not yet handed out in a bundle; their private halves stay in the store until a pkmsg uses them. */
  private readonly unissued: number[];

  private constructor(opts: SignalDeviceOptions) {
    const { jid, seed, preKeyCount = 20 } = opts;
    this.jid = jid;
    this.address = signalAddressFor(jid);
    // The 14-bit range of Baileys' generateRegistrationId, minus 0, which reads like an unset protobuf field.
    this.registrationId =
      opts.registrationId ??
      (seed === undefined
        ? randomInt(1, 16384)
        : (deriveBytes(seed, 'registration').readUInt16BE(0) % 16383) + 1);

    const identity = makeKeyPair(seed, 'identity');
    const signed = makeKeyPair(seed, `signed-prekey-${SIGNED_PREKEY_ID}`);
    this.identityKey = withKeyType(identity.public);
    this.signedPreKey = {
      keyId: SIGNED_PREKEY_ID,
      publicKey: withKeyType(signed.public),
      signature: Buffer.from(Curve.sign(identity.private, withKeyType(signed.public))),
    };

    const preKeys = new Map<number, LibKeyPair>();
    // Ids start at 1: libsignal drops a prekey id of 0 from the pkmsg it sends.
    for (let id = 1; id <= preKeyCount; id++) preKeys.set(id, toLib(makeKeyPair(seed, `prekey-${id}`)));
    this.unissued = [...preKeys.keys()];
    this.store = new MemorySignalStore(toLib(identity), this.registrationId, toLib(signed), preKeys);
  }

  static create(opts: SignalDeviceOptions): SignalDevice {
    return new SignalDevice(opts);
  }

  /** What a prekey fetch for this device returns. Hands out (and so consumes) one one-time prekey if any are left. */
  bundle(): PreKeyBundle {
    const base = {
      registrationId: this.registrationId,
      identityKey: this.identityKey,
      signedPreKey: this.signedPreKey,
    };
    const keyId = this.unissued.shift();
    const pair = keyId === undefined ? undefined : this.store.preKeys.get(keyId);
    return keyId === undefined || !pair ? base : { ...base, preKey: { keyId, publicKey: pair.pubKey } };
  }

  /** One-time prekeys that can still be handed out. */
  get unissuedPreKeys(): number {
    return this.unissued.length;
  }

  async hasSession(addressOrJid: string): Promise<boolean> {
    const record = await this.store.loadSession(toProtocolAddress(addressOrJid).toString());
    return record?.haveOpenSession() ?? false;
  }

  async encryptFor(remote: RemoteDevice, plaintext: Uint8Array): Promise<EncryptedSignal> {
    const address = toProtocolAddress(remote.address);
    if (!(await this.hasSession(address.toString()))) {
      const { bundle } = remote;
      if (!bundle)
        throw new Error(`${this.address}: no session with ${address.toString()} and no bundle to start one`);
      if (!verifyBundle(bundle))
        throw new Error(`${address.toString()}: signed prekey signature does not verify`);
      // libsignal's .d.ts marks preKey as required; at runtime it is optional (`device.preKey && …`).
      await new SessionBuilder(this.store, address).initOutgoing(
        bundle as Parameters<SessionBuilder['initOutgoing']>[0],
      );
    }
    const { type, body } = await new SessionCipher(this.store, address).encrypt(Buffer.from(plaintext));
    // Typed as a binary string, but libsignal 6 returns a Buffer; Buffer.from copies either.
    return { type: type === PREKEY_TYPE ? 'pkmsg' : 'msg', ciphertext: Buffer.from(body, 'binary') };
  }

  async decryptFrom(addressOrJid: string, type: SignalMessageType, ciphertext: Uint8Array): Promise<Buffer> {
    const cipher = new SessionCipher(this.store, toProtocolAddress(addressOrJid));
    const data = Buffer.from(ciphertext);
    const plaintext =
      type === 'pkmsg'
        ? await cipher.decryptPreKeyWhisperMessage(data)
        : await cipher.decryptWhisperMessage(data);
    return Buffer.from(plaintext);
  }

  /** Drops the session, so the next `encryptFor` needs a bundle and starts over with a pkmsg. */
  forgetSession(addressOrJid: string): void {
    this.store.sessions.delete(toProtocolAddress(addressOrJid).toString());
  }
}
