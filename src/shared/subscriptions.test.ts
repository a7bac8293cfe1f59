import { describe, expect, it } from 'vitest';
import type { MethodName } from './names';
import { fail, ok, type Result } from './result';
import { createSubscriptions } from './subscriptions';

function recorder(reply: (method: MethodName) => Result<unknown> = () => ok({ subscribed: [] })) {
  const calls: Array<[MethodName, unknown]> = [];
  const invoke = async (method: MethodName, params: unknown) => {
    calls.push([method, params]);
    return reply(method);
  };
  return { calls, invoke };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('createSubscriptions', () => {
  it('subscribes on the first listener and unsubscribes after the last', async () => {
    const { calls, invoke } = recorder();
    const subs = createSubscriptions(invoke);
    const offA = subs.subscribe('log', () => {});
    const offB = subs.subscribe('log', () => {});
    expect(calls).toEqual([['events.subscribe', { events: ['log'] }]]);
    offA();
    offA(); // idempotent
    expect(calls).toHaveLength(1);
    offB();
    expect(calls).toEqual([
      ['events.subscribe', { events: ['log'] }],
      ['events.unsubscribe', { events: ['log'] }],
    ]);
    expect(subs.active()).toEqual([]);
  });

  it('counts the same function added twice as two listeners', () => {
    const { calls, invoke } = recorder();
    const subs = createSubscriptions(invoke);
    const fn = () => {};
    const off1 = subs.subscribe('config.changed', fn);
    const off2 = subs.subscribe('config.changed', fn);
    off1();
    expect(subs.active()).toEqual(['config.changed']);
    off2();
    expect(calls.map(([m]) => m)).toEqual(['events.subscribe', 'events.unsubscribe']);
  });

  it('fans out to every listener of the event only, even when one throws', () => {
    const errors: unknown[] = [];
    const subs = createSubscriptions(recorder().invoke, { onError: (p) => errors.push(p.error) });
    const got: string[] = [];
    subs.subscribe('log', () => {
      throw new Error('boom');
    });
    subs.subscribe('log', (p) => got.push(`b:${String(p)}`));
    subs.subscribe('config.changed', (p) => got.push(`c:${String(p)}`));
    subs.dispatch('log', 'x');
    expect(got).toEqual(['b:x']);
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe('boom');
  });

  it('lets a listener unsubscribe itself during dispatch without skipping others', () => {
    const subs = createSubscriptions(recorder().invoke);
    const got: string[] = [];
    const off = subs.subscribe('log', () => {
      got.push('a');
      off();
    });
    subs.subscribe('log', () => got.push('b'));
    subs.dispatch('log', null);
    subs.dispatch('log', null);
    expect(got).toEqual(['a', 'b', 'b']);
  });

  it('resubscribes every active event in one call after a reconnect', async () => {
    const { calls, invoke } = recorder();
    const subs = createSubscriptions(invoke);
    subs.subscribe('log', () => {});
    subs.subscribe('config.changed', () => {});
    calls.length = 0;
    await subs.resubscribeAll();
    expect(calls).toEqual([['events.subscribe', { events: ['log', 'config.changed'] }]]);
  });

  it('does not call the gateway for resubscribeAll when nothing is subscribed', async () => {
    const { calls, invoke } = recorder();
    await createSubscriptions(invoke).resubscribeAll();
    expect(calls).toEqual([]);
  });

  it('reports failed subscribe results and rejections', async () => {
    const problems: string[] = [];
    const subs = createSubscriptions(
      async (method) =>
        method === 'events.subscribe'
          ? fail('control.unavailable', 'down')
          : Promise.reject(new Error('gone')),
      {
        onError: ({ event, error }) => problems.push(`${event}:${error.message}`),
      },
    );
    const off = subs.subscribe('log', () => {});
    off();
    await flush();
    expect(problems).toEqual(['log:down', 'log:gone']);
  });

  it('clear() drops listeners silently and stale unsubscribes stay harmless', () => {
    const { calls, invoke } = recorder();
    const subs = createSubscriptions(invoke);
    const got: unknown[] = [];
    const off = subs.subscribe('log', (p) => got.push(p));
    subs.clear();
    subs.dispatch('log', 1);
    off();
    expect(got).toEqual([]);
    expect(calls.map(([m]) => m)).toEqual(['events.subscribe']);
    subs.subscribe('log', (p) => got.push(p));
    off();
    subs.dispatch('log', 2);
    expect(got).toEqual([2]);
  });
});
