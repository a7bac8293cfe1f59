import { describe, expect, it } from 'vitest';
import type { AccountStatus, QrEvent } from '../../shared/contract';
import { buildApi } from '../../shared/api';
import type { EventName, MethodName } from '../../shared/names';
import { ok, type Result } from '../../shared/result';
import { refreshChannels, startChannelsController } from './channels-controller';
import { applyQr, applySnapshot, applyStatus, EMPTY_CHANNELS } from './channels-state';
import { createAppStore } from './store';

const status = (accountId: string, state: AccountStatus['state']): AccountStatus => ({
  accountId,
  linked: state === 'open',
  running: true,
  connected: state === 'open',
  state,
  sentence: `${accountId} ${state}`,
  reconnectAttempts: 0,
  warnings: [],
  timeline: [],
});
const qrFor = (accountId: string, expiresAt: string, qr = 'q'): QrEvent => ({
  accountId,
  qr,
  dataUrl: 'data:image/png;base64,AA',
  expiresAt,
});
const snapshot = (accounts: AccountStatus[], simulator: string | null = null) => ({
  accounts,
  defaultAccount: 'default',
  simulator,
});

describe('channels state', () => {
  it('takes a snapshot: accounts by id, the default account and the simulator', () => {
    const next = applySnapshot(
      EMPTY_CHANNELS,
      snapshot([status('default', 'open'), status('work', 'unlinked')], 'ws://127.0.0.1:1/ws/chat'),
      0,
    );
    expect(next.loaded).toBe(true);
    expect(Object.keys(next.accounts)).toEqual(['default', 'work']);
    expect(next.defaultAccount).toBe('default');
    expect(next.simulator).toBe('ws://127.0.0.1:1/ws/chat');
  });

  it('keeps accounts reported by events after the snapshot was requested', () => {
    let state = applyStatus(EMPTY_CHANNELS, status('default', 'connecting'));
    const requestedAt = state.seq;
    state = applyStatus(state, status('default', 'open'));
    state = applyStatus(state, status('new', 'linking'));
    state = applySnapshot(state, snapshot([status('default', 'connecting')]), requestedAt);
    expect(state.accounts.default?.state).toBe('open');
    expect(state.accounts.new?.state).toBe('linking');
    // An event from before the request does not outlive the snapshot.
    const later = applySnapshot(state, snapshot([status('default', 'reconnecting')]), state.seq);
    expect(later.accounts.default?.state).toBe('reconnecting');
    expect(later.accounts.new).toBeUndefined();
  });

  it('keeps a QR only while its account is linking, and never goes back to an older one', () => {
    let state = applyStatus(EMPTY_CHANNELS, status('default', 'linking'));
    state = applyQr(state, qrFor('default', '2030-01-01T00:01:00Z', 'second'));
    state = applyQr(state, qrFor('default', '2030-01-01T00:00:00Z', 'first'));
    expect(state.qr.default?.qr).toBe('second');
    state = applyStatus(state, status('default', 'linking'));
    expect(state.qr.default?.qr).toBe('second');
    state = applyStatus(state, status('default', 'connecting'));
    expect(state.qr.default).toBeUndefined();
    expect(applyQr(state, qrFor('default', '2030-01-01T00:02:00Z')).qr.default).toBeUndefined();
  });
});

describe('channels controller', () => {
  function fake(answer: (method: MethodName) => Promise<Result<unknown>> | Result<unknown>) {
    const listeners = new Map<EventName, Set<(p: unknown) => void>>();
    const api = buildApi({
      invoke: async (method) => answer(method),
      subscribe: (event, listener) => {
        const set = listeners.get(event) ?? new Set();
        listeners.set(event, set);
        set.add(listener);
        return () => set.delete(listener);
      },
    });
    const emit = (event: EventName, payload: unknown) => listeners.get(event)?.forEach((l) => l(payload));
    const count = (event: EventName) => listeners.get(event)?.size ?? 0;
    return { api, emit, count };
  }
  const tick = () => new Promise((r) => setTimeout(r, 0));

  it('reads the accounts once health is known, then follows events', async () => {
    let answer: (r: Result<unknown>) => void = () => {};
    const f = fake((m) => (m === 'channels.status' ? new Promise((r) => (answer = r)) : ok({})));
    const store = createAppStore();
    const stop = startChannelsController(f.api, store);
    expect(store.getState().channels.loaded).toBe(false);
    store.getState().setHealth({ version: '1', config: { valid: true } } as never);
    f.emit('channels.state', status('default', 'open'));
    answer(ok(snapshot([status('default', 'linking')], 'ws://sim')));
    await tick();
    const channels = store.getState().channels;
    expect(channels.loaded).toBe(true);
    expect(channels.simulator).toBe('ws://sim');
    expect(channels.accounts.default?.state).toBe('open');
    f.emit('channels.qr', qrFor('default', '2030-01-01T00:00:00Z'));
    expect(store.getState().channels.qr.default).toBeUndefined(); // not linking: no QR shown
    f.emit('channels.state', status('default', 'linking'));
    f.emit('channels.qr', qrFor('default', '2030-01-01T00:00:00Z'));
    expect(store.getState().channels.qr.default?.qr).toBe('q');
    stop();
    expect(f.count('channels.state')).toBe(0);
    expect(f.count('channels.qr')).toBe(0);
  });

  it('records a failed read', async () => {
    const f = fake(() => ({ ok: false, error: { code: 'control.unavailable', message: 'starting' } }));
    const store = createAppStore();
    await refreshChannels(f.api, store);
    expect(store.getState().channels.error?.message).toBe('starting');
    expect(store.getState().channels.loaded).toBe(false);
  });
});
