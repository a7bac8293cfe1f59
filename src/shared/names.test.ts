import { describe, expect, it } from 'vitest';
import { buildApi } from './api';
import { events, methods } from './contract';
import { EVENT_NAMES, METHOD_NAMES } from './names';

describe('contract names', () => {
  it('lists every method and event exactly once', () => {
    expect([...METHOD_NAMES].sort()).toEqual(Object.keys(methods).sort());
    expect([...EVENT_NAMES].sort()).toEqual(Object.keys(events).sort());
  });

  it('builds one nested function per method that forwards name and params', async () => {
    const calls: Array<[string, unknown]> = [];
    const api = buildApi({
      invoke: async (m, p) => {
        calls.push([m, p]);
        return { ok: true, value: m };
      },
      subscribe: () => () => {},
    });
    await api.health();
    await api.config.set({ path: 'web.enabled', value: false });
    await api.logs.tail({ limit: 5 });
    expect(calls).toEqual([
      ['health', undefined],
      ['config.set', { path: 'web.enabled', value: false }],
      ['logs.tail', { limit: 5 }],
    ]);
  });
});
