// The log folder in a shared place: refused when it is not ours or is reached through a symbolic link (then the
// per-user fallback is used and said once), tightened when it is ours but open to others, and pruned to maxFiles.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogHub, type LogHub, type LogHubOptions } from './hub';
import { readableLogFile } from './log-folder';
import { clock, readJsonLines, recorder, tempDir } from './test-helpers';

let tmp: ReturnType<typeof tempDir>;
const hubs: LogHub[] = [];
beforeEach(() => {
  tmp = tempDir();
});
afterEach(async () => {
  for (const hub of hubs.splice(0)) await hub.close();
  tmp.remove();
});

const NOBODY = 65534;
// chown to another user needs root; the suite runs as root here. Elsewhere those cases say why they did not run.
const asRoot = process.getuid?.() === 0;
const onUnix = process.platform !== 'win32';
const JAN15 = new Date(2025, 0, 15, 12);

function makeHub(dir: string, opts: Partial<LogHubOptions> = {}) {
  const out = recorder();
  const hub = createLogHub({
    file: path.join(dir, 'openclaw-YYYY-MM-DD.log'),
    fallbackDir: path.join(tmp.dir, 'state', 'logs'),
    console: out.stream,
    now: () => JAN15,
    ...opts,
  });
  hubs.push(hub);
  return { hub, out };
}

const fallback = () => path.join(tmp.dir, 'state', 'logs', 'openclaw-2025-01-15.log');
const mode = (p: string) => fs.statSync(p).mode & 0o777;

/** Writes a line, then checks it went to the fallback file, and what was said about it, once. */
function expectFellBack(hub: LogHub, out: ReturnType<typeof recorder>, refused: string, reason: RegExp) {
  hub.root.info('a line');
  hub.root.info('another line');
  expect(hub.currentFile()).toBe(fallback());
  expect(hub.fileError()).toBeNull();
  const warnings = hub.tail({ subsystem: 'log' });
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toMatchObject({ level: 'warn' });
  const said = warnings[0]!.msg;
  expect(said).toContain(refused);
  expect(said).toMatch(reason);
  expect(said).toContain(fallback());
  expect(out.lines().filter((l) => l.includes(said))).toHaveLength(1);
  expect(readJsonLines(fallback()).map((l) => l.msg)).toEqual([said, 'a line', 'another line']);
  expect(mode(path.dirname(fallback()))).toBe(0o700);
  expect(mode(fallback())).toBe(0o600);
}

