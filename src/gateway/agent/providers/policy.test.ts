import { describe, expect, it } from 'vitest';
import { costUsd } from './cost';
import { toModelError } from './errors';
import { backoffMs, parseRetryAfterMs, retryDelayMs } from './retry-policy';

describe('cost', () => {
  it('prices each kind of token once, per million', () => {
    const usage = { input: 1_000, output: 500, cacheRead: 10_000, cacheWrite: 2_000 };
    const cost = { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 };
    // 1000*3 + 500*15 + 10000*0.3 + 2000*3.75 = 3000 + 7500 + 3000 + 7500 = 21000 micro-dollars
    expect(costUsd(usage, cost)).toBeCloseTo(0.021, 10);
  });
});

describe('Retry-After', () => {
  const now = Date.parse('2026-12-05T10:00:00Z');
  it.each([
    [{ 'retry-after': '2' }, 2000],
    [{ 'retry-after': '0.5' }, 500],
    [{ 'Retry-After': '3' }, 3000],
    [{ 'retry-after-ms': '250', 'retry-after': '9' }, 250],
    [{ 'retry-after': 'Sat, 05 Dec 2026 10:00:04 GMT' }, 4000],
    [{ 'retry-after': 'Sat, 05 Dec 2026 09:00:00 GMT' }, 0],
    [{ 'retry-after': 'soon' }, undefined],
    [{}, undefined],
  ])('%j → %s ms', (headers, ms) => {
    expect(parseRetryAfterMs(headers, now)).toBe(ms);
    expect(parseRetryAfterMs(new Headers(headers), now)).toBe(ms);
  });

  it('waits as hinted, gives up when the hint is over the cap or past the deadline', () => {
    const base = { attempt: 0, baseMs: 100, maxRetryAfterMs: 60_000, deadline: 10_000, now: 0 };
    expect(retryDelayMs({ ...base, retryAfterMs: 2_000 })).toBe(2_000);
    expect(retryDelayMs({ ...base, retryAfterMs: 61_000, deadline: 1e9 })).toBeUndefined();
    expect(retryDelayMs({ ...base, retryAfterMs: 20_000 })).toBeUndefined();
    const backoff = retryDelayMs({ ...base, retryAfterMs: undefined });
    expect(backoff).toBeGreaterThanOrEqual(50);
    expect(backoff).toBeLessThanOrEqual(100);
  });

  it('backs off exponentially', () => {
    expect(backoffMs(0, 500, () => 1)).toBe(500);
    expect(backoffMs(2, 500, () => 1)).toBe(2000);
    expect(backoffMs(2, 500, () => 0)).toBe(1000);
  });
});

describe('error mapping', () => {
  const ctx = { model: 'p/m', baseUrl: 'http://127.0.0.1:9/v1', secret: 'sk-secret-123456' };
  it.each([
    [401, 'auth'],
    [403, 'auth'],
    [404, 'not_found'],
    [429, 'rate_limited'],
    [500, 'server'],
    [529, 'server'],
    [400, 'bad_request'],
  ])('status %i → %s', (status, kind) => {
    const err = Object.assign(new Error(`${status} nope`), { name: 'APIError', status });
    expect(toModelError(err, ctx).kind).toBe(kind);
  });

  it('never repeats the key a provider echoes back', () => {
    const err = Object.assign(new Error('401 Incorrect API key provided: sk-secret-123456'), {
      name: 'AuthenticationError',
      status: 401,
    });
    const e = toModelError(err, ctx);
    expect(e.message).not.toContain('sk-secret-123456');
    expect(e.message).toContain('[redacted]');
  });

  it('a refused connection says nothing is listening at the address', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const err = Object.assign(new Error('Connection error.'), {
      name: 'APIConnectionError',
      cause: new TypeError('fetch failed', { cause }),
    });
    const e = toModelError(err, ctx);
    expect(e.kind).toBe('connection');
    expect(e.message).toBe('p/m: nothing is listening at http://127.0.0.1:9/v1');
  });

  it('an abort by the run timeout is a timeout, any other abort is aborted', () => {
    const timedOut = AbortSignal.abort(new DOMException('t', 'TimeoutError'));
    expect(toModelError(new Error('x'), { ...ctx, signal: timedOut }).kind).toBe('timeout');
    expect(toModelError(new Error('x'), { ...ctx, signal: AbortSignal.abort() }).kind).toBe('aborted');
    expect(toModelError(new Error('x'), { ...ctx, stalled: true, idleMs: 1500 }).message).toMatch(
      /stalled.*1\.5 s/,
    );
  });
});
