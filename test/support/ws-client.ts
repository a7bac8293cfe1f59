// A bare control-protocol client for tests: raw frames in, raw frames out, nothing hidden.
import WebSocket from 'ws';

export interface RawClient {
  socket: WebSocket;
  request(method: string, params?: unknown): Promise<Record<string, unknown>>;
  sendRaw(data: string): Promise<Record<string, unknown>>;
  events: Array<{ event: string; payload: unknown }>;
  nextEvent(event: string, match?: (payload: unknown) => boolean, timeoutMs?: number): Promise<unknown>;
  closed: Promise<number>;
  close(): void;
}

export async function openRaw(port: number, headers: Record<string, string> = {}): Promise<RawClient> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
    socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  let nextId = 1;
  const waiting = new Map<unknown, (frame: Record<string, unknown>) => void>();
  const events: RawClient['events'] = [];
  const eventWaiters = new Set<() => void>();
  socket.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as Record<string, unknown>;
    if (frame.type === 'event') {
      events.push({ event: frame.event as string, payload: frame.payload });
      for (const w of eventWaiters) w();
      return;
    }
    const resolve = waiting.get(frame.id) ?? waiting.get('raw');
    waiting.delete(frame.id);
    if (!waiting.has(frame.id)) waiting.delete('raw');
    resolve?.(frame);
  });
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  return {
    socket,
    events,
    closed,
    request(method, params) {
      const id = nextId++;
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        socket.send(JSON.stringify({ type: 'req', id, method, params }));
      });
    },
    sendRaw(data) {
      return new Promise((resolve) => {
        waiting.set('raw', resolve);
        socket.send(data);
      });
    },
    nextEvent(event, match = () => true, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        let seen = events.length;
        const check = () => {
          for (; seen < events.length; seen++) {
            const e = events[seen]!;
            if (e.event === event && match(e.payload)) {
              cleanup();
              resolve(e.payload);
              return;
            }
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no ${event} event within ${timeoutMs} ms`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          eventWaiters.delete(check);
        };
        eventWaiters.add(check);
        check();
      });
    },
    close: () => socket.close(),
  };
}
