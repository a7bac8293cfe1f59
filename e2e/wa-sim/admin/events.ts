// Server-Sent Events for the admin page and UI tests: received messages, links, logins and closes as they happen.
// Every client is bounded: a reader that stops reading is dropped once its unsent backlog passes a limit, rather
// than letting the simulator buffer for it forever.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Most concurrent streams; a page per tab and a few tests never come close. */
const MAX_CLIENTS = 32;
/** Unsent bytes a client may fall behind by before it is disconnected (the page reconnects and re-syncs). */
const MAX_BACKLOG_BYTES = 1024 * 1024;
/** Comment lines keep proxies and idle timeouts from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;

export class EventHub {
  private readonly clients = new Set<ServerResponse>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(heartbeatMs = HEARTBEAT_MS) {
    this.heartbeat = setInterval(() => {
      for (const res of this.clients) this.write(res, ': heartbeat\n\n');
    }, heartbeatMs);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  /** Takes over the response as an event stream; false (nothing written) when there are too many clients. */
  add(req: IncomingMessage, res: ServerResponse, headers: Record<string, string>): boolean {
    if (this.clients.size >= MAX_CLIENTS) return false;
    res.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    // `retry` tells EventSource how soon to reconnect; the first event confirms the stream is live.
    res.write('retry: 2000\n\nevent: ready\ndata: {}\n\n');
    this.clients.add(res);
    const drop = () => this.clients.delete(res);
    req.on('close', drop);
    res.on('close', drop);
    res.on('error', drop);
    return true;
  }

  broadcast(event: string, data: unknown): void {
    const chunk = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const res of this.clients) this.write(res, chunk);
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  private write(res: ServerResponse, chunk: string): void {
    if (res.writableLength > MAX_BACKLOG_BYTES) {
      this.clients.delete(res);
      res.destroy();
      return;
    }
    res.write(chunk);
  }
}
