import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RawInbound } from '../../inbound/types';
import { openStore, type Store } from '../db';
import {
  groupHistory,
  handOff,
  handOffAll,
  insertInbox,
  markInbox,
  pendingInbox,
  pruneInbound,
  recentAccepted,
  recordSent,
  wasSent,
} from './inbox';

let store: Store;
beforeEach(() => {
  store = openStore(':memory:');
});
afterEach(() => store.close());

const raw = (id: string, chat = '15551234567@s.whatsapp.net', accountId = 'default'): RawInbound => ({
  accountId,
  id,
  chatJid: chat,
  isGroup: chat.endsWith('@g.us'),
  fromMe: false,
  selfChat: false,
  sender: { jid: '15551234567@s.whatsapp.net', e164: '+15551234567' },
  timestamp: 1_700_000_000_000,
  upsertType: 'notify',
  text: `text of ${id}`,
  mentions: [],
});

const hand = (inboxSeq: number, id: string, chat = '15551234567@s.whatsapp.net') => ({
  inboxSeq,
  account: 'default',
  chat,
  messageId: id,
  agentId: 'main',
  sessionKey: 'agent:main:main',
  body: `body ${id}`,
  meta: { id },
  now: 1_700_000_001_000,
});

describe('inbox', () => {
  it('dedupes by account + chat + message id, and keeps what it stored', () => {
    const { db } = store;
    const seq = insertInbox(db, raw('A'), 1);
    expect(seq).toBeGreaterThan(0);
    expect(insertInbox(db, raw('A'), 2)).toBeNull();
    // The same id in another chat or account is another message.
    expect(insertInbox(db, raw('A', '15559999999@s.whatsapp.net'), 3)).not.toBeNull();
    expect(insertInbox(db, raw('A', undefined, 'work'), 4)).not.toBeNull();
    expect(pendingInbox(db, 10).map((r) => [r.raw.id, r.raw.accountId])).toEqual([
      ['A', 'default'],
      ['A', 'default'],
      ['A', 'work'],
    ]);
    expect(pendingInbox(db, 1)[0]!.raw).toEqual(raw('A'));
  });

  it('hands a message on exactly once: a second hand-off of the same row does nothing', () => {
    const { db } = store;
    const seq = insertInbox(db, raw('B'), 1)!;
    expect(handOff(db, hand(seq, 'B'))).toBeGreaterThan(0);
    expect(handOff(db, hand(seq, 'B'))).toBeNull();
    expect(recentAccepted(db, null, 10).map((r) => r.messageId)).toEqual(['B']);
    expect(pendingInbox(db, 10)).toEqual([]);
  });

  it('a batch of hand-offs commits together, and a row that fails fails alone', () => {
    const { db } = store;
    const seqs = ['E1', 'E2', 'E3'].map((id) => insertInbox(db, raw(id), 1)!);
    db.exec(`CREATE TRIGGER refuse_e2 BEFORE INSERT ON accepted WHEN NEW.message_id = 'E2'
             BEGIN SELECT RAISE(ABORT, 'no room for E2'); END`);
    const results = handOffAll(db, [hand(seqs[0]!, 'E1'), hand(seqs[1]!, 'E2'), hand(seqs[2]!, 'E3')]);
    expect(results[0]).toBeGreaterThan(0);
    expect((results[1] as Error).message).toMatch(/no room for E2/);
    expect(results[2]).toBeGreaterThan(0);
    expect(recentAccepted(db, null, 10).map((r) => r.messageId)).toEqual(['E1', 'E3']);
    expect(pendingInbox(db, 10).map((r) => r.raw.id)).toEqual(['E2']);
    expect(handOffAll(db, [hand(seqs[0]!, 'E1')])).toEqual([null]);
  });

  it('a stream of batches builds its hand-off transaction once, not once per batch', () => {
    const { db } = store;
    const seqs = ['F1', 'F2', 'F3'].map((id) => insertInbox(db, raw(id), 1)!);
    expect(handOffAll(db, [hand(seqs[0]!, 'F1')])[0]).toBeGreaterThan(0);
    // better-sqlite3 makes four wrapper functions for every db.transaction() call; every burst commits a batch.
    const built = vi.spyOn(db, 'transaction');
    const results = [handOffAll(db, [hand(seqs[1]!, 'F2')]), handOffAll(db, [hand(seqs[2]!, 'F3')])];
    expect(built).not.toHaveBeenCalled();
    expect(results.flat().every((r) => typeof r === 'number' && r > 0)).toBe(true);
    expect(recentAccepted(db, null, 10).map((r) => r.messageId)).toEqual(['F1', 'F2', 'F3']);
  });

  it('a settled row is not handed on, and a handed-on row is not settled again', () => {
    const { db } = store;
    const rejected = insertInbox(db, raw('C'), 1)!;
    markInbox(db, rejected, 'rejected', 'not allowed', 2);
    expect(handOff(db, hand(rejected, 'C'))).toBeNull();
    const accepted = insertInbox(db, raw('D'), 1)!;
    handOff(db, hand(accepted, 'D'));
    markInbox(db, accepted, 'rejected', 'late', 3);
    const state = db.prepare('SELECT state FROM inbox WHERE seq = ?').pluck().get(accepted);
    expect(state).toBe('accepted');
  });

  it('group history: the newest N before a message, consumed by its hand-off', () => {
    const { db } = store;
    const group = '120363000000000001@g.us';
    const seqs = ['h1', 'h2', 'h3'].map((id) => insertInbox(db, raw(id, group), 1)!);
    for (const s of seqs) markInbox(db, s, 'history', 'not mentioned', 2);
    const current = insertInbox(db, raw('now', group), 3)!;
    expect(groupHistory(db, 'default', group, current, 2).map((r) => r.raw.id)).toEqual(['h2', 'h3']);
    expect(groupHistory(db, 'default', group, current, 0)).toEqual([]);
    handOff(db, hand(current, 'now', group));
    expect(groupHistory(db, 'default', group, current + 1, 50)).toEqual([]);
  });

  it('pruning keeps pending rows however old, and drops old settled rows, hand-offs and sent ids', () => {
    const { db } = store;
    insertInbox(db, raw('old-pending'), 1);
    const settled = insertInbox(db, raw('old-settled'), 1)!;
    markInbox(db, settled, 'rejected', 'x', 1);
    recordSent(db, 'default', 'S1', 'chat', 1);
    const pruned = pruneInbound(db, 10_000, 5_000, 5_000);
    expect(pruned).toEqual({ inbox: 1, accepted: 0, sent: 1 });
    expect(pendingInbox(db, 10).map((r) => r.raw.id)).toEqual(['old-pending']);
    expect(wasSent(db, 'default', 'S1')).toBe(false);
  });
});
