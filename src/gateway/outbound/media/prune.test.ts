import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { maybePrune, PREPARED_MAX_AGE_MS, pruneDir } from './prune';

const root = mkdtempSync(join(tmpdir(), 'openclaw-media-prune-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function aged(dir: string, name: string, ageMs: number): string {
  const path = join(dir, name);
  writeFileSync(path, 'x');
  const t = (Date.now() - ageMs) / 1000;
  utimesSync(path, t, t);
  return path;
}

describe('pruning prepared media', () => {
  it('removes files past the age and keeps newer ones', async () => {
    const dir = join(root, 'a');
    mkdirSync(dir);
    const old = aged(dir, 'old.jpg', PREPARED_MAX_AGE_MS + 60_000);
    const fresh = aged(dir, 'fresh.jpg', 60_000);
    expect(await pruneDir(dir)).toBe(1);
    expect([existsSync(old), existsSync(fresh)]).toEqual([false, true]);
  });

  it('prunes a folder at most once an hour, and a missing folder is nothing to do', async () => {
    const dir = join(root, 'b');
    mkdirSync(dir);
    const now = Date.now();
    expect(await maybePrune(dir, now)).toBe(0);
    aged(dir, 'old.jpg', PREPARED_MAX_AGE_MS + 60_000);
    expect(await maybePrune(dir, now + 60_000)).toBe(0);
    expect(await maybePrune(dir, now + 3600_000 + 1)).toBe(1);
    expect(await maybePrune(join(root, 'missing'))).toBe(0);
  });
});
