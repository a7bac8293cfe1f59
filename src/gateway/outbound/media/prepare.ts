// prepareMedia: one source (path, file:// or http(s) URL) → a file under <state>/media/outbound/ that WhatsApp
// will take, with the MIME type from its bytes and the flags its kind needs. Images over the cap are made to fit
// (image.ts); audio always goes as a voice note, converted to Ogg/Opus when ffmpeg is there; an animated GIF
// for inline playback becomes MP4. Anything that cannot be sent throws MediaError naming the source and why.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import type { RequestOptions } from 'node:https';
import { join } from 'node:path';
import type { PreparedMedia } from '../types';
import { describeSource, formatBytes, MediaError } from './errors';
import { convert, findFfmpeg } from './ffmpeg';
import { optimizeImage, toJpeg } from './image';
import { loadSource } from './load';
import { maybePrune } from './prune';
import { sniff, type Sniffed } from './sniff';

/** An image source may be this large (or the cap, when that is larger) and still be scaled down to fit. Decoding
 * is bounded separately by sharp's pixel limit (a small file can still claim a huge picture). */
export const IMAGE_SOURCE_MAX_BYTES = 50 * 1024 * 1024;

export interface PrepareOptions {
  maxBytes: number;
  /** Where the prepared file is written (created 0700). */
  dir: string;
  gifPlayback?: boolean;
  allowPrivateNetwork?: boolean;
  signal?: AbortSignal;
  /** Told about anything sent other than asked (audio not converted, a GIF sent still…); the caller logs it. */
  warn?: (message: string) => void;
  timeoutMs?: number;
  /** For tests against a local HTTPS server: https.request options such as `{ ca }`. */
  tls?: RequestOptions;
}

/** Image types WhatsApp shows as they are; other image formats sharp reads are re-encoded as JPEG. */
const SENDABLE_IMAGES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif']);
const SENDABLE_VIDEOS = new Set(['video/mp4', 'video/3gpp', 'video/quicktime']);
const OPUS = 'audio/ogg; codecs=opus';

interface Output {
  data: Buffer;
  type: Sniffed;
  kind: PreparedMedia['kind'];
  ptt?: boolean;
  gifPlayback?: boolean;
}

async function save(dir: string, data: Buffer, ext: string): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `${Date.now()}-${randomBytes(6).toString('hex')}.${ext}`);
  await writeFile(path, data, { mode: 0o600, flag: 'wx' });
  return path;
}

/** Runs ffmpeg from a temporary copy of the bytes to a temporary output, and returns the output's bytes. */
async function transcode(
  bin: string,
  data: Buffer,
  dir: string,
  outExt: string,
  args: string[],
  signal?: AbortSignal,
) {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const stem = join(dir, `.convert-${randomBytes(6).toString('hex')}`);
  const input = `${stem}.in`;
  const output = `${stem}.${outExt}`;
  try {
    await writeFile(input, data, { mode: 0o600, flag: 'wx' });
    await convert(bin, ['-i', input, ...args, output], signal);
    return await readFile(output);
  } finally {
    await rm(input, { force: true });
    await rm(output, { force: true });
  }
}

function tooLarge(source: string, bytes: number, maxBytes: number, why = ''): MediaError {
  return new MediaError(
    'too_large',
    `${describeSource(source)} is ${formatBytes(bytes)}, over the ${formatBytes(maxBytes)} limit${why}`,
  );
}

async function image(source: string, data: Buffer, type: Sniffed, opts: PrepareOptions): Promise<Output> {
  if (type.mime === 'image/gif') {
    if (opts.gifPlayback) {
      const bin = await findFfmpeg();
      if (bin) {
        // WhatsApp loops an MP4 with gifPlayback inline; even dimensions are what H.264 in yuv420p needs.
        const mp4 = await transcode(
          bin,
          data,
          opts.dir,
          'mp4',
          [
            '-movflags',
            '+faststart',
            '-pix_fmt',
            'yuv420p',
            '-vf',
            'scale=trunc(iw/2)*2:trunc(ih/2)*2',
            '-an',
            '-c:v',
            'libx264',
          ],
          opts.signal,
        );
        if (mp4.length > opts.maxBytes) throw tooLarge(source, mp4.length, opts.maxBytes, ' as MP4');
        return { data: mp4, type: { mime: 'video/mp4', ext: 'mp4' }, kind: 'video', gifPlayback: true };
      }
      opts.warn?.(
        `${describeSource(source)} is a GIF and ffmpeg is not installed to make it an MP4: sent as an image, which WhatsApp does not animate`,
      );
    }
    if (data.length > opts.maxBytes)
      throw tooLarge(source, data.length, opts.maxBytes, ' (GIFs are not re-encoded)');
    return { data, type, kind: 'image' };
  }
  if (SENDABLE_IMAGES.has(type.mime) && data.length <= opts.maxBytes) return { data, type, kind: 'image' };
  let optimized;
  try {
    optimized = SENDABLE_IMAGES.has(type.mime)
      ? await optimizeImage(data, opts.maxBytes)
      : await toJpeg(data, opts.maxBytes);
  } catch (err) {
    if (!SENDABLE_IMAGES.has(type.mime)) return document(source, data, type, opts);
    throw new MediaError(
      'unsupported',
      `${describeSource(source)} could not be read as an image: ${(err as Error).message}`,
      { cause: err },
    );
  }
  if (!optimized)
    throw tooLarge(source, data.length, opts.maxBytes, ', even scaled down to 800 px at JPEG quality 40');
  const ext = optimized.mimetype === 'image/png' ? 'png' : 'jpg';
  return { data: optimized.data, type: { mime: optimized.mimetype, ext }, kind: 'image' };
}

