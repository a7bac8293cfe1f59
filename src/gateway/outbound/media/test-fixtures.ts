// Media made on the spot for the tests and the bench: nothing binary is checked in. The "photo" is sensor-like
// grain (random bytes softened by a blur), which compresses like a real photograph rather than like a flat
// colour; the container fixtures carry only the header bytes a MIME sniffer reads.
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { MediaError } from './errors';

/** A 4000 × 3000 (12 MP) JPEG at quality 92 over 5 MB; `orientation` 6 means "rotate 90° to show". */
export async function photo12mp(opts: { orientation?: number; blur?: number } = {}): Promise<Buffer> {
  const width = 4000;
  const height = 3000;
  const grain = await sharp(randomBytes(width * height * 3), { raw: { width, height, channels: 3 } })
    .blur(opts.blur ?? 0.8)
    .raw()
    .toBuffer();
  let image = sharp(grain, { raw: { width, height, channels: 3 } }).jpeg({ quality: 92 });
  if (opts.orientation) image = image.withMetadata({ orientation: opts.orientation });
  return image.toBuffer();
}

/** A PNG with a transparent half; `noisy` makes it large (noise does not compress). */
export async function alphaPng(width: number, height: number, noisy = false): Promise<Buffer> {
  const px = noisy ? randomBytes(width * height * 4) : Buffer.alloc(width * height * 4, 200);
  for (let i = 3; i < px.length; i += 4) px[i] = i / 4 < (width * height) / 2 ? 0 : 255;
  return sharp(px, { raw: { width, height, channels: 4 } })
    .png()
    .toBuffer();
}

/** A noisy opaque PNG (no alpha channel), large for its size. */
export async function opaquePng(width: number, height: number): Promise<Buffer> {
  return sharp(randomBytes(width * height * 3), { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

/** A two-frame animated GIF. */
export async function animatedGif(width = 64, height = 64): Promise<Buffer> {
  const frames = Buffer.concat([Buffer.alloc(width * height * 4, 255), randomBytes(width * height * 4)]);
  return sharp(frames, { raw: { width, height: height * 2, channels: 4, pageHeight: height } })
    .gif()
    .toBuffer();
}

export function jpeg(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#3366cc' } })
    .jpeg()
    .toBuffer();
}

/** An Ogg page whose first packet is an Opus header: what a voice note file starts with. */
export function oggOpus(size = 2048): Buffer {
  const out = Buffer.alloc(size);
  out.write('OggS', 0, 'latin1');
  out[4] = 0; // version
  out[5] = 2; // first page of the stream
  out[26] = 1; // one segment
  out[27] = 19; // of 19 bytes
  out.write('OpusHead', 28, 'latin1');
  out[36] = 1; // OpusHead version
  out[37] = 1; // one channel
  return out;
}

/** An MP3 (ID3 tag then MPEG frames): audio that is not Ogg/Opus. */
export function mp3(size = 4096): Buffer {
  const out = Buffer.alloc(size);
  out.write('ID3', 0, 'latin1');
  out[3] = 4;
  for (let i = 10; i + 1 < size; i += 418) {
    out[i] = 0xff;
    out[i + 1] = 0xfb;
    out[i + 2] = 0x90;
  }
  return out;
}

/** An MP4 file's ftyp box followed by filler. */
export function mp4(size = 4096): Buffer {
  const out = Buffer.alloc(size);
  out.writeUInt32BE(24, 0);
  out.write('ftypisom', 4, 'latin1');
  out.writeUInt32BE(0x200, 12);
  out.write('isomiso2', 16, 'latin1');
  out.writeUInt32BE(size - 24, 24);
  out.write('mdat', 28, 'latin1');
  return out;
}

export function pdf(size = 2048): Buffer {
  const out = Buffer.alloc(size, 0x20);
  out.write('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 0, 'latin1');
  return out;
}

/** A real PCM WAV (a 440 Hz tone, mono 16-bit): audio ffmpeg can decode, that is not Ogg/Opus. */
export function wav(seconds = 0.5, rate = 16_000): Buffer {
  const samples = Math.round(seconds * rate);
  const out = Buffer.alloc(44 + samples * 2);
  out.write('RIFF', 0, 'latin1');
  out.writeUInt32LE(36 + samples * 2, 4);
  out.write('WAVEfmt ', 8, 'latin1');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(1, 22); // mono
  out.writeUInt32LE(rate, 24);
  out.writeUInt32LE(rate * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'latin1');
  out.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++)
    out.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate)), 44 + i * 2);
  return out;
}

/** The MediaError a promise rejects with; throws (failing the test) when it resolves or rejects otherwise. */
export async function rejection(p: Promise<unknown>): Promise<MediaError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof MediaError)) throw new Error(`expected a MediaError, got ${String(err)}`);
  return err;
}
