// The fake phones' media crypto must be byte-compatible with Baileys in both directions; these tests pin
// that against Baileys' own encryptor rather than against our own assumptions.
import { createHash, randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { encryptedStream } from '@whiskeysockets/baileys';
import { describe, expect, it } from 'vitest';
import { decryptMedia, encryptMedia, type SimMediaType } from './crypto.js';

const sha256 = (b: Buffer): Buffer => createHash('sha256').update(b).digest();

describe('media crypto', () => {
  it('round-trips every media type, with the WhatsApp blob layout', async () => {
    const types: SimMediaType[] = ['image', 'video', 'audio', 'document', 'sticker'];
    for (const type of types) {
      for (const size of [0, 1, 15, 16, 17, 4096 + 3]) {
        const plain = randomBytes(size);
        const enc = await encryptMedia(plain, type);
        // PKCS#7 always adds 1..16 bytes, then the 10-byte MAC.
        expect(enc.encrypted.length).toBe((Math.floor(size / 16) + 1) * 16 + 10);
        expect(enc.fileEncSha256).toEqual(sha256(enc.encrypted));
        expect(enc.fileSha256).toEqual(sha256(plain));
        expect(enc.fileLength).toBe(size);
        expect(await decryptMedia(enc.encrypted, enc.mediaKey, type, enc)).toEqual(plain);
      }
    }
  });

  it('is deterministic for a given media key (and accepts the base64 key form Baileys allows)', async () => {
    const key = randomBytes(32);
    const plain = Buffer.from('same bytes in, same bytes out');
    const a = await encryptMedia(plain, 'document', key);
    const b = await encryptMedia(plain, 'document', key);
    expect(a.encrypted).toEqual(b.encrypted);
    expect(await decryptMedia(a.encrypted, key.toString('base64'), 'document')).toEqual(plain);
  });

  it('decrypts what Baileys encryptedStream produces for upload', async () => {
    const plain = randomBytes(70_001);
    const enc = await encryptedStream(plain, 'image');
    try {
      const blob = await readFile(enc.encFilePath);
      expect(sha256(blob)).toEqual(enc.fileEncSha256);
      const out = await decryptMedia(blob, enc.mediaKey, 'image', {
        fileEncSha256: enc.fileEncSha256,
        fileSha256: enc.fileSha256,
      });
      expect(out).toEqual(plain);
      expect(enc.fileLength).toBe(plain.length);
    } finally {
      await rm(enc.encFilePath, { force: true });
    }
  });

  it('refuses tampered bytes, the wrong media type, and mismatching hashes', async () => {
    const plain = randomBytes(100);
    const enc = await encryptMedia(plain, 'image');
    const flipped = Buffer.from(enc.encrypted);
    flipped[5] = (flipped[5] ?? 0) ^ 1;
    await expect(decryptMedia(flipped, enc.mediaKey, 'image')).rejects.toThrow(/MAC mismatch/);
    // Image and video keys come from different HKDF info strings.
    await expect(decryptMedia(enc.encrypted, enc.mediaKey, 'video')).rejects.toThrow(/MAC mismatch/);
    // Stickers share the image key derivation ("WhatsApp Image Keys"), as in Baileys.
    expect(await decryptMedia(enc.encrypted, enc.mediaKey, 'sticker')).toEqual(plain);
    await expect(
      decryptMedia(enc.encrypted, enc.mediaKey, 'image', { fileEncSha256: randomBytes(32) }),
    ).rejects.toThrow(/fileEncSha256/);
    await expect(
      decryptMedia(enc.encrypted, enc.mediaKey, 'image', { fileSha256: randomBytes(32) }),
    ).rejects.toThrow(/fileSha256/);
    await expect(decryptMedia(enc.encrypted.subarray(0, 20), enc.mediaKey, 'image')).rejects.toThrow(
      /length/,
    );
    await expect(encryptMedia(plain, 'image', randomBytes(16))).rejects.toThrow(RangeError);
  });
});
