import pino from 'pino';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { baileysLogger, REPEAT_LOG_INTERVAL_MS } from './baileys-log';

interface Line {
  level: number;
  msg: string;
  heldBack?: number;
  key?: { id: string };
  accountId?: string;
  class?: string;
}

function capture() {
  const lines: Line[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const text of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(text) as Line);
      done();
    },
  });
  let clock = 1_000_000;
  const base = pino({ level: 'warn' }, sink);
  const log = baileysLogger(base, { now: () => clock });
  return { lines, log, tick: (ms: number) => (clock += ms) };
}

// The two lines Baileys writes for each message it cannot decrypt (decode-wa-message.js and auth-utils.js).
function failure(log: ReturnType<typeof baileysLogger>, i: number): void {
  log.error({ key: { id: `m${i}` }, err: new Error('Bad MAC') }, 'failed to decrypt message');
  log.error({ error: {} }, 'transaction failed, rolling back');
}

describe('Baileys logger', () => {
  it('lets one decrypt-failure line per kind through per interval, and the next one says how many it held back', () => {
    const { lines, log, tick } = capture();
    for (let i = 0; i < 500; i++) {
      failure(log, i);
      tick(20); // 500 in 10 s
    }
    tick(REPEAT_LOG_INTERVAL_MS);
    failure(log, 500);

    const decrypt = lines.filter((l) => l.msg.startsWith('failed to decrypt message'));
    const rolledBack = lines.filter((l) => l.msg.startsWith('transaction failed'));
    expect(decrypt.map((l) => l.key?.id)).toEqual(['m0', 'm500']);
    expect(decrypt[1]).toMatchObject({ level: 50, heldBack: 499, msg: expect.stringMatching(/499 more/) });
    expect(rolledBack.map((l) => l.heldBack)).toEqual([undefined, 499]);
    expect(lines).toHaveLength(4);
  });

  it('drops a line whose level is off before looking at it, and does not count it as held back', () => {
    const { lines, log, tick } = capture();
    log.level = 'silent';
    const looked: string[] = [];
    const spy = {
      get fullErrorNode() {
        looked.push('fullErrorNode');
        return undefined;
      },
    };
    log.debug(spy, 'stream errored out');
    for (let i = 0; i < 5; i++) failure(log, i);
    log.level = 'warn';
    tick(REPEAT_LOG_INTERVAL_MS);
    failure(log, 5);
    expect(looked).toEqual([]);
    expect(lines.map((l) => l.heldBack)).toEqual([undefined, undefined]);
  });

  it('hands out the same child for the same bindings, keeps a bounded number, and the child still logs', () => {
    const { lines, log } = capture();
    const ns = log.child({ class: 'ns' });
    expect(log.child({ class: 'ns' })).toBe(ns);
    expect(log.child({ class: 'other' })).not.toBe(ns);
    const withObject = { detail: { nested: true } };
    expect(log.child(withObject)).not.toBe(log.child(withObject));

    for (let i = 0; i < 100; i++) log.child({ msgId: `m${i}` });
    // The oldest bindings were let go, so this is a new child; the recent ones are still the same.
    expect(log.child({ class: 'ns' })).not.toBe(ns);
    expect(log.child({ msgId: 'm99' })).toBe(log.child({ msgId: 'm99' }));

    log.child({ class: 'ns' }).warn({ id: 'w' }, 'from a cached child');
    expect(lines).toEqual([expect.objectContaining({ class: 'ns', msg: 'from a cached child' })]);
  });

  it('shares the limit with child loggers and leaves other lines alone', () => {
    const { lines, log } = capture();
    const child = log.child({ accountId: 'default' });
    failure(log, 1);
    failure(child, 2);
    for (let i = 0; i < 3; i++) child.warn({ attrs: { id: `a${i}` } }, 'received error in ack');
    expect(lines.map((l) => l.msg)).toEqual([
      'failed to decrypt message',
      'transaction failed, rolling back',
      'received error in ack',
      'received error in ack',
      'received error in ack',
    ]);
  });
});
