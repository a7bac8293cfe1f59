import { describe, expect, it } from 'vitest';
import {
  MAX_RESTARTS_IN_A_ROW,
  ReconnectBudget,
  attemptsExhausted,
  clampPolicy,
  degradedRetryDelay,
  reconnectDelay,
  seededRandom,
} from './reconnect-policy';

const policy = { initialMs: 2000, maxMs: 30_000, factor: 1.8, jitter: 0.25, maxAttempts: 12 };

describe('reconnect policy', () => {
  it('grows by the factor from the initial delay without jitter', () => {
    const noJitter = { ...policy, jitter: 0 };
    expect([1, 2, 3, 4, 5, 6].map((n) => reconnectDelay(noJitter, n))).toEqual([
      2000, 3600, 6480, 11664, 20995, 30000,
    ]);
  });

  it('adds up to jitter·delay on top, reproducibly for a seed', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const first = [1, 2, 3].map((n) => reconnectDelay(policy, n, a));
    expect([1, 2, 3].map((n) => reconnectDelay(policy, n, b))).toEqual(first);
    expect(first[0]).toBeGreaterThanOrEqual(2000);
    expect(first[0]).toBeLessThanOrEqual(2500);
    expect(reconnectDelay(policy, 1, () => 0.999999)).toBe(2500);
    expect(reconnectDelay(policy, 40, () => 1)).toBe(30_000);
  });

  it('clamps nonsense to safe values', () => {
    expect(clampPolicy({ initialMs: 10, maxMs: 5, factor: 0.5, jitter: 3, maxAttempts: -1 })).toEqual({
      initialMs: 250,
      maxMs: 250,
      factor: 1.1,
      jitter: 1,
      maxAttempts: 0,
    });
  });

  it('gives up after maxAttempts, never when it is 0', () => {
    expect(attemptsExhausted(policy, 11)).toBe(false);
    expect(attemptsExhausted(policy, 12)).toBe(true);
    expect(attemptsExhausted({ ...policy, maxAttempts: 0 }, 10_000)).toBe(false);
  });

  it('a degraded account retries every ten longest waits (5 min by default), jittered, at most an hour apart', () => {
    expect(degradedRetryDelay(policy, () => 0)).toBe(300_000);
    expect(degradedRetryDelay(policy, () => 1)).toBe(375_000);
    expect(degradedRetryDelay({ ...policy, maxMs: 30 * 60_000, jitter: 0 })).toBe(60 * 60_000);
  });
});

describe('reconnect budget', () => {
  const restart = { kind: 'restart' } as const;
  const retry = { kind: 'retry' } as const;

  it('restarts asked for right after each login are not free: past the cap they back off, then degrade', () => {
    // The 515-after-open server: each login is closed with a 515 and never stays up long enough to reset().
    const budget = new ReconnectBudget(() => ({ ...policy, jitter: 0 }));
    const steps = Array.from({ length: MAX_RESTARTS_IN_A_ROW + policy.maxAttempts }, () =>
      budget.next(restart),
    );
    expect(steps.slice(0, MAX_RESTARTS_IN_A_ROW)).toEqual([
      { kind: 'now' },
      { kind: 'now' },
      { kind: 'now' },
    ]);
    const backoff = steps.slice(MAX_RESTARTS_IN_A_ROW);
    expect(backoff.slice(0, 3).map((s) => s.kind === 'later' && s.delayMs)).toEqual([2000, 3600, 6480]);
    expect(backoff.every((s) => s.kind === 'later' && /515/.test(s.error ?? ''))).toBe(true);
    expect(backoff.at(-2)).toMatchObject({ state: 'reconnecting' });
    expect(backoff.at(-1)).toMatchObject({ kind: 'later', state: 'degraded', delayMs: 300_000 });
    // Still degraded on the next failure: the slow rate, not a fresh set of quick attempts.
    expect(budget.next(retry)).toEqual({ kind: 'later', state: 'degraded', delayMs: 300_000 });
  });

  it('a stable connection (reset) gives restarts and attempts back', () => {
    const budget = new ReconnectBudget(
      () => policy,
      () => 0,
    );
    for (let i = 0; i < MAX_RESTARTS_IN_A_ROW; i++) budget.next(restart);
    budget.next(retry);
    expect(budget.attempts).toBe(1);
    expect(budget.reset()).toBe(true);
    expect(budget.reset()).toBe(false);
    expect(budget.next(restart)).toEqual({ kind: 'now' });
    expect(budget.attempts).toBe(0);
  });

  it('a stop that leaves the account degraded (a refused version) still retries at the slow rate; others stop', () => {
    const budget = new ReconnectBudget(
      () => policy,
      () => 0,
    );
    expect(budget.next({ kind: 'stop', state: 'degraded', error: 'version (405)' })).toEqual({
      kind: 'later',
      state: 'degraded',
      delayMs: 300_000,
    });
    const conflict = { kind: 'stop', state: 'conflict', error: 'replaced (440)' } as const;
    expect(budget.next(conflict)).toEqual(conflict);
  });
});
