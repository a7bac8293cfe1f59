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
    await api.channels.status();
    await api.channels.login.start({ accountId: 'work', force: true });
    await api.channels.login.wait({ timeoutMs: 5000 });
    await api.channels.logout({ accountId: 'work' });
    expect(calls).toEqual([
      ['health', undefined],
      ['config.set', { path: 'web.enabled', value: false }],
      ['logs.tail', { limit: 5 }],
      ['channels.status', undefined],
      ['channels.login.start', { accountId: 'work', force: true }],
      ['channels.login.wait', { timeoutMs: 5000 }],
      ['channels.logout', { accountId: 'work' }],
    ]);
  });

  it('nests every dotted part, so each method name maps to exactly one function', () => {
    const api = buildApi({ invoke: async () => ({ ok: true, value: null }), subscribe: () => () => {} });
    const found: string[] = [];
    const walk = (node: object, prefix: string) => {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'on' && prefix === '') continue;
        if (typeof value === 'function') found.push(prefix + key);
        else walk(value as object, `${prefix}${key}.`);
      }
    };
    walk(api, '');
    expect(found.sort()).toEqual([...METHOD_NAMES].sort());
    expect(Object.keys(api.channels).sort()).toEqual(['login', 'logout', 'reconnect', 'status']);
    expect(Object.keys(api.channels.login).sort()).toEqual(['start', 'wait']);
    // @ts-expect-error nested methods keep the contract's request type
    void api.channels.login.start({ force: 'yes' });
  });
});
