// Prekey bundles in the three shapes the simulator meets: what Baileys uploads (raw bytes in an
// `<iq xmlns=encrypt>`), what libsignal consumes (33-byte public keys), and what the server hands back to
// Baileys when it fetches a contact's keys (`<user jid><registration/><identity/><skey/><key/></user>`).
// Also the JID → libsignal address rule, which must match Baileys byte for byte because session and
// sender-key records on both ends are filed under it.
import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import {
  Curve,
  encodeBigEndian,
  getBinaryNodeChild,
  getBinaryNodeChildBuffer,
  getBinaryNodeChildren,
  jidDecode,
  KEY_BUNDLE_TYPE,
  WAJIDDomains,
  type BinaryNode,
} from '@whiskeysockets/baileys';
import { verifySignature } from 'libsignal/src/curve.js';

export interface PreKeyPublic {
  keyId: number;
  /** 33 bytes, 0x05-prefixed, as libsignal expects. */
  publicKey: Buffer;
}

export interface SignedPreKeyPublic extends PreKeyPublic {
  signature: Buffer;
}

export interface PreKeyBundle {
  registrationId: number;
  /** 33 bytes, 0x05-prefixed. */
  identityKey: Buffer;
  signedPreKey: SignedPreKeyPublic;
  preKey?: PreKeyPublic;
}

/** Byte fields exactly as they sit in Baileys' prekey upload: BE integers, bare 32-byte keys. */
export interface RawKeyUpload {
  registration: Uint8Array;
  identity: Uint8Array;
  preKeys: Array<{ id: Uint8Array; value: Uint8Array }>;
  signedPreKey: { id: Uint8Array; value: Uint8Array; signature: Uint8Array };
}

export interface UploadedKeys {
  registrationId: number;
  identityKey: Buffer;
  signedPreKey: SignedPreKeyPublic;
  preKeys: PreKeyPublic[];
}

/** Baileys' own key-pair shape: `public` is the bare 32-byte Curve25519 key. */
export interface KeyPair {
  private: Buffer;
  public: Buffer;
}

const X25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

/** sha256(seed ‖ 0 ‖ label): stable per (seed, label) so reruns produce the same identities. */
export function deriveBytes(seed: string, label: string): Buffer {
  return createHash('sha256').update(seed).update('\0').update(label).digest();
}

/**
 * Curve25519 pair from a seed, or random without one. The scalar is clamped up front so that node's X25519
 * (used by libsignal for agreement) and curve25519-js (used for XEdDSA signatures) see the same key.
 */
export function makeKeyPair(seed: string | undefined, label: string): KeyPair {
  if (seed === undefined) {
    const pair = Curve.generateKeyPair();
    return { private: Buffer.from(pair.private), public: Buffer.from(pair.public) };
  }
  const priv = deriveBytes(seed, label);
  priv.writeUInt8(priv.readUInt8(0) & 248, 0);
  priv.writeUInt8((priv.readUInt8(31) & 127) | 64, 31);
  const key = createPrivateKey({
    key: Buffer.concat([X25519_PKCS8_PREFIX, priv]),
    format: 'der',
    type: 'pkcs8',
  });
  const spki = createPublicKey(key).export({ format: 'der', type: 'spki' });
  return { private: priv, public: Buffer.from(spki.subarray(spki.length - 32)) };
}

export function withKeyType(key: Uint8Array): Buffer {
  if (key.length === 33 && key[0] === KEY_BUNDLE_TYPE[0]) return Buffer.from(key);
  if (key.length !== 32) throw new Error(`expected a 32-byte Curve25519 key, got ${key.length} bytes`);
  return Buffer.concat([KEY_BUNDLE_TYPE, key]);
}

function withoutKeyType(key: Uint8Array): Buffer {
  return Buffer.from(withKeyType(key).subarray(1));
}

function readUInt(bytes: Uint8Array | undefined, length: number, what: string): number {
  if (!bytes || bytes.length !== length) {
    throw new Error(`${what}: expected ${length} big-endian bytes, got ${bytes?.length ?? 'nothing'}`);
  }
  return bytes.reduce((n, byte) => n * 256 + byte, 0);
}

function exactly(bytes: Uint8Array | undefined, length: number, what: string): Buffer {
  if (!bytes || bytes.length !== length) {
    throw new Error(`${what}: expected ${length} bytes, got ${bytes?.length ?? 'nothing'}`);
  }
  return Buffer.from(bytes);
}

export function parseKeyUpload(raw: RawKeyUpload): UploadedKeys {
  const preKeys = raw.preKeys.map((key, i) => ({
    keyId: readUInt(key.id, 3, `prekey #${i} id`),
    publicKey: withKeyType(exactly(key.value, 32, `prekey #${i} value`)),
  }));
  return {
    registrationId: readUInt(raw.registration, 4, 'registration id'),
    identityKey: withKeyType(exactly(raw.identity, 32, 'identity key')),
    signedPreKey: {
      keyId: readUInt(raw.signedPreKey.id, 3, 'signed prekey id'),
      publicKey: withKeyType(exactly(raw.signedPreKey.value, 32, 'signed prekey value')),
      signature: exactly(raw.signedPreKey.signature, 64, 'signed prekey signature'),
    },
    preKeys,
  };
}

