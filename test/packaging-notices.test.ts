// The third-party notices generated at build time, on this checkout's real package-lock.json and node_modules.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectNotices, licenceOf, writeNotices, type Notices } from '../scripts/notices.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
let out: string;
let notices: Notices;

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'notices-'));
  notices = writeNotices(root, out);
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('third-party notices', () => {
  it('names libsignal as GPL-3.0 with its licence text', () => {
    const libsignal = notices.packages.find((p) => p.name === 'libsignal');
    expect(libsignal?.license).toBe('GPL-3.0');
    expect(libsignal?.texts.map((t) => t.text).join('\n')).toMatch(/GNU GENERAL PUBLIC LICENSE/i);
  });

  it("names sharp's libvips build for this platform as LGPL-3.0", () => {
    const libvips = notices.packages.filter((p) => p.name.startsWith('@img/sharp-libvips-'));
    expect(libvips.length).toBeGreaterThan(0);
    for (const p of libvips) expect(p.license).toMatch(/^LGPL-3\.0/);
  });

  it('lists production packages only, each once with a version and a licence, sorted by name', () => {
    const names = notices.packages.map((p) => p.name);
    for (const prod of ['@whiskeysockets/baileys', 'better-sqlite3', 'sharp', 'zod', 'ws'])
      expect(names).toContain(prod);
    for (const dev of ['vitest', 'electron', 'electron-builder', 'typescript', 'react', 'eslint']) {
      expect(names).not.toContain(dev);
    }
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
    const keys = notices.packages.map((p) => `${p.name}@${p.version}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const p of notices.packages) {
      expect(p.version).not.toBe('');
      expect(p.license).not.toBe('');
    }
    expect(notices.app).toMatchObject({ name: 'OpenClaw', license: 'MIT' });
  });

  it('writes the JSON the About screen reads and a text file for people', () => {
    const json = JSON.parse(readFileSync(join(out, 'THIRD_PARTY_NOTICES.json'), 'utf8')) as Notices;
    expect(json.packages.length).toBe(notices.packages.length);
    const text = readFileSync(join(out, 'THIRD_PARTY_NOTICES.txt'), 'utf8');
    expect(text).toContain('libsignal 6.0.0 — GPL-3.0');
    expect(text).toMatch(/@img\/sharp-libvips-\S+ \S+ — LGPL-3\.0/);
  });

  it('reads the licence from SPDX strings, legacy objects and arrays', () => {
    expect(licenceOf({ license: 'MIT' })).toBe('MIT');
    expect(licenceOf({ license: { type: 'BSD-2-Clause' } })).toBe('BSD-2-Clause');
    expect(licenceOf({ licenses: [{ type: 'MIT' }, { type: 'Apache-2.0' }] })).toBe('(MIT OR Apache-2.0)');
    expect(licenceOf({})).toBe('UNKNOWN');
  });

  it('says what is wrong with a lock file that has no packages map', () => {
    const dir = mkdtempSync(join(tmpdir(), 'notices-lock-'));
    try {
      writeFileSync(join(dir, 'package-lock.json'), JSON.stringify({ lockfileVersion: 1, dependencies: {} }));
      writeFileSync(join(dir, 'package.json'), '{}');
      expect(() => collectNotices(dir)).toThrow(
        /package-lock\.json: no "packages" map \(lockfileVersion 1\)/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
