// Marks acked outbox items sent, one transaction per burst. WhatsApp's acks arrive in bursts of up to a window's
// worth (one socket read holds many frames, decoded in the same run of microtasks), and a commit per burst costs
// what a commit per item did. A microtask, not a timer: the mark is never later than the burst that caused it. Each
// caller waits for the commit that holds its item: until then the row still says `sending`, so the chat's queue must
// not let go of it.
import type Database from 'better-sqlite3';
import { markSent } from '../store/queries/outbox';

export class SentMarks {
  private pending: Array<{ seq: number; at: number }> = [];
  private batch: Promise<void> | null = null;
  private readonly commit: (marks: Array<{ seq: number; at: number }>) => void;

  constructor(db: Database.Database) {
    this.commit = db.transaction((marks: Array<{ seq: number; at: number }>) => {
      for (const m of marks) markSent(db, m.seq, m.at);
    });
  }

  /** Resolves once `seq` is committed as sent at `at`. */
  mark(seq: number, at: number): Promise<void> {
    this.pending.push({ seq, at });
    // At most one batch is open; its size is bounded by the items in flight, which the outbox bounds per chat.
    // A promise reaction rather than queueMicrotask(): with async hooks on (Baileys' AsyncLocalStorage turns them
    // on), each queueMicrotask() also builds an AsyncResource.
    this.batch ??= Promise.resolve().then(() => {
      const marks = this.pending;
      this.pending = [];
      this.batch = null;
      this.commit(marks);
    });
    return this.batch;
  }
}
