// withTimeout runs twice for every message sent: what it settles with, and how few promises it makes doing so.
import { createHook } from 'node:async_hooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SendFailure } from './port';
import { withTimeout } from './retry';

afterEach(() => {
  vi.useRealTimers();
});

describe('withTimeout', () => {
  it('settles as the promise does when it settles in time, and clears its timer', async () => {
    vi.useFakeTimers();
    await expect(withTimeout(Promise.resolve('ok'), 1000)).resolves.toBe('ok');
    await expect(withTimeout(Promise.reject(new Error('refused')), 1000)).rejects.toThrow('refused');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('fails as transient once the time is up, and ignores a late answer', async () => {
    vi.useFakeTimers();
    let answer = (_: string) => {};
    const late = new Promise<string>((resolve) => (answer = resolve));
    const result = withTimeout(late, 60_000);
    const settled = result.catch((err: unknown) => err);
    await vi.advanceTimersByTimeAsync(60_000);
    answer('too late');
    const err = await settled;
    expect(err).toBeInstanceOf(SendFailure);
    expect(err).toMatchObject({ kind: 'transient', message: 'no answer from WhatsApp within 60 s' });
  });

  it('makes two promises per call (with async hooks on, each one costs an init hook)', async () => {
    const made: string[] = [];
    const hook = createHook({ init: (_id, type) => void (type === 'PROMISE' && made.push(type)) });
    const input = Promise.resolve(1);
    hook.enable();
    const out = withTimeout(input, 1000);
    hook.disable();
    await out;
    expect(made).toHaveLength(2);
  });
});
