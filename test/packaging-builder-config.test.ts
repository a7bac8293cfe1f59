// The installer configuration as electron-builder itself reads it: its loader finds electron-builder.yml, its JSON
// schema validates every key, and then the settings that make the app safe to ship are checked one by one.
// (Building an installer needs Electron's binary, which cannot be downloaded here; this is what can run.)
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { DebugLogger } from 'builder-util';
import type { Configuration } from 'electron-builder';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { APP_USER_MODEL_ID } from '../src/main/desktop-habits';

const root = fileURLToPath(new URL('..', import.meta.url));
let config: Configuration;

beforeAll(async () => {
  config = await getConfig(root, null, null);
  // Throws InvalidConfigurationError naming the key for anything the schema does not allow.
  await validateConfiguration(config, new DebugLogger(false));
});

/** Globs as strings: the loader turns a plain `files` list into [{ filter: [...] }] file sets. */
function asList(value: unknown): string[] {
  const items: unknown[] = Array.isArray(value) ? value : [value];
  return items.flatMap((item) => {
    if (typeof item === 'string') return [item];
    const filter = (item as { filter?: unknown } | null)?.filter;
    return filter === undefined ? [] : asList(filter);
  });
}

describe('electron-builder configuration', () => {
  it('names the app and uses its id as the Windows AppUserModelId', () => {
    expect(config.appId).toBe('ai.openclaw.desktop');
    expect(config.productName).toBe('OpenClaw');
    expect(APP_USER_MODEL_ID).toBe(config.appId);
  });

  it('packs only the built app into an asar, with native code unpacked', () => {
    const files = asList(config.files);
    for (const glob of ['out/main/**', 'out/preload/**', 'out/renderer/**', 'package.json']) {
      expect(files).toContain(glob);
    }
    expect(files.some((f) => f.startsWith('src') || f.includes('test') || f.includes('e2e'))).toBe(false);
    expect(config.asar).toBe(true);
    const unpack = asList(config.asarUnpack);
    expect(unpack).toContain('native/electron/**');
    expect(unpack.some((g) => g.includes('better-sqlite3') && g.endsWith('*.node'))).toBe(true);
    expect(unpack).toContain('**/node_modules/@img/**');
    expect(unpack).toContain('**/node_modules/sharp/**');
    // The Node build in node_modules must survive packaging (tests and the CLI use it).
    expect(config.npmRebuild).toBe(false);
  });

  it('flips the fuses: no run-as-node, NODE_OPTIONS or inspect; asar integrity, asar only and cookie encryption', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
    });
  });

  it('builds AppImage and deb on Linux, a hardened and notarizable dmg on macOS, nsis on Windows', () => {
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.linux?.category).toBeTruthy();
    expect(config.linux?.maintainer).toMatch(/<.+@.+>/);
    expect(config.mac?.target).toEqual(['dmg']);
    expect(config.mac?.hardenedRuntime).toBe(true);
    // true = notarize when the credentials are in the environment; electron-builder skips it otherwise.
    expect(config.mac?.notarize).toBe(true);
    const entitlements = readFileSync(join(root, String(config.mac?.entitlements)), 'utf8');
    expect(entitlements).toContain('com.apple.security.cs.allow-jit');
    expect(config.win?.target).toEqual(['nsis']);
  });

  it('points at icons that exist in the sizes each platform needs', async () => {
    const linuxIcons = join(root, String(config.linux?.icon));
    for (const size of [16, 32, 48, 64, 128, 256, 512, 1024]) {
      const meta = await sharp(join(linuxIcons, `${size}x${size}.png`)).metadata();
      expect([meta.width, meta.height]).toEqual([size, size]);
    }
    const ico = readFileSync(join(root, String(config.win?.icon)));
    expect(ico.readUInt16LE(2)).toBe(1); // an icon, not a cursor
    const icoSizes = Array.from({ length: ico.readUInt16LE(4) }, (_, i) => ico[6 + 16 * i] || 256);
    expect(icoSizes).toEqual(expect.arrayContaining([16, 32, 48, 256]));
    const icns = readFileSync(join(root, String(config.mac?.icon)));
    expect(icns.toString('latin1', 0, 4)).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    for (const file of ['tray.png', 'tray@2x.png', 'tray-attention.png', 'tray-attention@2x.png']) {
      expect(existsSync(join(root, 'resources', 'tray', file))).toBe(true);
    }
  });
});
