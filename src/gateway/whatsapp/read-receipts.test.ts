// The owed-receipt bookkeeping on its own (the end-to-end path is test/inbound-receipts.test.ts): a stand-in
// socket that only records readMessages calls, so the bound and the order can be checked exactly.
import type { WAMessageKey, WASocket } from '@whiskeysockets/baileys';
import { describe, expect, it } from 'vitest';
import { MAX_OWED_RECEIPTS, ReadReceipts } from './read-receipts';

const key = (n: number): WAMessageKey => ({
  remoteJid: '15550000001@s.whatsapp.net',
  id: `M${n}`,
  fromMe: false,
});

function recordingSocket(fail?: Error): { sock: WASocket; sent: WAMessageKey[][] } {
  const sent: WAMessageKey[][] = [];
  const sock = {
    readMessages: (keys: WAMessageKey[]) => {
      if (fail) return Promise.reject(fail);
      sent.push(keys);
      return Promise.resolve();
    },
  } as unknown as WASocket;
  return { sock, sent };
}

describe('ReadReceipts', () => {
  it('keeps at most MAX_OWED_RECEIPTS while there is no socket, dropping the oldest, and sends them in order', async () => {
    let sock: WASocket | null = null;
    const receipts = new ReadReceipts(() => sock);
    const total = MAX_OWED_RECEIPTS + 5;
    await Promise.all(Array.from({ length: total }, (_, i) => receipts.add(key(i))));
    expect(receipts.owedCount).toBe(MAX_OWED_RECEIPTS);

    const live = recordingSocket();
    sock = live.sock;
    await receipts.flushOwed();
    const ids = live.sent.flat().map((k) => k.id);
    expect(ids).toEqual(Array.from({ length: MAX_OWED_RECEIPTS }, (_, i) => `M${i + 5}`));
    expect(Math.max(...live.sent.map((b) => b.length))).toBeLessThanOrEqual(200);
    expect(receipts.owedCount).toBe(0);
  });

  it('a receipt WhatsApp refuses is an error, not owed', async () => {
    const refused = recordingSocket(new Error('bad request'));
    const receipts = new ReadReceipts(() => refused.sock);
    await expect(receipts.add(key(1))).rejects.toThrow('bad request');
    expect(receipts.owedCount).toBe(0);
  });

  it('a send on a closed connection (Baileys 428) is owed until the next flush', async () => {
    const closed = Object.assign(new Error('Connection Closed'), { output: { statusCode: 428 } });
    let current = recordingSocket(closed);
    const receipts = new ReadReceipts(() => current.sock);
    await receipts.add(key(7));
    expect(receipts.owedCount).toBe(1);
    current = recordingSocket();
    await receipts.flushOwed();
    expect(current.sent).toEqual([[key(7)]]);
  });
});
