import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { ConnectionState } from './connection';
import { createWsClient, type WebSocketCtor, type WsClient } from './ws-client';

interface Frame {
  type: string;
  id: number;
  method: string;
  params?: unknown;
}

type Behaviour = (frame: Frame, reply: (body: object) => void, socket: WebSocket) => void;

/** A tiny stand-in for the gateway's control socket, on loopback. */
async function startServer(behaviour: Behaviour) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const frames: Frame[][] = [];
  wss.on('connection', (socket) => {
    const mine: Frame[] = [];
    frames.push(mine);
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Frame;
      mine.push(frame);
      behaviour(frame, (body) => socket.send(JSON.stringify({ type: 'res', id: frame.id, ...body })), socket);
    });
  });
  const address = wss.address();
  if (typeof address === 'string' || address === null) throw new Error('no port');
  const push = (event: string, payload: unknown) => {
    for (const client of wss.clients) client.send(JSON.stringify({ type: 'event', event, payload, seq: 1 }));
  };
  const close = () =>
    new Promise<void>((resolve) => {
      for (const client of wss.clients) client.terminate();
      wss.close(() => resolve());
    });
  return { url: `ws://127.0.0.1:${address.port}/ws`, frames, wss, push, close };
}

const gateway: Behaviour = (frame, reply) => {
  if (frame.method === 'connect') reply({ ok: true, value: { protocol: 1, server: { version: '9.9.9' } } });
  else if (frame.method === 'never') return;
  else reply({ ok: true, value: { echo: frame.method, params: frame.params ?? null } });
};

function waitFor(
  client: WsClient,
  status: ConnectionState['status'],
  timeoutMs = 3000,
): Promise<ConnectionState> {
  return new Promise((resolve, reject) => {
    if (client.getState().status === status) return resolve(client.getState());
    const timer = setTimeout(
      () => reject(new Error(`still ${client.getState().status}, wanted ${status}`)),
      timeoutMs,
    );
    const off = client.onState((state) => {
      if (state.status !== status) return;
      clearTimeout(timer);
      off();
      resolve(state);
    });
  });
}

