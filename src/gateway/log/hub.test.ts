import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogHub, type LogHub, type LogHubOptions } from './hub';
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

// Local-time constructors: the file name must follow the local date, whatever the machine's time zone.
const JAN15_LATE = new Date(2025, 0, 15, 23, 59, 58);
const JAN16_EARLY = new Date(2025, 0, 16, 0, 0, 1);

function makeHub(opts: Partial<LogHubOptions> = {}): LogHub {
  const hub = createLogHub({ file: path.join(tmp.dir, 'logs', 'openclaw-YYYY-MM-DD.log'), ...opts });
  hubs.push(hub);
  return hub;
}

describe('log file', () => {
  it("writes JSON lines to the file named with today's local date, dir 0700 and file 0600", () => {
    const t = clock(JAN15_LATE);
    const hub = makeHub({ now: t.now });
    const file = path.join(tmp.dir, 'logs', 'openclaw-2025-01-15.log');
    expect(hub.currentFile()).toBe(file);

    hub.root.info({ port: 18789 }, 'gateway started');
    const [line] = readJsonLines(file);
    expect(line).toMatchObject({
      level: 30,
      time: JAN15_LATE.getTime(),
      port: 18789,
      msg: 'gateway started',
    });
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(hub.fileError()).toBeNull();
  });

  it('rotates to a new file when the local date changes', () => {
    const t = clock(JAN15_LATE);
    const hub = makeHub({ now: t.now });
    const log = hub.child('web-heartbeat');
    log.info('before midnight');
    t.set(JAN16_EARLY);
    log.info('after midnight');
    expect(hub.currentFile()).toMatch(/openclaw-2025-01-16\.log$/);

    const day1 = readJsonLines(path.join(tmp.dir, 'logs', 'openclaw-2025-01-15.log'));
    const day2 = readJsonLines(path.join(tmp.dir, 'logs', 'openclaw-2025-01-16.log'));
    expect(day1.map((l) => l.msg)).toEqual(['before midnight']);
    expect(day2.map((l) => l.msg)).toEqual(['after midnight']);
  });

  it('appends to an existing file of the same day', () => {
    const t = clock(JAN15_LATE);
    makeHub({ now: t.now }).root.info('first process');
    makeHub({ now: t.now }).root.info('second process');
    const lines = readJsonLines(path.join(tmp.dir, 'logs', 'openclaw-2025-01-15.log'));
    expect(lines.map((l) => l.msg)).toEqual(['first process', 'second process']);
  });

  it('does not throw when the file cannot be opened, and reports why', () => {
    const blocker = path.join(tmp.dir, 'blocker');
    fs.writeFileSync(blocker, 'a regular file where a directory should be');
    const out = recorder();
    const hub = makeHub({ file: path.join(blocker, 'sub', 'openclaw-YYYY-MM-DD.log'), console: out.stream });

    expect(() => hub.child('whatsapp/inbound').info('still logged')).not.toThrow();
    expect(hub.fileError()).toMatch(/cannot open log file .*blocker/);
    expect(hub.tail().map((e) => [e.subsystem, e.level])).toEqual([
      ['log', 'warn'],
      ['whatsapp/inbound', 'info'],
    ]);
    expect(out.text()).toContain('still logged');

    hub.configure({ file: path.join(tmp.dir, 'ok-YYYY-MM-DD.log') });
    expect(hub.fileError()).toBeNull();
    hub.root.info('to the new file');
    expect(readJsonLines(hub.currentFile()).map((l) => l.msg)).toEqual(['to the new file']);
  });

  it.runIf(process.platform === 'linux')('close releases the file handle', async () => {
    const hub = makeHub();
    hub.root.info('hello');
    const file = hub.currentFile();
    const openHandles = () =>
      fs.readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return fs.readlinkSync(`/proc/self/fd/${fd}`) === file;
        } catch {
          return false;
        }
      });
    expect(openHandles()).toHaveLength(1);
    await hub.close();
    expect(openHandles()).toHaveLength(0);
    hub.root.info('after close');
    expect(readJsonLines(file).map((l) => l.msg)).toEqual(['hello']);
  });
});