describe.runIf(onUnix)('log folder safety', () => {
  it.runIf(asRoot)('refuses a folder owned by another user (needs root to chown)', () => {
    const dir = path.join(tmp.dir, 'openclaw');
    fs.mkdirSync(dir, { mode: 0o700 });
    fs.chownSync(dir, NOBODY, NOBODY);
    const { hub, out } = makeHub(dir);
    expectFellBack(hub, out, dir, /belongs to another user \(uid 65534\)/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it.runIf(asRoot)(
    'refuses an open folder of another user rather than tightening it (needs root to chown)',
    () => {
      const dir = path.join(tmp.dir, 'openclaw');
      fs.mkdirSync(dir);
      fs.chmodSync(dir, 0o777);
      fs.chownSync(dir, NOBODY, NOBODY);
      const { hub, out } = makeHub(dir);
      expectFellBack(hub, out, dir, /belongs to another user/);
      expect(mode(dir)).toBe(0o777);
    },
  );

  it.runIf(asRoot)('refuses a log file owned by another user (needs root to chown)', () => {
    const dir = path.join(tmp.dir, 'openclaw');
    fs.mkdirSync(dir, { mode: 0o700 });
    const planted = path.join(dir, 'openclaw-2025-01-15.log');
    fs.writeFileSync(planted, '');
    fs.chownSync(planted, NOBODY, NOBODY);
    const { hub, out } = makeHub(dir);
    expectFellBack(hub, out, planted, /file belongs to another user/);
    expect(fs.readFileSync(planted, 'utf8')).toBe('');
  });

  it('refuses a folder that is a symbolic link, and writes nothing through it', () => {
    const target = path.join(tmp.dir, 'elsewhere');
    fs.mkdirSync(target, { mode: 0o700 });
    const dir = path.join(tmp.dir, 'openclaw');
    fs.symlinkSync(target, dir);
    const { hub, out } = makeHub(dir);
    expectFellBack(hub, out, dir, /symbolic link/);
    expect(fs.readdirSync(target)).toEqual([]);
  });

  it('refuses a log file that is a symbolic link, and leaves its target alone', () => {
    const dir = path.join(tmp.dir, 'openclaw');
    fs.mkdirSync(dir, { mode: 0o700 });
    const victim = path.join(tmp.dir, 'victim');
    fs.writeFileSync(victim, 'untouched');
    fs.symlinkSync(victim, path.join(dir, 'openclaw-2025-01-15.log'));
    const { hub, out } = makeHub(dir);
    expectFellBack(hub, out, path.join(dir, 'openclaw-2025-01-15.log'), /symbolic link/);
    expect(fs.readFileSync(victim, 'utf8')).toBe('untouched');
  });

  it('tightens an existing folder of ours that others could write to, and uses it', () => {
    const dir = path.join(tmp.dir, 'openclaw');
    fs.mkdirSync(dir);
    fs.chmodSync(dir, 0o777);
    const { hub } = makeHub(dir);
    hub.root.info('here');
    expect(mode(dir)).toBe(0o700);
    expect(hub.currentFile()).toBe(path.join(dir, 'openclaw-2025-01-15.log'));
    expect(readJsonLines(hub.currentFile()).map((l) => l.msg)).toEqual(['here']);
    expect(mode(hub.currentFile())).toBe(0o600);
    expect(hub.tail({ subsystem: 'log' })).toEqual([]);
  });

  it('refuses a shared folder (sticky and writable by everyone, like /tmp) instead of tightening it', () => {
    const dir = path.join(tmp.dir, 'shared');
    fs.mkdirSync(dir);
    fs.chmodSync(dir, 0o1777);
    const { hub, out } = makeHub(dir);
    expectFellBack(hub, out, dir, /shared/);
    expect(fs.statSync(dir).mode & 0o7777).toBe(0o1777);
  });

  it('says so once across days, and goes back to the configured folder when it becomes usable', () => {
    const dir = path.join(tmp.dir, 'openclaw');
    const target = path.join(tmp.dir, 'elsewhere');
    fs.mkdirSync(target);
    fs.symlinkSync(target, dir);
    const t = clock(JAN15);
    const { hub } = makeHub(dir, { now: t.now });
    hub.root.info('day one');
    t.set(new Date(2025, 0, 16, 12));
    hub.root.info('day two');
    expect(hub.currentFile()).toBe(path.join(tmp.dir, 'state', 'logs', 'openclaw-2025-01-16.log'));
    expect(hub.tail({ subsystem: 'log' })).toHaveLength(1);

    fs.unlinkSync(dir);
    t.set(new Date(2025, 0, 17, 12));
    hub.root.info('day three');
    expect(hub.currentFile()).toBe(path.join(dir, 'openclaw-2025-01-17.log'));
    expect(readJsonLines(hub.currentFile()).map((l) => l.msg)).toEqual(['day three']);
  });

  it('openclaw logs reads the fallback file when the configured one is refused or missing', () => {
    const dir = path.join(tmp.dir, 'openclaw');
    const fallbackDir = path.join(tmp.dir, 'state', 'logs');
    const primary = path.join(dir, 'openclaw-2025-01-15.log');
    expect(readableLogFile(primary, fallbackDir)).toBe(primary);
    fs.mkdirSync(fallbackDir, { recursive: true });
    fs.writeFileSync(fallback(), '');
    expect(readableLogFile(primary, fallbackDir)).toBe(fallback());
    fs.mkdirSync(dir);
    fs.writeFileSync(primary, '');
    expect(readableLogFile(primary, fallbackDir)).toBe(primary);
    fs.rmSync(primary);
    fs.symlinkSync(fallback(), primary);
    expect(readableLogFile(primary, fallbackDir)).toBe(fallback());
  });
});

describe('retention (logging.maxFiles)', () => {
  const dated = (d: Date) => {
    const pad = (n: number) => String(n).padStart(2, '0');
    return `openclaw-${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}.log`;
  };
  // 20 daily files ending the day before JAN15, and files that only look alike, which must never be touched.
  function seed(dir: string): string[] {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const names = Array.from({ length: 20 }, (_, i) => dated(new Date(2025, 0, 14 - i, 12)));
    for (const name of names) fs.writeFileSync(path.join(dir, name), '{}\n');
    for (const other of [
      'openclaw-2024-01-01.log.bak',
      'other-2024-01-01.log',
      'openclaw-2024-1-1.log',
      'notes.txt',
    ])
      fs.writeFileSync(path.join(dir, other), 'keep');
    fs.mkdirSync(path.join(dir, 'openclaw-2023-01-01.log'));
    return names;
  }
  const ours = (dir: string) =>
    fs
      .readdirSync(dir)
      .filter((n) => /^openclaw-\d{4}-\d{2}-\d{2}\.log$/.test(n) && fs.statSync(path.join(dir, n)).isFile())
      .sort();

  it('keeps the newest maxFiles daily files at start and after a rotation, and nothing else is touched', () => {
    const dir = path.join(tmp.dir, 'logs');
    const names = seed(dir);
    const t = clock(JAN15);
    const { hub } = makeHub(dir, { now: t.now, maxFiles: 14 });
    // Today's file plus the 13 newest of the old ones.
    expect(ours(dir)).toEqual([...names.slice(0, 13), dated(JAN15)].sort());

    t.set(new Date(2025, 0, 16, 12));
    hub.root.info('next day');
    expect(ours(dir)).toEqual([...names.slice(0, 12), dated(JAN15), dated(t.now())].sort());
    for (const other of [
      'openclaw-2024-01-01.log.bak',
      'other-2024-01-01.log',
      'openclaw-2024-1-1.log',
      'notes.txt',
    ])
      expect(fs.readFileSync(path.join(dir, other), 'utf8')).toBe('keep');
    expect(fs.statSync(path.join(dir, 'openclaw-2023-01-01.log')).isDirectory()).toBe(true);
  });

  it('defaults to 14, and a lower maxFiles from the config prunes at once', () => {
    const dir = path.join(tmp.dir, 'logs');
    seed(dir);
    const { hub } = makeHub(dir);
    expect(ours(dir)).toHaveLength(14);
    hub.configure({ maxFiles: 3 });
    expect(ours(dir)).toEqual(
      [dated(JAN15), dated(new Date(2025, 0, 14)), dated(new Date(2025, 0, 13))].sort(),
    );
  });
});
