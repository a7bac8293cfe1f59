import { describe, expect, it } from 'vitest';
import { attemptsExhausted, clampPolicy, reconnectDelay, seededRandom } from './reconnect-policy';

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
});
