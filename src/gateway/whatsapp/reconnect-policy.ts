// How long to wait before the next reconnect: initialMs · factor^(n−1) · (1 + jitter·rand), capped at maxMs, with
// the reference system's clamps, and the per-account counters behind it. An injected random source lets tests seed
// the jitter.

import type { AccountState } from '../../shared/contract';
import type { CloseOutcome } from './lifecycle';

export interface ReconnectPolicy {
  initialMs: number;
  maxMs: number;
  factor: number;
  jitter: number;
  /** 0 means never give up. */
  maxAttempts: number;
}

/** Keeps a hand-edited policy sane: no hammering (≥ 250 ms, factor ≥ 1.1) and no absurd waits. */
export function clampPolicy(p: ReconnectPolicy): ReconnectPolicy {
  const initialMs = Math.max(250, Math.round(p.initialMs));
  return {
    initialMs,
    maxMs: Math.max(initialMs, Math.min(Math.round(p.maxMs), 60 * 60_000)),
    factor: Math.min(10, Math.max(1.1, p.factor)),
    jitter: Math.min(1, Math.max(0, p.jitter)),
    maxAttempts: Math.max(0, Math.floor(p.maxAttempts)),
  };
}

/** Delay before reconnect attempt `attempt` (1-based). */
export function reconnectDelay(
  policy: ReconnectPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const p = clampPolicy(policy);
  const base = p.initialMs * p.factor ** (Math.max(1, attempt) - 1);
  return Math.min(p.maxMs, Math.round(base * (1 + p.jitter * random())));
}

export function attemptsExhausted(policy: ReconnectPolicy, attempts: number): boolean {
  const { maxAttempts } = clampPolicy(policy);
  return maxAttempts > 0 && attempts >= maxAttempts;
}

/** A small seeded generator (mulberry32) for reproducible jitter in tests and benchmarks. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * How often a degraded account (attempts exhausted) still tries: ten of the longest backoff waits, jittered, at
 * most an hour — 5 min with the defaults. Slow enough not to hammer a server that keeps refusing, fast enough
 * that a network that comes back unnoticed is used again without anyone restarting the gateway.
 */
export function degradedRetryDelay(policy: ReconnectPolicy, random: () => number = Math.random): number {
  const p = clampPolicy(policy);
  return Math.round(Math.min(60 * 60_000, p.maxMs * 10) * (1 + p.jitter * random()));
}

/** WhatsApp asks for a restart (515) after pairing and now and then later; past this many in a row, it is a loop. */
export const MAX_RESTARTS_IN_A_ROW = 3;

/** What an account does after its socket closed. */
export type CloseStep =
  | { kind: 'stop'; state: AccountState; error: string }
  /** Reconnect at once (WhatsApp's 515 restart, within the cap). */
  | { kind: 'now' }
  /** Reconnect after `delayMs`; degraded means attempts are used up and this is the slow rate. */
  | { kind: 'later'; state: 'reconnecting' | 'degraded'; delayMs: number; error?: string };

const RESTART_LOOP = 'WhatsApp asked for a restart (515) again right after each login';

/**
 * An account's reconnect counters. Attempts and restarts both count until a connection has stayed up for a
 * while (reset()): a server that closes each login moments after `open` must not get a fresh budget each time,
 * or it would be reconnected to at once, forever.
 */
export class ReconnectBudget {
  attempts = 0;
  private restartsInARow = 0;

  constructor(
    private readonly policy: () => ReconnectPolicy,
    private readonly random?: () => number,
  ) {}

  /** Weighs a close against the budget; only here do closes count as attempts. */
  next(outcome: CloseOutcome): CloseStep {
    // Degraded is never final: it keeps trying at the slow rate (a refused version (405) may be fixed in the config).
    if (outcome.kind === 'stop' && outcome.state === 'degraded')
      return { kind: 'later', state: 'degraded', delayMs: degradedRetryDelay(this.policy(), this.random) };
    if (outcome.kind === 'stop') return outcome;
    if (outcome.kind === 'restart' && this.restartsInARow < MAX_RESTARTS_IN_A_ROW) {
      this.restartsInARow += 1;
      return { kind: 'now' };
    }
    this.attempts += 1;
    const error = outcome.kind === 'restart' ? RESTART_LOOP : undefined;
    if (attemptsExhausted(this.policy(), this.attempts))
      return {
        kind: 'later',
        state: 'degraded',
        delayMs: degradedRetryDelay(this.policy(), this.random),
        error,
      };
    const delayMs = reconnectDelay(this.policy(), this.attempts, this.random);
    return { kind: 'later', state: 'reconnecting', delayMs, error };
  }

  /** A connection stayed up, or a person asked to try again: everything starts from zero. Returns whether anything changed. */
  reset(): boolean {
    const changed = this.attempts !== 0 || this.restartsInARow !== 0;
    this.attempts = 0;
    this.restartsInARow = 0;
    return changed;
  }
}
