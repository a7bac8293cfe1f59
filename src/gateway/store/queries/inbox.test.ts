import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RawInbound } from '../../inbound/types';
import { openStore, type Store } from '../db';
import { ranStatements } from '../../../../test/support/statements';
import { MAX_KNOWN_CHATS } from './history-index';
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

const stateOf = (db: Database.Database, seq: number) =>
  db.prepare('SELECT state FROM inbox WHERE seq = ?').pluck().get(seq);

describe('group history index', () => {
  afterEach(() => vi.restoreAllMocks());
  const group = '120363000000000002@g.us';
  const groupHand = (seq: number, id: string, account = 'default') => ({
    ...hand(seq, id, group),
    account,
  });

  it('a group chat without history rows runs neither the history query nor the consume after its first message', () => {
    const { db } = store;
    const first = insertInbox(db, raw('g1', group), 1)!;
    expect(groupHistory(db, 'default', group, first, 50)).toEqual([]);
    handOff(db, groupHand(first, 'g1'));
    const ran = ranStatements(db);
    for (const id of ['g2', 'g3']) {
      const seq = insertInbox(db, raw(id, group), 1)!;
      expect(groupHistory(db, 'default', group, seq, 50)).toEqual([]);
      expect(handOffAll(db, [groupHand(seq, id)])[0]).toBeGreaterThan(0);
    }
    expect(ran.length).toBeGreaterThan(0);
    expect(ran.filter((sql) => sql.includes("'history'"))).toEqual([]);
  });

  it('a chat seen without history still gets the rows that become history later, consumed exactly once', () => {
    const { db } = store;
    const first = insertInbox(db, raw('a1', group), 1)!;
    expect(groupHistory(db, 'default', group, first, 50)).toEqual([]);
    handOff(db, groupHand(first, 'a1'));
    const kept = ['k1', 'k2'].map((id) => insertInbox(db, raw(id, group), 1)!);
    for (const s of kept) markInbox(db, s, 'history', 'not mentioned', 2);
    const asked = insertInbox(db, raw('a2', group), 3)!;
    expect(groupHistory(db, 'default', group, asked, 50).map((r) => r.raw.id)).toEqual(['k1', 'k2']);
    expect(handOffAll(db, [groupHand(asked, 'a2')])[0]).toBeGreaterThan(0);
    expect(kept.map((s) => stateOf(db, s))).toEqual(['consumed', 'consumed']);
    const next = insertInbox(db, raw('a3', group), 4)!;
    expect(groupHistory(db, 'default', group, next, 50)).toEqual([]);
    // A row kept after the one handed on (a replay can run out of order) is still there for the next message.
    const late = insertInbox(db, raw('late', group), 5)!;
    markInbox(db, late, 'history', 'not mentioned', 5);
    handOff(db, groupHand(next, 'a3'));
    expect(stateOf(db, late)).toBe('history');
    const last = insertInbox(db, raw('a4', group), 6)!;
    expect(groupHistory(db, 'default', group, last, 50).map((r) => r.raw.id)).toEqual(['late']);
  });

  it('each account has its own history for the same group', () => {
    const { db } = store;
    const mine = insertInbox(db, raw('m1', group), 1)!;
    expect(groupHistory(db, 'default', group, mine, 50)).toEqual([]);
    const kept = insertInbox(db, raw('w0', group, 'work'), 1)!;
    markInbox(db, kept, 'history', 'not mentioned', 2);
    const theirs = insertInbox(db, raw('w1', group, 'work'), 3)!;
    expect(groupHistory(db, 'work', group, theirs, 50).map((r) => r.raw.id)).toEqual(['w0']);
    expect(groupHistory(db, 'default', group, mine, 50)).toEqual([]);
  });

  it('a consume that is rolled back leaves the history in place for the next message', () => {
    const { db } = store;
    const kept = insertInbox(db, raw('r0', group), 1)!;
    markInbox(db, kept, 'history', 'not mentioned', 2);
    const asked = insertInbox(db, raw('r1', group), 3)!;
    expect(groupHistory(db, 'default', group, asked, 50).map((r) => r.raw.id)).toEqual(['r0']);
    // Inside a caller's transaction that then fails...
    expect(() =>
      db.transaction(() => {
        handOff(db, groupHand(asked, 'r1'));
        throw new Error('caller gave up');
      })(),
    ).toThrow(/caller gave up/);
    // ...and a hand-off whose own insert fails.
    db.exec(`CREATE TRIGGER refuse_r1 BEFORE INSERT ON accepted WHEN NEW.message_id = 'r1'
             BEGIN SELECT RAISE(ABORT, 'no room for r1'); END`);
    expect(handOffAll(db, [groupHand(asked, 'r1')])[0]).toBeInstanceOf(Error);
    expect(stateOf(db, kept)).toBe('history');
    db.exec('DROP TRIGGER refuse_r1');
    expect(groupHistory(db, 'default', group, asked, 50).map((r) => r.raw.id)).toEqual(['r0']);
    handOff(db, groupHand(asked, 'r1'));
    expect(stateOf(db, kept)).toBe('consumed');
  });

  it(`remembers at most ${MAX_KNOWN_CHATS} chats; one pushed out is read from the table again`, () => {
    const { db } = store;
    const chat = (i: number) => `1203630000${String(i).padStart(8, '0')}@g.us`;
    for (let i = 0; i <= MAX_KNOWN_CHATS; i++) groupHistory(db, 'default', chat(i), 1_000_000, 50);
    const ran = ranStatements(db);
    groupHistory(db, 'default', chat(MAX_KNOWN_CHATS), 1_000_000, 50);
    expect(ran).toEqual([]);
    groupHistory(db, 'default', chat(0), 1_000_000, 50);
    expect(ran.filter((sql) => sql.includes("'history'"))).toHaveLength(1);
  });
});
