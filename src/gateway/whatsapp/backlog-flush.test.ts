// The flush on quiet, against Baileys' own event buffer (makeEventBuffer, what sock.ev is) under fake timers, so
// "before Baileys' 100 ms timer" is exact. The whole path (real socket, simulator, gateway) is the inbound bench's.
import { makeEventBuffer, type WAMessage, type WASocket } from '@whiskeysockets/baileys';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BacklogFlush, QUIET_MS } from './backlog-flush';

const message = (id: string): WAMessage => ({
  key: { remoteJid: '15550000001@s.whatsapp.net', id, fromMe: false },
  message: { conversation: id },
});

function standIn() {
  const ev = makeEventBuffer(pino({ level: 'silent' }));
  const ends: Array<() => void> = [];
  const upserts: string[][] = [];
  ev.on('messages.upsert', ({ messages }) => upserts.push(messages.map((m) => m.key.id!)));
  const sock = { ev, registerSocketEndHandler: (h: () => void) => ends.push(h) } as unknown as WASocket;
  // What Baileys does per message of a backlog: upsertMessage is a buffered function.
  const upsert = ev.createBufferedFunction(async (m: WAMessage) =>
    ev.emit('messages.upsert', { messages: [m], type: 'append' }),
  );
  return { sock, ev, upserts, upsert, end: () => ends.forEach((h) => h()) };
}

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

describe('BacklogFlush', () => {
  it('lets a backlog out once decryptions are quiet for QUIET_MS, not on Baileys’ 100 ms timer', async () => {
    const s = standIn();
    const flush = new BacklogFlush();
    flush.watch(s.sock);
    for (const id of ['A', 'B', 'C']) {
      flush.decrypted();
      await s.upsert(message(id));
      await vi.advanceTimersByTimeAsync(QUIET_MS - 1);
    }
    // Each decryption came within QUIET_MS of the one before: still merging.
    expect(s.upserts).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(s.upserts).toEqual([['A', 'B', 'C']]);
    flush.stop();
  });

  it('(without it, the same backlog waits for Baileys’ own timer)', async () => {
    const s = standIn();
    for (const id of ['A', 'B', 'C']) {
      await s.upsert(message(id));
      await vi.advanceTimersByTimeAsync(QUIET_MS - 1);
    }
    await vi.advanceTimersByTimeAsync(1);
    expect(s.upserts).toEqual([]);
    await vi.advanceTimersByTimeAsync(100 - 2 * (QUIET_MS - 1) - 1);
    expect(s.upserts).toEqual([['A', 'B', 'C']]);
  });

  it('does nothing when nothing is buffered, and nothing after the socket ended', async () => {
    const s = standIn();
    const flush = new BacklogFlush();
    const spy = vi.spyOn(s.ev, 'flush');
    flush.watch(s.sock);
    flush.decrypted();
    await vi.advanceTimersByTimeAsync(QUIET_MS);
    expect(spy).not.toHaveBeenCalled();

    s.ev.buffer();
    flush.decrypted();
    s.end();
    await vi.advanceTimersByTimeAsync(QUIET_MS);
    expect(spy).not.toHaveBeenCalled();
    flush.decrypted(); // no socket now: no timer either
    expect(vi.getTimerCount()).toBe(1); // only the buffer's own 30 s safety timer
  });

  it('follows the newest socket: an old socket’s end does not stop the new one’s flushes', async () => {
    const old = standIn();
    const now = standIn();
    const flush = new BacklogFlush();
    flush.watch(old.sock);
    flush.watch(now.sock);
    old.end();
    now.ev.buffer();
    await now.upsert(message('X'));
    flush.decrypted();
    await vi.advanceTimersByTimeAsync(QUIET_MS);
    expect(now.upserts).toEqual([['X']]);
    flush.stop();
  });
});
