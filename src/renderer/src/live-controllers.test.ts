import { describe, expect, it } from 'vitest';
import { buildApi, type Transport } from '../../shared/api';
import type { AcceptedMessage, Health, PairingRequest } from '../../shared/contract';
import type { EventName, MethodName } from '../../shared/names';
import { fail, ok, type Result } from '../../shared/result';
import { startInboundController } from './inbound-controller';
import { startPairingController } from './pairing-controller';
import { createAppStore } from './store';

function fakeGateway(answer: (method: MethodName) => Promise<Result<unknown>> | Result<unknown>) {
  const listeners = new Map<EventName, Set<(p: unknown) => void>>();
  const calls: MethodName[] = [];
  const transport: Transport = {
    invoke: async (method) => {
      calls.push(method);
      return answer(method);
    },
    subscribe: (event, listener) => {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener);
      return () => set.delete(listener);
    },
  };
  return {
    api: buildApi(transport),
    calls,
    emit: (event: EventName, payload: unknown) => listeners.get(event)?.forEach((l) => l(payload)),
    count: (event: EventName) => listeners.get(event)?.size ?? 0,
  };
}

const tick = () => new Promise((r) => setTimeout(r, 0));
const health = {
  version: '0.1.0',
  config: { file: '/c.json', hash: 'h', valid: true, errors: [], warnings: [], usingLastGood: false },
} as unknown as Health;
const request: PairingRequest = {
  accountId: 'default',
  sender: '+15551234567',
  code: 'ABCD2345',
  createdAt: '2025-03-01T12:00:00.000Z',
  expiresAt: '2025-03-01T13:00:00.000Z',
};
const message = (seq: number): AcceptedMessage => ({
  seq,
  accountId: 'default',
  from: '+15551234567',
  chatType: 'dm',
  messageId: `m${seq}`,
  agentId: 'main',
  sessionKey: 'k',
  body: `hello ${seq}`,
  sender: {},
  acceptedAt: '2025-03-01T12:00:00.000Z',
});

describe('pairing controller', () => {
  it('reads the list on each health read and lets a pairing.changed that overtook it win', async () => {
    let answer: (r: Result<unknown>) => void = () => {};
    const gw = fakeGateway((m) =>
      m === 'pairing.list' ? new Promise((r) => (answer = r)) : ok({ subscribed: [] }),
    );
    const store = createAppStore();
    const stop = startPairingController(gw.api, store);
    expect(gw.calls).not.toContain('pairing.list');
    store.getState().setHealth(health);
    await tick();
    expect(gw.calls).toContain('pairing.list');
    gw.emit('pairing.changed', { pending: [request], approved: [] });
    answer(ok({ pending: [], approved: [] }));
    await tick();
    expect(store.getState().pairing).toMatchObject({ loaded: true, pending: [request] });
    stop();
    expect(gw.count('pairing.changed')).toBe(0);
  });

  it('keeps the error for the screen when the list fails', async () => {
    const gw = fakeGateway(() => fail('control.unknown_method', 'unknown method pairing.list'));
    const store = createAppStore();
    store.getState().setHealth(health);
    const stop = startPairingController(gw.api, store);
    await tick();
    expect(store.getState().pairing.error?.message).toBe('unknown method pairing.list');
    stop();
  });
});

describe('inbound controller', () => {
  it('merges inbound.recent with inbound.accepted events by seq', async () => {
    let answer: (r: Result<unknown>) => void = () => {};
    const gw = fakeGateway((m) =>
      m === 'inbound.recent' ? new Promise((r) => (answer = r)) : ok({ subscribed: [] }),
    );
    const store = createAppStore();
    store.getState().setHealth(health);
    const stop = startInboundController(gw.api, store);
    gw.emit('inbound.accepted', message(3));
    answer(ok({ messages: [message(1), message(2), message(3)] }));
    await tick();
    gw.emit('inbound.accepted', message(4));
    expect(store.getState().inbound.loaded).toBe(true);
    expect(store.getState().inbound.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    stop();
    expect(gw.count('inbound.accepted')).toBe(0);
  });
});
