import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensurePrivateDir, writeFileAtomic } from './atomic-write';

let dir: string;
beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'oc-atomic-'));
});
afterEach(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

const modeOf = async (p: string): Promise<number> => (await fsp.stat(p)).mode & 0o777;

describe('writeFileAtomic', () => {
  it('writes the data with mode 0600 and leaves no temp files behind', async () => {
    const file = path.join(dir, 'a.json');
    await writeFileAtomic(file, '{"a":1}');
    expect(await fsp.readFile(file, 'utf8')).toBe('{"a":1}');
    expect(await modeOf(file)).toBe(0o600);
    expect(await fsp.readdir(dir)).toEqual(['a.json']);
  });

  it('replaces an existing file (new inode) and tightens its mode', async () => {
    const file = path.join(dir, 'a.json');
    await fsp.writeFile(file, 'old', { mode: 0o644 });
    const before = (await fsp.stat(file)).ino;
    await writeFileAtomic(file, Buffer.from('new'));
    expect(await fsp.readFile(file, 'utf8')).toBe('new');
    expect(await modeOf(file)).toBe(0o600);
    expect((await fsp.stat(file)).ino).not.toBe(before);
    expect(await fsp.readdir(dir)).toEqual(['a.json']);
  });

  it('honours an explicit mode', async () => {
    const file = path.join(dir, 'pub.txt');
    await writeFileAtomic(file, 'x', { mode: 0o640 });
    expect(await modeOf(file)).toBe(0o640);
  });

  it('creates missing parent directories with mode 0700', async () => {
    const file = path.join(dir, 'x', 'y', 'c.json');
    await writeFileAtomic(file, 'hi');
    expect(await fsp.readFile(file, 'utf8')).toBe('hi');
    expect(await modeOf(path.join(dir, 'x', 'y'))).toBe(0o700);
  });

  it('removes the temp file and keeps the old content when the rename fails', async () => {
    // A directory in the target's place makes rename fail after the temp file was written.
    const target = path.join(dir, 'busy');
    await fsp.mkdir(target);
    await fsp.writeFile(path.join(target, 'keep'), 'k');
    await expect(writeFileAtomic(target, 'data')).rejects.toThrow();
    expect((await fsp.readdir(dir)).sort()).toEqual(['busy']);
    expect(await fsp.readFile(path.join(target, 'keep'), 'utf8')).toBe('k');
  });

  it('writes through a symlink instead of replacing it', async () => {
    const real = path.join(dir, 'real.json');
    const link = path.join(dir, 'link.json');
    await fsp.writeFile(real, 'old');
    await fsp.symlink(real, link);
    await writeFileAtomic(link, 'new');
    expect((await fsp.lstat(link)).isSymbolicLink()).toBe(true);
    expect(await fsp.readFile(real, 'utf8')).toBe('new');
  });
});

describe('ensurePrivateDir', () => {
  it('creates the directory with mode 0700 and tightens an existing one', async () => {
    const d = path.join(dir, 'state');
    await ensurePrivateDir(d);
    expect(await modeOf(d)).toBe(0o700);
    await fsp.chmod(d, 0o755);
    await ensurePrivateDir(d);
    expect(await modeOf(d)).toBe(0o700);
  });
});
