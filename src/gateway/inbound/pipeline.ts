// Intake and ordering of inbound messages. Every message that passes intake is written to the durable inbox first
// (the dedupe that survives restarts); processing then runs per chat in arrival order, and a message leaves the
// inbox only in the transaction that records its outcome, so a crash at any point replays it on the next start and
// it is still handed on exactly once. What happens to each message is in process.ts.
//
// A chat's worker takes what has queued up for it (a burst, an offline backlog) and commits the direct-message
// hand-offs of that batch together: each is its own savepoint, so one failing row fails alone, but the burst pays
// one commit. A group hand-off that may consume waiting history rows commits before the next message is processed,
// because that message's pending history depends on it; in a chat known to have none, it joins the batch too.
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { AcceptedMessage } from '../../shared/contract';
import type { PairingService } from '../access/pairing-service';
import type { OpenClawConfig } from '../config/schema';
import { parseActivationCommand } from '../access/activation-command';
import {
  handOffAll,
  insertInbox,
  markInbox,
  pendingInbox,
  pruneInbound,
  wasSent,
  type HandOff,
  type InboxRow,
} from '../store/queries/inbox';
import { knownWithoutHistory } from '../store/queries/history-index';
import type { InboundPort, ReplyPort } from './port';
import { processInbound } from './process';
import type { RawInbound } from './types';

/** In-memory queue bound; past it, messages wait in the inbox (they are already durable) until it drains. */
export const MAX_QUEUED = 5000;
/** Rows a chat's worker processes before committing their hand-offs. */
const MAX_BATCH = 64;
const SWEEP_MS = 10 * 60_000;
/** How long finished inbox rows (the dedupe memory) and hand-offs are kept. */
const KEEP_MS = 14 * 24 * 3_600_000;
/** Echoes of our own sends arrive within seconds; a day is plenty. */
const SENT_KEEP_MS = 24 * 3_600_000;

export interface PipelineDeps {
  db: Database.Database;
  log: Logger;
  config(): OpenClawConfig;
  stateDir: string;
  pairing: PairingService;
  port(accountId: string): InboundPort | null;
  replies: ReplyPort;
  emit(event: 'inbound.accepted', payload: AcceptedMessage): void;
  now?: () => number;
  /** Fault injection for crash tests (OPENCLAW_FAULT_INBOUND_DELAY_MS): a pause before each message is processed. */
  processDelayMs?: number;
}

interface Deferred {
  h: HandOff;
  row: InboxRow;
  then(seq: number | null): void;
}

export class InboundPipeline {
  /** Per chat: rows waiting, and the worker draining them (absent when the chat is idle). */
  private readonly chats = new Map<string, { rows: InboxRow[]; worker: Promise<void> }>();
  private readonly queued = new Set<number>();
  private overflow = false;
  private stopped = false;
  private readonly sweeper: NodeJS.Timeout;
  private readonly now: () => number;
  /** Built once: db.transaction() makes new wrapper functions on every call, and this runs for every upsert. */
  private readonly storeAll: (raws: readonly RawInbound[], now: number) => Array<InboxRow | null>;

  constructor(private readonly deps: PipelineDeps) {
    this.now = deps.now ?? Date.now;
    this.storeAll = deps.db.transaction((raws: readonly RawInbound[], now: number) =>
      raws.map((raw) => this.store(raw, now)),
    );
    this.sweeper = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweeper.unref();
  }

  /**
   * Filters a batch (one Baileys upsert), stores what passes in one transaction (one commit for an offline
   * backlog instead of one per message), then queues it.
   */
  /** Stores and queues a batch; false when it could not be stored (logged), so the caller keeps it. */
  intakeMany(raws: readonly RawInbound[]): boolean {
    const now = this.now();
    let stored: Array<InboxRow | null>;
    try {
      stored = this.storeAll(raws, now);
    } catch (err) {
      this.deps.log.error(
        { err, accountId: raws[0]?.accountId, ids: raws.map((r) => r.id) },
        'could not store inbound messages; they are taken in again at the next connect',
      );
      return false;
    }
    // A row the full queue does not take stays pending in the inbox; replay() picks it up.
    for (const row of stored) if (row) this.enqueue(row);
    return true;
  }

  /** The stored row, or null (with the reason logged) for an echo, our own outbound message, or a duplicate. */
  private store(raw: RawInbound, now: number): InboxRow | null {
    const { log, db } = this.deps;
    const where = { accountId: raw.accountId, chat: raw.chatJid, id: raw.id };
    if (raw.fromMe && wasSent(db, raw.accountId, raw.id)) {
      log.debug(where, 'ignored: echo of a message we sent');
      return null;
    }
    // Outbound messages the owner writes from the phone are not for the assistant (and must never trigger a
    // pairing reply); only self-chat, and /activation typed by the owner in a group, come in from our own number.
    if (raw.fromMe && !raw.selfChat && !(raw.isGroup && parseActivationCommand(raw.text) !== null)) {
      log.debug(where, 'ignored: sent from the linked number');
      return null;
    }
    const seq = insertInbox(db, raw, now);
    if (seq === null) {
      log.debug(where, 'ignored: duplicate of a message already received');
      return null;
    }
    return { seq, raw, receivedAt: now };
  }

