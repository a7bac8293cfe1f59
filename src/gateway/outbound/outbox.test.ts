// The outbox's decisions against a real SQLite store and a scripted port (our own OutboundPort, not Baileys):
// stored before sent, per-chat order, retries, holds, expiry, crash recovery. The same service against the
// simulator and the real Baileys client is tested in test/outbound-*.test.ts.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { OutboxItem } from '../../shared/contract';
import { openStore, type Store } from '../store/db';
import { wasSent } from '../store/queries/inbox';
import { getOutbox, insertOutbox, markSending } from '../store/queries/outbox';
import { Outbox } from './outbox';
import { NO_PACING } from './pacing';
import { SendFailure, type OutboundPort } from './port';
import { MAX_ATTEMPTS, retryDelayMs } from './retry';
import type { OutboundPayload } from './types';

const A = '15551230001@s.whatsapp.net';
const B = '15551230002@s.whatsapp.net';
const text = (t: string): OutboundPayload => ({ kind: 'text', text: t });

interface Call {
  chat: string;
  id: string;
  payload: OutboundPayload;
  /** The row's state in the store at the moment the socket was asked to send. */
  storedState: string | undefined;
  /** Whether the id was already recorded as ours (echo dedupe) at that moment. */
  recordedOurs: boolean;
  resolve(): void;
  reject(err: Error): void;
}

class ScriptedPort implements OutboundPort {
  readonly accountId = 'default';
  online = true;
  calls: Call[] = [];
  presences: string[] = [];
  auto = true;
  failNext: Error[] = [];
  /** Failures WhatsApp's ack reports for the next written stanzas. */
  failAck: Error[] = [];
  presenceFails = false;
  /** While set, every ack waits for it (WhatsApp answering a burst of stanzas at once). */
  ackGate: Promise<void> | null = null;
  private n = 0;
  constructor(private readonly store: () => Store) {}
  connected = () => this.online;
  newMessageId = () => `ID${++this.n}`;
  send(chat: string, payload: OutboundPayload, id: string): Promise<{ acked: Promise<void> }> {
    return this.write(chat, payload, id).then(() => {
      const failure = this.failAck.shift();
      return { acked: failure ? Promise.reject(failure) : (this.ackGate ?? Promise.resolve()) };
    });
  }
  private write(chat: string, payload: OutboundPayload, id: string): Promise<void> {
    const row = this.store().db.prepare('SELECT state FROM outbox WHERE message_id = ?').get(id) as
      { state: string } | undefined;
    return new Promise((resolve, reject) => {
      const recordedOurs = wasSent(this.store().db, this.accountId, id);
      this.calls.push({ chat, id, payload, storedState: row?.state, recordedOurs, resolve, reject });
      const fail = this.failNext.shift();
      if (fail) reject(fail);
      else if (this.auto) resolve();
    });
  }
  presence(chat: string, state: 'composing' | 'paused'): Promise<void> {
    this.presences.push(`${state}:${chat}`);
    return this.presenceFails ? Promise.reject(new Error('presence refused')) : Promise.resolve();
  }
}

let store: Store;
let port: ScriptedPort;
let changes: OutboxItem[];
let outbox: Outbox;
const log = pino({ level: 'silent' });

function makeOutbox(): Outbox {
  return new Outbox({
    db: store.db,
    log,
    port: (id) => (id === 'default' ? port : null),
    maxAgeMs: () => 60 * 60_000,
    onChange: (item) => changes.push(item),
    pacing: NO_PACING,
  });
}

const flush = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => {
  vi.useFakeTimers({ now: 1_700_000_000_000 });
  store = openStore(':memory:');
  port = new ScriptedPort(() => store);
  changes = [];
  outbox = makeOutbox();
  outbox.start();
});
afterEach(async () => {
  await outbox.stop();
  store.close();
  vi.useRealTimers();
});

