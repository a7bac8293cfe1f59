import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFfmpeg } from './ffmpeg';
import { prepareMedia, type PrepareOptions } from './index';
import { sniff } from './sniff';
import {
  alphaPng,
  animatedGif,
  jpeg,
  mp4,
  oggOpus,
  opaquePng,
  pdf,
  photo12mp,
  wav,
  rejection,
} from './test-fixtures';

const MB = 1024 * 1024;
let root: string;
let out: string;
let ffmpeg: string | null;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'openclaw-media-'));
  out = join(root, 'media', 'outbound');
  ffmpeg = await findFfmpeg();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function file(name: string, data: Buffer | string): string {
  const path = join(root, name);
  writeFileSync(path, data);
  return path;
}

function opts(extra: Partial<PrepareOptions> = {}): PrepareOptions & { warnings: string[] } {
  const warnings: string[] = [];
  return { maxBytes: 5 * MB, dir: out, warn: (m) => warnings.push(m), warnings, ...extra };
}

describe('prepareMedia from local files', () => {
  it('sends an image under the cap as it is, in a 0600 file inside a 0700 folder', async () => {
    const data = await jpeg(640, 480);
    const media = await prepareMedia(file('small.jpg', data), opts());
    expect(media).toMatchObject({ kind: 'image', mimetype: 'image/jpeg', bytes: data.length });
    expect(await readFile(media.path)).toEqual(data);
    expect(statSync(media.path).mode & 0o777).toBe(0o600);
    expect(statSync(out).mode & 0o777).toBe(0o700);
    expect(media.path.startsWith(out)).toBe(true);
  });

  it('makes a 12-megapixel photo a JPEG under 5 MB', async () => {
    const path = file('photo.jpg', await photo12mp());
    expect(statSync(path).size).toBeGreaterThan(5 * MB);
    const media = await prepareMedia(pathToFileURL(path).href, opts());
    expect(media.kind).toBe('image');
    expect(media.mimetype).toBe('image/jpeg');
    expect(media.bytes).toBeLessThanOrEqual(5 * MB);
  });

  it('keeps a PNG with transparency as a PNG', async () => {
    const data = await alphaPng(800, 600);
    const media = await prepareMedia(file('alpha.png', data), opts());
    expect(media.mimetype).toBe('image/png');
    expect((await sharp(media.path).metadata()).hasAlpha).toBe(true);
  });

  it('an image that fits nowhere on the grid is too large, saying how far it was taken', async () => {
    const path = file('noise.png', await opaquePng(1000, 1000));
    const err = await rejection(prepareMedia(path, opts({ maxBytes: 2000 })));
    expect(err.code).toBe('too_large');
    expect(err.message).toMatch(
      /noise\.png is 2\.9 MB, over the 2 KB limit, even scaled down to 800 px at JPEG quality 40$/,
    );
  });

  it('never re-encodes a GIF: one over the cap is an error that says so', async () => {
    const gif = await animatedGif(200, 200);
    const err = await rejection(prepareMedia(file('big.gif', gif), opts({ maxBytes: 1000 })));
    expect(err.code).toBe('too_large');
    expect(err.message).toMatch(/big\.gif is .* over the 1000 bytes limit \(GIFs are not re-encoded\)/);
  });

  it('sends audio as a voice note, Ogg/Opus labelled audio/ogg; codecs=opus', async () => {
    const media = await prepareMedia(file('note.ogg', oggOpus()), opts());
    expect(media).toMatchObject({ kind: 'audio', mimetype: 'audio/ogg; codecs=opus', ptt: true });
  });

  it('converts other audio to Ogg/Opus with ffmpeg, or sends it as it is with a warning without', async () => {
    const o = opts();
    const path = file('tone.wav', wav());
    const media = await prepareMedia(path, o);
    expect(media).toMatchObject({ kind: 'audio', ptt: true });
    if (ffmpeg) {
      expect(media.mimetype).toBe('audio/ogg; codecs=opus');
      // The label matches the bytes: an Ogg stream whose first packet is an Opus header.
      expect((await sniff(await readFile(media.path))).mime).toBe('audio/ogg; codecs=opus');
      expect(o.warnings).toEqual([]);
      return;
    }
    expect(media.mimetype).toBe('audio/wav');
    expect(o.warnings).toEqual([
      `${path} is audio/wav, not Ogg/Opus, and ffmpeg is not installed to convert it: sent as it is`,
    ]);
  });

  it('marks a video for inline looping when asked', async () => {
    const media = await prepareMedia(file('clip.mp4', mp4()), opts({ gifPlayback: true }));
    expect(media).toMatchObject({ kind: 'video', mimetype: 'video/mp4', gifPlayback: true });
    const plain = await prepareMedia(file('clip2.mp4', mp4()), opts());
    expect(plain.gifPlayback).toBeUndefined();
  });

  it('an animated GIF asked for inline playback is an MP4 with ffmpeg, else a still image with a warning', async () => {
    const o = opts({ gifPlayback: true });
    const media = await prepareMedia(file('loop.gif', await animatedGif()), o);
    if (ffmpeg) {
      expect(media).toMatchObject({ kind: 'video', mimetype: 'video/mp4', gifPlayback: true });
      expect((await sniff(await readFile(media.path))).mime).toBe('video/mp4');
      return;
    }
    expect(media).toMatchObject({ kind: 'image', mimetype: 'image/gif' });
    expect(o.warnings.join('\n')).toMatch(/loop\.gif is a GIF and ffmpeg is not installed/);
  });

  it('sends anything else as a document named after the file, MIME type from the bytes', async () => {
    const media = await prepareMedia(file('report.bin', pdf()), opts());
    expect(media).toMatchObject({ kind: 'document', mimetype: 'application/pdf', fileName: 'report.bin' });
    const text = await prepareMedia(file('notes.md', '# Notes\nsome text ü\n'), opts());
    expect(text).toMatchObject({ kind: 'document', mimetype: 'text/plain', fileName: 'notes.md' });
  });

  it('refuses a file over the cap without reading it, naming the file and both sizes', async () => {
    const err = await rejection(prepareMedia(file('big.pdf', pdf(3 * MB)), opts({ maxBytes: 2 * MB })));
    expect(err.code).toBe('too_large');
    expect(err.message).toBe(`${join(root, 'big.pdf')} is 3 MB, over the 2 MB limit`);
  });

  it('says which path does not exist, and refuses relative paths, empty files and other schemes', async () => {
    const missing = await rejection(prepareMedia(join(root, 'nope.jpg'), opts()));
    expect([missing.code, missing.message]).toEqual([
      'not_found',
      `${join(root, 'nope.jpg')} does not exist`,
    ]);
    const relative = await rejection(prepareMedia('photos/a.jpg', opts()));
    expect(relative.code).toBe('unsupported');
    expect(relative.message).toMatch(/photos\/a\.jpg is a relative path/);
    const empty = await rejection(prepareMedia(file('empty.txt', ''), opts()));
    expect(empty.message).toMatch(/empty\.txt is empty/);
    const ftp = await rejection(prepareMedia('ftp://example.com/a.jpg', opts()));
    expect(ftp.code).toBe('unsupported');
    expect(ftp.message).toMatch(/only local paths, file:\/\/ and http\(s\) URLs/);
    const folder = await rejection(prepareMedia(root, opts()));
    expect(folder.message).toMatch(/is not a regular file/);
  });
});
