import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatConsoleArgs, installConsoleGuard } from './console-guard';
import { createLogHub, type LogHub } from './hub';
import { readJsonLines, tempDir } from './test-helpers';

let tmp: ReturnType<typeof tempDir>;
let hub: LogHub;
const undo: Array<() => void> = [];
beforeEach(() => {
  tmp = tempDir();
  hub = createLogHub({ file: path.join(tmp.dir, 'openclaw-YYYY-MM-DD.log'), level: 'debug' });
});
afterEach(async () => {
  for (const fn of undo.splice(0).reverse()) fn();
  await hub.close();
  tmp.remove();
});

/** A stand-in console, so these tests never touch the real one vitest reports through. */
function fakeConsole() {
  const printed: string[] = [];
  const print = (...args: unknown[]) => printed.push(args.map(String).join(' '));
  const target = {
    log: print,
    info: print,
    warn: print,
    error: print,
    debug: print,
    trace: print,
    dir: print,
  };
  return { target: target as unknown as Console, printed };
}

function guard(target: Console, log = hub.child('console')) {
  const remove = installConsoleGuard(log, target);
  undo.push(remove);
  return remove;
}

// The shape libsignal prints: a class instance whose fields hold Buffers of key material.
class SessionEntry {
  registrationId = 1234;
  currentRatchet = { rootKey: randomBytes(32), ephemeralKeyPair: { privKey: randomBytes(32) } };
}

describe('console guard', () => {
  it('routes console lines to the logger: key-carrying objects and bytes never printed, libsignal noise at debug', () => {
    const { target, printed } = fakeConsole();
    guard(target);
    const session = new SessionEntry();
    const key = randomBytes(32);
    target.info('Closing session:', session);
    target.log('raw key', key, 'as text', key.toString('base64'), key.toString('hex'));
    target.error('Session error:Error: Bad MAC');
    target.warn('something else', { jid: '1555@s.whatsapp.net', n: 2 });

    expect(printed).toEqual([]);
    const lines = readJsonLines(hub.currentFile());
    expect(lines.map((l) => [l.level, l.subsystem, l.msg])).toEqual([
      [20, 'console', 'Closing session: <redacted SessionEntry>'],
      [30, 'console', 'raw key <redacted 32 bytes> as text <redacted 44 chars> <redacted 64 chars>'],
      [20, 'console', 'Session error:Error: Bad MAC'],
      [40, 'console', "something else { jid: '1555@s.whatsapp.net', n: 2 }"],
    ]);
    const text = JSON.stringify(lines);
    for (const secret of [
      session.currentRatchet.rootKey,
      session.currentRatchet.ephemeralKeyPair.privKey,
      key,
    ]) {
      expect(text).not.toContain(secret.toString('hex'));
      expect(text).not.toContain(secret.toString('base64'));
    }
  });

  it('formats nested values without bytes, key-named fields, error properties or unbounded depth', () => {
    const err = Object.assign(new Error('untrusted'), { identityKey: randomBytes(33) });
    const text = formatConsoleArgs([
      { list: [new Uint8Array(16)], nested: { keyPair: { pub: 1 } }, a: { b: { c: { d: { e: 1 } } } } },
      err,
    ]);
    expect(text).toContain('list: [ <redacted 16 bytes> ]');
    expect(text).toContain('nested: <redacted Object>');
    expect(text).toContain('d: […]');
    expect(text).toContain('Error: untrusted');
    expect(text).not.toMatch(/identityKey|<Buffer/);
  });

  it('puts the original console back when the last gateway stops, keeping what others installed since', () => {
    const { target, printed } = fakeConsole();
    const { info: originalInfo, warn: originalWarn } = target;
    const first = guard(target, hub.child('console'));
    const second = guard(target, hub.child('second'));
    target.info('to the newest');
    second();
    target.info('to the first again');
    // A test's spy installed while the guard runs stays in place afterwards.
    const spy = () => undefined;
    target.warn = spy;
    first();
    first();
    expect(target.info).toBe(originalInfo);
    expect(target.warn).toBe(spy);
    expect(target.warn).not.toBe(originalWarn);
    target.info('printed');
    expect(printed).toEqual(['printed']);
    expect(hub.tail().map((e) => [e.subsystem, e.msg])).toEqual([
      ['second', 'to the newest'],
      ['console', 'to the first again'],
    ]);
  });

  it('drops a console line logged while one is being routed, instead of looping', () => {
    const { target } = fakeConsole();
    guard(target);
    hub.onEntry((entry) => {
      if (entry.msg === 'outer') target.info('inner');
    });
    target.info('outer');
    expect(hub.tail().map((e) => e.msg)).toEqual(['outer']);
  });
});
