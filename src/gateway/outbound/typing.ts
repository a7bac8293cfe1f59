// "typing…" while work is in progress: `composing` sent at once and refreshed (WhatsApp drops it after ~10 s),
// always stopped — by the caller, by the next send to that chat, or on failure. A presence error is logged and
// never holds up anything: presence is decoration, the message is the point. So each presence stanza goes out after
// the work at hand (the next turn of the event loop): a run's model request and its reply's commit and send are
// not kept waiting behind encoding and writing one.
import type { Logger } from 'pino';
import type { OutboundPort } from './port';

export const TYPING_REFRESH_MS = 6000;
/** Chats that may show typing at once; more are ignored (with a log line), keeping the timers bounded. */
const MAX_TYPING = 500;

export class Typing {
  private readonly active = new Map<string, NodeJS.Timeout>();
  /** Presence updates waiting for the next turn of the event loop, in order (sent and cleared on that turn). */
  private pending: Array<{ accountId: string; chat: string; state: 'composing' | 'paused' }> = [];
  private flushing: NodeJS.Immediate | null = null;

  constructor(
    private readonly port: (accountId: string) => OutboundPort | null,
    private readonly log: Logger,
    private readonly refreshMs = TYPING_REFRESH_MS,
  ) {}

  /** Starts (or keeps) typing in a chat; the returned function stops it. */
  start(accountId: string, chat: string): () => void {
    const key = `${accountId}\u0000${chat}`;
    if (!this.active.has(key)) {
      if (this.active.size >= MAX_TYPING) {
        this.log.warn({ accountId, chat }, 'typing not shown: too many chats typing at once');
        return () => undefined;
      }
      const timer = setInterval(() => this.send(accountId, chat, 'composing'), this.refreshMs);
      timer.unref();
      this.active.set(key, timer);
      this.send(accountId, chat, 'composing');
    }
    return () => this.stop(accountId, chat);
  }

  /** Stops typing in a chat, if it was on (after a send, a failure, or when the caller is done). */
  stop(accountId: string, chat: string): void {
    const key = `${accountId}\u0000${chat}`;
    const timer = this.active.get(key);
    if (!timer) return;
    clearInterval(timer);
    this.active.delete(key);
    this.send(accountId, chat, 'paused');
  }

  isTyping(accountId: string, chat: string): boolean {
    return this.active.has(`${accountId}\u0000${chat}`);
  }

  /** Stops every refresh; presence updates already asked for go out now. */
  close(): void {
    for (const timer of this.active.values()) clearInterval(timer);
    this.active.clear();
    if (this.flushing) clearImmediate(this.flushing);
    this.flush();
  }

  private send(accountId: string, chat: string, state: 'composing' | 'paused'): void {
    this.pending.push({ accountId, chat, state });
    this.flushing ??= setImmediate(() => this.flush());
  }

  private flush(): void {
    this.flushing = null;
    const due = this.pending;
    this.pending = [];
    for (const p of due) this.sendNow(p.accountId, p.chat, p.state);
  }

  private sendNow(accountId: string, chat: string, state: 'composing' | 'paused'): void {
    const port = this.port(accountId);
    if (!port?.connected()) return;
    port.presence(chat, state).catch((err: Error) => {
      this.log.debug({ accountId, chat, state, err: err.message }, 'presence update failed (ignored)');
    });
  }
}
