// The runtime the desktop app ships on: a supported Electron major (the newest three get security fixes; 45 is
// current as this is written), the README saying which Node runs what, and Electron's binary found without
// require('electron'), which since Electron 42 starts a download when the binary is missing.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { installedElectron } from '../scripts/electron-binary.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string };
  devDependencies: Record<string, string>;
};
const OLDEST_SUPPORTED_ELECTRON = 43;

describe('the runtime', () => {
  it('is a supported Electron major, installed as declared', () => {
    const declared = Number(/^\^?(\d+)\./.exec(pkg.devDependencies.electron ?? '')?.[1]);
    expect(declared).toBeGreaterThanOrEqual(OLDEST_SUPPORTED_ELECTRON);
    const installed = installedElectron(ROOT);
    expect(Number(installed?.version.split('.')[0])).toBe(declared);
  });

  it('is documented: Node >= 20.19 for the gateway, CLI and tests, Node 24 inside the desktop app', () => {
    expect(pkg.engines.node).toBe('>=20.19');
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
    expect(readme).toContain('The headless gateway, the CLI and the tests run on Node ≥ 20.19');
    expect(readme).toContain('whose main process — the gateway — runs on Node 24');
  });
});

describe('installedElectron', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('tells an installed package without its binary from one with it, without downloading', () => {
    dir = mkdtempSync(join(tmpdir(), 'openclaw-electron-'));
    const electron = join(dir, 'node_modules', 'electron');
    mkdirSync(join(electron, 'dist'), { recursive: true });
    writeFileSync(join(electron, 'package.json'), '{"version":"45.6.1"}');
    expect(installedElectron(dir)).toEqual({ version: '45.6.1', binary: null });
    writeFileSync(join(electron, 'path.txt'), 'electron');
    writeFileSync(join(electron, 'dist', 'electron'), '');
    expect(installedElectron(dir)).toEqual({ version: '45.6.1', binary: join(electron, 'dist', 'electron') });
    expect(installedElectron(join(dir, 'elsewhere'))).toBeNull();
  });
});
