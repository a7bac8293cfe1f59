// One request through a model chain: each model gets its retries (429/5xx/connection, honouring Retry-After),
// then the next model in `fallbacks` is tried. An abort stops everything at once. Every try is recorded as an
// attempt so the owner can see why a fallback answered or why nothing did.
import type { Logger } from 'pino';
import { costUsd, type ModelCost } from './cost';
import { isRetryable, retryDelayMs, sleep } from './retry-policy';
import { ModelError, type ModelAttempt, type ModelRequest, type ModelResult } from './types';
import type { WireClient } from './wire';

/** A resolved model: its client and what the request needs from its config. */
export interface ChainTarget {
  ref: string;
  modelId: string;
  client: WireClient;
  maxTokens: number;
  cost: ModelCost;
}

export interface ChainOptions {
  maxRetries: number;
  backoffBaseMs: number;
  maxRetryAfterMs: number;
  idleMs: number;
  /** Epoch ms when the whole run times out: a wait past it goes to the fallback instead. */
  deadline: number;
  onHeaders?: (ref: string, headers: Headers) => void;
  logger?: Logger;
  now?: () => number;
}

/** All models failed: the last model's error, with every attempt attached. */
export class ModelChainError extends ModelError {
  constructor(
    last: ModelError,
    readonly attempts: ModelAttempt[],
  ) {
    super(last.kind, last.message, last.details);
    this.name = 'ModelChainError';
  }
}

export async function completeChain(
  refs: string[],
  resolve: (ref: string) => ChainTarget | ModelError,
  req: ModelRequest,
  opts: ChainOptions,
): Promise<ModelResult & { attempts: ModelAttempt[] }> {
  const now = opts.now ?? Date.now;
  const attempts: ModelAttempt[] = [];
  // Made only when needed: an Error is costly to build (its stack), and most requests never fail.
  let last: ModelError | undefined;
  for (const ref of refs) {
    const target = resolve(ref);
    if (target instanceof ModelError) {
      attempts.push({ model: ref, ok: false, error: { kind: target.kind, message: target.message }, ms: 0 });
      last = target;
      continue;
    }
    for (let attempt = 0; ; attempt++) {
      const started = now();
      try {
        const r = await target.client.call(target.modelId, req, {
          ref,
          maxTokens: target.maxTokens,
          idleMs: opts.idleMs,
          onHeaders: opts.onHeaders && ((h) => opts.onHeaders?.(ref, h)),
        });
        attempts.push({ model: ref, ok: true, ms: now() - started });
        return { ...r, model: ref, costUsd: costUsd(r.usage, target.cost), attempts };
      } catch (err) {
        const e =
          err instanceof ModelError
            ? err
            : new ModelError('server', `${ref}: ${String((err as Error)?.message ?? err)}`, { model: ref });
        attempts.push({
          model: ref,
          ok: false,
          error: {
            kind: e.kind,
            message: e.message,
            ...(e.details.status ? { status: e.details.status } : {}),
          },
          ms: now() - started,
        });
        last = e;
        if (e.kind === 'aborted' || req.signal?.aborted) throw new ModelChainError(e, attempts);
        const wait =
          isRetryable(e.kind) && attempt < opts.maxRetries
            ? retryDelayMs({
                retryAfterMs: e.details.retryAfterMs,
                attempt,
                baseMs: opts.backoffBaseMs,
                maxRetryAfterMs: opts.maxRetryAfterMs,
                deadline: opts.deadline,
                now: now(),
              })
            : undefined;
        opts.logger?.warn(
          { model: ref, kind: e.kind, status: e.details.status, retryInMs: wait },
          wait === undefined ? `model failed: ${e.message}` : `model failed, retrying: ${e.message}`,
        );
        if (wait === undefined) break;
        try {
          await sleep(wait, req.signal);
        } catch (reason) {
          const timedOut = (reason as { name?: string } | undefined)?.name === 'TimeoutError';
          const stopped = timedOut
            ? new ModelError('timeout', `${ref}: the run's time limit passed while waiting to retry`, {
                model: ref,
              })
            : new ModelError('aborted', `${ref}: stopped while waiting to retry`, { model: ref });
          throw new ModelChainError(stopped, attempts);
        }
      }
    }
  }
  throw new ModelChainError(last ?? new ModelError('not_configured', 'No model configured'), attempts);
}
