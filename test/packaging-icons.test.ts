// scripts/icons.mjs run on the real masters into a scratch folder: the .ico and .icns containers are read back
// entry by entry and every image in them is a PNG of the size its entry claims.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_PNG_SIZES, generateIcons, ICNS_TYPES, ICO_SIZES } from '../scripts/icons.mjs';

const resources = fileURLToPath(new URL('../resources/', import.meta.url));
let out: string;
let written: string[];

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'icons-'));
  written = await generateIcons(resources, out);
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const pngSize = async (png: Buffer) => {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  const meta = await sharp(png).metadata();
  return [meta.width, meta.height];
};

describe('generated icons', () => {
  it('writes the Linux PNG set, the Windows and macOS icons and the tray sizes', async () => {
    expect(written).toEqual(
      expect.arrayContaining([
        ...APP_PNG_SIZES.map((s) => join('icons', `${s}x${s}.png`)),
        'icon.ico',
        'icon.icns',
        join('tray', 'tray.png'),
        join('tray', 'tray@2x.png'),
        join('tray', 'tray-attention@2x.png'),
      ]),
    );
    for (const size of APP_PNG_SIZES) {
      expect(await pngSize(readFileSync(join(out, 'icons', `${size}x${size}.png`)))).toEqual([size, size]);
    }
    expect(await pngSize(readFileSync(join(out, 'tray', 'tray@2x.png')))).toEqual([32, 32]);
  });

  it('writes an .ico whose directory points at a PNG of each listed size', async () => {
    const ico = readFileSync(join(out, 'icon.ico'));
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2), ico.readUInt16LE(4)]).toEqual([0, 1, ICO_SIZES.length]);
    for (let i = 0; i < ICO_SIZES.length; i++) {
      const entry = 6 + 16 * i;
      const size = ico[entry] || 256;
      const length = ico.readUInt32LE(entry + 8);
      const offset = ico.readUInt32LE(entry + 12);
      expect(size).toBe(ICO_SIZES[i]);
      expect(await pngSize(ico.subarray(offset, offset + length))).toEqual([size, size]);
    }
  });

  it('writes an .icns whose elements cover the file and hold PNGs of their type’s size', async () => {
    const icns = readFileSync(join(out, 'icon.icns'));
    expect(icns.toString('latin1', 0, 4)).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    let at = 8;
    const seen: string[] = [];
    while (at < icns.length) {
      const type = icns.toString('latin1', at, at + 4);
      const length = icns.readUInt32BE(at + 4);
      const size = ICNS_TYPES.find(([t]) => t === type)?.[1];
      expect(await pngSize(icns.subarray(at + 8, at + length))).toEqual([size, size]);
      seen.push(type);
      at += length;
    }
    expect(at).toBe(icns.length);
    expect(seen).toEqual(ICNS_TYPES.map(([t]) => t));
  });
});
