// Which accepted messages run when. One run at a time per session; messages that arrive while a session's run is
// in flight stay unconsumed in the accepted table and are taken together by the next run (folded into one turn),
// so none is answered twice or dropped. A burst of text waits `debounceMs` after its last message; media and
// commands are not held. At most `maxConcurrent` runs across sessions. The table is the queue: nothing here is
// the only copy of anything, so a crash or a stop loses no message.
//
// Every hand-off kicks the queue, and with no model configured (before setup) nothing consumes the table, so it
// can hold thousands of waiting rows. A scan therefore reads only the rows handed off since the last one and keeps
// the waiting ones in memory by session (bounded; the rest wait in the table); a row leaves that index when its run
// or its expiry has consumed it. The index is rebuilt from the table now and then, so a row settled some other way,
// or an expiry that failed, is never held or forgotten for long. The index holds light rows (no body, of the meta
// only what decides a batch): building it is what a start with a long backlog pays while WhatsApp connects, and
// the full rows are read only for the batch a run or an expiry takes.
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { AcceptedRow } from '../store/queries/inbox';
import { unconsumedOf } from '../store/queries/sessions';
import { acceptedRows, waitingAccepted, type WaitingRow } from '../store/queries/waiting';
import { CommandFinder, isCommandRow, type CommandCandidate } from '../commands/queue-hooks';

/** Hand-offs read per query. */
const SCAN_LIMIT = 2000;
/** Waiting hand-offs kept in memory; more wait in the table and are read as these leave. */
const MAX_WAITING = 10_000;
/** How often the in-memory index is rebuilt from the table. */
const RESYNC_MS = 60_000;
/** After a run that could not settle its messages (not an abort), its session waits this long, doubling. */
const RETRY_MIN_MS = 2000;
const RETRY_MAX_MS = 60_000;

/** How a run ended, for the queue: `retry` leaves its rows for later with a backoff. */
export type RunEnd = 'done' | 'retry' | 'stopped';

export interface QueueDeps {
  db: Database.Database;
  log: Logger;
  now?: () => number;
  debounceMs(accountId: string): number;
  maxConcurrent(): number;
  /** Hand-offs older than this are not answered any more (they go to `expire`). */
  maxAgeMs(): number;
  /** Whether the agent has a model to run with; its sessions wait otherwise. */
  canRun(agentId: string): boolean;
  expire(rows: AcceptedRow[]): void;
  run(batch: AcceptedRow[], signal: AbortSignal): Promise<RunEnd>;
}

/** The raw text of a hand-off (inbound stores it in the meta), for commands. */
export function rawText(row: AcceptedRow): string {
  const text = row.meta.text;
  return typeof text === 'string' ? text : '';
}

/**
 * The next run of one session from its waiting rows (oldest first): a command alone, else the rows of the first
 * row's chat up to the next command. A DM main session can hold several chats; each reply goes to its own chat.
 */
export function pickBatch<T extends CommandCandidate & { account: string; chat: string }>(
  rows: readonly T[],
): T[] {
  const first = rows[0]!;
  if (isCommandRow(first)) return [first];
  const batch: T[] = [];
  for (const row of rows) {
    if (isCommandRow(row)) break;
    if (row.account === first.account && row.chat === first.chat) batch.push(row);
  }
  return batch;
}

interface Active {
  controller: AbortController;
  done: Promise<void>;
  seqs: number[];
}

export class RunQueue {
  private readonly active = new Map<string, Active>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly backoff = new Map<string, { until: number; ms: number }>();
  private readonly commands = new CommandFinder();
  /** Unconsumed hand-offs by session, oldest first: what the table holds up to `lastSeq`. */
  private readonly waiting = new Map<string, WaitingRow[]>();
  private waitingCount = 0;
  private lastSeq = 0;
  private syncedAt = -Infinity;
  private read = 0;
  private scheduled = false;
  private stopped = false;
  private readonly now: () => number;

  constructor(private readonly deps: QueueDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Looks at the table soon (coalesced: a burst of hand-offs costs one scan). */
  kick(): void {
    if (this.stopped || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      try {
        this.scan();
      } catch (err) {
        this.deps.log.error({ err }, 'agent queue: scanning the waiting messages failed');
      }
    });
  }

  isRunning(sessionKey: string): boolean {
    return this.active.has(sessionKey);
  }

  get runningCount(): number {
    return this.active.size;
  }

  /** Rows read from the table so far (each hand-off once, plus each periodic rebuild). */
  get rowsRead(): number {
    return this.read;
  }

  /** Accepted seqs being answered right now. */
  runningSeqs(): Set<number> {
    return new Set([...this.active.values()].flatMap((a) => a.seqs));
  }

  /**
   * Runs `fn` as the session's one run (waiting for a run in flight to end first): `openclaw agent` shares the
   * session with WhatsApp messages and must not interleave with them.
   */
  async exclusive<T>(sessionKey: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    for (let a = this.active.get(sessionKey); a; a = this.active.get(sessionKey)) await a.done;
    if (this.stopped) throw new Error('the agent is stopping');
    const controller = new AbortController();
    const result = fn(controller.signal);
    const done = result.then(
      () => undefined,
      () => undefined,
    );
    this.active.set(sessionKey, { controller, done, seqs: [] });
    try {
      return await result;
    } finally {
      this.active.delete(sessionKey);
      this.kick();
    }
  }

