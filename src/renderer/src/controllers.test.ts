import { describe, expect, it } from 'vitest';
import { buildApi, type Transport } from '../../shared/api';
import type { ConfigStatus, Health, LogEntry } from '../../shared/contract';
import type { EventName, MethodName } from '../../shared/names';
import { fail, ok, type Result } from '../../shared/result';
import { createBackend, wsUrlFor } from './api/backend';
import { staticConnection } from './api/connection';
import { startAppController } from './app-controller';
import { startLogTail } from './log-tail';
import { createAppStore } from './store';

const status: ConfigStatus = {
  file: '/home/u/.openclaw/openclaw.json',
  hash: 'h1',
  valid: true,
  errors: [],
  warnings: [],
  usingLastGood: false,
};
const health: Health = {
  version: '0.1.0',
  pid: 1,
  startedAt: '',
  uptimeMs: 1,
  stateDir: '/s',
  port: 18789,
  config: status,
};
const line = (time: number, msg: string, subsystem = 'gateway'): LogEntry => ({
  time,
  level: 'info',
  subsystem,
  msg,
});

function fakeTransport(
  answer: (method: MethodName, params: unknown) => Promise<Result<unknown>> | Result<unknown>,
) {
  const listeners = new Map<EventName, Set<(p: unknown) => void>>();
  const calls: MethodName[] = [];
  const transport: Transport = {
    invoke: async (method, params) => {
      calls.push(method);
      return answer(method, params);
    },
    subscribe: (event, listener) => {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener);
      return () => set.delete(listener);
    },
  };
  const emit = (event: EventName, payload: unknown) => listeners.get(event)?.forEach((l) => l(payload));
  const count = (event: EventName) => listeners.get(event)?.size ?? 0;
  return { transport, calls, emit, count };
}

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

describe('backend selection', () => {
  it('uses window.openclaw when the preload provided it, with failures worded for people', async () => {
    const fake = fakeTransport((method) =>
      method === 'pairing.approve'
        ? fail(
            'control.invalid_params',
            'invalid params for pairing.approve: code: a pairing code is required',
          )
        : ok({ echo: method }),
    );
    const backend = createBackend({
      openclaw: buildApi(fake.transport),
      location: { protocol: 'file:', host: '' },
    });
    expect(backend.transport).toBe('ipc');
    expect(await backend.api.channels.login.start({ accountId: 'work' })).toEqual(
      ok({ echo: 'channels.login.start' }),
    );
    expect(await backend.api.pairing.approve({ channel: 'whatsapp', code: '' })).toEqual(
      fail(
        'control.invalid_params',
        'The gateway did not accept this request: code: a pairing code is required.',
      ),
    );
    const seen: unknown[] = [];
    backend.api.on('log', (entry) => seen.push(entry));
    fake.emit('log', line(1, 'hello'));
    expect(seen).toEqual([line(1, 'hello')]);
    expect(fake.calls).toEqual(['channels.login.start', 'pairing.approve']);
    expect(backend.connection.getState()).toEqual({ status: 'connected', serverVersion: null });
  });

  it('derives the WebSocket URL from the page location', () => {
    expect(wsUrlFor({ protocol: 'http:', host: '127.0.0.1:18789' })).toBe('ws://127.0.0.1:18789/ws');
    expect(wsUrlFor({ protocol: 'https:', host: 'gw.local' })).toBe('wss://gw.local/ws');
  });
});

describe('store', () => {
  it('bounds the log buffer and remembers subsystems', () => {
    const store = createAppStore(3);
    store.getState().setLogs([line(1, 'a', 'whatsapp/inbound'), line(2, 'b')], '/tmp/x.log');
    store.getState().appendLogs([line(3, 'c'), line(4, 'd', 'config')]);
    expect(store.getState().logs.map((l) => l.msg)).toEqual(['b', 'c', 'd']);
    expect(store.getState().subsystems).toEqual(['config', 'gateway', 'whatsapp', 'whatsapp/inbound']);
    expect(store.getState().logFile).toBe('/tmp/x.log');
  });

  it('keeps only the status fields of a config.changed payload', () => {
    const store = createAppStore();
    store.getState().setConfigStatus({ ...status, source: 'file' } as ConfigStatus);
    expect(store.getState().config).toEqual(status);
  });
});

describe('startAppController', () => {
  it('loads health and follows config.changed', async () => {
    const fake = fakeTransport((m) => (m === 'health' ? ok(health) : ok({ subscribed: [] })));
    const store = createAppStore();
    const stop = startAppController(
      { api: buildApi(fake.transport), transport: 'ipc', connection: staticConnection() },
      store,
    );
    await tick();
    expect(store.getState().health?.version).toBe('0.1.0');
    expect(store.getState().transport).toBe('ipc');
    fake.emit('config.changed', { ...status, valid: false, usingLastGood: true, source: 'file' });
    expect(store.getState().config).toMatchObject({ valid: false, usingLastGood: true });
    stop();
    expect(fake.count('config.changed')).toBe(0);
  });

  it('retries over IPC while the gateway is still starting', async () => {
    let up = false;
    const fake = fakeTransport((m) =>
      m === 'health' ? (up ? ok(health) : fail('control.unavailable', 'starting')) : ok({}),
    );
    const store = createAppStore();
    const stop = startAppController(
      { api: buildApi(fake.transport), transport: 'ipc', connection: staticConnection() },
      store,
      { retryMs: 20 },
    );
    await tick();
    expect(store.getState().connection.status).toBe('disconnected');
    up = true;
    await tick(60);
    expect(store.getState().connection.status).toBe('connected');
    expect(store.getState().health).not.toBeNull();
    stop();
  });
});

describe('startLogTail', () => {
  it('merges the tail with lines that arrived meanwhile, then batches live lines', async () => {
    let answerTail: (r: Result<unknown>) => void = () => {};
    const fake = fakeTransport((m) => (m === 'logs.tail' ? new Promise((r) => (answerTail = r)) : ok({})));
    const store = createAppStore();
    const stop = startLogTail(buildApi(fake.transport), store, { flushMs: 5 });
    await tick();
    fake.emit('log', line(2, 'b'));
    fake.emit('log', line(3, 'c'));
    answerTail(ok({ entries: [line(1, 'a'), line(2, 'b')], file: '/tmp/openclaw/x.log' }));
    await tick();
    expect(store.getState().logs.map((l) => l.msg)).toEqual(['a', 'b', 'c']);
    fake.emit('log', line(4, 'd'));
    fake.emit('log', line(5, 'e'));
    expect(store.getState().logs).toHaveLength(3);
    await tick(20);
    expect(store.getState().logs.map((l) => l.msg)).toEqual(['a', 'b', 'c', 'd', 'e']);
    stop();
    expect(fake.count('log')).toBe(0);
  });
});
