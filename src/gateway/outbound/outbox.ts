// The durable outbox: every send is a row in state.db before it reaches WhatsApp, carrying the message id it will
// always be sent with. One item in flight per chat (so a chat's messages keep their order), paced per chat and per
// account; transient failures retried with backoff, permanent ones failed with the reason; items a crash left
// `sending` are simply sent again on start — same id, so WhatsApp relays them once. Automatic replies wait for a
// reconnect, up to the account's maximum age, then expire visibly.
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { OutboxItem } from '../../shared/contract';
import { GatewayError } from '../errors';
import { recordSent } from '../store/queries/inbox';
import {
  getOutbox,
  insertOutbox,
  listOutbox,
  markEnded,
  markHeld,
  markRetry,
  markSending,
  nextOpen,
  openChats,
  reopen,
  storeOutbox,
  type NewOutboxRow,
  type OutboxRow,
} from '../store/queries/outbox';
import { toItem } from './item';
import { DEFAULT_PACING, Pacer, type PacingOptions } from './pacing';
import { SendFailure, type OutboundPort } from './port';
import { SentMarks } from './sent-marks';
import { Typing } from './typing';
import type { OutboundOrigin, OutboundPayload, OutboxState } from './types';

/** Attempts before a transiently failing item is given up as failed. */
export const MAX_ATTEMPTS = 6;
/** Backoff after the nth failed attempt: 2 s, 4 s, 8 s … capped at 2 minutes. */
export function retryDelayMs(attempts: number): number {
  return Math.min(2000 * 2 ** Math.max(0, attempts - 1), 120_000);
}
/** A send that has not settled by then is treated as a transient failure (the retry carries the same id). */
const SEND_TIMEOUT_MS = 60_000;
/** Stanzas of one chat written and still awaiting WhatsApp's ack. */
const ACK_WINDOW = 32;
/** How often held items are checked for expiry while their account is offline. */
const EXPIRY_SWEEP_MS = 30_000;

export interface OutboxDeps {
  db: Database.Database;
  log: Logger;
  /** The account's sending side, or null for an account the gateway does not run. */
  port(accountId: string): OutboundPort | null;
  /** `channels.whatsapp.replyMaxAgeMinutes` for the account, in ms. */
  maxAgeMs(accountId: string): number;
  onChange(item: OutboxItem): void;
  pacing?: PacingOptions;
  now?: () => number;
}

export interface EnqueueRequest {
  accountId: string;
  chat: string;
  payloads: OutboundPayload[];
  origin: OutboundOrigin;
}

