// The loopback HTTP server: reads and records each request, picks its scripted step and hands it to the wire
// format it arrived in. Every open exchange is tracked so close() can end stalled streams as well as idle sockets.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  anthropicErrorBody,
  anthropicModels,
  anthropicRequestId,
  anthropicRequestProblem,
  answerAnthropic,
  stallAnthropic,
} from './anthropic';
import {
  answerOpenai,
  openaiErrorBody,
  openaiModels,
  openaiRequestId,
  openaiRequestProblem,
  stallOpenai,
} from './openai';
import { StepQueue, type RecordedRequest, type SimError, type SimFormat, type SimStep } from './script';
import { Exchange, SIM_HEADER } from './sse';

/** A model request with a few base64 images fits; anything bigger is a client bug worth a clear 413. */
const MAX_BODY_BYTES = 32 * 1024 * 1024;
/** Oldest requests are forgotten past this, so a long benchmark does not hold every prompt it ever sent. */
export const MAX_RECORDED = 10_000;

export interface ModelSimOptions {
  port?: number;
  /** Model ids listed by GET /v1/models (default ['sim-model']). */
  models?: string[];
}

interface Waiter {
  n: number;
  resolve: (reqs: RecordedRequest[]) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLarge());
      } else parts.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.once('error', reject);
  });
}

const lowerHeaders = (req: IncomingMessage): Record<string, string> =>
  Object.fromEntries(
    Object.entries(req.headers).map(([k, v]) => [
      k.toLowerCase(),
      Array.isArray(v) ? v.join(', ') : (v ?? ''),
    ]),
  );

export class ModelSimServer {
  readonly requests: RecordedRequest[] = [];
  readonly queue = new StepQueue();
  private readonly http: Server;
  private readonly open = new Set<Exchange>();
  private waiters = new Set<Waiter>();
  private closed = false;

  constructor(private readonly options: ModelSimOptions = {}) {
    this.http = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        // A bug in the simulator must reach the test as a 500 it can read, not as a hang.
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'text/plain', [SIM_HEADER]: '1' });
          res.end(`model-sim internal error: ${err instanceof Error ? err.message : String(err)}`);
        } else res.destroy();
      });
    });
  }

  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(this.options.port ?? 0, '127.0.0.1', () => {
        this.http.off('error', reject);
        resolve((this.http.address() as AddressInfo).port);
      });
    });
  }

  waitForRequests(n: number, timeoutMs = 10_000): Promise<RecordedRequest[]> {
    if (this.requests.length >= n) return Promise.resolve(this.requests);
    if (this.closed) return Promise.reject(new Error('model-sim: closed'));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        n,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          const got = this.requests.map((r) => `${r.format} ${r.model || r.path}`).join('; ') || 'none';
          reject(
            new Error(
              `model-sim: waited ${timeoutMs} ms for ${n} request(s), got ${this.requests.length} (${got})`,
            ),
          );
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  reset(): void {
    this.queue.clear();
    this.requests.length = 0;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.reject(new Error('model-sim: closed while waiting for requests'));
    }
    this.waiters.clear();
    const done = new Promise<void>((resolve) => this.http.close(() => resolve()));
    for (const ex of this.open) ex.kill();
    this.http.closeAllConnections();
    await done;
  }

  private record(r: RecordedRequest): void {
    this.requests.push(r);
    if (this.requests.length > MAX_RECORDED) this.requests.splice(0, this.requests.length - MAX_RECORDED);
    for (const w of this.waiters) {
      if (this.requests.length < w.n) continue;
      clearTimeout(w.timer);
      this.waiters.delete(w);
      w.resolve(this.requests);
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const headers = lowerHeaders(req);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    // Both providers serve GET /v1/models; only Anthropic's SDK sends anthropic-version.
    const format: SimFormat =
      path === '/v1/messages' || (path !== '/v1/chat/completions' && 'anthropic-version' in headers)
        ? 'anthropic'
        : 'openai';
    const requestId = format === 'openai' ? openaiRequestId() : anthropicRequestId();
    const baseHeaders = {
      [SIM_HEADER]: '1',
      [format === 'openai' ? 'x-request-id' : 'request-id']: requestId,
    };
    const fail = (ex: Exchange, error: SimError, model?: string) => {
      const extra: Record<string, string> = {};
      if (error.retryAfterSeconds !== undefined) {
        extra['retry-after'] = String(error.retryAfterSeconds);
        extra['retry-after-ms'] = String(Math.round(error.retryAfterSeconds * 1000));
      }
      if (error.shouldRetry !== undefined) extra['x-should-retry'] = String(error.shouldRetry);
      ex.json(
        error.status,
        format === 'openai' ? openaiErrorBody(error, model) : anthropicErrorBody(error, requestId, model),
        extra,
      );
    };

    let raw: string;
    try {
      raw = await readBody(req);
    } catch (err) {
      const ex = this.track(new Exchange(req, res, undefined, baseHeaders));
      if (err instanceof BodyTooLarge)
        return fail(ex, { status: 413, message: `Request body over ${MAX_BODY_BYTES} bytes.` });
      throw err;
    }
    let body: unknown = raw === '' ? undefined : raw;
    let parseError: string | undefined;
    if (raw !== '') {
      try {
        body = JSON.parse(raw);
      } catch (err) {
        parseError = `The body is not valid JSON: ${(err as Error).message}`;
      }
    }
    const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const record: RecordedRequest = {
      format,
      path,
      model: typeof b.model === 'string' ? b.model : '',
      stream: b.stream === true,
      headers,
      body,
      at: Date.now(),
    };
    this.record(record);
    const ex = this.track(new Exchange(req, res, record, baseHeaders));

    if (req.method === 'GET' && path === '/v1/models') {
      const ids = this.options.models ?? ['sim-model'];
      return ex.json(200, format === 'openai' ? openaiModels(ids) : anthropicModels(ids));
    }
    const known = path === '/v1/chat/completions' || path === '/v1/messages';
    if (!known || req.method !== 'POST')
      return fail(ex, { status: 404, message: `model-sim has no ${req.method} ${path}` });
    if (parseError) return fail(ex, { status: 400, message: parseError });
    const problem =
      format === 'openai' ? openaiRequestProblem(body)?.message : anthropicRequestProblem(body, headers);
    if (problem) return fail(ex, { status: 400, message: problem });

    let step: SimStep;
    try {
      step = this.queue.take(record);
    } catch (err) {
      return fail(ex, { status: 500, message: (err as Error).message, shouldRetry: false });
    }
    if (!(await ex.wait(step.delayMs))) return;
    if ('drop' in step) return ex.drop();
    if ('error' in step) return fail(ex, step.error, record.model);
    if ('stall' in step)
      return format === 'openai'
        ? stallOpenai(ex, record, step.stall.afterText)
        : stallAnthropic(ex, record, step.stall.afterText);
    return format === 'openai' ? answerOpenai(ex, record, step) : answerAnthropic(ex, record, step);
  }

  private track(ex: Exchange): Exchange {
    this.open.add(ex);
    ex.signal.addEventListener('abort', () => this.open.delete(ex), { once: true });
    return ex;
  }
}
