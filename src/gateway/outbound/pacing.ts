// Send pacing: a token bucket per chat and one per account, so a reply of a few chunks goes out at once while a
// burst (a script, a loop in an agent) is spread out the way a person types, and WhatsApp's `rate-overlimit`
// stops the whole account for a while. Jitter keeps paced sends from ticking like a machine.

export interface PacingOptions {
  /** Messages a chat may send back to back before pacing starts. */
  chatBurst: number;
  /** Then one message per this many ms in that chat. */
  chatIntervalMs: number;
  accountBurst: number;
  accountIntervalMs: number;
  /** Random extra wait (0..jitterMs) added whenever a send has to wait. */
  jitterMs: number;
  /** How long an account pauses after WhatsApp answers `rate-overlimit`. */
  rateLimitBackoffMs: number;
}

/**
 * Defaults a personal assistant never notices: a reply of up to 4 chunks, or 10 messages across chats, leaves at
 * once; sustained sends settle at one a second per chat and about three a second per account.
 */
export const DEFAULT_PACING: PacingOptions = {
  chatBurst: 4,
  chatIntervalMs: 1000,
  accountBurst: 10,
  accountIntervalMs: 300,
  jitterMs: 250,
  rateLimitBackoffMs: 60_000,
};

/** No pacing at all (benchmarks, and tests that count hundreds of messages). */
export const NO_PACING: PacingOptions = {
  chatBurst: 1,
  chatIntervalMs: 0,
  accountBurst: 1,
  accountIntervalMs: 0,
  jitterMs: 0,
  rateLimitBackoffMs: 60_000,
};

interface Bucket {
  tokens: number;
  at: number;
}

/** Buckets kept at most; the oldest are dropped first (a dropped bucket is simply full again). */
const MAX_BUCKETS = 2000;

export class Pacer {
  private readonly buckets = new Map<string, Bucket>();
  private readonly blockedUntil = new Map<string, number>();

  constructor(
    private readonly opts: PacingOptions,
    private readonly random: () => number = Math.random,
  ) {}

  /** Ms to wait before this chat may send; 0 means now, and then the send is counted. */
  take(account: string, chat: string, now: number): number {
    const blocked = (this.blockedUntil.get(account) ?? 0) - now;
    if (blocked > 0) return blocked;
    this.blockedUntil.delete(account);
    const o = this.opts;
    const chatWait = this.waitFor(`c\u0000${account}\u0000${chat}`, o.chatBurst, o.chatIntervalMs, now);
    const accountWait = this.waitFor(`a\u0000${account}`, o.accountBurst, o.accountIntervalMs, now);
    const wait = Math.max(chatWait, accountWait);
    if (wait > 0) return wait + Math.floor(this.random() * (o.jitterMs + 1));
    this.spend(`c\u0000${account}\u0000${chat}`);
    this.spend(`a\u0000${account}`);
    return 0;
  }

  /** WhatsApp said `rate-overlimit`: nothing leaves this account for the backoff period. */
  rateLimited(account: string, now: number): number {
    const until = now + this.opts.rateLimitBackoffMs;
    this.blockedUntil.set(account, until);
    return until;
  }

  private waitFor(key: string, burst: number, intervalMs: number, now: number): number {
    if (intervalMs <= 0) return 0;
    const b = this.buckets.get(key);
    if (!b) {
      this.put(key, { tokens: burst, at: now });
      return 0;
    }
    b.tokens = Math.min(burst, b.tokens + (now - b.at) / intervalMs);
    b.at = now;
    return b.tokens >= 1 ? 0 : Math.ceil((1 - b.tokens) * intervalMs);
  }

  private spend(key: string): void {
    const b = this.buckets.get(key);
    if (b) b.tokens -= 1;
  }

  private put(key: string, b: Bucket): void {
    if (this.buckets.size >= MAX_BUCKETS) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
    this.buckets.set(key, b);
  }
}
