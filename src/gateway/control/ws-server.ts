// The control WebSocket at /ws. The first request must be `connect`: with the token (CLI, tools) or, from a
// browser page we served, with the session cookie AND the session key only our page holds, from our own origin.
// A cookie alone is worth nothing: every service on 127.0.0.1 the browser visits receives it. Browsers must come
// from our own origin, so another site open in the same browser cannot drive the gateway. Sockets that have not
// signed in have their own small cap and a short window, so idle ones cannot crowd out real clients. Frames are
// size-limited; events go only to connections that subscribed, and log events are shed (never queued without
// bound) when a client cannot keep up.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { EventName } from '../../shared/names';
import {
  ConnectParamsSchema,
  PROTOCOL_VERSION,
  RequestFrameSchema,
  type ConnectResult,
  type ServerFrame,
} from '../../shared/protocol';
import type { ApiError } from '../../shared/result';
import type { CallerContext, Dispatch } from './dispatcher';
import { isLoopbackHost } from './http-server';
import { tokensEqual } from './token';
import type { UiAuth } from './ui-auth';

/** Real clients send `connect` as soon as the socket opens; this is only the limit for idle ones. */
const AUTH_TIMEOUT_MS = 5_000;
const MAX_FRAME_BYTES = 2 * 1024 * 1024;
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
const MAX_CLIENTS = 64;
/** Sockets still to sign in. When full, the oldest gives way: a new client must not wait out idle sockets. */
const MAX_UNAUTHED = 8;

interface Client {
  socket: WebSocket;
  caller: CallerContext;
  authed: boolean;
  /** The session cookie's value, when the upgrade came from our own page's origin; else undefined. */
  cookieSession: string | undefined;
  seq: number;
}

export interface ControlSocketServer {
  broadcast(event: EventName, payload: unknown): void;
  clientCount(): number;
  close(): Promise<void>;
}

