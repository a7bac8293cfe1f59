// One HTTP exchange as the simulator answers it: JSON or Server-Sent Events, waits that end early when the client
// goes away or the simulator closes, and the outcome recorded on the request. Both wire formats write through this.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RecordedRequest } from './script';

/** Marks every answer so a client can tell it is talking to the simulator, not a real provider. */
export const SIM_HEADER = 'x-openclaw-model-sim';

export class Exchange {
  private readonly ended = new AbortController();

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly record: RecordedRequest | undefined,
    private readonly headers: Record<string, string>,
  ) {
    // 'close' on the response fires both after a full answer and when the client hangs up first.
    res.once('close', () => {
      if (this.record && !this.record.outcome)
        this.record.outcome = res.writableFinished ? 'completed' : 'client-closed';
      this.ended.abort();
    });
  }

  /** Aborted once the exchange is over for any reason: nothing more can be written. */
  get signal(): AbortSignal {
    return this.ended.signal;
  }

  get open(): boolean {
    return !this.ended.signal.aborted;
  }

  /** Waits ms; false when the exchange ended meanwhile (the caller then stops writing). */
  async wait(ms: number | undefined): Promise<boolean> {
    if (!ms || ms <= 0) return this.open;
    try {
      await sleep(ms, undefined, { signal: this.ended.signal });
      return true;
    } catch {
      return false;
    }
  }

  json(status: number, body: unknown, extra: Record<string, string> = {}): void {
    if (!this.open) return;
    const text = JSON.stringify(body);
    this.res.writeHead(status, {
      ...this.headers,
      ...extra,
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(text)),
    });
    this.res.end(text);
  }

  /** Status and headers of an event stream, sent at once (so a stalled stream is visibly "started"). */
  startEvents(): void {
    if (!this.open) return;
    this.res.writeHead(200, {
      ...this.headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    this.res.flushHeaders();
  }

  /** One SSE message; `event` is omitted for OpenAI's data-only stream. Data objects are sent as JSON. */
  event(event: string | undefined, data: unknown): void {
    if (!this.open) return;
    const payload = typeof data === 'string' ? data : JSON.stringify(data);
    this.res.write(`${event ? `event: ${event}\n` : ''}data: ${payload}\n\n`);
  }

  /** Headers only, for a stalled non-streaming answer: the client has a response but never a body. */
  startJson(): void {
    if (!this.open) return;
    this.res.writeHead(200, { ...this.headers, 'content-type': 'application/json' });
    this.res.flushHeaders();
  }

  end(): void {
    if (this.open) this.res.end();
  }

  /** A connection reset: no status, no body. */
  drop(): void {
    if (this.record) this.record.outcome = 'dropped';
    this.req.socket.destroy();
  }

  /** The simulator is closing: whatever this exchange was doing, it ends now. */
  kill(): void {
    if (this.record && !this.record.outcome) this.record.outcome = 'closed-by-sim';
    this.req.socket.destroy();
  }
}