async function audio(source: string, data: Buffer, type: Sniffed, opts: PrepareOptions): Promise<Output> {
  if (type.mime !== OPUS) {
    const bin = await findFfmpeg();
    if (bin) {
      const opus = await transcode(
        bin,
        data,
        opts.dir,
        'ogg',
        ['-vn', '-c:a', 'libopus', '-b:a', '32k', '-ac', '1', '-ar', '48000', '-f', 'ogg'],
        opts.signal,
      );
      data = opus;
      type = { mime: OPUS, ext: 'ogg' };
    } else if (type.mime === 'audio/ogg') {
      // The label WhatsApp plays voice notes by; the spec sends every Ogg with it.
      opts.warn?.(
        `${describeSource(source)} is Ogg audio but not Opus and ffmpeg is not installed to convert it: sent as it is`,
      );
      type = { mime: OPUS, ext: 'ogg' };
    } else {
      opts.warn?.(
        `${describeSource(source)} is ${type.mime}, not Ogg/Opus, and ffmpeg is not installed to convert it: sent as it is`,
      );
    }
  }
  if (data.length > opts.maxBytes) throw tooLarge(source, data.length, opts.maxBytes);
  return { data, type, kind: 'audio', ptt: true };
}

function document(source: string, data: Buffer, type: Sniffed, opts: PrepareOptions): Output {
  if (data.length > opts.maxBytes) throw tooLarge(source, data.length, opts.maxBytes);
  return { data, type, kind: 'document' };
}

function video(source: string, data: Buffer, type: Sniffed, opts: PrepareOptions): Output {
  if (!SENDABLE_VIDEOS.has(type.mime)) {
    opts.warn?.(
      `${describeSource(source)} is ${type.mime}, which WhatsApp does not play inline: sent as a document`,
    );
    return document(source, data, type, opts);
  }
  if (data.length > opts.maxBytes) throw tooLarge(source, data.length, opts.maxBytes);
  return { data, type, kind: 'video', ...(opts.gifPlayback ? { gifPlayback: true } : {}) };
}

export async function prepareMedia(source: string, opts: PrepareOptions): Promise<PreparedMedia> {
  const loaded = await loadSource(source, {
    maxBytes: opts.maxBytes,
    imageMaxBytes: Math.max(opts.maxBytes, IMAGE_SOURCE_MAX_BYTES),
    isImage: async (head) => (await sniff(head)).mime.startsWith('image/'),
    allowPrivateNetwork: opts.allowPrivateNetwork,
    timeoutMs: opts.timeoutMs,
    signal: opts.signal,
    tls: opts.tls,
  });
  const type = await sniff(loaded.data);
  const family = type.mime.split('/')[0];
  let out: Output;
  try {
    out =
      family === 'image'
        ? await image(source, loaded.data, type, opts)
        : family === 'audio'
          ? await audio(source, loaded.data, type, opts)
          : family === 'video'
            ? video(source, loaded.data, type, opts)
            : document(source, loaded.data, type, opts);
  } catch (err) {
    if (err instanceof MediaError) throw err;
    throw new MediaError(
      'unsupported',
      `${describeSource(source)} could not be prepared: ${(err as Error).message}`,
      { cause: err },
    );
  }
  if (opts.gifPlayback && out.kind !== 'video') {
    opts.warn?.(`${describeSource(source)} is not a video: gifPlayback ignored`);
  }
  const path = await save(opts.dir, out.data, out.type.ext);
  await maybePrune(opts.dir);
  const written = (await stat(path)).size;
  const fileName = out.kind === 'document' ? (loaded.fileName ?? `file.${out.type.ext}`) : undefined;
  return {
    path,
    mimetype: out.type.mime,
    kind: out.kind,
    bytes: written,
    ...(fileName ? { fileName } : {}),
    ...(out.ptt ? { ptt: true } : {}),
    ...(out.gifPlayback ? { gifPlayback: true } : {}),
  };
}
