// Dollars for one answer from the model's configured prices. Kept apart so the loop, the transcript and the tests
// agree on one formula.
import type { Usage } from './types';

export interface ModelCost {
  /** US dollars per million tokens of each kind. */
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/**
 * `usage.input` counts only uncached input (both providers are normalised to that), so each token is priced
 * exactly once: a cached prefix at the cache-read price, not again at the input price.
 */
export function costUsd(usage: Usage, cost: ModelCost): number {
  const micro =
    usage.input * cost.input +
    usage.output * cost.output +
    usage.cacheRead * cost.cacheRead +
    usage.cacheWrite * cost.cacheWrite;
  return micro / 1_000_000;
}

export const ZERO_USAGE: Usage = Object.freeze({ input: 0, output: 0, cacheRead: 0, cacheWrite: 0 });