export function attachControlSocket(opts: {
  server: Server;
  port: () => number;
  token: string;
  version: string;
  auth: UiAuth;
  dispatch: Dispatch;
  log: Logger;
}): ControlSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const clients = new Set<Client>();
  /** The clients of `clients` not signed in yet, oldest first. */
  const unauthed = new Set<Client>();
  const authedCount = () => {
    let n = 0;
    for (const client of clients) if (client.authed) n += 1;
    return n;
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const reject = (status: number, why: string) => {
      opts.log.warn({ status, why, origin: req.headers.origin }, 'control connection refused');
      // The HTTP server keeps half-open sockets: without the destroy, a client that never closes holds this one.
      socket.once('finish', () => socket.destroy());
      socket.end(`HTTP/1.1 ${status} ${why}\r\nConnection: close\r\n\r\n`);
    };
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/ws') return reject(404, 'Not Found');
    if (!isLoopbackHost(req.headers.host, opts.port())) return reject(421, 'Misdirected Request');
    const origin = req.headers.origin;
    if (origin !== undefined && !isLoopbackHost(origin.replace(/^https?:\/\//, ''), opts.port())) {
      return reject(403, 'Forbidden');
    }
    if (authedCount() >= MAX_CLIENTS) return reject(503, 'Service Unavailable');
    if (unauthed.size >= MAX_UNAUTHED) {
      // Dropped at once, not closed politely: an idle peer would hold a closing socket for the close timeout.
      const oldest = unauthed.values().next().value!;
      unauthed.delete(oldest);
      oldest.socket.terminate();
    }
    // Our page's origin exactly (the Host was checked above): a page on another port of 127.0.0.1 also gets the
    // cookie, and a replay may send no Origin at all.
    const ownPage = origin !== undefined && origin === `http://${req.headers.host}`;
    const cookieSession = ownPage ? opts.auth.sessionFromCookieHeader(req.headers.cookie) : undefined;
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, cookieSession));
  };

  const onConnection = (socket: WebSocket, cookieSession: string | undefined) => {
    const client: Client = {
      socket,
      caller: { transport: 'ws', subscriptions: new Set() },
      authed: false,
      cookieSession,
      seq: 0,
    };
    clients.add(client);
    unauthed.add(client);
    const authTimer = setTimeout(() => socket.close(4401, 'auth timeout'), AUTH_TIMEOUT_MS);
    socket.on('message', (data, isBinary) => void onMessage(client, data, isBinary, authTimer));
    socket.on('close', () => {
      clearTimeout(authTimer);
      clients.delete(client);
      unauthed.delete(client);
    });
    socket.on('error', (err) => opts.log.debug({ err: err.message }, 'control socket error'));
  };

  const send = (client: Client, frame: ServerFrame) => {
    if (client.socket.readyState === client.socket.OPEN) client.socket.send(JSON.stringify(frame));
  };
  const sendError = (client: Client, id: string | number | null, error: ApiError) =>
    send(client, { type: 'res', id, ok: false, error });

  const onMessage = async (client: Client, data: RawData, isBinary: boolean, authTimer: NodeJS.Timeout) => {
    let frame;
    try {
      if (isBinary) throw new Error('binary frame');
      frame = RequestFrameSchema.parse(JSON.parse(data.toString()));
    } catch {
      return sendError(client, null, {
        code: 'control.invalid_frame',
        message: 'expected a JSON frame {"type":"req","id":…,"method":"…","params":…}',
      });
    }
    if (frame.method === 'connect') {
      const params = ConnectParamsSchema.safeParse(frame.params ?? {});
      const { token, uiKey } = params.success ? params.data : {};
      const signedIn =
        token !== undefined ? tokensEqual(token, opts.token) : opts.auth.verify(client.cookieSession, uiKey);
      if (signedIn && !client.authed && authedCount() >= MAX_CLIENTS) {
        sendError(client, frame.id, {
          code: 'control.unavailable',
          message: `the gateway already serves ${MAX_CLIENTS} clients`,
        });
        // 1013 "try again later": the browser client retries after it, where 4401 would sign it out.
        client.socket.close(1013, 'too many clients');
        return;
      }
      if (signedIn) {
        client.authed = true;
        unauthed.delete(client);
        clearTimeout(authTimer);
        const value: ConnectResult = { protocol: PROTOCOL_VERSION, server: { version: opts.version } };
        return send(client, { type: 'res', id: frame.id, ok: true, value });
      }
      sendError(client, frame.id, connectRefusal(token, uiKey));
      client.socket.close(4401, 'unauthorized');
      return;
    }
    if (!client.authed) {
      sendError(client, frame.id, {
        code: 'auth.missing_token',
        message: 'send connect with the gateway token first',
      });
      client.socket.close(4401, 'unauthorized');
      return;
    }
    const result = await opts.dispatch(frame.method, frame.params, client.caller);
    send(
      client,
      result.ok
        ? { type: 'res', id: frame.id, ok: true, value: result.value }
        : { type: 'res', id: frame.id, ok: false, error: result.error },
    );
  };

  opts.server.on('upgrade', onUpgrade);

  return {
    broadcast(event, payload) {
      for (const client of clients) {
        if (!client.authed || !client.caller.subscriptions.has(event)) continue;
        if (event === 'log' && client.socket.bufferedAmount > MAX_BUFFERED_BYTES) continue;
        client.seq += 1;
        send(client, { type: 'event', event, payload, seq: client.seq });
      }
    },
    clientCount: () => clients.size,
    async close() {
      opts.server.off('upgrade', onUpgrade);
      for (const client of clients) client.socket.close(1001, 'gateway shutting down');
      const deadline = setTimeout(() => {
        for (const client of clients) client.socket.terminate();
      }, 1000);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await Promise.all(
        [...clients].map(
          (c) =>
            new Promise<void>((resolve) =>
              c.socket.readyState === c.socket.CLOSED ? resolve() : c.socket.once('close', () => resolve()),
            ),
        ),
      );
      clearTimeout(deadline);
    },
  };
}

function connectRefusal(token: string | undefined, uiKey: string | undefined): ApiError {
  if (token !== undefined)
    return { code: 'auth.invalid_token', message: 'the token does not match this gateway’s token' };
  if (uiKey !== undefined)
    return {
      code: 'auth.invalid_token',
      message:
        'this browser’s sign-in is expired, from an earlier gateway run, or not from the gateway’s own page: open a new link from `openclaw dashboard`',
    };
  return {
    code: 'auth.missing_token',
    message:
      'connect needs the gateway token, or (the browser UI) a sign-in from an `openclaw dashboard` link',
  };
}
