// Scheduling of the outbox's per-chat queues: at most one pass over a chat at a time (so its messages keep their
// order), a pass asked for while one runs happens right after it, a timer per chat for items that must wait
// (retry time, pacing), and a way for a running pass that waits for acks to be woken at once by new items instead
// of after the next ack. Every timer and waiter is released by stop().
import type { Logger } from 'pino';

/** `known`: nothing of the chat is open but the rows it is handed (see settled()), so it need not read first. */
type Pass = (account: string, chat: string, known: boolean) => Promise<void>;

/**
 * What was asked of a running pass since it last looked: nothing; items it must read from the store; or exactly
 * these new rows (each kick since came with the rows it added), which it may take without reading them back.
 */
export type Asked<Row> = null | 'read' | Row[];

/** More rows handed at once than this and the pass reads them instead (bounds what is held here). */
const MAX_HANDED = 64;
/** Chats remembered as settled at most; a chat forgotten is simply read again. */
const MAX_SETTLED = 4096;

const keyOf = (account: string, chat: string) => `${account}\u0000${chat}`;

export class ChatRuns<Row = never> {
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Map<string, 'read' | Row[]>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly wakers = new Map<string, () => void>();
  private readonly settledChats = new Set<string>();
  private stopped = false;

  constructor(
    private readonly pass: Pass,
    private readonly log: Logger,
  ) {}

  /**
   * Runs a pass over the chat now, or right after the one running (which is woken if it waits). `added`: the rows
   * this kick is for, when it is for new rows and nothing else (a running pass may then take them unread).
   */
  kick(account: string, chat: string, added?: readonly Row[]): void {
    if (this.stopped) return;
    const key = keyOf(account, chat);
    // Any kick ends what settled() said; one with the new rows hands them to the pass it starts.
    const known = this.settledChats.delete(key) && added !== undefined && added.length <= MAX_HANDED;
    if (this.running.has(key)) {
      const before = this.again.get(key);
      const handed = before === undefined ? [] : before;
      if (added && handed !== 'read' && handed.length + added.length <= MAX_HANDED) {
        handed.push(...added);
        this.again.set(key, handed);
      } else {
        this.again.set(key, 'read');
      }
      this.wakers.get(key)?.();
      return;
    }
    const timer = this.timers.get(key);
    if (timer) {
      clearTimeout(timer);
      this.timers.delete(key);
    }
    if (known) this.again.set(key, [...added]);
    const run = this.pass(account, chat, known)
      .catch((err: Error) => this.log.error({ account, chat, err }, 'outbox: chat queue stopped on an error'))
      .finally(() => {
        this.running.delete(key);
        if (this.again.delete(key)) this.kick(account, chat);
      });
    this.running.set(key, run);
  }

  /** A pass over the chat in `ms` (unless one is due sooner). */
  later(account: string, chat: string, ms: number): void {
    const key = keyOf(account, chat);
    if (this.stopped || this.timers.has(key)) return;
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.kick(account, chat);
    }, ms);
    timer.unref();
    this.timers.set(key, timer);
  }

  /**
   * Called by a running pass before it reads the chat: what was asked for until now, it sees. Says what was asked
   * for since the last call, so a pass that has already read every open item can skip reading again when nothing
   * was, or take the new rows it was handed.
   */
  seen(account: string, chat: string): Asked<Row> {
    const key = keyOf(account, chat);
    const asked = this.again.get(key) ?? null;
    this.again.delete(key);
    return asked;
  }

  /**
   * Called by a pass that ends having written every open item of the chat and seen all their acks in: until the
   * next kick nothing of the chat is open, so a kick with new rows can hand them over unread.
   */
  settled(account: string, chat: string): void {
    if (this.stopped) return;
    if (this.settledChats.size >= MAX_SETTLED) {
      const oldest = this.settledChats.values().next().value;
      if (oldest !== undefined) this.settledChats.delete(oldest);
    }
    this.settledChats.add(keyOf(account, chat));
  }

  /** Asks for another pass once the running one ends. */
  repeat(account: string, chat: string): void {
    if (!this.stopped) this.again.set(keyOf(account, chat), 'read');
  }

  /** Resolves at the next wake() or kick() of the chat (or stop()). */
  nap(account: string, chat: string): Promise<void> {
    const key = keyOf(account, chat);
    return new Promise((resolve) =>
      this.wakers.set(key, () => {
        this.wakers.delete(key);
        resolve();
      }),
    );
  }

  wake(account: string, chat: string): void {
    this.wakers.get(keyOf(account, chat))?.();
  }

  /** Clears every timer and waiter, then waits for the passes running (each ends at its next check). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    for (const wake of [...this.wakers.values()]) wake();
    await Promise.allSettled([...this.running.values()]);
  }
}