describe('subsystems and tail', () => {
  it('child loggers carry their subsystem in the file and in tail()', () => {
    const hub = makeHub();
    hub.child('whatsapp/outbound').info({ chunks: 2 }, 'sent');
    hub.root.info('root line');
    expect(readJsonLines(hub.currentFile()).map((l) => l.subsystem)).toEqual([
      'whatsapp/outbound',
      undefined,
    ]);
    const [sent, rootLine] = hub.tail();
    expect(sent).toMatchObject({
      subsystem: 'whatsapp/outbound',
      level: 'info',
      msg: 'sent',
      fields: { chunks: 2 },
    });
    expect(sent?.fields).not.toHaveProperty('pid');
    expect(sent?.fields).not.toHaveProperty('hostname');
    expect(rootLine).toEqual({
      time: expect.any(Number),
      level: 'info',
      subsystem: 'gateway',
      msg: 'root line',
    });
  });

  it('filters by subsystem, minimum level and limit, newest last', () => {
    const hub = makeHub({ level: 'debug' });
    const a = hub.child('a');
    const b = hub.child('b');
    a.debug('a1');
    b.info('b1');
    a.warn('a2');
    a.error('a3');
    b.fatal('b2');
    const msgs = (opts?: Parameters<LogHub['tail']>[0]) => hub.tail(opts).map((e) => e.msg);
    expect(msgs()).toEqual(['a1', 'b1', 'a2', 'a3', 'b2']);
    expect(msgs({ subsystem: 'a' })).toEqual(['a1', 'a2', 'a3']);
    expect(msgs({ minLevel: 'warn' })).toEqual(['a2', 'a3', 'b2']);
    expect(msgs({ subsystem: 'a', minLevel: 'warn', limit: 1 })).toEqual(['a3']);
    expect(msgs({ limit: 2 })).toEqual(['a3', 'b2']);
    expect(msgs({ subsystem: 'none' })).toEqual([]);
  });

  it('defaults to the newest 200 and keeps at most ringSize entries', () => {
    const big = makeHub();
    for (let i = 0; i < 250; i++) big.root.info(`line ${i}`);
    expect(big.tail()).toHaveLength(200);
    expect(big.tail().at(-1)?.msg).toBe('line 249');

    const small = makeHub({ ringSize: 5 });
    for (let i = 0; i < 12; i++) small.root.info(`line ${i}`);
    expect(small.tail({ limit: 100 }).map((e) => e.msg)).toEqual([
      'line 7',
      'line 8',
      'line 9',
      'line 10',
      'line 11',
    ]);
  });
});

describe('levels, console and listeners', () => {
  it('hot-reloads the level, reaching children created earlier', () => {
    const hub = makeHub({ level: 'info' });
    const log = hub.child('config');
    log.debug('hidden');
    hub.configure({ level: 'debug' });
    log.debug('shown');
    expect(hub.tail().map((e) => e.msg)).toEqual(['shown']);
    hub.configure({ level: undefined });
    log.debug('hidden again');
    expect(hub.tail().map((e) => e.msg)).toEqual(['shown']);
  });

  it('prints one human line per entry at the console level', () => {
    const out = recorder();
    const hub = makeHub({
      console: out.stream,
      now: () => new Date(2025, 0, 15, 9, 5, 7),
      consoleLevel: 'warn',
    });
    const log = hub.child('whatsapp/inbound');
    log.info('not on the console');
    log.warn({ from: '+15550001', text: 'two words', n: 3, media: { kind: 'image' } }, 'dropped');
    log.error({ err: new Error('boom') }, 'failed');
    expect(out.lines()).toEqual([
      '09:05:07 warn  whatsapp/inbound dropped from=+15550001 text="two words" n=3 media={"kind":"image"}',
      '09:05:07 error whatsapp/inbound failed err="Error: boom"',
    ]);
    expect(hub.tail()).toHaveLength(3);
  });

  it('can show more on the console than goes to the file', () => {
    const out = recorder();
    const hub = makeHub({ console: out.stream, level: 'info', consoleLevel: 'debug' });
    hub.root.debug('console only');
    expect(out.text()).toContain('console only');
    expect(hub.tail()).toEqual([]);
    expect(fs.readFileSync(hub.currentFile(), 'utf8')).toBe('');
  });

  it('keeps logging when a listener throws, and does not loop when a listener logs', () => {
    const hub = makeHub();
    const seen: string[] = [];
    hub.onEntry(() => {
      throw new Error('broken subscriber');
    });
    const off = hub.onEntry((entry) => {
      seen.push(entry.msg);
      hub.child('listener').info(`echo ${entry.msg}`);
    });
    hub.root.info('one');
    off();
    hub.root.info('two');
    expect(seen).toEqual(['one']);
    expect(hub.tail().map((e) => e.msg)).toEqual(['one', 'echo one', 'two']);
  });

  it('survives a console stream that errors', async () => {
    const out = recorder();
    const hub = makeHub({ console: out.stream });
    out.stream.destroy(new Error('EPIPE'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(() => hub.root.info('after the pipe closed')).not.toThrow();
    expect(hub.tail().at(-1)?.msg).toBe('after the pipe closed');
  });
});
