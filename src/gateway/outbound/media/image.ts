// Images over the cap become an image under it. The reference system sweeps a fixed grid of 5 sides × 5 JPEG
// qualities in order, decoding the source again for each try, and takes the first result under the cap. Here the
// source is decoded, rotated (EXIF) and scaled down once, and each later try starts from those pixels; the first
// encode measures how many bytes this picture costs, and the next try is the first cell of the same grid that
// the measurement predicts will fit (bytes scale with the pixel count, and with quality by a known curve), so a
// photo usually lands in one or two encodes instead of walking the grid. A PNG with transparency stays a PNG
// when one fits; GIFs never come here (re-encoding would drop the animation).
import sharp, { type Sharp } from 'sharp';

export const SIDES = [2048, 1536, 1280, 1024, 800] as const;
export const QUALITIES = [80, 70, 60, 50, 40] as const;

/** JPEG bytes at each quality relative to quality 80 (libjpeg-turbo, 4:2:0; between grainy pictures, which
 * measured 1/.74/.58/.48/.39 here, and smooth photographs, nearer 1/.8/.68/.6/.52). The search only uses it to
 * choose the next try; every result is measured before it is taken. */
const QUALITY_COST: Record<number, number> = { 80: 1, 70: 0.77, 60: 0.63, 50: 0.54, 40: 0.45 };
/** Aim this far under the cap so an estimate that is a little optimistic still fits on the first try. */
const AIM = 0.9;

export interface OptimizedImage {
  data: Buffer;
  mimetype: 'image/jpeg' | 'image/png';
  width: number;
  height: number;
  /** How many encodes it took (reported by the bench). */
  encodes: number;
  /** JPEG quality, for a JPEG. */
  quality?: number;
}

interface Pixels {
  data: Buffer;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
}

/** Decodes once: EXIF rotation applied, fitted inside the largest side of the grid, never enlarged. */
async function decode(input: Buffer, keepAlpha: boolean): Promise<Pixels> {
  let pipeline = sharp(input, { failOn: 'truncated' })
    .rotate()
    .resize({ width: SIDES[0], height: SIDES[0], fit: 'inside', withoutEnlargement: true });
  if (!keepAlpha) pipeline = pipeline.flatten({ background: '#ffffff' });
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

function fitted(px: Pixels, side: number): Sharp {
  const image = sharp(px.data, { raw: { width: px.width, height: px.height, channels: px.channels } });
  if (Math.max(px.width, px.height) <= side) return image;
  return image.resize({ width: side, height: side, fit: 'inside' });
}

/** The pixel count an image of `px` gets when fitted inside `side` (never enlarged). */
function pixelsAt(px: Pixels, side: number): number {
  const scale = Math.min(1, side / Math.max(px.width, px.height));
  return Math.max(1, Math.round(px.width * scale)) * Math.max(1, Math.round(px.height * scale));
}

interface Cell {
  side: number;
  quality: number;
}

/** The grid in the reference order, without cells that give the same picture as an earlier side (a small image
 * is not enlarged, so every side at or above its own size is the same try). */
function grid(px: Pixels): Cell[] {
  const cells: Cell[] = [];
  const seen = new Set<number>();
  for (const side of SIDES) {
    const n = pixelsAt(px, side);
    if (seen.has(n)) continue;
    seen.add(n);
    for (const quality of QUALITIES) cells.push({ side, quality });
  }
  return cells;
}

async function encodeJpeg(px: Pixels, cell: Cell): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await fitted(px, cell.side)
    .jpeg({ quality: cell.quality, chromaSubsampling: '4:2:0' })
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** A JPEG under `maxBytes`, or null when even the smallest cell of the grid is over it. */
export async function searchJpeg(
  px: Pixels,
  maxBytes: number,
  encodesSoFar = 0,
): Promise<OptimizedImage | null> {
  const cells = grid(px);
  let encodes = encodesSoFar;
  let index = 0;
  // The latest measurement: a cell and what it cost. Estimates for other cells scale from it.
  let anchor: { cell: Cell; bytes: number } | undefined;
  while (index < cells.length) {
    if (anchor) {
      const from = anchor;
      const estimate = (cell: Cell) =>
        (from.bytes *
          (pixelsAt(px, cell.side) / pixelsAt(px, from.cell.side)) *
          QUALITY_COST[cell.quality]!) /
        QUALITY_COST[from.cell.quality]!;
      // The first later cell predicted to fit; the last cell when none is (it is tried before giving up).
      let next = cells.findIndex((cell, i) => i >= index && estimate(cell) <= maxBytes * AIM);
      if (next < 0) next = cells.length - 1;
      index = next;
    }
    const cell = cells[index]!;
    const out = await encodeJpeg(px, cell);
    encodes += 1;
    if (out.data.length <= maxBytes)
      return { ...out, mimetype: 'image/jpeg', encodes, quality: cell.quality };
    anchor = { cell, bytes: out.data.length };
    index += 1;
  }
  return null;
}

/** A PNG (transparency kept) under the cap at the first side that fits: full colour, then a 256-colour palette
 * with alpha (what PNG optimizers do), else null so the caller falls back to JPEG. */
async function searchPng(
  px: Pixels,
  maxBytes: number,
): Promise<{ image: OptimizedImage | null; encodes: number }> {
  let encodes = 0;
  for (const palette of [false, true]) {
    for (const side of SIDES) {
      if (side < SIDES[0] && pixelsAt(px, side) === pixelsAt(px, SIDES[0])) continue;
      const { data, info } = await fitted(px, side)
        .png({ compressionLevel: 9, palette, effort: palette ? 4 : 7 })
        .toBuffer({ resolveWithObject: true });
      encodes += 1;
      if (data.length <= maxBytes) {
        return {
          image: { data, mimetype: 'image/png', width: info.width, height: info.height, encodes },
          encodes,
        };
      }
      // A full-colour PNG is only worth one more side when it was close; the palette pass is the real try.
      if (!palette && data.length > maxBytes * 2) break;
    }
  }
  return { image: null, encodes };
}

/**
 * An image over `maxBytes` made to fit: a PNG with transparency as a PNG when one fits, otherwise a JPEG.
 * Returns null when nothing in the grid fits (the caller reports it as too large).
 */
export async function optimizeImage(input: Buffer, maxBytes: number): Promise<OptimizedImage | null> {
  const meta = await sharp(input, { failOn: 'truncated' }).metadata();
  let encodes = 0;
  if (meta.format === 'png' && meta.hasAlpha) {
    const rgba = await decode(input, true);
    const png = await searchPng(rgba, maxBytes);
    if (png.image) return png.image;
    encodes = png.encodes;
  }
  return searchJpeg(await decode(input, false), maxBytes, encodes);
}

/** Re-encodes an image WhatsApp would not show (TIFF, AVIF, HEIF, SVG…) as a JPEG, EXIF rotation applied. */
export async function toJpeg(input: Buffer, maxBytes: number): Promise<OptimizedImage | null> {
  const px = await decode(input, false);
  const { data, info } = await sharp(px.data, {
    raw: { width: px.width, height: px.height, channels: px.channels },
  })
    .jpeg({ quality: QUALITIES[0] })
    .toBuffer({ resolveWithObject: true });
  if (data.length <= maxBytes) {
    return {
      data,
      mimetype: 'image/jpeg',
      width: info.width,
      height: info.height,
      encodes: 1,
      quality: QUALITIES[0],
    };
  }
  return searchJpeg(px, maxBytes, 1);
}