  /** Queues every message a previous run left unprocessed (and any left over from a full queue). */
  replay(): number {
    let count = 0;
    this.overflow = false;
    for (const row of pendingInbox(this.deps.db, MAX_QUEUED)) {
      if (this.queued.has(row.seq)) continue;
      if (!this.enqueue(row)) break;
      count += 1;
    }
    if (count > 0) this.deps.log.info({ count }, 'processing inbound messages left from before');
    return count;
  }

  /** Resolves when everything queued so far has been processed. */
  async idle(): Promise<void> {
    while (this.chats.size > 0) await Promise.all([...this.chats.values()].map((c) => c.worker));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sweeper);
    await this.idle();
  }

  private enqueue(row: InboxRow): boolean {
    if (this.stopped) return false;
    if (this.queued.size >= MAX_QUEUED) {
      // Not lost: the row is pending in the inbox and replay() picks it up once the queue drains.
      if (!this.overflow)
        this.deps.log.warn({ queued: this.queued.size }, 'inbound queue full; messages wait in the inbox');
      this.overflow = true;
      return false;
    }
    this.queued.add(row.seq);
    const key = `${row.raw.accountId}\u0000${row.raw.chatJid}`;
    const chat = this.chats.get(key);
    if (chat) {
      chat.rows.push(row);
      return true;
    }
    const rows = [row];
    const worker = this.drain(rows).finally(() => {
      this.chats.delete(key);
      if (this.overflow && this.queued.size < MAX_QUEUED / 2 && !this.stopped) this.replay();
    });
    this.chats.set(key, { rows, worker });
    return true;
  }

  private async drain(rows: InboxRow[]): Promise<void> {
    while (rows.length > 0 && !this.stopped) {
      const batch = rows.splice(0, MAX_BATCH);
      const deferred: Deferred[] = [];
      for (const row of batch) {
        await this.run(row, deferred);
        const { accountId, chatJid } = row.raw;
        if (row.raw.isGroup && !knownWithoutHistory(this.deps.db, accountId, chatJid))
          this.commit(deferred.splice(0));
      }
      this.commit(deferred);
      for (const row of batch) this.queued.delete(row.seq);
    }
    // Left over after stop(): still pending in the inbox, so the next start replays them.
    for (const row of rows.splice(0)) this.queued.delete(row.seq);
  }

  private async run(row: InboxRow, deferred: Deferred[]): Promise<void> {
    if (this.deps.processDelayMs) await new Promise((r) => setTimeout(r, this.deps.processDelayMs));
    if (this.stopped) return;
    const { log, db } = this.deps;
    try {
      await processInbound(row, {
        db,
        log,
        cfg: this.deps.config(),
        stateDir: this.deps.stateDir,
        pairing: this.deps.pairing,
        port: this.deps.port(row.raw.accountId),
        replies: this.deps.replies,
        now: this.now,
        handOff: (h, then) => deferred.push({ h, row, then }),
        emit: (message) => this.deps.emit('inbound.accepted', message),
      });
    } catch (err) {
      this.setAside(row, err);
    }
  }

  /** Commits a batch's hand-offs in one transaction (see handOffAll), then reports each outcome. */
  private commit(deferred: Deferred[]): void {
    if (deferred.length === 0) return;
    const { db, log } = this.deps;
    let results: Array<number | null | Error>;
    try {
      results = handOffAll(
        db,
        deferred.map((d) => d.h),
      );
    } catch (err) {
      // Nothing of the batch was written: the rows stay pending and are handed on after the next start.
      log.error(
        { err, count: deferred.length },
        'could not hand on inbound messages; they stay in the inbox',
      );
      return;
    }
    deferred.forEach((d, i) => {
      const r = results[i]!;
      if (r instanceof Error) this.setAside(d.row, r);
      else d.then(r);
    });
  }

  /** A message that cannot be processed must not replay forever; it is set aside, and the log says why. */
  private setAside(row: InboxRow, err: unknown): void {
    this.deps.log.error(
      { accountId: row.raw.accountId, chat: row.raw.chatJid, id: row.raw.id, err },
      'processing an inbound message failed; it was set aside',
    );
    try {
      markInbox(
        this.deps.db,
        row.seq,
        'rejected',
        `processing failed: ${(err as Error).message}`,
        this.now(),
      );
    } catch (markErr) {
      this.deps.log.error(
        { err: markErr, id: row.raw.id },
        'could not record the failure; the message stays pending',
      );
    }
  }

  private sweep(): void {
    try {
      const pruned = pruneInbound(this.deps.db, this.now(), KEEP_MS, SENT_KEEP_MS);
      if (pruned.inbox + pruned.accepted + pruned.sent > 0)
        this.deps.log.debug(pruned, 'pruned old inbound records');
      this.deps.pairing.sweep();
    } catch (err) {
      this.deps.log.warn({ err }, 'pruning old inbound records failed');
    }
  }
}
