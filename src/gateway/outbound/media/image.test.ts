import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { optimizeImage, QUALITIES, searchJpeg, SIDES } from './image';
import { alphaPng, opaquePng, photo12mp } from './test-fixtures';

const MB = 1024 * 1024;

/** The reference system's way, for comparison: every cell of the grid in order, from the source each time. */
async function sweepEncodes(input: Buffer, maxBytes: number): Promise<number> {
  let encodes = 0;
  for (const side of SIDES) {
    for (const quality of QUALITIES) {
      const out = await sharp(input)
        .rotate()
        .resize({ width: side, height: side, fit: 'inside', withoutEnlargement: true })
        .jpeg({ quality })
        .toBuffer();
      encodes += 1;
      if (out.length <= maxBytes) return encodes;
    }
  }
  return encodes;
}

describe('optimizeImage', () => {
  it('makes a 12-megapixel photo a JPEG under 5 MB, rotated as its EXIF says, at most 2048 px', async () => {
    const input = await photo12mp({ orientation: 6 });
    expect(input.length).toBeGreaterThan(5 * MB);
    const out = await optimizeImage(input, 5 * MB);
    expect(out).not.toBeNull();
    expect(out!.data.length).toBeLessThanOrEqual(5 * MB);
    const meta = await sharp(out!.data).metadata();
    expect(meta.format).toBe('jpeg');
    // 4000 × 3000 landscape, orientation 6 → shown portrait.
    expect([meta.width, meta.height]).toEqual([1536, 2048]);
    expect(out!.encodes).toBe(1);
  });

  it('finds a size under a tight cap in fewer encodes than the 5 × 5 sweep', async () => {
    const input = await photo12mp({ blur: 0.5 });
    const cap = 300 * 1024;
    const out = await optimizeImage(input, cap);
    expect(out).not.toBeNull();
    expect(out!.data.length).toBeLessThanOrEqual(cap);
    const sweep = await sweepEncodes(input, cap);
    expect(sweep).toBeGreaterThan(3);
    expect(out!.encodes).toBeLessThan(sweep);
  });

  it('never enlarges a picture smaller than the grid', async () => {
    const input = await opaquePng(900, 700);
    const out = await optimizeImage(input, Math.floor(input.length / 3));
    expect(out?.mimetype).toBe('image/jpeg');
    const meta = await sharp(out!.data).metadata();
    expect([meta.width, meta.height]).toEqual([900, 700]);
  });

  it('keeps a PNG with transparency as a PNG when one fits under the cap', async () => {
    const input = await alphaPng(3000, 2000);
    const out = await optimizeImage(input, Math.max(1024, Math.floor(input.length / 2)));
    expect(out?.mimetype).toBe('image/png');
    const meta = await sharp(out!.data).metadata();
    expect(meta.format).toBe('png');
    expect(meta.hasAlpha).toBe(true);
    expect(Math.max(meta.width!, meta.height!)).toBeLessThanOrEqual(2048);
  });

  it('turns a PNG with transparency into a JPEG when no PNG fits', async () => {
    const input = await alphaPng(1200, 1000, true);
    const out = await optimizeImage(input, 200 * 1024);
    expect(out?.mimetype).toBe('image/jpeg');
    expect(out!.data.length).toBeLessThanOrEqual(200 * 1024);
  });

  it('gives null when even the smallest, lowest-quality cell is over the cap', async () => {
    const input = await opaquePng(1000, 1000);
    expect(await optimizeImage(input, 1000)).toBeNull();
  });

  it('searchJpeg counts the encodes it already spent', async () => {
    const { data, info } = await sharp(await opaquePng(400, 300))
      .raw()
      .toBuffer({ resolveWithObject: true });
    const out = await searchJpeg({ data, width: info.width, height: info.height, channels: 3 }, 10 * MB, 2);
    expect(out?.encodes).toBe(3);
  });
});
