// How long to wait before the next reconnect: initialMs · factor^(n−1) · (1 + jitter·rand), capped at maxMs, with
// the reference system's clamps. A pure function with an injected random source, so tests can seed the jitter.

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
