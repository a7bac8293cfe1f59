// The browser transport: the control WebSocket at /ws, authenticated by the session cookie the one-time link set
// together with the session key (ui-key.ts) sent in `connect`.
// Requests carry ids and time out on their own; a lost connection is retried with backoff and every event
// subscription is renewed on the new connection. An auth failure is final: retrying cannot sign the browser in.
import type { Transport, Unsubscribe } from '../../../shared/api';
import { isEventName, type MethodName } from '../../../shared/names';
import type { ConnectResult } from '../../../shared/protocol';
import { fail, ok, type ApiError, type Result } from '../../../shared/result';
import { createSubscriptions } from '../../../shared/subscriptions';
import type { ConnectionSource, ConnectionState } from './connection';

/** The part of the WebSocket API this client uses; the browser's WebSocket and the `ws` package both fit. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'message' | 'close' | 'error', listener: (event: never) => void): void;
}
export type WebSocketCtor = new (url: string) => WebSocketLike;

export interface WsClientOptions {
  url: string;
  /** Defaults to globalThis.WebSocket (tests under Node pass the `ws` package's). */
  WebSocket?: WebSocketCtor;
  requestTimeoutMs?: number;
  /** First retry delay; doubles per failed attempt up to maxBackoffMs. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  client?: { name: string; version: string };
  /** Reads the session key that goes with the session cookie (read per connect: a new sign-in replaces it). */
  uiKey?: () => string | undefined;
}

export interface WsClient extends Transport, ConnectionSource {
  /** Stops for good: no reconnects, pending requests fail. */
  close(): void;
}

const OPEN = 1;
/** Said when a call cannot reach the gateway (human-errors.ts words it for the screens). */
const UNREACHABLE = 'the gateway is not running or cannot be reached';
/** The close code the gateway uses after refusing `connect`. */
const UNAUTHORIZED_CLOSE = 4401;

interface Pending {
  method: string;
  params: unknown;
  /** Set once the request is on the wire; ids are given out then, so each connection's `connect` is its first. */
  id: number | null;
  timer: ReturnType<typeof setTimeout>;
  resolve(result: Result<unknown>): void;
}

