// The outbound socket's wait for WhatsApp's ack of each stanza, on a stand-in socket: an EventEmitter as its ws
// (what Baileys' listeners use) and a relayMessage (how texts go out) that only records. The real socket is covered
// end to end by test/outbound-*.test.ts against the simulator; this pins down timers and failures that need 20 s.
import type { WASocket } from '@whiskeysockets/baileys';
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SendFailure } from '../outbound/port';
import { createOutboundSocket } from './outbound-socket';

function standIn(): { sock: WASocket; ws: EventEmitter; ack(id: string, error?: string): void } {
  const ws = new EventEmitter();
  const sock = {
    ws,
    authState: { creds: { me: { id: '15550001111:1@s.whatsapp.net' } } },
    relayMessage: vi.fn(
      async (_jid: string, _message: unknown, opts: { messageId: string }) => opts.messageId,
    ),
  } as unknown as WASocket;
  return { sock, ws, ack: (id, error) => ws.emit('CB:ack,class:message', { attrs: { id, error } }) };
}

async function outcome(p: Promise<void>): Promise<string> {
  return p.then(
    () => 'acked',
    (err: SendFailure) => `${err.kind}: ${err.message}`,
  );
}

describe('outbound socket acks', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_700_000_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('holds one timer however many sends wait, and none once all are acked', async () => {
    const s = standIn();
    const port = createOutboundSocket({ accountId: 'default', socket: () => s.sock });
    const sends = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        port.send('1@s.whatsapp.net', { kind: 'text', text: `m${i}` }, `ID${i}`),
      ),
    );
    expect(vi.getTimerCount()).toBe(1);
    // Built as sendMessage builds a text, relayed under the outbox's id.
    expect(vi.mocked(s.sock.relayMessage).mock.calls[3]).toEqual([
      '1@s.whatsapp.net',
      expect.objectContaining({ extendedTextMessage: expect.objectContaining({ text: 'm3' }) }),
      { messageId: 'ID3' },
    ]);
    for (let i = 0; i < 50; i++) s.ack(`ID${i}`, i === 7 ? '429' : i === 8 ? '479' : undefined);
    const results = await Promise.all(sends.map((r) => outcome(r.acked)));
    expect(results.filter((r) => r === 'acked')).toHaveLength(48);
    expect(results[7]).toMatch(/^rate_limited: .*429/);
    expect(results[8]).toMatch(/^permanent: .*479/);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('fails each unacked send 20 s after its own start, not after the first one', async () => {
    const s = standIn();
    const port = createOutboundSocket({ accountId: 'default', socket: () => s.sock });
    const first = (await port.send('1@s.whatsapp.net', { kind: 'text', text: 'a' }, 'A')).acked;
    await vi.advanceTimersByTimeAsync(15_000);
    const second = (await port.send('1@s.whatsapp.net', { kind: 'text', text: 'b' }, 'B')).acked;
    const seen: string[] = [];
    void outcome(first).then((r) => seen.push(`A ${r}`));
    void outcome(second).then((r) => seen.push(`B ${r}`));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(seen).toEqual(['A transient: WhatsApp did not acknowledge the message within 20 s']);
    await vi.advanceTimersByTimeAsync(14_999);
    expect(seen).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(seen[1]).toBe('B transient: WhatsApp did not acknowledge the message within 20 s');
    expect(vi.getTimerCount()).toBe(0);
  });

  it("fails a closed socket's waiting sends as offline and leaves no timer", async () => {
    const s = standIn();
    const port = createOutboundSocket({ accountId: 'default', socket: () => s.sock });
    const { acked } = await port.send('1@s.whatsapp.net', { kind: 'text', text: 'a' }, 'A');
    s.ws.emit('close');
    expect(await outcome(acked)).toBe('offline: the connection closed before WhatsApp acknowledged');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('gives Baileys a logger for building messages, without a child logger per message', async () => {
    const s = standIn();
    const logger = { level: 'warn', child: vi.fn(), trace: vi.fn(), debug: vi.fn(), info: vi.fn() };
    const warn = vi.fn();
    const error = vi.fn();
    const port = createOutboundSocket({
      accountId: 'default',
      socket: () => s.sock,
      logger: { ...logger, warn, error },
    });
    for (let i = 0; i < 3; i++) await port.send('1@s.whatsapp.net', { kind: 'text', text: 'a' }, `ID${i}`);
    expect(logger.child).not.toHaveBeenCalled();
  });

  it('stops waiting when the relay throws, releasing the timer', async () => {
    const s = standIn();
    vi.mocked(s.sock.relayMessage).mockRejectedValueOnce(new Error('not-acceptable'));
    const port = createOutboundSocket({ accountId: 'default', socket: () => s.sock });
    await expect(port.send('1@s.whatsapp.net', { kind: 'text', text: 'a' }, 'A')).rejects.toMatchObject({
      kind: 'permanent',
    });
    expect(vi.getTimerCount()).toBe(0);
  });
});
