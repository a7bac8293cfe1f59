// What the outbox asks of state.db per item, counted on the real store: the reads and commits every reply pays
// for. Behaviour (order, retries, crash recovery) is tested in outbox.test.ts.
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type Database from 'better-sqlite3';
import type { OutboxItem } from '../../shared/contract';
import { openStore, type Store } from '../store/db';
import { Outbox } from './outbox';
import { NO_PACING } from './pacing';
import { SendFailure, type OutboundPort } from './port';
import type { OutboundPayload } from './types';

const A = '15551230001@s.whatsapp.net';
const text = (t: string): OutboundPayload => ({ kind: 'text', text: t });

/** Writes at once; WhatsApp's ack for each stanza comes when the test says. */
class GatedPort implements OutboundPort {
  readonly accountId = 'default';
  written: string[] = [];
  private acks: Array<() => void> = [];
  private refusals: Array<(err: Error) => void> = [];
  private n = 0;
  connected = () => true;
  newMessageId = () => `ID${++this.n}`;
  send(_chat: string, payload: OutboundPayload): Promise<{ acked: Promise<void> }> {
    this.written.push((payload as { text: string }).text);
    const acked = new Promise<void>((resolve, reject) => {
      this.acks.push(resolve);
      this.refusals.push(reject);
    });
    return Promise.resolve({ acked });
  }
  ackAll(): void {
    for (const ack of this.acks.splice(0)) ack();
  }
  refuseAll(err: Error): void {
    for (const refuse of this.refusals.splice(0)) refuse(err);
    this.acks = [];
  }
  presence = () => Promise.resolve();
}

/** Counts runs of SELECT statements over the outbox's open items (what nextOpen asks). */
function countOpenReads(db: Database.Database): { count(): number; restore(): void } {
  const proto = Object.getPrototypeOf(db.prepare('SELECT 1')) as Database.Statement;
  const spy = vi.spyOn(proto, 'all');
  return {
    count: () =>
      (spy.mock.contexts as Database.Statement[]).filter((st) =>
        /FROM outbox WHERE account = \? AND chat = \?/.test(st.source),
      ).length,
    restore: () => spy.mockRestore(),
  };
}

let store: Store;
let port: GatedPort;
let outbox: Outbox;
let sent: OutboxItem[];
const flush = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => {
  vi.useFakeTimers({ now: 1_700_000_000_000 });
  store = openStore(':memory:');
  port = new GatedPort();
  sent = [];
  outbox = new Outbox({
    db: store.db,
    log: pino({ level: 'silent' }),
    port: () => port,
    maxAgeMs: () => 60 * 60_000,
    onChange: (item) => void (item.state === 'sent' && sent.push(item)),
    pacing: NO_PACING,
  });
  outbox.start();
});
afterEach(async () => {
  port.ackAll();
  await outbox.stop();
  store.close();
  vi.useRealTimers();
});

