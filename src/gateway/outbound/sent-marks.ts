// Marks acked outbox items sent, one transaction per burst, with what each one was (the content a contact's phone
// may ask for again, store/queries/sent-content.ts). WhatsApp's acks arrive in bursts of up to a window's worth
// (one socket read holds many frames, decoded in the same run of microtasks), and a commit per burst costs what a
// commit per item did. A microtask, not a timer: the mark is never later than the burst that caused it. Each
// caller waits for the commit that holds its item: until then the row still says `sending`, so the chat's queue must
// not let go of it.
import type Database from 'better-sqlite3';
import { markSent, type OutboxRow } from '../store/queries/outbox';
import { pruneSentContent, storeSentContent, type SentContent } from '../store/queries/sent-content';

/** A phone that was off for days can still ask; past a week the copy is dropped. */
const CONTENT_KEEP_MS = 7 * 24 * 3_600_000;
/** A reply is at most a text chunk (4,000 characters) or a media message's keys and thumbnail: tens of MB at most. */
const MAX_CONTENT_ROWS = 10_000;
/** Old content is dropped in a mark's commit at most this often (a table nothing is added to does not grow). */
const PRUNE_EVERY_MS = 10 * 60_000;

interface Mark {
  seq: number;
  at: number;
  content: SentContent | null;
}

export class SentMarks {
  private pending: Mark[] = [];
  private batch: Promise<void> | null = null;
  private readonly commit: (marks: Mark[]) => void;
  private prunedAt = -Infinity;

  constructor(db: Database.Database) {
    this.commit = db.transaction((marks: Mark[]) => {
      for (const m of marks) {
        markSent(db, m.seq, m.at);
        if (m.content) storeSentContent(db, m.content, m.at);
      }
      const now = marks[0]!.at;
      if (now - this.prunedAt >= PRUNE_EVERY_MS) {
        this.prunedAt = now;
        try {
          pruneSentContent(db, now, CONTENT_KEEP_MS, MAX_CONTENT_ROWS);
        } catch {
          // Only the prune's statement is undone; the marks must not fail with it. It runs again next time.
          this.prunedAt = -Infinity;
        }
      }
    });
  }

  /** Resolves once `row` is committed as sent at `at`, with what went out when the socket said. */
  mark(row: OutboxRow, at: number, content?: Uint8Array): Promise<void> {
    const { seq, account, message_id: messageId, chat } = row;
    this.pending.push({ seq, at, content: content ? { account, messageId, chat, content } : null });
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
