import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { watchWakeAndNetwork, type WakeReason } from './wake-reconnect';

/** The watcher with a switchable network; `next()` resolves with the next reconnect it asks for. */
function setup(startOnline: boolean) {
  const power = new EventEmitter();
  let online = startOnline;
  const asked: WakeReason[] = [];
  let waiter: ((r: WakeReason) => void) | null = null;
  let polled: (() => void) | null = null;
  const stop = watchWakeAndNetwork({
    power,
    isOnline: () => {
      polled?.();
      return online;
    },
    reconnect: (reason) => {
      asked.push(reason);
      waiter?.(reason);
    },
    pollMs: 5,
  });
  return {
    power,
    asked,
    stop,
    setOnline: (v: boolean) => (online = v),
    next: () => new Promise<WakeReason>((resolve) => (waiter = resolve)),
    /** Resolves once the watcher has looked at the network again. */
    polled: () => new Promise<void>((resolve) => (polled = resolve)),
  };
}

describe('reconnect on wake and when the network comes back', () => {
  it('asks on resume from sleep, each time', () => {
    const w = setup(true);
    w.power.emit('resume');
    w.power.emit('resume');
    expect(w.asked).toEqual(['resume', 'resume']);
    w.stop();
  });

  it('asks once when the network comes back, not while it stays up or down', async () => {
    const w = setup(false);
    const back = w.next();
    w.setOnline(true);
    expect(await back).toBe('online');
    // Down and up again is another change, and another ask.
    w.setOnline(false);
    await w.polled();
    const again = w.next();
    w.setOnline(true);
    expect(await again).toBe('online');
    expect(w.asked).toEqual(['online', 'online']);
    w.stop();
  });

  it('releases its listener and timer when stopped', () => {
    const w = setup(false);
    w.stop();
    expect(w.power.listenerCount('resume')).toBe(0);
    w.power.emit('resume');
    expect(w.asked).toEqual([]);
  });
});
