import { describe, expect, it } from 'vitest';
import { DEFAULT_PACING, Pacer } from './pacing';

const T0 = 1_000_000;

describe('pacing', () => {
  it('lets a short reply through at once, then spaces a chat one send per interval with jitter', () => {
    const pacer = new Pacer(DEFAULT_PACING, () => 0.5);
    for (let i = 0; i < DEFAULT_PACING.chatBurst; i++) expect(pacer.take('a', 'chat', T0)).toBe(0);
    const wait = pacer.take('a', 'chat', T0);
    expect(wait).toBe(DEFAULT_PACING.chatIntervalMs + Math.floor(0.5 * (DEFAULT_PACING.jitterMs + 1)));
    // Another chat is not held by this one's bucket.
    expect(pacer.take('a', 'other', T0)).toBe(0);
    expect(pacer.take('a', 'chat', T0 + DEFAULT_PACING.chatIntervalMs)).toBe(0);
  });

  it('caps the account across chats', () => {
    const pacer = new Pacer(DEFAULT_PACING, () => 0);
    for (let i = 0; i < DEFAULT_PACING.accountBurst; i++) expect(pacer.take('a', `chat${i}`, T0)).toBe(0);
    expect(pacer.take('a', 'fresh', T0)).toBe(DEFAULT_PACING.accountIntervalMs);
    expect(pacer.take('b', 'fresh', T0)).toBe(0); // other accounts have their own budget
  });

  it('stops an account for the backoff after rate-overlimit', () => {
    const pacer = new Pacer(DEFAULT_PACING, () => 0);
    const until = pacer.rateLimited('a', T0);
    expect(until).toBe(T0 + DEFAULT_PACING.rateLimitBackoffMs);
    expect(pacer.take('a', 'chat', T0 + 1000)).toBe(DEFAULT_PACING.rateLimitBackoffMs - 1000);
    expect(pacer.take('a', 'chat', until)).toBe(0);
  });
});
