// The durable outbox: every send is a row in state.db before it reaches WhatsApp, carrying the message id it will
// always be sent with. One item in flight per chat (so a chat's messages keep their order), paced per chat and per
// account; transient failures retried with backoff, permanent ones failed with the reason; items a crash left
// `sending` are simply sent again on start — same id, so WhatsApp relays them once. Automatic replies wait for a
// reconnect, up to the account's maximum age, then expire visibly.
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { OutboxItem } from '../../shared/contract';
import { GatewayError } from '../errors';
import {
  getOutbox,
  listOutbox,
  markEnded,
  markHeld,
  markRetry,
  nextOpen,
  openChats,
  reopen,
  storeOutbox,
  type NewOutboxRow,
  type OutboxRow,
} from '../store/queries/outbox';
import { ChatRuns } from './chat-runs';
import { makeClaims, type Claims } from './claims';
import { preview, toItem } from './item';
import { DEFAULT_PACING, Pacer, type PacingOptions } from './pacing';
import { SendFailure, type OutboundPort } from './port';
import { MAX_ATTEMPTS, retryDelayMs, SEND_TIMEOUT_MS, withTimeout } from './retry';
import { SentMarks } from './sent-marks';
import { Typing } from './typing';
import type { OutboundOrigin, OutboundPayload, OutboxState } from './types';

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
  private readonly claims: Claims;
  private readonly runs: ChatRuns<OutboxRow>;
  private sweep: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly deps: OutboxDeps) {
    this.pacer = new Pacer(deps.pacing ?? DEFAULT_PACING);
    this.now = deps.now ?? Date.now;
    this.typing = new Typing(deps.port, deps.log);
    this.sentMarks = new SentMarks(deps.db);
    const { db } = deps;
    this.storeAll = db.transaction((rows: NewOutboxRow[]) => rows.map((row) => storeOutbox(db, row)));
    this.claims = makeClaims(db);
    this.runs = new ChatRuns((account, chat, known) => this.drain(account, chat, known), deps.log);
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
    const items = rows.map((row, i) => this.report(row, preview(req.payloads[i]!)));
    this.runs.kick(req.accountId, req.chat, rows);
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
    const rows = req.payloads.map((payload) =>
      storeOutbox(this.deps.db, {
        account: req.accountId,
        chat: req.chat,
        messageId: port.newMessageId(),
        origin: req.origin,
        payload,
        createdAt: now,
        expiresAt,
      }),
    );
    return {
      messageIds: rows.map((r) => r.message_id),
      // Committed as stored: reported, and handed to the chat's queue, without reading them back.
      afterCommit: () => {
        const items = rows.map((row, i) => this.report(row, preview(req.payloads[i]!)));
        if (rows.length > 0) this.runs.kick(req.accountId, req.chat, rows);
        return items;
      },
    };
  }

  list(filter: { accountId?: string; state?: OutboxState; limit?: number }): OutboxItem[] {
    return listOutbox(this.deps.db, {
      account: filter.accountId ?? null,
      state: filter.state ?? null,
      limit: filter.limit ?? 100,
    }).map((row) => toItem(row));
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
    this.runs.kick(row.account, row.chat);
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
    this.runs.kick(row.account, row.chat);
    return item;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.sweep) clearInterval(this.sweep);
    this.typing.close();
    // A send in flight settles (or times out) on its own; its row says where it got.
    await this.runs.stop();
  }

  private row(seq: number): OutboxRow {
    const row = getOutbox(this.deps.db, seq);
    if (!row) throw new GatewayError('outbox.not_found', `no outbox item ${seq}`);
    return row;
  }

  private resume(accountId: string | null): void {
    if (this.stopped) return;
    for (const { account, chat } of openChats(this.deps.db, accountId)) this.runs.kick(account, chat);
  }

  /**
   * Sends the chat's open items in order until it is empty, offline, or has to wait. Stanzas are written one at a
   * time, so WhatsApp gets them in order; up to ACK_WINDOW of them may await WhatsApp's ack at once (waiting for
   * each ack before writing the next would cost a round trip per message). After a failure nothing more is
   * written until the in-flight acks are in, so at most that window can overtake a message being retried.
   */
  private async drain(account: string, chat: string, known: boolean): Promise<void> {
    const inflight = new Map<number, Promise<void>>();
    let lastWritten = 0;
    let halt: 'none' | 'retry' | 'offline' = 'none';
    // The last read returned every open item after lastWritten and all of them were written. Items become open
    // only through a kick (enqueue, stage, retry, cancel, resume, a timer), so until one comes another read would
    // find nothing: an ack waking this pass, or the write of a burst ending, need no query. And when every kick
    // since came from enqueue() with the rows it stored, those rows are all the chat's open items after
    // lastWritten, in order: taken as handed, unread.
    let readAll = known;
    let settled = false;
    for (;;) {
      if (this.stopped || halt !== 'none') break;
      const asked = this.runs.seen(account, chat);
      const room = ACK_WINDOW - inflight.size;
      const handed = readAll && Array.isArray(asked) && asked.length <= room ? asked : null;
      const read: boolean = handed === null && room > 0 && (asked !== null || !readAll);
      const rows: OutboxRow[] =
        handed ??
        (read ? nextOpen(this.deps.db, account, chat, inflight.size > 0 ? lastWritten : 0, room) : []);
      if (read) readAll = rows.length < room;
      if (rows.length === 0) {
        settled = readAll && inflight.size === 0;
        if (inflight.size === 0) break;
        await this.runs.nap(account, chat);
        continue;
      }
      const { ready, wait } = this.ready(account, chat, rows);
      // A row left waiting (retry time, pacing, offline) is still open: the next turn must read it again.
      if (wait !== null) readAll = false;
      if (ready.length === 0) {
        if (wait === null) continue; // every row it saw had expired
        if (wait === 'offline') break; // accountConnected() resumes it; the sweep expires it meanwhile
        // Its time comes by timer; with acks still out, look again once they are in.
        if (inflight.size === 0) this.runs.later(account, chat, wait);
        else halt = 'retry';
        break;
      }
      const port = this.deps.port(account);
      if (!port) break;
      this.claims.claim(ready, this.now());
      // What is reported is what the claim stored; each `row` stays as read (failed() counts from it).
      const batch = ready.map((row) => {
        const payload = JSON.parse(row.payload) as OutboundPayload;
        const sending: OutboxRow = { ...row, state: 'sending', attempts: row.attempts + 1 };
        const shown = preview(payload);
        this.report(sending, shown);
        return { row, payload, sending, shown };
      });
      for (let i = 0; i < batch.length; i++) {
        const { row, payload, sending, shown } = batch[i]!;
        if (this.stopped || halt !== 'none') {
          // An ack refused an earlier one: nothing more is written until the window's acks are in.
          this.release(batch.slice(i).map((b) => b.row));
          break;
        }
        let sent: Awaited<ReturnType<OutboundPort['send']>>;
        try {
          sent = await withTimeout(port.send(row.chat, payload, row.message_id), SEND_TIMEOUT_MS);
        } catch (err) {
          halt = this.failed(row, err);
          this.release(batch.slice(i + 1).map((b) => b.row));
          break;
        }
        lastWritten = row.seq;
        const done = withTimeout(sent.acked, SEND_TIMEOUT_MS).then(
          async () => {
            const at = this.now();
            // Until this commits the row says `sending`: it stays in flight, so nextOpen never hands it out again.
            await this.sentMarks.mark(row, at, sent.content);
            if (payload.kind !== 'react') this.typing.stop(row.account, row.chat);
            this.report(
              { ...sending, state: 'sent', sent_at: at, error: null, next_attempt_at: null },
              shown,
            );
          },
          (err: unknown) => {
            const outcome = this.failed(row, err);
            if (halt !== 'offline') halt = outcome;
          },
        );
        inflight.set(
          row.seq,
          done.finally(() => {
            inflight.delete(row.seq);
            this.runs.wake(account, chat);
          }),
        );
      }
    }
    await Promise.allSettled(inflight.values());
    if (settled) this.runs.settled(account, chat);
    // A failed item waits for its retry time (or, offline, for accountConnected()): look again once the acks are in.
    if (halt === 'retry') this.runs.repeat(account, chat);
  }

  /** The leading rows that may be written now (expiring stale ones on the way), else what the next one waits for. */
  private ready(
    account: string,
    chat: string,
    rows: OutboxRow[],
  ): { ready: OutboxRow[]; wait: number | 'offline' | null } {
    const now = this.now();
    const ready: OutboxRow[] = [];
    for (const row of rows) {
      if (row.expires_at !== null && row.expires_at <= now && row.state === 'pending') {
        this.expire(row);
        continue;
      }
      if (!this.deps.port(account)?.connected()) return { ready, wait: 'offline' };
      if (row.next_attempt_at !== null && row.next_attempt_at > now) {
        return { ready, wait: row.next_attempt_at - now };
      }
      const wait = this.pacer.take(account, chat, now);
      if (wait > 0) return { ready, wait };
      ready.push(row);
    }
    return { ready, wait: null };
  }

  /** Claimed items that were never written go back to pending, their attempt uncounted. */
  private release(rows: OutboxRow[]): void {
    if (rows.length === 0) return;
    this.claims.release(rows);
    for (const row of rows) this.changed(row.seq);
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
  private report(row: OutboxRow, shown?: string): OutboxItem {
    const item = toItem(row, shown);
    this.deps.onChange(item);
    return item;
  }

  private changed(seq: number): OutboxItem {
    const item = toItem(getOutbox(this.deps.db, seq)!);
    this.deps.onChange(item);
    return item;
  }
}
