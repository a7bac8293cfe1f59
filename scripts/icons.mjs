// Generates every icon the installers and the tray need from the masters in resources/ (icon.png, tray.png,
// tray-attention.png) with sharp, so no platform tool (iconutil, ImageMagick) is needed: PNGs 16–1024 for Linux
// and the docs, a Windows .ico and a macOS .icns, both written here as containers of PNG images (ICO has allowed PNG
// entries since Vista; ICNS types ic07–ic14 hold PNG data), and tray icons at 1x/2x for HiDPI screens.
// The outputs are committed; run `node scripts/icons.mjs` again after changing a master.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

export const APP_PNG_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];
/** ICNS element types holding PNG data, by pixel size (the @2x types share a size with the next one up). */
export const ICNS_TYPES = [
  ['ic11', 32],
  ['ic12', 64],
  ['ic07', 128],
  ['ic13', 256],
  ['ic08', 256],
  ['ic14', 512],
  ['ic09', 512],
  ['ic10', 1024],
];
/** Tray icons: 16 pt on macOS and at 100 % on Windows/Linux, `@2x` picked by Electron on HiDPI screens. */
export const TRAY_SIZES = [
  ['', 16],
  ['@2x', 32],
  ['@3x', 48],
];

async function pngAt(master, size) {
  return sharp(master)
    .resize(size, size, { fit: 'contain', background: { r: 0, g: 0, b: 0, alpha: 0 }, kernel: 'lanczos3' })
    .png({ compressionLevel: 9 })
    .toBuffer();
}

/** A Windows icon: the ICONDIR header, one 16-byte entry per image, then the PNG data. */
export function buildIco(images) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // 1 = icon
  header.writeUInt16LE(images.length, 4);
  const entries = [];
  let offset = 6 + 16 * images.length;
  for (const { size, png } of images) {
    const entry = Buffer.alloc(16);
    entry.writeUInt8(size >= 256 ? 0 : size, 0); // 0 means 256
    entry.writeUInt8(size >= 256 ? 0 : size, 1);
    entry.writeUInt8(0, 2); // no palette
    entry.writeUInt8(0, 3);
    entry.writeUInt16LE(1, 4); // colour planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(png.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += png.length;
    entries.push(entry);
  }
  return Buffer.concat([header, ...entries, ...images.map((i) => i.png)]);
}

/** A macOS icon: 'icns' and the total length, then per image a 4-byte type, its length (header included), data. */
export function buildIcns(images) {
  const parts = images.map(({ type, png }) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'latin1');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'latin1');
  head.writeUInt32BE(8 + parts.reduce((n, p) => n + p.length, 0), 4);
  return Buffer.concat([head, ...parts]);
}

/** Writes every generated icon under `resourcesDir`; returns the paths written, relative to it. */
export async function generateIcons(resourcesDir, outDir = resourcesDir) {
  const master = join(resourcesDir, 'icon.png');
  const written = [];
  const write = async (relative, data) => {
    await mkdir(join(outDir, relative, '..'), { recursive: true });
    await writeFile(join(outDir, relative), data);
    written.push(relative);
  };
  const pngs = new Map();
  for (const size of APP_PNG_SIZES) {
    const png = await pngAt(master, size);
    pngs.set(size, png);
    // electron-builder reads a Linux icon folder of <size>x<size>.png files.
    await write(join('icons', `${size}x${size}.png`), png);
  }
  await write('icon.ico', buildIco(ICO_SIZES.map((size) => ({ size, png: pngs.get(size) }))));
  await write('icon.icns', buildIcns(ICNS_TYPES.map(([type, size]) => ({ type, png: pngs.get(size) }))));
  for (const name of ['tray', 'tray-attention']) {
    for (const [suffix, size] of TRAY_SIZES) {
      await write(join('tray', `${name}${suffix}.png`), await pngAt(join(resourcesDir, `${name}.png`), size));
    }
  }
  return written;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const resources = fileURLToPath(new URL('../resources/', import.meta.url));
  const written = await generateIcons(resources);
  process.stdout.write(`wrote ${written.length} icons under resources/\n`);
}
