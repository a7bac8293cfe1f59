// Our retry policy, in one place so it is visible and tested: the SDKs' own retries are off (maxRetries 0).
import type { ModelErrorKind } from './types';

/** A server may ask for a long pause; past this we would rather try the fallback than keep the sender waiting. */
export const MAX_RETRY_AFTER_MS = 60_000;
/** Tries after the first one, for errors another try can fix. */
export const DEFAULT_MAX_RETRIES = 2;
export const DEFAULT_BACKOFF_BASE_MS = 500;

/** Rate limits, server failures and dropped connections can pass; a wrong key or an unknown model will not. */
export function isRetryable(kind: ModelErrorKind): boolean {
  return kind === 'rate_limited' || kind === 'server' || kind === 'connection';
}

type HeaderSource = Headers | Record<string, string | undefined> | undefined;

function header(headers: HeaderSource, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const rec = headers as Record<string, string | undefined>;
  const key = Object.keys(rec).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : rec[key];
}

/**
 * Milliseconds the server asked us to wait: `retry-after-ms` (OpenAI's precise form) first, then `Retry-After`
 * as seconds or an HTTP date. Undefined when absent or unreadable; never negative. Not capped here: the caller
 * decides whether a long wait is worth it.
 */
export function parseRetryAfterMs(headers: HeaderSource, now: number = Date.now()): number | undefined {
  const ms = header(headers, 'retry-after-ms');
  if (ms !== undefined && /^\s*\d+(\.\d+)?\s*$/.test(ms)) return Math.max(0, Math.round(Number(ms)));
  const ra = header(headers, 'retry-after');
  if (ra === undefined) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(ra)) return Math.max(0, Math.round(Number(ra) * 1000));
  const at = Date.parse(ra);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Exponential backoff with jitter (attempt 0 is the first retry), for errors that came without a hint. */
export function backoffMs(attempt: number, baseMs: number, random: () => number = Math.random): number {
  const ceiling = baseMs * 2 ** attempt;
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * How long to wait before the next try, or undefined when waiting is pointless: the server's hint is over the
 * cap, or the wait would outlast the run's deadline (then the fallback gets the remaining time instead).
 */
export function retryDelayMs(opts: {
  retryAfterMs: number | undefined;
  attempt: number;
  baseMs: number;
  maxRetryAfterMs: number;
  deadline: number;
  now: number;
}): number | undefined {
  const wait = opts.retryAfterMs ?? backoffMs(opts.attempt, opts.baseMs);
  if (opts.retryAfterMs !== undefined && opts.retryAfterMs > opts.maxRetryAfterMs) return undefined;
  if (opts.now + wait >= opts.deadline) return undefined;
  return wait;
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts; the timer never outlives it. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