describe('outbox', () => {
  it('stores each item with its message id before the socket is asked to send, and marks it sent', async () => {
    const items = outbox.enqueue({ accountId: 'default', chat: A, payloads: [text('one')], origin: 'cli' });
    expect(items[0]).toMatchObject({ state: 'pending', messageId: 'ID1', preview: 'one', origin: 'cli' });
    await flush();
    expect(port.calls.map((c) => [c.id, c.storedState])).toEqual([['ID1', 'sending']]);
    expect(outbox.list({})[0]).toMatchObject({ state: 'sent', messageId: 'ID1', attempts: 1 });
    expect(changes.map((c) => c.state)).toEqual(['pending', 'sending', 'sent']);
  });

  it('sends a chat in order with one item in flight, while another chat goes on', async () => {
    port.auto = false;
    outbox.enqueue({
      accountId: 'default',
      chat: A,
      payloads: [text('a1'), text('a2'), text('a3')],
      origin: 'api',
    });
    outbox.enqueue({ accountId: 'default', chat: B, payloads: [text('b1')], origin: 'api' });
    await flush();
    expect(port.calls.map((c) => (c.payload as { text: string }).text)).toEqual(['a1', 'b1']);
    port.calls[0]!.resolve();
    await flush();
    expect(port.calls.map((c) => (c.payload as { text: string }).text)).toEqual(['a1', 'b1', 'a2']);
    port.calls[2]!.resolve();
    await flush();
    port.calls[3]!.resolve();
    port.calls[1]!.resolve();
    await flush();
    expect(port.calls.map((c) => (c.payload as { text: string }).text)).toEqual(['a1', 'b1', 'a2', 'a3']);
    expect(outbox.list({ state: 'sent' })).toHaveLength(4);
  });

  it('retries a transient failure with backoff under the same id, then sends the rest', async () => {
    port.failNext = [new SendFailure('transient', 'timed out')];
    outbox.enqueue({ accountId: 'default', chat: A, payloads: [text('x'), text('y')], origin: 'auto' });
    await flush();
    const [first] = outbox.list({ state: 'pending' }).slice(-1);
    expect(first).toMatchObject({ messageId: 'ID1', attempts: 1, error: 'timed out' });
    // y was claimed with x but never written: pending again, its attempt not counted.
    expect(outbox.list({ state: 'pending' })[0]).toMatchObject({ messageId: 'ID2', attempts: 0 });
    expect(Date.parse(first!.nextAttemptAt!) - Date.now()).toBe(retryDelayMs(1));
    expect(port.calls).toHaveLength(1); // y waits behind x: order is kept
    await vi.advanceTimersByTimeAsync(retryDelayMs(1));
    expect(port.calls.map((c) => c.id)).toEqual(['ID1', 'ID1', 'ID2']);
    expect(outbox.list({ state: 'sent' })).toHaveLength(2);
  });

  it('fails an item after MAX_ATTEMPTS transient failures, and a permanent failure at once, with the reason', async () => {
    port.failNext = Array.from({ length: MAX_ATTEMPTS }, () => new Error('socket hang up'));
    outbox.enqueue({ accountId: 'default', chat: A, payloads: [text('doomed')], origin: 'api' });
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(outbox.list({})[0]).toMatchObject({
      state: 'failed',
      attempts: MAX_ATTEMPTS,
      error: 'socket hang up',
    });

    port.failNext = [new SendFailure('permanent', 'not on WhatsApp')];
    outbox.enqueue({
      accountId: 'default',
      chat: B,
      payloads: [text('nobody'), text('next')],
      origin: 'api',
    });
    await flush();
    const [next, nobody] = outbox.list({ limit: 2 });
    expect(nobody).toMatchObject({ state: 'failed', attempts: 1, error: 'not on WhatsApp' });
    expect(next).toMatchObject({ state: 'sent' });
  });

  it('writes an item enqueued while earlier ones await their acks at once, not after the next ack', async () => {
    let answer = () => {};
    port.ackGate = new Promise<void>((resolve) => (answer = resolve)); // WhatsApp answers only at the end
    try {
      outbox.enqueue({ accountId: 'default', chat: A, payloads: [text('first')], origin: 'api' });
      await flush();
      outbox.enqueue({ accountId: 'default', chat: A, payloads: [text('second')], origin: 'api' });
      await flush();
      expect(port.calls.map((c) => [c.id, c.storedState])).toEqual([
        ['ID1', 'sending'],
        ['ID2', 'sending'],
      ]);
      expect(outbox.list({ state: 'sent' })).toEqual([]);
    } finally {
      answer();
    }
    await flush();
    expect(outbox.list({ state: 'sent' })).toHaveLength(2);
  });

  it('holds items while offline without counting attempts, and sends them once the account connects', async () => {
    port.online = false;
    outbox.enqueue({ accountId: 'default', chat: A, payloads: [text('held')], origin: 'auto' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(port.calls).toHaveLength(0);
    expect(outbox.list({})[0]).toMatchObject({ state: 'pending', attempts: 0 });
    port.online = true;
    outbox.accountConnected('default');
    await flush();
    expect(port.calls.map((c) => c.id)).toEqual(['ID1']);
    expect(outbox.list({})[0]).toMatchObject({ state: 'sent' });
  });

  it('an offline answer from the socket mid-send holds the item instead of failing it', async () => {
    port.failNext = [new SendFailure('offline', 'connection closed')];
    outbox.enqueue({ accountId: 'default', chat: A, payloads: [text('x')], origin: 'auto' });
    await flush();
    expect(outbox.list({})[0]).toMatchObject({ state: 'pending', attempts: 0 });
    outbox.accountConnected('default');
    await flush();
    expect(port.calls.map((c) => c.id)).toEqual(['ID1', 'ID1']);
    expect(outbox.list({})[0]).toMatchObject({ state: 'sent' });
  });

  it('marks a held item expired once it is older than the maximum age, visibly and unsent', async () => {
    port.online = false;
    outbox.enqueue({ accountId: 'default', chat: A, payloads: [text('stale')], origin: 'auto' });
    await vi.advanceTimersByTimeAsync(61 * 60_000); // the sweep finds it while the account is still offline
    expect(outbox.list({})[0]).toMatchObject({
      state: 'expired',
      error: expect.stringContaining('60 minutes'),
    });
    port.online = true;
    outbox.accountConnected('default');
    await flush();
    expect(port.calls).toHaveLength(0);
    expect(changes.at(-1)).toMatchObject({ state: 'expired' });
  });

  it('on start, resends an item a crash left `sending` with the same id, then the pending ones', async () => {
    await outbox.stop();
    const at = Date.now();
    const row = (id: string, t: string) =>
      insertOutbox(store.db, {
        account: 'default',
        chat: A,
        messageId: id,
        origin: 'cli',
        payload: text(t),
        createdAt: at,
        expiresAt: at + 3_600_000,
      });
    markSending(store.db, row('CRASHED', 'in flight'));
    row('LATER', 'queued');
    outbox = makeOutbox();
    outbox.start();
    await flush();
    expect(port.calls.map((c) => c.id)).toEqual(['CRASHED', 'LATER']);
    expect(getOutbox(store.db, 1)).toMatchObject({ state: 'sent', attempts: 2 });
  });

  it('backs the whole account off on rate-overlimit', async () => {
    port.failNext = [new SendFailure('rate_limited', 'rate-overlimit')];
    outbox.enqueue({ accountId: 'default', chat: A, payloads: [text('a')], origin: 'api' });
    await flush();
    outbox.enqueue({ accountId: 'default', chat: B, payloads: [text('b')], origin: 'api' });
    await vi.advanceTimersByTimeAsync(30_000);
    expect(port.calls.map((c) => c.id)).toEqual(['ID1']); // B waits too: the limit is the account's
    await vi.advanceTimersByTimeAsync(31_000);
    expect(port.calls.map((c) => c.id).sort()).toEqual(['ID1', 'ID1', 'ID2']);
  });

  it('an ack refusing a stanza (rate-overlimit) sends it again under its id after the backoff; nothing is lost', async () => {
    port.failAck = [new SendFailure('rate_limited', 'rate-overlimit (429)')];
    outbox.enqueue({
      accountId: 'default',
      chat: A,
      payloads: [text('1'), text('2'), text('3')],
      origin: 'api',
    });
    await flush();
    expect(outbox.list({ state: 'pending' }).find((i) => i.messageId === 'ID1')).toMatchObject({
      error: 'rate-overlimit (429)',
    });
    await vi.advanceTimersByTimeAsync(61_000);
    expect(port.calls.filter((c) => c.id === 'ID1')).toHaveLength(2);
    expect(outbox.list({ state: 'sent' })).toHaveLength(3);
  });

  it('cancels a pending item and retries a failed one under its id; refuses the wrong states', async () => {
    port.online = false;
    const [item] = outbox.enqueue({ accountId: 'default', chat: A, payloads: [text('c')], origin: 'api' });
    expect(outbox.cancel(item!.seq)).toMatchObject({ state: 'cancelled' });
    expect(() => outbox.cancel(item!.seq)).toThrow(/only pending items/);
    expect(() => outbox.retry(999)).toThrow(/no outbox item 999/);
    port.online = true;
    expect(outbox.retry(item!.seq)).toMatchObject({ state: 'pending', attempts: 0 });
    await flush();
    expect(port.calls.map((c) => c.id)).toEqual([item!.messageId]);
    expect(() => outbox.retry(item!.seq)).toThrow(/is sent/);
  });

  it('refuses an account that is not running', () => {
    expect(() =>
      outbox.enqueue({ accountId: 'ghost', chat: A, payloads: [text('x')], origin: 'api' }),
    ).toThrow(/no WhatsApp account "ghost"/);
    expect(outbox.list({})).toEqual([]);
  });
});

describe('typing', () => {
  it('is refreshed while on, stopped by the next send to the chat, and a presence failure blocks nothing', async () => {
    port.presenceFails = true;
    outbox.typing.start('default', A);
    await vi.advanceTimersByTimeAsync(13_000);
    expect(port.presences).toEqual([`composing:${A}`, `composing:${A}`, `composing:${A}`]);
    outbox.enqueue({ accountId: 'default', chat: A, payloads: [text('done')], origin: 'auto' });
    await flush();
    expect(outbox.list({})[0]).toMatchObject({ state: 'sent' });
    expect(outbox.typing.isTyping('default', A)).toBe(false);
    expect(port.presences.at(-1)).toBe(`paused:${A}`);
    await vi.advanceTimersByTimeAsync(13_000);
    expect(port.presences.at(-1)).toBe(`paused:${A}`);
  });
});

/** Commits in a WAL file: frames whose header carries the database size after the commit (0 on other frames). */
function walCommits(file: string): number {
  const wal = readFileSync(`${file}-wal`);
  const pageSize = wal.readUInt32BE(8);
  let commits = 0;
  for (let at = 32; at + 24 + pageSize <= wal.length; at += 24 + pageSize) {
    // Frames left from before a WAL reset carry old salts; none here (checkpoints are off), but do not count them.
    if (!wal.subarray(at + 8, at + 16).equals(wal.subarray(16, 24))) break;
    if (wal.readUInt32BE(at + 4) !== 0) commits += 1;
  }
  return commits;
}

describe('outbox commits', () => {
  it('claims a burst of items (sending + ids recorded as ours) in one commit, and their acks in one more', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'outbox-commits-'));
    const file = path.join(dir, 'state.db');
    const fileStore = openStore(file, { checkpointInWorker: false });
    fileStore.db.pragma('wal_autocheckpoint = 0');
    const filePort = new ScriptedPort(() => fileStore);
    const seen: OutboxItem[] = [];
    const box = new Outbox({
      db: fileStore.db,
      log,
      port: () => filePort,
      maxAgeMs: () => 60 * 60_000,
      onChange: (item) => seen.push(item),
      pacing: NO_PACING,
    });
    let answer = () => {};
    filePort.ackGate = new Promise<void>((resolve) => (answer = resolve));
    try {
      const payloads = Array.from({ length: 32 }, (_, i) => text(`m${i}`));
      const before = walCommits(file);
      box.enqueue({ accountId: 'default', chat: A, payloads, origin: 'api' });
      await flush();
      expect(filePort.calls.map((c) => [c.storedState, c.recordedOurs])).toEqual(
        payloads.map(() => ['sending', true]),
      );
      const claimed = walCommits(file);
      expect(claimed - before).toBe(1 + 1); // the 32 stored together, then claimed together
      answer();
      await flush();
      expect(box.list({ state: 'sent' })).toHaveLength(32);
      expect(walCommits(file) - claimed).toBe(1);
      // Reported without reading rows back: every change said what the store then held.
      const last = new Map(seen.map((item) => [item.seq, item]));
      expect([...last.values()]).toEqual(box.list({}).reverse());
    } finally {
      answer();
      await box.stop();
      fileStore.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