/**
 * One bundle out of an upload. `preKeyId` picks the one-time prekey to hand out (default: the first listed;
 * `null`: none, which WhatsApp allows once a device's prekeys run dry). Consuming it is the caller's job.
 */
export function bundleFromUpload(
  upload: RawKeyUpload | UploadedKeys,
  preKeyId?: number | null,
): PreKeyBundle {
  const keys = 'registration' in upload ? parseKeyUpload(upload) : upload;
  const { registrationId, identityKey, signedPreKey } = keys;
  if (preKeyId === null) return { registrationId, identityKey, signedPreKey };
  const preKey = preKeyId === undefined ? keys.preKeys[0] : keys.preKeys.find((k) => k.keyId === preKeyId);
  if (preKeyId !== undefined && !preKey) throw new Error(`prekey ${preKeyId} is not in this upload`);
  return preKey
    ? { registrationId, identityKey, signedPreKey, preKey }
    : { registrationId, identityKey, signedPreKey };
}

/** The byte fields of `<iq xmlns=encrypt type=set>` as Baileys builds it in `getNextPreKeysNode`. */
export function keyUploadFromNode(iq: BinaryNode): RawKeyUpload {
  const type = getBinaryNodeChildBuffer(iq, 'type');
  if (!type || type.length !== 1 || type[0] !== KEY_BUNDLE_TYPE[0])
    throw new Error('prekey upload: bad key type');
  const skey = getBinaryNodeChild(iq, 'skey');
  const need = (node: BinaryNode | undefined, tag: string): Uint8Array => {
    const value = getBinaryNodeChildBuffer(node, tag);
    if (!value) throw new Error(`prekey upload: missing <${tag}>`);
    return value;
  };
  return {
    registration: need(iq, 'registration'),
    identity: need(iq, 'identity'),
    preKeys: getBinaryNodeChildren(getBinaryNodeChild(iq, 'list'), 'key').map((key) => ({
      id: need(key, 'id'),
      value: need(key, 'value'),
    })),
    signedPreKey: { id: need(skey, 'id'), value: need(skey, 'value'), signature: need(skey, 'signature') },
  };
}

/**
 * A contact device's keys as the server answers Baileys' prekey fetch (`<iq xmlns=encrypt><key><user/>…`);
 * Baileys feeds these to `parseAndInjectE2ESessions`, which re-adds the 0x05 prefix itself.
 */
export function prekeyUserNode(jid: string, bundle: PreKeyBundle): BinaryNode {
  const leaf = (tag: string, content: Uint8Array): BinaryNode => ({ tag, attrs: {}, content });
  const { signedPreKey, preKey } = bundle;
  const content: BinaryNode[] = [
    leaf('registration', encodeBigEndian(bundle.registrationId, 4)),
    leaf('type', KEY_BUNDLE_TYPE),
    leaf('identity', withoutKeyType(bundle.identityKey)),
    {
      tag: 'skey',
      attrs: {},
      content: [
        leaf('id', encodeBigEndian(signedPreKey.keyId, 3)),
        leaf('value', withoutKeyType(signedPreKey.publicKey)),
        leaf('signature', signedPreKey.signature),
      ],
    },
  ];
  if (preKey) {
    const children = [
      leaf('id', encodeBigEndian(preKey.keyId, 3)),
      leaf('value', withoutKeyType(preKey.publicKey)),
    ];
    content.push({ tag: 'key', attrs: {}, content: children });
  }
  return { tag: 'user', attrs: { jid }, content };
}

/**
 * Real clients check this; libsignal's `initOutgoing` skips it, so a bad upload would otherwise go unnoticed.
 * Not Baileys' `Curve.verify`: in rc14 that returns true for any well-formed signature, because libsignal's
 * `verifySignature` reports failure by returning false rather than throwing.
 */
export function verifyBundle(bundle: PreKeyBundle): boolean {
  const { identityKey, signedPreKey } = bundle;
  const { signature } = signedPreKey;
  return (
    signature.length === 64 &&
    verifySignature(withKeyType(identityKey), withKeyType(signedPreKey.publicKey), signature)
  );
}

/**
 * The libsignal address Baileys files a JID's session under (`jidToSignalProtocolAddress` in rc14):
 * `user.device`, where non-WhatsApp domains get `_<domainType>` on the user: `@lid` → `_1`, `@hosted` → `_128`,
 * `@hosted.lid` → `_129`. Device 0 when absent. `@c.us` and agent-less `@s.whatsapp.net` share one address.
 */
export function signalAddressFor(jid: string): string {
  const decoded = jidDecode(jid);
  if (!decoded?.user) throw new Error(`not a user JID: ${jid}`);
  const { user, device, server, domainType } = decoded;
  if (device === 99 && server !== 'hosted' && server !== 'hosted.lid') {
    throw new Error(`device 99 is reserved for hosted JIDs: ${jid}`);
  }
  const signalUser = domainType !== WAJIDDomains.WHATSAPP ? `${user}_${domainType}` : user;
  return `${signalUser}.${device ?? 0}`;
}
