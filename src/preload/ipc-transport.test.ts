import { describe, expect, it } from 'vitest';
import { buildApi } from '../shared/api';
import { createIpcTransport } from './ipc-transport';

function fakeMain(answer: (method: string, params: unknown) => unknown = () => ({ ok: true, value: {} })) {
  const calls: Array<[string, unknown]> = [];
  let push: ((message: unknown) => void) | null = null;
  const transport = createIpcTransport({
    invoke: async (method, params) => {
      calls.push([method, params]);
      return answer(method, params);
    },
    onEvent: (handler) => {
      push = handler;
    },
  });
  return { calls, transport, push: (m: unknown) => push?.(m) };
}

describe('createIpcTransport', () => {
  it('forwards method calls and returns the result envelope unchanged', async () => {
    const main = fakeMain(() => ({
      ok: false,
      error: { code: 'config.invalid', message: 'bad', details: { errors: [] } },
    }));
    const api = buildApi(main.transport);
    const result = await api.config.apply({ raw: '{}', baseHash: 'h' });
    expect(main.calls).toEqual([['config.apply', { raw: '{}', baseHash: 'h' }]]);
    expect(result).toEqual({
      ok: false,
      error: { code: 'config.invalid', message: 'bad', details: { errors: [] } },
    });
  });

  it('turns a rejected invoke (no handler yet) into control.unavailable', async () => {
    const transport = createIpcTransport({
      invoke: () => Promise.reject(new Error("No handler registered for 'openclaw:invoke'")),
      onEvent: () => {},
    });
    const result = await transport.invoke('health', undefined);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('control.unavailable');
  });

  it('rejects a malformed answer from the main process', async () => {
    const main = fakeMain(() => 'nope');
    const result = await main.transport.invoke('health', undefined);
    expect(!result.ok && result.error.code).toBe('control.internal');
  });

  it('subscribes through events.subscribe and delivers pushed events to listeners', async () => {
    const main = fakeMain();
    const got: unknown[] = [];
    const off = main.transport.subscribe('log', (p) => got.push(p));
    expect(main.calls).toEqual([['events.subscribe', { events: ['log'] }]]);
    main.push({ event: 'log', payload: { msg: 'hi' } });
    main.push({ event: 'config.changed', payload: {} });
    main.push({ event: 'nope', payload: {} });
    main.push(null);
    expect(got).toEqual([{ msg: 'hi' }]);
    off();
    main.push({ event: 'log', payload: { msg: 'late' } });
    expect(got).toHaveLength(1);
    expect(main.calls.at(-1)).toEqual(['events.unsubscribe', { events: ['log'] }]);
  });
});
