import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StreamWatchdog } from './watchdog';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('StreamWatchdog', () => {
  it('lets a stream that keeps sending run past the limit, and aborts after a silence of the limit', () => {
    const dog = new StreamWatchdog(1000);
    for (let i = 0; i < 30; i++) {
      vi.advanceTimersByTime(400);
      dog.touch();
    }
    expect(dog.signal.aborted).toBe(false);
    vi.advanceTimersByTime(999);
    expect(dog.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(dog.signal.aborted).toBe(true);
    expect(dog.stalled).toBe(true);
    expect((dog.signal.reason as Error).message).toBe('stream idle');
    dog.dispose();
  });

  it('arms no timer per chunk: hundreds of chunks cost one timer', () => {
    const dog = new StreamWatchdog(1000);
    const armed = vi.spyOn(globalThis, 'setTimeout');
    for (let i = 0; i < 500; i++) {
      vi.advanceTimersByTime(1);
      dog.touch();
    }
    vi.advanceTimersByTime(500);
    // The one due timer found data meanwhile and waits out the rest of the limit once.
    expect(armed.mock.calls.length).toBeLessThanOrEqual(1);
    expect(dog.signal.aborted).toBe(false);
    armed.mockRestore();
    dog.dispose();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("follows the caller's signal with its reason, which is no stall, and lets go of it once disposed", () => {
    const caller = new AbortController();
    const dog = new StreamWatchdog(1000, caller.signal);
    caller.abort(new Error('the gateway is stopping'));
    expect(dog.signal.aborted).toBe(true);
    expect((dog.signal.reason as Error).message).toBe('the gateway is stopping');
    expect(dog.stalled).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    dog.dispose();

    const already = new StreamWatchdog(1000, AbortSignal.abort(new Error('before')));
    expect((already.signal.reason as Error).message).toBe('before');
    expect(vi.getTimerCount()).toBe(0);
    already.dispose();

    const later = new AbortController();
    const done = new StreamWatchdog(1000, later.signal);
    done.dispose();
    later.abort(new Error('after the request'));
    expect(done.signal.aborted).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });
});
