// Turns whatever an SDK threw into our ModelError kinds. Both SDKs share the same error class names and shapes
// (APIError with status and headers, APIConnectionError with the fetch cause), so one mapping serves both.
import { parseRetryAfterMs } from './retry-policy';
import { ModelError, type ModelErrorKind } from './types';

export interface ErrorContext {
  /** "provider/model". */
  model: string;
  baseUrl: string;
  /** The watchdog ended the request (no data for idleMs). */
  stalled?: boolean;
  idleMs?: number;
  /** The caller's signal: aborted with a TimeoutError reason means the run's time ran out, else a stop. */
  signal?: AbortSignal;
  /** The API key in use: removed from any text a provider echoes back (some quote part of a wrong key). */
  secret?: string;
}

const MAX_MESSAGE = 300;

export function toModelError(err: unknown, ctx: ErrorContext): ModelError {
  if (err instanceof ModelError) return err;
  const at = ctx.model;
  if (ctx.stalled) {
    const s = Math.round((ctx.idleMs ?? 0) / 100) / 10;
    return new ModelError('timeout', `${at}: the stream stalled (nothing from ${ctx.baseUrl} for ${s} s)`, {
      model: at,
    });
  }
  if (ctx.signal?.aborted) {
    const reason = ctx.signal.reason as { name?: string } | undefined;
    if (reason?.name === 'TimeoutError') {
      return new ModelError('timeout', `${at}: the run's time limit passed before the model answered`, {
        model: at,
      });
    }
    return new ModelError('aborted', `${at}: the request was stopped`, { model: at });
  }
  const e = (err ?? {}) as {
    name?: string;
    status?: number;
    headers?: Headers;
    message?: string;
    error?: unknown;
    type?: string | null;
  };
  // The openai SDK leaves `name` as "Error" on its classes; the class name is what tells them apart.
  const name = e.name && e.name !== 'Error' ? e.name : (err as object | null)?.constructor?.name;
  if (name === 'APIUserAbortError' || name === 'AbortError') {
    return new ModelError('aborted', `${at}: the request was stopped`, { model: at });
  }
  if (name === 'APIConnectionTimeoutError') {
    return new ModelError('timeout', `${at}: no answer from ${ctx.baseUrl} in time`, { model: at });
  }
  if (name === 'APIConnectionError' || (e.status === undefined && name === 'TypeError')) {
    const code = causeCode(err);
    const message =
      code === 'ECONNREFUSED'
        ? `${at}: nothing is listening at ${ctx.baseUrl}`
        : `${at}: could not reach ${ctx.baseUrl} (${code ?? clean(e.message, ctx.secret)})`;
    return new ModelError('connection', message, { model: at });
  }
  const status = typeof e.status === 'number' ? e.status : undefined;
  const kind = kindOf(status, errorType(e));
  const said = clean(providerMessage(e), ctx.secret);
  const retryAfterMs = parseRetryAfterMs(e.headers);
  const prefix = status ? `${at}: ${status}` : at;
  return new ModelError(kind, said ? `${prefix} ${said}` : prefix, { status, model: at, retryAfterMs });
}

function kindOf(status: number | undefined, type: string | undefined): ModelErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not_found';
  if (status === 429 || type === 'rate_limit_error') return 'rate_limited';
  if (status === 408) return 'timeout';
  if ((status !== undefined && status >= 500) || type === 'overloaded_error' || type === 'api_error')
    return 'server';
  if (status !== undefined) return 'bad_request';
  // No status: an error event inside a stream, or a body we could not read. Another try may well work.
  return 'server';
}

/** Anthropic sends `{ type: 'error', error: { type, message } }`; OpenAI's SDK keeps `{ message, type, code }`. */
function errorType(e: { error?: unknown; type?: string | null }): string | undefined {
  const body = e.error as { type?: unknown; error?: { type?: unknown } } | undefined;
  const t = body?.error?.type ?? e.type ?? body?.type;
  return typeof t === 'string' ? t : undefined;
}

function providerMessage(e: { error?: unknown; message?: string }): string {
  const body = e.error as { message?: unknown; error?: { message?: unknown } } | undefined;
  const m = body?.error?.message ?? body?.message;
  if (typeof m === 'string' && m) return m;
  // The SDK's own message starts with the status, which our prefix already has.
  return (e.message ?? '').replace(/^\d{3}\s+/, '');
}

function clean(text: string | undefined, secret: string | undefined): string {
  let out = (text ?? '').replace(/\s+/g, ' ').trim();
  if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  return out.length > MAX_MESSAGE ? `${out.slice(0, MAX_MESSAGE)}…` : out;
}

/** The errno code (ECONNREFUSED, ENOTFOUND…) somewhere in the cause chain of a failed fetch. */
export function causeCode(err: unknown): string | undefined {
  let cur: unknown = err;
  for (let depth = 0; cur && depth < 6; depth++) {
    const c = cur as { code?: unknown; cause?: unknown; errors?: unknown[] };
    if (typeof c.code === 'string' && /^E[A-Z_]+$/.test(c.code)) return c.code;
    // Happy eyeballs reports several refused addresses as an AggregateError.
    const inner = Array.isArray(c.errors) ? (c.errors[0] as { code?: unknown } | undefined) : undefined;
    if (inner && typeof inner.code === 'string') return inner.code;
    cur = c.cause;
  }
  return undefined;
}
