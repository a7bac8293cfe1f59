// The run queue against a real state.db file: the accepted table is its queue, so every test hands messages on the
// way inbound does (insertInbox + handOff) and a run settles them the way the service does (settleAccepted).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ranStatements } from '../../../test/support/statements';
import { openStore, type Store } from '../store/db';
import type { AcceptedRow } from '../store/queries/inbox';
import { countUnconsumed, settleAccepted } from '../store/queries/sessions';
import { RunQueue, type QueueDeps, type RunEnd } from './queue';
import { handOn } from './service-test-support';

let dir: string;
let store: Store;
let queue: RunQueue | null;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openclaw-queue-'));
  store = openStore(path.join(dir, 'state.db'));
  queue = null;
});
afterEach(async () => {
  vi.restoreAllMocks();
  await queue?.stop();
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Hands one message on as inbound does; `chat` is a phone number's digits or a group id. */
const accept = (chat: string, text: string, opts: { at?: number; media?: boolean; session?: string } = {}) =>
  handOn(store, chat, text, opts);

interface Started {
  seqs: number[];
  signal: AbortSignal;
  finish(end?: RunEnd): void;
}

/** A queue whose runs wait until the test finishes them; each finished run settles its rows as answered. */
function makeQueue(over: Partial<QueueDeps> = {}) {
  const started: Started[] = [];
  const waiters: Array<() => void> = [];
  const q = new RunQueue({
    db: store.db,
    log: pino({ level: 'silent' }),
    now: () => 1000,
    debounceMs: () => 0,
    maxConcurrent: () => 4,
    maxAgeMs: () => 3_600_000,
    canRun: () => true,
    expire: () => undefined,
    run: (batch: AcceptedRow[], signal) =>
      new Promise<RunEnd>((resolve) => {
        const finish = (end: RunEnd = 'done') => {
          if (end === 'done')
            for (const r of batch)
              settleAccepted(store.db, {
                acceptedSeq: r.seq,
                sessionKey: r.sessionKey,
                state: 'answered',
                now: 2000,
              });
          resolve(end);
        };
        signal.addEventListener('abort', () => resolve('stopped'));
        started.push({ seqs: batch.map((r) => r.seq), signal, finish });
        waiters.splice(0).forEach((w) => w());
      }),
    ...over,
  });
  queue = q;
  /** Resolves once `count` runs have started in all. */
  const runs = async (count: number) => {
    while (started.length < count) await new Promise<void>((r) => waiters.push(r));
    return started;
  };
  return { q, started, runs };
}

/** Lets the queue's scheduled scans run. */
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

describe('RunQueue', () => {
  it('runs one session once at a time and folds what arrived meanwhile into one follow-up run', async () => {
    const { q, started, runs } = makeQueue();
    const first = accept('15550001', 'one');
    q.kick();
    await runs(1);
    const later = [accept('15550001', 'two'), accept('15550001', 'three'), accept('15550001', 'four')];
    q.kick();
    await settle();
    expect(started.map((s) => s.seqs)).toEqual([[first]]);
    expect(q.runningSeqs()).toEqual(new Set([first]));

    started[0]!.finish();
    await runs(2);
    await settle();
    expect(started.map((s) => s.seqs)).toEqual([[first], later]);
    started[1]!.finish();
    await settle();
    expect(started).toHaveLength(2);
    expect(countUnconsumed(store.db)).toBe(0);
  });

  it('runs different sessions side by side, at most maxConcurrent at once', async () => {
    const { q, started, runs } = makeQueue({ maxConcurrent: () => 2 });
    const seqs = [accept('15550011', 'a'), accept('15550012', 'b'), accept('15550013', 'c')];
    q.kick();
    await runs(2);
    await settle();
    expect(started.map((s) => s.seqs)).toEqual([[seqs[0]], [seqs[1]]]);
    started[1]!.finish();
    await runs(3);
    expect(started[2]!.seqs).toEqual([seqs[2]]);
  });

  it('waits debounceMs after the last text of a burst, but not after media', async () => {
    let now = 1000;
    const { q, started, runs } = makeQueue({ now: () => now, debounceMs: () => 5000 });
    const burst = [accept('15550021', 'x', { at: 1000 }), accept('15550021', 'y', { at: 1200 })];
    q.kick();
    await settle();
    expect(started).toHaveLength(0);
    now = 6199; // 1 ms before the burst's last message is 5 s old
    q.kick();
    await settle();
    expect(started).toHaveLength(0);
    now = 6200;
    q.kick();
    await runs(1);
    expect(started[0]!.seqs).toEqual(burst);

    const text = accept('15550022', 'caption follows', { at: 6200 });
    const photo = accept('15550022', '', { at: 6200, media: true });
    q.kick();
    await runs(2);
    expect(started[1]!.seqs).toEqual([text, photo]);
  });

  it('runs /new on its own, after the messages before it and before the ones after it', async () => {
    const { q, started, runs } = makeQueue();
    const before = accept('15550031', 'hello');
    const reset = accept('15550031', ' /New ');
    const after = accept('15550031', 'fresh start');
    q.kick();
    for (const [i, want] of [[before], [reset], [after]].entries()) {
      await runs(i + 1);
      expect(started[i]!.seqs).toEqual(want);
      started[i]!.finish();
    }
  });

  it('answers each chat of a shared DM session in its own run', async () => {
    const { q, started, runs } = makeQueue();
    const alice = accept('15550041', 'from alice', { session: 'agent:main:main' });
    const bob = accept('15550042', 'from bob', { session: 'agent:main:main' });
    const alice2 = accept('15550041', 'alice again', { session: 'agent:main:main' });
    q.kick();
    await runs(1);
    expect(started[0]!.seqs).toEqual([alice, alice2]);
    started[0]!.finish();
    await runs(2);
    expect(started[1]!.seqs).toEqual([bob]);
  });

  it('leaves the messages of an agent without a model waiting, and expires those past the maximum age', async () => {
    let ready = false;
    const expired: number[][] = [];
    const { q, started, runs } = makeQueue({
      canRun: () => ready,
      now: () => 100_000,
      maxAgeMs: () => 50_000,
      expire: (rows) => expired.push(rows.map((r) => r.seq)),
    });
    const old = accept('15550051', 'too old', { at: 1000 });
    const fresh = accept('15550052', 'fresh', { at: 90_000 });
    q.kick();
    await settle();
    expect(started).toHaveLength(0);
    expect(expired).toEqual([[old]]);
    ready = true;
    q.kick();
    await runs(1);
    expect(started[0]!.seqs).toEqual([fresh]);
  });

  it('reads each waiting hand-off once while no model can run, not again on every kick', async () => {
    let ready = false;
    let now = 1000;
    const { q, started, runs } = makeQueue({ canRun: () => ready, now: () => now });
    const backlog = Array.from({ length: 300 }, (_, i) => accept(`1555009${i % 30}`, `waiting ${i}`));
    q.kick();
    await settle();
    for (let i = 0; i < 50; i++) {
      backlog.push(accept(`1555009${i % 30}`, `burst ${i}`));
      q.kick();
      await settle();
    }
    expect(started).toHaveLength(0);
    expect(q.rowsRead).toBe(350);

    // One settled by someone else is dropped when the index is rebuilt from the table; the rest run.
    settleAccepted(store.db, {
      acceptedSeq: backlog[0]!,
      sessionKey: 'agent:main:15550090',
      state: 'answered',
      now: 2000,
    });
    ready = true;
    now += 60_000;
    q.kick();
    await runs(4);
    expect(q.rowsRead).toBe(350 + 349);
    expect(started[0]!.seqs).toEqual(backlog.filter((_, i) => (i < 300 ? i : i - 300) % 30 === 1));
    for (const run of started) run.finish();
    await runs(8);
    expect(started.flatMap((r) => r.seqs)).not.toContain(backlog[0]);
  });

  it('with no agent able to run, a chat command still runs alone while the messages around it wait', async () => {
    let ready = false;
    const { q, started, runs } = makeQueue({ canRun: () => ready });
    const seqs = [accept('15550081', 'one'), accept('15550081', '/status'), accept('15550082', 'two')];
    q.kick();
    await runs(1);
    expect(started.map((s) => s.seqs)).toEqual([[seqs[1]]]);
    started[0]!.finish();
    for (let i = 0; i < 10; i++) {
      q.kick();
      await settle();
    }
    expect(started).toHaveLength(1);
    expect(q.rowsRead).toBe(3);
    ready = true;
    q.kick();
    await runs(3);
    expect(started.slice(1).map((s) => s.seqs)).toEqual([[seqs[0]], [seqs[2]]]);
  });

  it('stop() aborts the run in flight and leaves its messages unconsumed', async () => {
    const { q, started, runs } = makeQueue();
    accept('15550061', 'interrupted');
    q.kick();
    await runs(1);
    await q.stop();
    expect(started[0]!.signal.aborted).toBe(true);
    expect(countUnconsumed(store.db)).toBe(1);
    q.kick();
    await settle();
    expect(started).toHaveLength(1);
  });

  it('holds an ask() for the session until its run ends, and the run after it waits for the ask', async () => {
    const { q, started, runs } = makeQueue();
    accept('15550071', 'first');
    q.kick();
    await runs(1);
    const order: string[] = [];
    const asked = q.exclusive('agent:main:15550071', async () => {
      order.push('ask');
      return 42;
    });
    await settle();
    expect(order).toEqual([]);
    started[0]!.finish();
    expect(await asked).toBe(42);
    expect(order).toEqual(['ask']);
  });

  it('indexes waiting hand-offs without their bodies and reads full rows only for the batch a run takes', async () => {
    let ready = false;
    const batches: AcceptedRow[][] = [];
    const { q } = makeQueue({
      canRun: () => ready,
      run: (batch, signal) =>
        new Promise<RunEnd>((resolve) => {
          batches.push(batch);
          signal.addEventListener('abort', () => resolve('stopped'));
        }),
    });
    const chat = Array.from({ length: 5 }, (_, i) => accept('15550091', `waiting ${i}`));
    const other = accept('15550092', 'elsewhere', { media: true });
    const ran = ranStatements(store.db);
    q.kick();
    await settle();
    expect(q.rowsRead).toBe(6);
    expect(batches).toEqual([]);
    // Before setup (a start with a long backlog) the index is all a scan reads: no body, no message id.
    expect(ran.filter((sql) => /\b(body|message_id)\b/.test(sql))).toEqual([]);

    ready = true;
    q.kick();
    await settle();
    expect(batches.map((b) => b.map((r) => r.seq))).toEqual([chat, [other]]);
    expect(batches[0]![2]).toEqual({
      seq: chat[2],
      account: 'default',
      chat: '15550091@s.whatsapp.net',
      messageId: expect.stringMatching(/^M/),
      agentId: 'main',
      sessionKey: 'agent:main:15550091',
      body: '[WhatsApp] waiting 2',
      meta: { text: 'waiting 2', chatJid: '15550091@s.whatsapp.net' },
      acceptedAt: 1000,
    });
    expect(batches[1]![0]!.meta).toEqual({
      text: 'elsewhere',
      chatJid: '15550092@s.whatsapp.net',
      mediaType: 'image/jpeg',
    });
    // One read of full rows per run started.
    expect(ran.filter((sql) => /\bbody\b/.test(sql))).toHaveLength(2);
  });

  it('does not hand a run a message consumed some other way after it was indexed', async () => {
    let ready = false;
    const { q, started, runs } = makeQueue({ canRun: () => ready });
    const seqs = [accept('15550095', 'one'), accept('15550095', 'two'), accept('15550095', 'three')];
    q.kick();
    await settle();
    expect(q.rowsRead).toBe(3);
    settleAccepted(store.db, {
      acceptedSeq: seqs[1]!,
      sessionKey: 'agent:main:15550095',
      state: 'answered',
      now: 2000,
    });
    ready = true;
    q.kick();
    await runs(1);
    expect(started[0]!.seqs).toEqual([seqs[0], seqs[2]]);
    // Only the kick's own read: the index was not rebuilt to find this out.
    expect(q.rowsRead).toBe(3);
  });
});
