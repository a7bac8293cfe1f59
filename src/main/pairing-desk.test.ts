import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PairingRequest } from '../shared/contract';
import type { EventName } from '../shared/names';
import { fail, ok, type Result } from '../shared/result';
import { startPairingDesk, type NotifierLike } from './pairing-desk';
import type { NotificationSpec } from './pairing-notify';
import type { TrayPairing } from './tray-menu';

const NOW = Date.parse('2025-03-01T12:00:00Z');
const request = (code: string, createdMin = 0): PairingRequest => ({
  accountId: 'default',
  sender: '+15551234567',
  name: 'Alice',
  code,
  createdAt: new Date(NOW + createdMin * 60_000).toISOString(),
  expiresAt: new Date(NOW + (createdMin + 60) * 60_000).toISOString(),
});

function fakeNotifier(supported = true) {
  const shown = new Map<string, { spec: NotificationSpec; onClick(): void; onAction(i: number): void }>();
  const closed: string[] = [];
  const notifier: NotifierLike = {
    supported: () => supported,
    show: (spec, handlers) => void shown.set(spec.key, { spec, ...handlers }),
    close: (key) => {
      if (shown.delete(key)) closed.push(key);
    },
    shown: () => [...shown.keys()],
  };
  return { notifier, shown, closed };
}

function setup(opts: { platform?: NodeJS.Platform; supported?: boolean; answer?: Result<unknown> } = {}) {
  let emit: (event: EventName, payload: unknown) => void = () => {};
  const calls: Array<{ method: string; params: unknown }> = [];
  const gateway = {
    call: vi.fn(async (method: string, params: unknown) => {
      calls.push({ method, params });
      if (method === 'pairing.list') return ok({ pending: [request('LIST2222')], approved: [] });
      return opts.answer ?? ok({});
    }),
    onEvent: (listener: (event: EventName, payload: unknown) => void) => {
      emit = listener;
      return () => (emit = () => {});
    },
  };
  const notes = fakeNotifier(opts.supported ?? true);
  const trays: TrayPairing[][] = [];
  const opened: string[] = [];
  const desk = startPairingDesk({
    gateway,
    notifier: notes.notifier,
    platform: opts.platform ?? 'linux',
    onPending: (p) => trays.push(p),
    openWindow: (hash) => opened.push(hash),
    now: () => NOW,
  });
  return { desk, calls, emit: (e: EventName, p: unknown) => emit(e, p), notes, trays, opened };
}

afterEach(() => vi.useRealTimers());

describe('pairing desk', () => {
  it('feeds the tray from pairing.list, then from pairing.changed', async () => {
    const t = setup();
    await t.desk.refresh();
    expect(t.trays.at(-1)?.map((r) => r.code)).toEqual(['LIST2222']);
    t.emit('pairing.changed', { pending: [request('AAAA2222'), request('BBBB2222', 1)], approved: [] });
    expect(t.trays.at(-1)?.map((r) => r.code)).toEqual(['BBBB2222', 'AAAA2222']);
    t.desk.dispose();
  });

  it('drops a list answer that a pairing.changed overtook', async () => {
    const t = setup();
    const answer = t.desk.refresh();
    t.emit('pairing.changed', { pending: [], approved: [] });
    await answer;
    expect(t.trays).toEqual([[]]);
    t.desk.dispose();
  });

  it('on Linux and Windows, a click on the notification opens the window on that request', () => {
    const t = setup({ platform: 'win32' });
    t.emit('pairing.requested', request('ABCD2345'));
    const note = t.notes.shown.get('default:ABCD2345');
    expect(note?.spec.actions).toEqual([]);
    note?.onClick();
    expect(t.opened).toEqual(['#/pairing?account=default&code=ABCD2345']);
    expect(t.calls.filter((c) => c.method === 'pairing.approve')).toEqual([]);
    t.desk.dispose();
  });

  it('on macOS, the Approve button approves and the notification goes once the request is gone', async () => {
    const t = setup({ platform: 'darwin' });
    t.emit('pairing.requested', request('ABCD2345'));
    // Announced again (the sender wrote twice): still one notification.
    t.emit('pairing.requested', request('ABCD2345'));
    expect(t.notes.shown.size).toBe(1);
    t.notes.shown.get('default:ABCD2345')?.onAction(0);
    await vi.waitFor(() => expect(t.notes.closed).toEqual(['default:ABCD2345']));
    expect(t.calls).toContainEqual({
      method: 'pairing.approve',
      params: { channel: 'whatsapp', code: 'ABCD2345', accountId: 'default' },
    });
    t.desk.dispose();
  });

  it('closes notifications of requests handled elsewhere (CLI, window)', () => {
    const t = setup({ platform: 'darwin' });
    t.emit('pairing.requested', request('ABCD2345'));
    t.emit('pairing.requested', request('WXYZ6789'));
    t.emit('pairing.changed', { pending: [request('WXYZ6789')], approved: [] });
    expect(t.notes.closed).toEqual(['default:ABCD2345']);
    expect([...t.notes.shown.keys()]).toEqual(['default:WXYZ6789']);
    t.desk.dispose();
  });

  it('tells the person when an approval from the tray fails', async () => {
    const t = setup({ answer: fail('control.invalid_params', 'no pending request with code ABCD2345') });
    expect(await t.desk.act('approve', 'default', 'ABCD2345')).toBe(false);
    expect(t.notes.shown.get('failure:default:ABCD2345')?.spec.body).toBe(
      'Code ABCD2345: no pending request with code ABCD2345',
    );
    t.desk.dispose();
  });

  it('without notifications, shows nothing and opens the window when a tray action fails', async () => {
    const t = setup({ supported: false, answer: fail('control.internal', 'boom') });
    t.emit('pairing.requested', request('ABCD2345'));
    expect(t.notes.shown.size).toBe(0);
    expect(await t.desk.act('deny', 'default', 'ABCD2345')).toBe(false);
    expect(t.opened).toEqual(['#/pairing?account=default&code=ABCD2345']);
    t.desk.dispose();
  });

  it('drops a request from the tray when it expires, without waiting for the gateway', () => {
    vi.useFakeTimers();
    let now = NOW;
    const trays: TrayPairing[][] = [];
    let emit: (event: EventName, payload: unknown) => void = () => {};
    const desk = startPairingDesk({
      gateway: { call: async () => ok({}), onEvent: (l) => ((emit = l), () => {}) },
      notifier: fakeNotifier().notifier,
      platform: 'linux',
      onPending: (p) => trays.push(p),
      openWindow: () => {},
      now: () => now,
    });
    emit('pairing.changed', { pending: [request('SOON2222', -59), request('LATE2222', -10)], approved: [] });
    expect(trays.at(-1)?.map((r) => r.code)).toEqual(['LATE2222', 'SOON2222']);
    now += 61_000;
    vi.advanceTimersByTime(61_000);
    expect(trays.at(-1)?.map((r) => r.code)).toEqual(['LATE2222']);
    desk.dispose();
  });
});