describe('outbox reads', () => {
  it('reads a chat once per pass: rows enqueued while it waits for acks are taken as stored, unread', async () => {
    const reads = countOpenReads(store.db);
    try {
      // One send at a time while earlier ones still await their acks (a person or the agent replying fast): the
      // first starts a pass, which reads; the rest are handed to it. Then the acks: a read after each ack or
      // write would find nothing new.
      for (let i = 0; i < 5; i++) {
        outbox.enqueue({ accountId: 'default', chat: A, payloads: [text(`m${i}`)], origin: 'api' });
        await flush();
      }
      expect(port.written).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
      port.ackAll();
      await flush();
      expect(sent.map((item) => item.preview)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
      expect(reads.count()).toBe(1);
      // Then the chat goes idle, every item acked, and a new item comes: a new pass, handed it unread.
      outbox.enqueue({ accountId: 'default', chat: A, payloads: [text('later')], origin: 'api' });
      await flush();
      port.ackAll();
      await flush();
      expect(sent.map((item) => item.preview).at(-1)).toBe('later');
      expect(reads.count()).toBe(1);
    } finally {
      reads.restore();
    }
  });

  it('reads again when anything but an enqueue asked: a cancelled item handed earlier is not sent', async () => {
    outbox.enqueue({ accountId: 'default', chat: A, payloads: [text('first')], origin: 'api' });
    await flush();
    const [gone] = outbox.enqueue({ accountId: 'default', chat: A, payloads: [text('gone')], origin: 'api' });
    outbox.cancel(gone!.seq);
    outbox.enqueue({ accountId: 'default', chat: A, payloads: [text('kept')], origin: 'api' });
    await flush();
    port.ackAll();
    await flush();
    expect(port.written).toEqual(['first', 'kept']);
    expect(outbox.list({}).map((item) => [item.preview, item.state])).toEqual([
      ['kept', 'sent'],
      ['gone', 'cancelled'],
      ['first', 'sent'],
    ]);
  });

  it('reads when more rows come at once than the ack window has room for, and sends them all in order', async () => {
    const reads = countOpenReads(store.db);
    try {
      outbox.enqueue({ accountId: 'default', chat: A, payloads: [text('head')], origin: 'api' });
      await flush();
      const many = Array.from({ length: 40 }, (_, i) => text(`n${i}`));
      outbox.enqueue({ accountId: 'default', chat: A, payloads: many, origin: 'api' });
      await flush();
      for (let i = 0; i < 3; i++) {
        port.ackAll();
        await flush();
      }
      expect(port.written).toEqual(['head', ...many.map((p) => (p as { text: string }).text)]);
      expect(sent).toHaveLength(41);
      expect(reads.count()).toBeGreaterThan(1);
    } finally {
      reads.restore();
    }
  });

  it('stages items without reading them back: reported as stored, handed to a running queue', async () => {
    outbox.enqueue({ accountId: 'default', chat: A, payloads: [text('before')], origin: 'api' });
    await flush();
    const reads = countOpenReads(store.db);
    const byId = vi.spyOn(Object.getPrototypeOf(store.db.prepare('SELECT 1')) as Database.Statement, 'get');
    try {
      const staged = store.db.transaction(() =>
        outbox.stage({ accountId: 'default', chat: A, payloads: [text('r1'), text('r2')], origin: 'auto' }),
      )();
      const items = staged.afterCommit();
      const readBack = (byId.mock.contexts as Database.Statement[]).filter((st) =>
        /WHERE seq = \?/.test(st.source),
      );
      expect(readBack).toHaveLength(0);
      expect(items).toEqual(outbox.list({ state: 'pending' }).reverse());
      expect(items.map((item) => [item.preview, item.messageId])).toEqual([
        ['r1', staged.messageIds[0]],
        ['r2', staged.messageIds[1]],
      ]);
      await flush();
      port.ackAll();
      await flush();
      expect(port.written).toEqual(['before', 'r1', 'r2']);
      expect(reads.count()).toBe(0);
    } finally {
      byId.mockRestore();
      reads.restore();
    }
  });

  it('stores and reports an enqueued item with one JSON encoding of its payload and no decoding', async () => {
    // A queue already running, so the new item's own send (which decodes it) happens after enqueue() returns.
    outbox.enqueue({ accountId: 'default', chat: A, payloads: [text('first')], origin: 'api' });
    await flush();
    const stringify = vi.spyOn(JSON, 'stringify');
    const parse = vi.spyOn(JSON, 'parse');
    try {
      const [item] = outbox.enqueue({
        accountId: 'default',
        chat: A,
        payloads: [text('once')],
        origin: 'api',
      });
      expect(item).toMatchObject({ preview: 'once', state: 'pending' });
      expect(stringify).toHaveBeenCalledTimes(1);
      expect(parse).not.toHaveBeenCalled();
    } finally {
      stringify.mockRestore();
      parse.mockRestore();
    }
  });

  it('hands a new item unread to a chat whose last pass left nothing open; not after a refused ack', async () => {
    const reads = countOpenReads(store.db);
    const send = async (t: string, answer: () => void) => {
      outbox.enqueue({ accountId: 'default', chat: A, payloads: [text(t)], origin: 'api' });
      await flush();
      answer();
      await flush();
    };
    try {
      await send('m0', () => port.ackAll());
      expect(reads.count()).toBe(1);
      await send('m1', () => port.ackAll());
      expect(reads.count()).toBe(1);
      // A refused ack ends the pass unsettled: it looks again, and only a pass that then finds nothing open
      // lets the next item go unread.
      await send('m2', () => port.refuseAll(new SendFailure('permanent', 'refused')));
      expect(reads.count()).toBe(2);
      await send('m3', () => port.ackAll());
      expect(reads.count()).toBe(2);
      expect(port.written).toEqual(['m0', 'm1', 'm2', 'm3']);
      expect(outbox.list({}).map((item) => [item.preview, item.state])).toEqual([
        ['m3', 'sent'],
        ['m2', 'failed'],
        ['m1', 'sent'],
        ['m0', 'sent'],
      ]);
    } finally {
      reads.restore();
    }
  });
});