const until = async (check: () => boolean, timeoutMs = 3000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function setup(behaviour: Behaviour, options: { requestTimeoutMs?: number } = {}) {
  const server = await startServer(behaviour);
  cleanups.push(server.close);
  const client = createWsClient({
    url: server.url,
    WebSocket: WebSocket as unknown as WebSocketCtor,
    initialBackoffMs: 20,
    maxBackoffMs: 50,
    ...options,
  });
  cleanups.push(() => client.close());
  return { server, client };
}

describe('createWsClient', () => {
  it('sends connect first (id 1, no token), then answers requests by id', async () => {
    const { server, client } = await setup(gateway);
    const early = client.invoke('health', undefined); // queued until connect succeeds
    expect(await waitFor(client, 'connected')).toEqual({ status: 'connected', serverVersion: '9.9.9' });
    expect(await early).toEqual({ ok: true, value: { echo: 'health', params: null } });
    expect(await client.invoke('config.get', { path: 'web' })).toEqual({
      ok: true,
      value: { echo: 'config.get', params: { path: 'web' } },
    });
    expect(server.frames[0]?.[0]).toEqual({
      type: 'req',
      id: 1,
      method: 'connect',
      params: { client: { name: 'openclaw-ui', version: '0.1.0' } },
    });
    expect(server.frames[0]?.slice(1).map((f) => f.method)).toEqual(['health', 'config.get']);
  });

  it('passes error results through unchanged', async () => {
    const { client } = await setup((frame, reply) =>
      frame.method === 'connect'
        ? gateway(frame, reply, null as never)
        : reply({ ok: false, error: { code: 'config.conflict', message: 'changed on disk' } }),
    );
    expect(await client.invoke('config.apply', { raw: '{}' })).toEqual({
      ok: false,
      error: { code: 'config.conflict', message: 'changed on disk' },
    });
  });

  it('times a request out with control.timeout', async () => {
    const { client } = await setup(
      (frame, reply) => (frame.method === 'connect' ? gateway(frame, reply, null as never) : undefined),
      {
        requestTimeoutMs: 100,
      },
    );
    await waitFor(client, 'connected');
    const result = await client.invoke('health', undefined);
    expect(!result.ok && result.error.code).toBe('control.timeout');
    // Words for people: which internal method timed out is nobody's business on screen.
    expect(!result.ok && result.error.message).toBe('the gateway did not answer within 0 s');
  });

  it('stops at unauthorized when the session cookie is missing, and fails requests with that error', async () => {
    const { server, client } = await setup((frame, reply, socket) => {
      reply({ ok: false, error: { code: 'auth.missing_token', message: 'the control API needs a token' } });
      socket.close(4401, 'unauthorized');
    });
    const queued = client.invoke('health', undefined);
    const state = await waitFor(client, 'unauthorized');
    expect(state).toMatchObject({ error: { code: 'auth.missing_token' } });
    expect(await queued).toMatchObject({ ok: false, error: { code: 'auth.missing_token' } });
    expect(await client.invoke('health', undefined)).toMatchObject({
      ok: false,
      error: { code: 'auth.missing_token' },
    });
    await new Promise((r) => setTimeout(r, 150));
    expect(server.frames).toHaveLength(1); // never reconnected
  });

  it('delivers only subscribed events, and resubscribes after a reconnect', async () => {
    const { server, client } = await setup(gateway);
    const got: unknown[] = [];
    client.subscribe('log', (payload) => got.push(payload));
    await waitFor(client, 'connected');
    await until(() => server.frames[0]?.some((f) => f.method === 'events.subscribe') ?? false);
    expect(server.frames[0]?.find((f) => f.method === 'events.subscribe')?.params).toEqual({
      events: ['log'],
    });

    server.push('log', { msg: 'one' });
    server.push('config.changed', { valid: true });
    await until(() => got.length === 1);

    for (const socket of server.wss.clients) socket.terminate();
    await waitFor(client, 'disconnected');
    await waitFor(client, 'connected');
    await until(() => server.frames[1]?.some((f) => f.method === 'events.subscribe') ?? false);
    expect(server.frames[1]?.map((f) => f.method)).toEqual(['connect', 'events.subscribe']);
    server.push('log', { msg: 'two' });
    await until(() => got.length === 2);
    expect(got).toEqual([{ msg: 'one' }, { msg: 'two' }]);
  });

  it('fails a request in flight when the connection drops, with control.unavailable', async () => {
    const { client } = await setup((frame, reply, socket) =>
      frame.method === 'connect' ? gateway(frame, reply, socket) : socket.terminate(),
    );
    await waitFor(client, 'connected');
    const result = await client.invoke('pairing.list', undefined);
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'control.unavailable',
        message: 'the connection to the gateway was lost before it answered',
      },
    });
  });

  it('fails a call at once while the gateway is gone, instead of queueing it until the timeout', async () => {
    // A timeout longer than the test's own: a call that waited for it would fail the test.
    const { server, client } = await setup(gateway, { requestTimeoutMs: 60_000 });
    await waitFor(client, 'connected');
    await server.close();
    await waitFor(client, 'disconnected');
    expect(await client.invoke('pairing.approve', { code: 'ABCD2345' })).toEqual({
      ok: false,
      error: { code: 'control.unavailable', message: 'the gateway is not running or cannot be reached' },
    });
    // Between attempts too: a retry in progress is not a connection.
    await waitFor(client, 'connecting');
    const during = await client.invoke('channels.logout', {});
    expect(!during.ok && during.error.code).toBe('control.unavailable');
  });

  it('fails calls made before the first connection once that connection fails', async () => {
    const first = await startServer(gateway);
    await first.close();
    const client = createWsClient({
      url: first.url,
      WebSocket: WebSocket as unknown as WebSocketCtor,
      requestTimeoutMs: 60_000,
      initialBackoffMs: 20,
      maxBackoffMs: 40,
    });
    cleanups.push(() => client.close());
    // Queued while the page's first connection is under way (it may yet succeed)…
    const early = client.invoke('health', undefined);
    // …and answered as soon as it has not.
    expect(await early).toMatchObject({ ok: false, error: { code: 'control.unavailable' } });
    expect(client.getState().status).not.toBe('connected');
  });

  it('keeps retrying while the gateway is down and connects once it is back', async () => {
    const first = await startServer(gateway);
    const url = first.url;
    await first.close();
    const client = createWsClient({
      url,
      WebSocket: WebSocket as unknown as WebSocketCtor,
      initialBackoffMs: 20,
      maxBackoffMs: 40,
    });
    cleanups.push(() => client.close());
    const down = await waitFor(client, 'disconnected');
    expect(down).toMatchObject({ reason: 'cannot reach the gateway' });
    const port = Number(new URL(url).port);
    const again = new WebSocketServer({ host: '127.0.0.1', port });
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          for (const socket of again.clients) socket.terminate();
          again.close(() => resolve());
        }),
    );
    again.on('connection', (socket) =>
      socket.on('message', (data) => {
        const frame = JSON.parse(String(data)) as Frame;
        socket.send(
          JSON.stringify({
            type: 'res',
            id: frame.id,
            ok: true,
            value: { protocol: 1, server: { version: '2' } },
          }),
        );
      }),
    );
    expect(await waitFor(client, 'connected')).toEqual({ status: 'connected', serverVersion: '2' });
  });

  it('close() fails pending requests and stops reconnecting', async () => {
    const { server, client } = await setup(gateway);
    await waitFor(client, 'connected');
    const pending = client.invoke('never' as never, undefined);
    client.close();
    expect(await pending).toMatchObject({ ok: false, error: { code: 'control.unavailable' } });
    expect(client.getState()).toEqual({ status: 'closed' });
    await new Promise((r) => setTimeout(r, 100));
    expect(server.frames).toHaveLength(1);
  });
});