export class Outbox {
  readonly typing: Typing;
  private readonly pacer: Pacer;
  private readonly now: () => number;
  private readonly sentMarks: SentMarks;
  // Built once: db.transaction() makes new wrapper functions on every call, and these run for every item.
  private readonly storeAll: (rows: NewOutboxRow[]) => OutboxRow[];
  /** Marks an item `sending` and records its id as ours (so its echo is never taken as inbound): one commit. */
  private readonly claim: (row: OutboxRow, at: number) => void;
  /** Chats being drained (one in flight each), and chats asked to drain again when the current pass ends. */
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private sweep: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly deps: OutboxDeps) {
    this.pacer = new Pacer(deps.pacing ?? DEFAULT_PACING);
    this.now = deps.now ?? Date.now;
    this.typing = new Typing(deps.port, deps.log);
    this.sentMarks = new SentMarks(deps.db);
    const { db } = deps;
    this.storeAll = db.transaction((rows: NewOutboxRow[]) => rows.map((row) => storeOutbox(db, row)));
    this.claim = db.transaction((row: OutboxRow, at: number) => {
      markSending(db, row.seq);
      recordSent(db, row.account, row.message_id, row.chat, at);
    });
  }

  /** Resumes every open item (pending, or left `sending` by a crash) and starts the expiry sweep. */
  start(): void {
    this.sweep = setInterval(() => this.resume(null), EXPIRY_SWEEP_MS);
    this.sweep.unref();
    this.resume(null);
  }

  /** An account (re)connected: its held items go now. */
  accountConnected(accountId: string): void {
    this.resume(accountId);
  }

  /** Stores the payloads (in order, one transaction) and starts sending them; returns the stored items. */
  enqueue(req: EnqueueRequest): OutboxItem[] {
    const port = this.deps.port(req.accountId);
    if (!port) {
      throw new GatewayError('whatsapp.unknown_account', `no WhatsApp account "${req.accountId}" is running`);
    }
    const now = this.now();
    const expiresAt = now + this.deps.maxAgeMs(req.accountId);
    const rows = this.storeAll(
      req.payloads.map((payload) => ({
        account: req.accountId,
        chat: req.chat,
        messageId: port.newMessageId(),
        origin: req.origin,
        payload,
        createdAt: now,
        expiresAt,
      })),
    );
    const items = rows.map((row) => this.report(row));
    this.kick(req.accountId, req.chat);
    return items;
  }

  /**
   * Stores the payloads inside the caller's open transaction and sends nothing yet: the agent commits a run's
   * turns, its outcome and its replies together, so a crash before that commit leaves nothing to send and a crash
   * after it leaves stored items that resume with their ids. Call `afterCommit` once the transaction committed; it
   * reports the items and starts sending them.
   */
  stage(req: EnqueueRequest): { messageIds: string[]; afterCommit(): OutboxItem[] } {
    const port = this.deps.port(req.accountId);
    if (!port) {
      throw new GatewayError('whatsapp.unknown_account', `no WhatsApp account "${req.accountId}" is running`);
    }
    const now = this.now();
    const expiresAt = now + this.deps.maxAgeMs(req.accountId);
    const rows = req.payloads.map((payload) => {
      const messageId = port.newMessageId();
      const seq = insertOutbox(this.deps.db, {
        account: req.accountId,
        chat: req.chat,
        messageId,
        origin: req.origin,
        payload,
        createdAt: now,
        expiresAt,
      });
      return { seq, messageId };
    });
    return {
      messageIds: rows.map((r) => r.messageId),
      afterCommit: () => {
        const items = rows.map((r) => this.changed(r.seq));
        if (rows.length > 0) this.kick(req.accountId, req.chat);
        return items;
      },
    };
  }

  list(filter: { accountId?: string; state?: OutboxState; limit?: number }): OutboxItem[] {
    return listOutbox(this.deps.db, {
      account: filter.accountId ?? null,
      state: filter.state ?? null,
      limit: filter.limit ?? 100,
    }).map(toItem);
  }

  retry(seq: number): OutboxItem {
    const row = this.row(seq);
    if (!reopen(this.deps.db, seq, this.now() + this.deps.maxAgeMs(row.account))) {
      throw new GatewayError(
        'outbox.wrong_state',
        `outbox item ${seq} is ${row.state}; only failed, expired or cancelled items can be retried`,
      );
    }
    const item = this.changed(seq);
    this.kick(row.account, row.chat);
    return item;
  }

  cancel(seq: number): OutboxItem {
    const row = this.row(seq);
    // A `sending` item may already be at WhatsApp; only one that has not left can be taken back.
    if (row.state !== 'pending') {
      throw new GatewayError(
        'outbox.wrong_state',
        `outbox item ${seq} is ${row.state}; only pending items can be cancelled`,
      );
    }
    markEnded(this.deps.db, seq, 'cancelled', 'cancelled by request');
    const item = this.changed(seq);
    this.kick(row.account, row.chat);
    return item;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.sweep) clearInterval(this.sweep);
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.typing.close();
    // A send in flight settles (or times out) on its own; its row says where it got.
    await Promise.allSettled([...this.running.values()]);
  }

  private row(seq: number): OutboxRow {
    const row = getOutbox(this.deps.db, seq);
    if (!row) throw new GatewayError('outbox.not_found', `no outbox item ${seq}`);
    return row;
  }

  private resume(accountId: string | null): void {
    if (this.stopped) return;
    for (const { account, chat } of openChats(this.deps.db, accountId)) this.kick(account, chat);
  }

  private kick(account: string, chat: string): void {
    if (this.stopped) return;
    const key = `${account}\u0000${chat}`;
    if (this.running.has(key)) {
      this.again.add(key);
      return;
    }
    const timer = this.timers.get(key);
    if (timer) {
      clearTimeout(timer);
      this.timers.delete(key);
    }
    const run = this.drain(account, chat)
      .catch((err: Error) =>
        this.deps.log.error({ account, chat, err }, 'outbox: chat queue stopped on an error'),
      )
      .finally(() => {
        this.running.delete(key);
        if (this.again.delete(key)) this.kick(account, chat);
      });
    this.running.set(key, run);
  }

  private later(account: string, chat: string, ms: number): void {
    const key = `${account}\u0000${chat}`;
    if (this.stopped || this.timers.has(key)) return;
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.kick(account, chat);
    }, ms);
    timer.unref();
    this.timers.set(key, timer);
  }

  /**
   * Sends the chat's open items in order until it is empty, offline, or has to wait. Stanzas are written one at a
   * time, so WhatsApp gets them in order; up to ACK_WINDOW of them may await WhatsApp's ack at once (waiting for
   * each ack before writing the next would cost a round trip per message). After a failure nothing more is
   * written until the in-flight acks are in, so at most that window can overtake a message being retried.
   */
  private async drain(account: string, chat: string): Promise<void> {
    const key = `${account}\u0000${chat}`;
    const inflight = new Map<number, Promise<void>>();
    let lastWritten = 0;
    let halt: 'none' | 'retry' | 'offline' = 'none';
    for (;;) {
      if (this.stopped || halt !== 'none') break;
      this.again.delete(key);
      if (inflight.size >= ACK_WINDOW) {
        await Promise.race(inflight.values());
        continue;
      }
      const row = nextOpen(this.deps.db, account, chat, inflight.size > 0 ? lastWritten : 0);
      if (!row) {
        if (inflight.size === 0) break;
        await Promise.race(inflight.values());
        continue;
      }
      const now = this.now();
      if (row.expires_at !== null && row.expires_at <= now && row.state === 'pending') {
        this.expire(row);
        continue;
      }
      const port = this.deps.port(account);
      if (!port?.connected()) break; // accountConnected() resumes it; the sweep expires it meanwhile
      if (row.next_attempt_at !== null && row.next_attempt_at > now) {
        // Its time comes by timer; with acks still out, look again once they are in.
        if (inflight.size === 0) this.later(account, chat, row.next_attempt_at - now);
        else halt = 'retry';
        break;
      }
      const wait = this.pacer.take(account, chat, now);
      if (wait > 0) {
        if (inflight.size === 0) this.later(account, chat, wait);
        else halt = 'retry';
        break;
      }
      this.claim(row, now);
      // `row` stays as read (failed() counts from it); what is reported is what markSending stored.
      const sending: OutboxRow = { ...row, state: 'sending', attempts: row.attempts + 1 };
      this.report(sending);
      const payload = JSON.parse(row.payload) as OutboundPayload;
      let acked: Promise<void>;
      try {
        acked = (await withTimeout(port.send(row.chat, payload, row.message_id), SEND_TIMEOUT_MS)).acked;
      } catch (err) {
        halt = this.failed(row, err);
        continue;
      }
      lastWritten = row.seq;
      const done = withTimeout(acked, SEND_TIMEOUT_MS).then(
        async () => {
          const at = this.now();
          // Until this commits the row says `sending`: it stays in flight, so nextOpen never hands it out again.
          await this.sentMarks.mark(row.seq, at);
          if (payload.kind !== 'react') this.typing.stop(row.account, row.chat);
          this.report({ ...sending, state: 'sent', sent_at: at, error: null, next_attempt_at: null });
        },
        (err: unknown) => {
          const outcome = this.failed(row, err);
          if (halt !== 'offline') halt = outcome;
        },
      );
      inflight.set(
        row.seq,
        done.finally(() => inflight.delete(row.seq)),
      );
    }
    await Promise.allSettled(inflight.values());
    // A failed item waits for its retry time (or, offline, for accountConnected()): look again once the acks are in.
    if (halt === 'retry' && !this.stopped) this.again.add(key);
  }

  private expire(row: OutboxRow): void {
    const minutes = Math.round(this.deps.maxAgeMs(row.account) / 60_000);
    markEnded(
      this.deps.db,
      row.seq,
      'expired',
      `not sent within ${minutes} minutes (the account was not connected)`,
    );
    this.deps.log.warn(
      { account: row.account, chat: row.chat, seq: row.seq, messageId: row.message_id },
      'outbox: item expired unsent',
    );
    this.changed(row.seq);
  }

  /** Records a failed attempt; says whether the chat goes on after a retry time or waits for a reconnect. */
  private failed(row: OutboxRow, err: unknown): 'retry' | 'offline' {
    const { db, log } = this.deps;
    const ctx = { account: row.account, chat: row.chat, seq: row.seq, messageId: row.message_id };
    const failure =
      err instanceof SendFailure ? err : new SendFailure('transient', (err as Error).message ?? String(err));
    const attempts = row.attempts + 1;
    if (failure.kind === 'offline') {
      markHeld(db, row.seq);
      log.info({ ...ctx }, `outbox: held until the account reconnects (${failure.message})`);
    } else if (failure.kind === 'permanent' || attempts >= MAX_ATTEMPTS) {
      markEnded(db, row.seq, 'failed', failure.message);
      this.typing.stop(row.account, row.chat);
      log.error({ ...ctx, attempts }, `outbox: send failed: ${failure.message}`);
    } else {
      const now = this.now();
      const at =
        failure.kind === 'rate_limited'
          ? this.pacer.rateLimited(row.account, now)
          : now + retryDelayMs(attempts);
      markRetry(db, row.seq, at, failure.message);
      log.warn(
        { ...ctx, attempts, retryInMs: at - now },
        `outbox: send failed, will retry: ${failure.message}`,
      );
    }
    this.changed(row.seq);
    // After an offline answer the chat waits for accountConnected() (or the sweep) instead of spinning on a
    // socket that still looks open while it closes.
    return failure.kind === 'offline' ? 'offline' : 'retry';
  }

  /** Reports a row the caller has just stored (and updated in memory the same way), without reading it back. */
  private report(row: OutboxRow): OutboxItem {
    const item = toItem(row);
    this.deps.onChange(item);
    return item;
  }

  private changed(seq: number): OutboxItem {
    const item = toItem(getOutbox(this.deps.db, seq)!);
    this.deps.onChange(item);
    return item;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new SendFailure('transient', `no answer from WhatsApp within ${ms / 1000} s`)),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