export function createWsClient(opts: WsClientOptions): WsClient {
  const Ctor =
    opts.WebSocket ?? ((globalThis as { WebSocket?: unknown }).WebSocket as WebSocketCtor | undefined);
  if (!Ctor) throw new Error('no WebSocket implementation available');
  const timeoutMs = opts.requestTimeoutMs ?? 15_000;
  const initialBackoff = opts.initialBackoffMs ?? 500;
  const maxBackoff = opts.maxBackoffMs ?? 10_000;
  const client = opts.client ?? { name: 'openclaw-ui', version: '0.1.0' };

  let state: ConnectionState = { status: 'connecting', attempt: 1 };
  const stateListeners = new Set<(state: ConnectionState) => void>();
  const setState = (next: ConnectionState) => {
    state = next;
    for (const listener of [...stateListeners]) listener(next);
  };

  let socket: WebSocketLike | null = null;
  let nextId = 1;
  let failures = 0;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;
  /** Every request not yet answered, in the order made; sent ones carry their frame id. */
  const pending = new Set<Pending>();

  const settle = (entry: Pending, result: Result<unknown>) => {
    if (!pending.delete(entry)) return;
    clearTimeout(entry.timer);
    entry.resolve(result);
  };

  const transmit = (ws: WebSocketLike, entry: Pending) => {
    entry.id = nextId++;
    ws.send(JSON.stringify({ type: 'req', id: entry.id, method: entry.method, params: entry.params }));
  };

  const sendQueued = () => {
    const ws = socket;
    if (state.status !== 'connected' || ws?.readyState !== OPEN) return;
    for (const entry of pending) if (entry.id === null) transmit(ws, entry);
  };

  /** `viaSocket`: send on this socket right away (the `connect` handshake); otherwise wait for a connection. */
  const request = (method: string, params: unknown, viaSocket?: WebSocketLike): Promise<Result<unknown>> => {
    if (closed)
      return Promise.resolve(fail('control.unavailable', 'the connection to the gateway was closed'));
    if (state.status === 'unauthorized') return Promise.resolve({ ok: false, error: state.error });
    // Only the page's first connection is worth waiting for. Once one has failed, a queued call would sit out
    // its whole timeout against a gateway that is not there; saying so at once lets the screen say so too.
    if (!viaSocket && state.status !== 'connected' && failures > 0)
      return Promise.resolve(fail('control.unavailable', UNREACHABLE));
    return new Promise((resolve) => {
      const timeout = fail(
        'control.timeout',
        `the gateway did not answer within ${Math.round(timeoutMs / 1000)} s`,
      );
      const entry: Pending = {
        method,
        params,
        id: null,
        resolve,
        timer: setTimeout(() => settle(entry, timeout), timeoutMs),
      };
      pending.add(entry);
      if (viaSocket) transmit(viaSocket, entry);
      else sendQueued();
    });
  };

  const settleById = (id: number, result: Result<unknown>) => {
    for (const entry of pending) {
      if (entry.id === id) return settle(entry, result);
    }
  };

  // Subscribe calls while disconnected are skipped: resubscribeAll() renews every active event on connect.
  const subscriptions = createSubscriptions((method, params) =>
    state.status === 'connected' ? request(method, params) : Promise.resolve(ok({ subscribed: [] })),
  );

  const scheduleReconnect = (reason: string) => {
    if (closed || state.status === 'unauthorized') return;
    failures += 1;
    const delay = Math.min(maxBackoff, initialBackoff * 2 ** (failures - 1));
    setState({ status: 'disconnected', reason, retryAt: Date.now() + delay });
    retryTimer = setTimeout(open, delay);
    // Calls queued for the first connection: that connection is not coming.
    failQueued({ code: 'control.unavailable', message: UNREACHABLE });
  };

  const onFrame = (data: unknown) => {
    if (typeof data !== 'string') return;
    let frame: {
      type?: unknown;
      id?: unknown;
      ok?: unknown;
      value?: unknown;
      error?: unknown;
      event?: unknown;
      payload?: unknown;
    };
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    if (frame.type === 'res' && typeof frame.id === 'number') {
      settleById(
        frame.id,
        frame.ok === true ? ok(frame.value) : { ok: false, error: asApiError(frame.error) },
      );
    } else if (frame.type === 'event' && isEventName(frame.event)) {
      subscriptions.dispatch(frame.event, frame.payload);
    }
  };

  function open() {
    retryTimer = null;
    if (closed) return;
    setState({ status: 'connecting', attempt: failures + 1 });
    let ws: WebSocketLike;
    try {
      ws = new Ctor!(opts.url);
    } catch (err) {
      scheduleReconnect((err as Error).message);
      return;
    }
    socket = ws;
    let authFailed = false;
    ws.addEventListener('message', (event: { data: unknown }) => onFrame(event.data));
    ws.addEventListener('open', () => {
      const uiKey = opts.uiKey?.();
      void request('connect', uiKey ? { client, uiKey } : { client }, ws).then((result) => {
        if (socket !== ws) return;
        if (result.ok) {
          failures = 0;
          const server = (result.value as Partial<ConnectResult>)?.server;
          setState({ status: 'connected', serverVersion: server?.version ?? 'unknown' });
          sendQueued();
          void subscriptions.resubscribeAll();
        } else if (result.error.code === 'auth.missing_token' || result.error.code === 'auth.invalid_token') {
          authFailed = true;
          setState({ status: 'unauthorized', error: result.error });
          failQueued(result.error);
          ws.close();
        } else {
          ws.close();
        }
      });
    });
    ws.addEventListener('close', (event: { code?: number; reason?: string }) => {
      if (socket !== ws) return;
      socket = null;
      // Requests already on the wire will get no answer; queued ones wait for the next connection.
      for (const entry of [...pending]) {
        if (entry.id !== null)
          settle(
            entry,
            fail('control.unavailable', 'the connection to the gateway was lost before it answered'),
          );
      }
      if (authFailed || closed) return;
      if (event.code === UNAUTHORIZED_CLOSE && state.status !== 'connected') {
        // Refused before we saw the connect answer: still final.
        const error: ApiError = { code: 'auth.missing_token', message: 'the gateway refused this browser' };
        setState({ status: 'unauthorized', error });
        failQueued(error);
        return;
      }
      scheduleReconnect(
        event.reason ||
          (event.code === 1006 || event.code === undefined
            ? 'cannot reach the gateway'
            : `closed (${event.code})`),
      );
    });
    // 'error' is always followed by 'close', which does the work.
    ws.addEventListener('error', () => {});
  }

  const failQueued = (error: ApiError) => {
    for (const entry of [...pending]) if (entry.id === null) settle(entry, { ok: false, error });
  };

  open();

  return {
    invoke: (method: MethodName, params: unknown) => request(method, params),
    subscribe: (event, listener): Unsubscribe => subscriptions.subscribe(event, listener),
    getState: () => state,
    onState(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    retryNow() {
      if (closed || state.status !== 'disconnected') return;
      if (retryTimer) clearTimeout(retryTimer);
      open();
    },
    close() {
      if (closed) return;
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      const ws = socket;
      socket = null;
      for (const entry of [...pending])
        settle(entry, fail('control.unavailable', 'the connection to the gateway was closed'));
      subscriptions.clear();
      ws?.close(1000, 'client closed');
      setState({ status: 'closed' });
    },
  };
}

function asApiError(value: unknown): ApiError {
  if (typeof value === 'object' && value !== null && typeof (value as ApiError).code === 'string')
    return value as ApiError;
  return { code: 'control.internal', message: 'the gateway sent an error without a code' };
}