  /** Aborts the runs in flight (their rows stay unconsumed for the next start) and clears every timer. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    for (const a of this.active.values()) a.controller.abort(new Error('the gateway is stopping'));
    await Promise.all([...this.active.values()].map((a) => a.done));
  }

  private scan(): void {
    // Also while no agent has a model: chat commands never reach one and must still be answered (before setup
    // too); readNew and the command finder look at each waiting row once, so a long backlog is not re-read.
    if (this.stopped) return;
    const now = this.now();
    if (now - this.syncedAt >= RESYNC_MS) {
      this.waiting.clear();
      this.waitingCount = 0;
      this.lastSeq = 0;
      this.syncedAt = now;
    }
    this.readNew();
    const oldest = now - this.deps.maxAgeMs();
    const running = this.runningSeqs();
    // A session's hand-offs are accepted in order, so its expired ones lead its list.
    const expired: WaitingRow[] = [];
    for (const list of this.waiting.values())
      for (const row of list) {
        if (row.acceptedAt >= oldest) break;
        if (!running.has(row.seq)) expired.push(row);
      }
    if (expired.length > 0) {
      // Out of the index whether or not the expiry commits: one that failed comes back at the next rebuild.
      this.forget(expired);
      this.deps.expire(
        acceptedRows(
          this.deps.db,
          expired.map((r) => r.seq),
        ),
      );
    }
    const runnable = new Map<string, boolean>();
    for (const [key, all] of this.waiting) {
      if (this.active.has(key)) continue;
      const list = all[0]!.acceptedAt < oldest ? all.filter((r) => r.acceptedAt >= oldest) : all;
      if (list.length === 0) continue;
      const agentId = list[0]!.agentId;
      let can = runnable.get(agentId);
      if (can === undefined) runnable.set(agentId, (can = this.deps.canRun(agentId)));
      // Without a model only chat commands run (they never reach one); the other messages keep waiting.
      const batch = can ? pickBatch(list) : this.commands.first(all, oldest);
      if (batch.length === 0) continue;
      const back = this.backoff.get(key);
      if (back && back.until > now) {
        this.later(key, back.until - now);
        continue;
      }
      const wait = this.debounceWait(batch, now);
      if (wait > 0) {
        this.later(key, wait);
        continue;
      }
      if (this.active.size >= this.deps.maxConcurrent()) break; // the next run to end kicks again
      this.start(key, batch);
    }
  }

  /** Adds the rows handed off since the last read to the index, up to its bound. */
  private readNew(): void {
    while (this.waitingCount < MAX_WAITING) {
      const limit = Math.min(SCAN_LIMIT, MAX_WAITING - this.waitingCount);
      const rows = waitingAccepted(this.deps.db, limit, this.lastSeq);
      this.read += rows.length;
      for (const row of rows) {
        const list = this.waiting.get(row.sessionKey);
        if (list) list.push(row);
        else this.waiting.set(row.sessionKey, [row]);
        this.lastSeq = row.seq;
      }
      this.waitingCount += rows.length;
      if (rows.length < limit) return;
    }
  }

  /** Drops consumed rows from the index. */
  private forget(rows: ReadonlyArray<Pick<WaitingRow, 'seq' | 'sessionKey'>>): void {
    const seqs = new Set(rows.map((r) => r.seq));
    for (const key of new Set(rows.map((r) => r.sessionKey))) {
      const list = this.waiting.get(key);
      if (!list) continue;
      const kept = list.filter((r) => !seqs.has(r.seq));
      this.waitingCount -= list.length - kept.length;
      if (kept.length === 0) this.waiting.delete(key);
      else this.waiting.set(key, kept);
    }
  }

  /** How long a batch still waits for more text: debounceMs after its last message, if that is plain text. */
  private debounceWait(batch: WaitingRow[], now: number): number {
    const last = batch[batch.length - 1]!;
    if (isCommandRow(last) || last.media) return 0;
    const ms = this.deps.debounceMs(last.account);
    return ms > 0 ? last.acceptedAt + ms - now : 0;
  }

  private later(key: string, ms: number): void {
    const old = this.timers.get(key);
    if (old) clearTimeout(old);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.kick();
    }, ms);
    timer.unref();
    this.timers.set(key, timer);
  }

  /** Takes the rows a run consumed out of the index; the others (a retry, a stop) still wait. */
  private settled(batch: AcceptedRow[]): void {
    try {
      const left = unconsumedOf(
        this.deps.db,
        batch.map((r) => r.seq),
      );
      this.forget(batch.filter((r) => !left.has(r.seq)));
    } catch (err) {
      this.deps.log.warn({ err }, 'agent queue: could not check which messages a run consumed');
      this.syncedAt = -Infinity;
    }
  }

  private start(key: string, picked: WaitingRow[]): void {
    const timer = this.timers.get(key);
    if (timer) clearTimeout(timer);
    this.timers.delete(key);
    const batch = acceptedRows(
      this.deps.db,
      picked.map((r) => r.seq),
    );
    if (batch.length < picked.length) {
      // Consumed some other way since they were indexed: out of the index, and the session is looked at again.
      const left = new Set(batch.map((r) => r.seq));
      this.forget(picked.filter((r) => !left.has(r.seq)));
      if (batch.length === 0) {
        this.kick();
        return;
      }
    }
    const controller = new AbortController();
    const done = this.deps
      .run(batch, controller.signal)
      .catch((err: unknown): RunEnd => {
        this.deps.log.error({ err, sessionKey: key }, 'agent run failed unexpectedly; its messages wait');
        return 'retry';
      })
      .then((end) => {
        if (end === 'retry') {
          const ms = Math.min(RETRY_MAX_MS, (this.backoff.get(key)?.ms ?? RETRY_MIN_MS / 2) * 2);
          this.backoff.set(key, { until: this.now() + ms, ms });
        } else this.backoff.delete(key);
      })
      .finally(() => {
        this.active.delete(key);
        this.settled(batch);
        this.kick();
      });
    this.active.set(key, { controller, done, seqs: batch.map((r) => r.seq) });
  }
}
