// Read receipts (blue ticks) for accepted messages. A burst (an offline backlog, a busy group) goes out as one
// receipt per chat instead of one per message, so keys gather for a moment first. A receipt is owed once the
// message is accepted: when the socket is gone by the time the batch goes out, the keys wait (bounded) and go out
// after the next 'open' instead of being dropped. They are kept in memory only: the message and its hand-off
// are already durable, a receipt is just the sender's blue ticks, and a restart loses at most those owed from
// the last outage (a durable "receipt owed" mark would need its own column, written with the acceptance).
import { DisconnectReason, type WAMessageKey, type WASocket } from '@whiskeysockets/baileys';
import type { Logger } from 'pino';

/** Past this many keys a batch goes out at once rather than waiting for the burst to end. */
const MAX_READ_BATCH = 200;

/** How long read receipts gather before going out: short enough to look immediate, long enough for a burst. */
const READ_BATCH_MS = 50;

/** Owed receipts kept across an outage; past this the oldest are given up (and logged). */
export const MAX_OWED_RECEIPTS = 1000;

interface Batch {
  keys: WAMessageKey[];
  done: Promise<void>;
  go(): void;
  timer: NodeJS.Timeout;
}

const keyId = (k: WAMessageKey) => `${k.remoteJid ?? ''}|${k.participant ?? ''}|${k.id ?? ''}`;

/** The socket closed under us: what Baileys throws for a send on a closed WebSocket. */
const connectionClosed = (err: unknown) =>
  (err as { output?: { statusCode?: number } } | null)?.output?.statusCode ===
  DisconnectReason.connectionClosed;

export class ReadReceipts {
  private batch: Batch | null = null;
  /** Insertion-ordered, so the oldest go first when the cap is reached. */
  private readonly owed = new Map<string, WAMessageKey>();
  private flushing: Promise<void> | null = null;
  private closed = false;

  constructor(
    /** The logged-in socket, or null while there is none. */
    private readonly socket: () => WASocket | null,
    private readonly log?: Logger,
  ) {}

  get owedCount(): number {
    return this.owed.size;
  }

  /**
   * Queues the receipt for one message; resolves once it went out or is owed until the next reconnect, rejects
   * only when WhatsApp refused it. The timer is unref'd: a pending batch never holds the process open.
   */
  add(key: WAMessageKey): Promise<void> {
    if (!this.batch) {
      let go!: () => void;
      const keys: WAMessageKey[] = [];
      const started = new Promise<void>((r) => (go = r));
      const timer = setTimeout(() => this.flushBatch(), READ_BATCH_MS).unref();
      this.batch = { keys, done: started.then(() => this.send(keys)).then(() => undefined), go, timer };
    }
    const { done } = this.batch;
    this.batch.keys.push(key);
    if (this.batch.keys.length >= MAX_READ_BATCH) this.flushBatch();
    return done;
  }

  /** After the socket opens again: sends what a closed socket kept from going out. */
  flushOwed(): Promise<void> {
    this.flushing ??= this.sendOwed().finally(() => (this.flushing = null));
    return this.flushing;
  }

  /** Shutdown: the pending batch's timer goes, and nothing more is sent or kept. */
  close(): void {
    this.closed = true;
    this.owed.clear();
    this.flushBatch();
  }

  private flushBatch(): void {
    const current = this.batch;
    this.batch = null;
    if (current) clearTimeout(current.timer);
    current?.go();
  }

  private async sendOwed(): Promise<void> {
    while (this.owed.size > 0 && this.socket()) {
      const keys = [...this.owed.values()].slice(0, MAX_READ_BATCH);
      for (const k of keys) this.owed.delete(keyId(k));
      try {
        // Closed again already: they are owed once more, until the next 'open'.
        if (!(await this.send(keys))) return;
        this.log?.info({ count: keys.length }, 'read receipts owed from before the reconnect were sent');
      } catch (err) {
        this.log?.warn({ count: keys.length, err: (err as Error).message }, 'owed read receipts failed');
      }
    }
  }

  /** True when the receipts went out, false when they are owed until the next reconnect. */
  private async send(keys: WAMessageKey[]): Promise<boolean> {
    if (this.closed) return false;
    const sock = this.socket();
    try {
      if (sock) {
        await sock.readMessages(keys);
        return true;
      }
    } catch (err) {
      if (!connectionClosed(err)) throw err;
    }
    this.owe(keys);
    return false;
  }

  private owe(keys: WAMessageKey[]): void {
    for (const k of keys) this.owed.set(keyId(k), k);
    let dropped = 0;
    for (const id of this.owed.keys()) {
      if (this.owed.size <= MAX_OWED_RECEIPTS) break;
      this.owed.delete(id);
      dropped += 1;
    }
    this.log?.info(
      { count: keys.length, owed: this.owed.size },
      'the connection closed before read receipts went out; they are sent after the reconnect',
    );
    if (dropped > 0)
      this.log?.warn(
        { dropped },
        `more than ${MAX_OWED_RECEIPTS} read receipts owed; the oldest were dropped`,
      );
  }
}
