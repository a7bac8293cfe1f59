// When the outbox tries again: how many attempts a transiently failing item gets, the backoff between them, and the
// time after which an unanswered send counts as a transient failure (the retry carries the same id).
import { SendFailure } from './port';

/** Attempts before a transiently failing item is given up as failed. */
export const MAX_ATTEMPTS = 6;

/** Backoff after the nth failed attempt: 2 s, 4 s, 8 s … capped at 2 minutes. */
export function retryDelayMs(attempts: number): number {
  return Math.min(2000 * 2 ** Math.max(0, attempts - 1), 120_000);
}

/** A send (or its ack) that has not settled by then is treated as a transient failure. */
export const SEND_TIMEOUT_MS = 60_000;

// Two promises per call rather than the five of Promise.race + finally: it runs twice per message sent, and with
// async hooks on (Baileys' AsyncLocalStorage turns them on) every promise also runs an init hook.
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new SendFailure('transient', `no answer from WhatsApp within ${ms / 1000} s`)),
      ms,
    );
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err as Error);
      },
    );
  });
}
