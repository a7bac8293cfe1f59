// Group commit of a burst's decryptions. Each decryption used to be one SQLite commit (the Signal state it advanced
// plus its plaintext, key-store.ts); in a burst most of that cost is per commit, not per row. Here a decryption's
// writes wait in memory (reads see them) and the burst's are committed in ONE transaction, at the end of the
// current turn of the event loop or once MAX_DECRYPTIONS have gathered.
//
// This is only correct because nothing about those messages leaves the process before that commit: the socket's
// outgoing frames are held while writes wait (receipt-gate.ts), so WhatsApp hears "delivered" only for state on
// disk. A crash before the commit loses state WhatsApp was never told about: it redelivers, and the Signal state
// on disk predates those messages, so they decrypt again.
//
// Order with every other write is kept by committing what waits first, in the same transaction, before any write
// that is not a decryption's (a send's session, a sender key, app-state keys): a later immediate write can never
// be overwritten by an older waiting one.
import type { IntakeRecord } from '../../store/queries/intake';

/** A key as stored: its JSON text, or null for a deletion. */
export interface EncodedKey {
  type: string;
  id: string;
  text: string | null;
}

/** A decryption's plaintext row waiting in the batch, told its seq once committed. */
export interface WaitingIntake {
  record: IntakeRecord;
  stored(seq: number): void;
}

/** Told after each commit of waiting writes: whether they are on disk, and which keys they held. */
export type CommitListener = (committed: boolean, keys: readonly EncodedKey[], err?: unknown) => void;

export type GroupWriter = (
  keys: readonly EncodedKey[],
  records: readonly IntakeRecord[],
  handled: readonly number[],
) => number[];

/** Decryptions per commit at most: bounds the memory a burst holds and the frames waiting behind it. */
export const MAX_DECRYPTIONS = 64;

const keyOf = (type: string, id: string) => `${type}\u0000${id}`;

export class GroupCommit {
  private keys = new Map<string, EncodedKey>();
  private records: WaitingIntake[] = [];
  private handled: number[] = [];
  private scheduled: { cancel(): void } | null = null;
  private readonly listeners = new Set<CommitListener>();

  /** `delayMs` is fault injection for crash tests: the commit waits that long, widening the window before it. */
  constructor(
    private readonly write: GroupWriter,
    private readonly delayMs = 0,
  ) {}

  /** Whether writes are waiting (outgoing frames must wait with them). */
  get waiting(): boolean {
    return this.keys.size > 0 || this.records.length > 0;
  }

  /** A waiting key's text (null: deleted), or undefined when no waiting write touches it. */
  read(type: string, id: string): string | null | undefined {
    return this.keys.get(keyOf(type, id))?.text;
  }

  /** Adds one decryption's writes; committed with the rest of the burst. */
  add(keys: readonly EncodedKey[], intake: WaitingIntake | null, handled: readonly number[] = []): void {
    for (const k of keys) {
      const key = keyOf(k.type, k.id);
      // Re-inserted so the latest write of a key is also the last in commit order.
      this.keys.delete(key);
      this.keys.set(key, k);
    }
    if (intake) this.records.push(intake);
    this.handled.push(...handled);
    if (this.records.length >= MAX_DECRYPTIONS) this.commitQuietly();
    else if (!this.scheduled) this.scheduled = this.schedule();
  }

  /**
   * Commits what waits, plus `then` (an immediate write) after it in the same transaction. Throws if the commit
   * failed; the waiting writes are gone either way (listeners are told which), since what Baileys believes is
   * stored can no longer be trusted after a failure: the socket is closed and the server redelivers.
   */
  commit(then: readonly EncodedKey[] = []): void {
    this.scheduled?.cancel();
    this.scheduled = null;
    if (!this.waiting) {
      if (then.length > 0) this.write(then, [], []);
      return;
    }
    const keys = [...this.keys.values(), ...then];
    const records = this.records;
    const handled = this.handled;
    this.keys = new Map();
    this.records = [];
    this.handled = [];
    let seqs: number[];
    try {
      seqs = this.write(
        keys,
        records.map((r) => r.record),
        handled,
      );
    } catch (err) {
      this.tell(false, keys, err);
      throw err;
    }
    records.forEach((r, i) => r.stored(seqs[i]!));
    this.tell(true, keys);
  }

  private schedule(): { cancel(): void } {
    if (this.delayMs > 0) {
      const timer = setTimeout(() => this.commitQuietly(), this.delayMs);
      return { cancel: () => clearTimeout(timer) };
    }
    const immediate = setImmediate(() => this.commitQuietly());
    return { cancel: () => clearImmediate(immediate) };
  }

  /** A failure is the listeners' to act on (the gate closes the socket); it must not become an uncaught error. */
  private commitQuietly(): void {
    try {
      this.commit();
    } catch {
      // told to the listeners in commit()
    }
  }

  /** The key store's cache hook: one per group, replaced by the newest store (one per account at a time). */
  forgetOnFailure: ((keys: readonly EncodedKey[]) => void) | null = null;

  onCommit(listener: CommitListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  private tell(committed: boolean, keys: readonly EncodedKey[], err?: unknown): void {
    if (!committed) this.forgetOnFailure?.(keys);
    for (const listener of [...this.listeners]) listener(committed, keys, err);
  }
}
