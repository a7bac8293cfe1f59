import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DailyFile } from './daily-file';
import { Ring } from './ring';
import { tempDir } from './test-helpers';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.remove());

const day = (d: number, h = 12) => new Date(2025, 2, d, h).getTime();

describe('DailyFile', () => {
  it('names files by the local date of each line, including a clock that moves back', () => {
    const file = new DailyFile(path.join(tmp.dir, 'x-YYYY-MM-DD.log'));
    file.write('a\n', day(1));
    file.write('b\n', day(2));
    file.write('c\n', day(1, 23));
    file.close();
    expect(fs.readFileSync(path.join(tmp.dir, 'x-2025-03-01.log'), 'utf8')).toBe('a\nc\n');
    expect(fs.readFileSync(path.join(tmp.dir, 'x-2025-03-02.log'), 'utf8')).toBe('b\n');
  });

  it('keeps one file across days when the template has no date', () => {
    const file = new DailyFile(path.join(tmp.dir, 'plain.log'));
    file.write('a\n', day(1));
    file.write('b\n', day(5));
    file.close();
    expect(fs.readFileSync(path.join(tmp.dir, 'plain.log'), 'utf8')).toBe('a\nb\n');
  });

  it('retries a failed open after a pause, and reports recovery', () => {
    const dir = path.join(tmp.dir, 'later');
    fs.writeFileSync(dir, 'blocks the directory');
    const problems: (string | null)[] = [];
    const file = new DailyFile(path.join(dir, 'x.log'), (p) => problems.push(p));

    file.write('lost\n', day(1));
    expect(file.problem()).toMatch(/cannot open log file/);
    fs.rmSync(dir);
    file.write('still waiting\n', day(1) + 1000);
    expect(fs.existsSync(path.join(dir, 'x.log'))).toBe(false);

    file.write('back\n', day(1) + 61_000);
    file.close();
    expect(file.problem()).toBeNull();
    expect(problems).toEqual([expect.stringMatching(/cannot open/), null]);
    expect(fs.readFileSync(path.join(dir, 'x.log'), 'utf8')).toBe('back\n');
  });

  it.runIf(process.platform !== 'win32')('refuses to follow a symlink planted at the log path', () => {
    const target = path.join(tmp.dir, 'victim');
    fs.writeFileSync(target, '');
    fs.symlinkSync(target, path.join(tmp.dir, 'x.log'));
    const file = new DailyFile(path.join(tmp.dir, 'x.log'));
    file.write('nope\n', day(1));
    file.close();
    expect(file.problem()).toMatch(/cannot open log file/);
    expect(fs.readFileSync(target, 'utf8')).toBe('');
  });
});

describe('Ring', () => {
  it('keeps the newest items up to its capacity', () => {
    const ring = new Ring<number>(3);
    for (let i = 1; i <= 5; i++) ring.push(i);
    expect(ring.size).toBe(3);
    expect([...ring.newestFirst()]).toEqual([5, 4, 3]);
    ring.clear();
    expect([...ring.newestFirst()]).toEqual([]);
    expect(() => new Ring(0)).toThrow(RangeError);
  });
});
