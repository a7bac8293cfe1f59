// What the outbox asks of state.db per item, counted on the real store: the reads and commits every reply pays
// for. Behaviour (order, retries, crash recovery) is tested in outbox.test.ts.
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type Database from 'better-sqlite3';
import type { OutboxItem } from '../../shared/contract';
import { openStore, type Store } from '../store/db';
import { Outbox } from './outbox';
import { NO_PACING } from './pacing';
import type { OutboundPort } from './port';
import type { OutboundPayload } from './types';

const A = '15551230001@s.whatsapp.net';
const text = (t: string): OutboundPayload => ({ kind: 'text', text: t });

/** Writes at once; WhatsApp's ack for each stanza comes when the test says. */
class GatedPort implements OutboundPort {
  readonly accountId = 'default';
  written: string[] = [];
  private acks: Array<() => void> = [];
  private n = 0;
  connected = () => true;
  newMessageId = () => `ID${++this.n}`;
  send(_chat: string, payload: OutboundPayload): Promise<{ acked: Promise<void> }> {
    this.written.push((payload as { text: string }).text);
    return Promise.resolve({ acked: new Promise<void>((resolve) => this.acks.push(resolve)) });
  }
  ackAll(): void {
    for (const ack of this.acks.splice(0)) ack();
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
  await outbox.stop();
  store.close();
  vi.useRealTimers();
});

describe('outbox reads', () => {
  it('reads a chat once per enqueue: not again after writing what it read, nor on each ack', async () => {
    const reads = countOpenReads(store.db);
    try {
      // One send at a time while earlier ones still await their acks (a person or the agent replying fast),
      // then acks one by one: a read after each ack or write would find nothing new.
      for (let i = 0; i < 5; i++) {
        outbox.enqueue({ accountId: 'default', chat: A, payloads: [text(`m${i}`)], origin: 'api' });
        await flush();
      }
      expect(port.written).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
      port.ackAll();
      await flush();
      expect(sent.map((item) => item.preview)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
      // Then the chat goes idle and a new item comes: one more read, which finds it.
      outbox.enqueue({ accountId: 'default', chat: A, payloads: [text('later')], origin: 'api' });
      await flush();
      port.ackAll();
      await flush();
      expect(sent.map((item) => item.preview).at(-1)).toBe('later');
      expect(reads.count()).toBe(6);
    } finally {
      reads.restore();
    }
  });
});
