import { describe, expect, it } from 'vitest';
import type { CallerContext } from '../gateway/gateway';
import type { EventName } from '../shared/names';
import { ok, type Result } from '../shared/result';
import { APP_PAGE_URL } from './app-protocol';
import {
  bindIpc,
  isOwnAppFrame,
  type InvokeEventLike,
  type IpcMainLike,
  type WebContentsLike,
} from './ipc-binding';

const APP_URL = APP_PAGE_URL;

class FakeWebContents implements WebContentsLike {
  sent: Array<[string, unknown]> = [];
  destroyed = false;
  listeners = new Set<() => void>();
  constructor(readonly id: number) {}
  send(channel: string, message: unknown) {
    this.sent.push([channel, message]);
  }
  isDestroyed() {
    return this.destroyed;
  }
  once(_event: 'destroyed', listener: () => void) {
    this.listeners.add(listener);
  }
  removeListener(_event: 'destroyed', listener: () => void) {
    this.listeners.delete(listener);
  }
  destroy() {
    this.destroyed = true;
    for (const l of [...this.listeners]) l();
    this.listeners.clear();
  }
}

class FakeIpcMain implements IpcMainLike {
  handlers = new Map<string, (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>>();
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>) {
    if (this.handlers.has(channel)) throw new Error('second handler');
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
  invoke(sender: FakeWebContents, url: string | null, ...args: unknown[]) {
    const handler = this.handlers.get('openclaw:invoke');
    if (!handler) throw new Error('no handler');
    return handler({ sender, senderFrame: url === null ? null : { url, parent: null } }, ...args) as Promise<
      Result<unknown>
    >;
  }
}

function setup() {
  const ipcMain = new FakeIpcMain();
  const calls: Array<{ method: string; params: unknown; caller: CallerContext }> = [];
  const eventListeners = new Set<(event: EventName, payload: unknown) => void>();
  const gateway = {
    call: async (method: string, params: unknown, caller: CallerContext) => {
      calls.push({ method, params, caller });
      // Mimic the gateway: events.subscribe mutates the caller's subscriptions.
      if (method === 'events.subscribe')
        for (const e of (params as { events: EventName[] }).events) caller.subscriptions.add(e);
      return ok({ method });
    },
    onEvent: (listener: (event: EventName, payload: unknown) => void) => {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
  };
  const window = new FakeWebContents(1);
  const rejected: string[] = [];
  const binding = bindIpc({
    ipcMain,
    gateway,
    isTrustedSender: (s) => isOwnAppFrame(s, window.id, APP_URL),
    onRejected: (reason) => rejected.push(reason),
  });
  const emit = (event: EventName, payload: unknown) => {
    for (const l of eventListeners) l(event, payload);
  };
  return { ipcMain, calls, binding, window, emit, eventListeners, rejected };
}

describe('bindIpc', () => {
  it('forwards a trusted call with an ipc caller context kept per webContents', async () => {
    const { ipcMain, calls, window } = setup();
    const result = await ipcMain.invoke(window, APP_URL, 'config.get', { path: 'web' });
    expect(result).toEqual({ ok: true, value: { method: 'config.get' } });
    await ipcMain.invoke(window, APP_URL, 'health', undefined);
    expect(calls.map((c) => [c.method, c.params])).toEqual([
      ['config.get', { path: 'web' }],
      ['health', undefined],
    ]);
    expect(calls[0]?.caller.transport).toBe('ipc');
    expect(calls[0]?.caller).toBe(calls[1]?.caller);
  });

  it('refuses calls from another webContents, another page or a vanished frame without calling the gateway', async () => {
    const { ipcMain, calls, rejected } = setup();
    const other = new FakeWebContents(2);
    for (const [sender, url] of [
      [other, APP_URL],
      [new FakeWebContents(1), 'https://evil.example/'],
      [new FakeWebContents(1), null],
      // The built page opened as a file, or another app:// host, is not our page.
      [new FakeWebContents(1), 'file:///app/out/renderer/index.html'],
      [new FakeWebContents(1), 'app://evil/index.html'],
      [new FakeWebContents(1), 'app://openclaw/other.html'],
    ] as const) {
      const result = await ipcMain.invoke(sender, url, 'health', undefined);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('control.forbidden_sender');
    }
    expect(calls).toEqual([]);
    expect(rejected).toHaveLength(6);
  });

  it('rejects a method that is not a string', async () => {
    const { ipcMain, calls, window } = setup();
    const result = await ipcMain.invoke(window, APP_URL, { evil: true }, {});
    expect(!result.ok && result.error.code).toBe('control.unknown_method');
    expect(calls).toEqual([]);
  });

  it('turns a throwing gateway into control.internal', async () => {
    const ipcMain = new FakeIpcMain();
    const window = new FakeWebContents(1);
    bindIpc({
      ipcMain,
      gateway: { call: () => Promise.reject(new Error('kaput')), onEvent: () => () => {} },
      isTrustedSender: () => true,
    });
    const result = await ipcMain.invoke(window, APP_URL, 'health');
    expect(!result.ok && result.error.code).toBe('control.internal');
  });

  it('delivers events only to webContents that subscribed to them', async () => {
    const { ipcMain, window, emit } = setup();
    emit('log', { msg: 'before' });
    await ipcMain.invoke(window, APP_URL, 'events.subscribe', { events: ['config.changed'] });
    emit('log', { msg: 'not subscribed' });
    emit('config.changed', { valid: true });
    expect(window.sent).toEqual([['openclaw:event', { event: 'config.changed', payload: { valid: true } }]]);
  });

  it('drops the context when its webContents is destroyed', async () => {
    const { ipcMain, window, emit, binding } = setup();
    await ipcMain.invoke(window, APP_URL, 'events.subscribe', { events: ['log'] });
    expect(binding.contextCount()).toBe(1);
    window.destroy();
    expect(binding.contextCount()).toBe(0);
    emit('log', {});
    expect(window.sent).toEqual([]);
  });

  it('dispose removes the handler, the event listener, and the destroyed listeners', async () => {
    const { ipcMain, window, binding, eventListeners } = setup();
    await ipcMain.invoke(window, APP_URL, 'events.subscribe', { events: ['log'] });
    expect(window.listeners.size).toBe(1);
    binding.dispose();
    binding.dispose();
    expect(ipcMain.handlers.size).toBe(0);
    expect(eventListeners.size).toBe(0);
    expect(window.listeners.size).toBe(0);
    expect(binding.contextCount()).toBe(0);
  });
});
