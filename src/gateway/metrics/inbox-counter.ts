// Counts inbound messages and what became of them from the durable inbox itself, so the numbers are exactly
// what state.db holds and no inbound code needs a hook. Each scrape reads only rows new since the last one plus
// the few still pending; rows already in the table when the gateway started are not this run's traffic.
import type Database from 'better-sqlite3';

interface Row {
  seq: number;
  account: string;
  state: string;
  reason: string | null;
}

/** Pending rows are watched until they settle; past this many the oldest are given up (never in practice). */
const MAX_PENDING = 10_000;
const BATCH = 5_000;

export interface InboxCounts {
  in(account: string): void;
  settled(row: { account: string; state: string; reason: string | null }): void;
}

export class InboxCounter {
  private cursor: number;
  private readonly pending = new Set<number>();

  constructor(private readonly db: Database.Database) {
    const row = db.prepare('SELECT max(seq) AS seq FROM inbox').get() as { seq: number | null };
    this.cursor = row.seq ?? 0;
  }

  scan(counts: InboxCounts): void {
    for (;;) {
      const rows = this.db
        .prepare('SELECT seq, account, state, reason FROM inbox WHERE seq > ? ORDER BY seq LIMIT ?')
        .all(this.cursor, BATCH) as Row[];
      for (const row of rows) {
        this.cursor = row.seq;
        counts.in(row.account);
        if (row.state === 'pending') this.watch(row.seq);
        else counts.settled(row);
      }
      if (rows.length < BATCH) break;
    }
    const waiting = [...this.pending];
    for (let i = 0; i < waiting.length; i += 500) {
      const chunk = waiting.slice(i, i + 500);
      const rows = this.db
        .prepare(
          `SELECT seq, account, state, reason FROM inbox WHERE seq IN (${chunk.map(() => '?').join(',')})`,
        )
        .all(...chunk) as Row[];
      const found = new Set<number>();
      for (const row of rows) {
        found.add(row.seq);
        if (row.state === 'pending') continue;
        this.pending.delete(row.seq);
        counts.settled(row);
      }
      // A row gone without settling cannot happen (pending rows are never pruned); do not watch it forever.
      for (const seq of chunk) if (!found.has(seq)) this.pending.delete(seq);
    }
  }

  private watch(seq: number): void {
    this.pending.add(seq);
    if (this.pending.size > MAX_PENDING) this.pending.delete(this.pending.values().next().value!);
  }
}
