// WhatsApp media encryption for the simulator's fake phones.
//
// The format is the one Baileys (and WhatsApp) use for every media blob: a random 32-byte media key is
// expanded with HKDF into iv/cipherKey/macKey (we reuse Baileys' own `getMediaKeys` so the info strings and
// slicing can never drift from the client under test), the plaintext is AES-256-CBC encrypted with PKCS#7
// padding, and the first 10 bytes of HMAC-SHA256(macKey, iv ‖ ciphertext) are appended. `fileEncSha256` is
// the SHA-256 of that whole upload (ciphertext ‖ mac) and is what the media host's upload URL token carries.
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import { getMediaKeys } from '@whiskeysockets/baileys';

/** The media kinds the fake phones send; each selects its own HKDF info string inside `getMediaKeys`. */
export type SimMediaType = 'image' | 'video' | 'audio' | 'document' | 'sticker';

export interface EncryptedMedia {
  mediaKey: Buffer;
  /** SHA-256 of `encrypted` (ciphertext ‖ mac): the value WhatsApp uses as the upload token. */
  fileEncSha256: Buffer;
  /** SHA-256 of the plaintext: Baileys stores it on the message and nobody verifies it on download. */
  fileSha256: Buffer;
  /** Plaintext length, as carried in the message's `fileLength`. */
  fileLength: number;
  /** Exactly the bytes that are uploaded to / served by the media host. */
  encrypted: Buffer;
}

/** Optional integrity values from the message; when given, decryption refuses bytes that do not match. */
export interface DecryptExpectations {
  fileEncSha256?: Uint8Array | null;
  fileSha256?: Uint8Array | null;
}

const MAC_LENGTH = 10;
const AES_BLOCK = 16;

const sha256 = (data: Buffer): Buffer => createHash('sha256').update(data).digest();

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && timingSafeEqual(a, b);

/** Baileys types macKey as optional (some key kinds have none); media always has one. */
async function keysFor(
  mediaKey: Uint8Array | string,
  mediaType: SimMediaType,
): Promise<{ iv: Uint8Array; cipherKey: Uint8Array; macKey: Uint8Array }> {
  const { iv, cipherKey, macKey } = await getMediaKeys(mediaKey, mediaType);
  if (!macKey) throw new Error(`no MAC key derived for ${mediaType}`);
  return { iv, cipherKey, macKey };
}

/**
 * Encrypts `plain` the way a phone does before uploading it. `mediaKey` is random unless a test needs
 * reproducible output.
 */
export async function encryptMedia(
  plain: Buffer,
  mediaType: SimMediaType,
  mediaKey: Buffer = randomBytes(32),
): Promise<EncryptedMedia> {
  if (mediaKey.length !== 32) throw new RangeError('mediaKey must be 32 bytes');
  const { iv, cipherKey, macKey } = await keysFor(mediaKey, mediaType);
  const cipher = createCipheriv('aes-256-cbc', cipherKey, iv);
  const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
  const mac = createHmac('sha256', macKey).update(iv).update(ciphertext).digest().subarray(0, MAC_LENGTH);
  const encrypted = Buffer.concat([ciphertext, mac]);
  return {
    mediaKey: Buffer.from(mediaKey),
    fileEncSha256: sha256(encrypted),
    fileSha256: sha256(plain),
    fileLength: plain.length,
    encrypted,
  };
}

/**
 * Decrypts a blob produced by Baileys' `encryptedStream` (what the client under test uploads) or by
 * `encryptMedia`. Unlike Baileys' download path, this checks the MAC, so a simulator bug that corrupts
 * media fails loudly instead of yielding garbage.
 */
export async function decryptMedia(
  encrypted: Uint8Array,
  mediaKey: Uint8Array | string,
  mediaType: SimMediaType,
  expect: DecryptExpectations = {},
): Promise<Buffer> {
  const blob = Buffer.from(encrypted.buffer, encrypted.byteOffset, encrypted.byteLength);
  const bodyLength = blob.length - MAC_LENGTH;
  if (bodyLength < AES_BLOCK || bodyLength % AES_BLOCK !== 0) {
    throw new Error(`encrypted media has an impossible length (${blob.length} bytes)`);
  }
  if (expect.fileEncSha256 && !sameBytes(sha256(blob), expect.fileEncSha256)) {
    throw new Error('encrypted media does not match fileEncSha256');
  }
  const { iv, cipherKey, macKey } = await keysFor(mediaKey, mediaType);
  const ciphertext = blob.subarray(0, bodyLength);
  const mac = createHmac('sha256', macKey).update(iv).update(ciphertext).digest().subarray(0, MAC_LENGTH);
  if (!sameBytes(mac, blob.subarray(bodyLength))) {
    throw new Error('media MAC mismatch (wrong key, wrong media type or corrupted bytes)');
  }
  const decipher = createDecipheriv('aes-256-cbc', cipherKey, iv);
  const plain = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  if (expect.fileSha256 && !sameBytes(sha256(plain), expect.fileSha256)) {
    throw new Error('decrypted media does not match fileSha256');
  }
  return plain;
}
