import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RawInbound } from '../../inbound/types';
import { openStore, type Store } from '../db';
import { handOff, insertInbox } from './inbox';
import {
  countUnconsumed,
  ensureSession,
  historyTurns,
  insertTurn,
  listSessions,
  outcomesFor,
  pruneAgent,
  resetSession,
  sessionTurns,
  settleAccepted,
  unconsumedAccepted,
} from './sessions';

let store: Store;
beforeEach(() => {
  store = openStore(':memory:');
});
afterEach(() => store.close());

const KEY = 'agent:main:main';

function accept(id: string): number {
  const raw = { accountId: 'default', id, chatJid: '1555@s.whatsapp.net' } as RawInbound;
  const inboxSeq = insertInbox(store.db, raw, 1000)!;
  return handOff(store.db, {
    inboxSeq,
    account: 'default',
    chat: raw.chatJid,
    messageId: id,
    agentId: 'main',
    sessionKey: KEY,
    body: id,
    meta: {},
    now: 1000,
  })!;
}

describe('sessions queries', () => {
  it('keeps the transcript after a reset but leaves it out of the history', () => {
    ensureSession(store.db, { key: KEY, agentId: 'main', label: '+1555', now: 1 });
    insertTurn(store.db, KEY, { role: 'user', text: 'before', messageIds: ['A'] }, 2);
    insertTurn(store.db, KEY, { role: 'assistant', text: 'answer', model: 'p/m' }, 3);
    expect(historyTurns(store.db, KEY, 100).map((t) => t.text)).toEqual(['before', 'answer']);
    expect(resetSession(store.db, KEY, 4)).toBe(true);
    expect(resetSession(store.db, 'agent:main:nobody', 4)).toBe(false);
    expect(historyTurns(store.db, KEY, 100)).toEqual([]);
    insertTurn(store.db, KEY, { role: 'user', text: 'after' }, 5);
    expect(historyTurns(store.db, KEY, 100).map((t) => t.text)).toEqual(['after']);
    expect(sessionTurns(store.db, KEY, 100).map((t) => t.text)).toEqual(['before', 'answer', 'after']);
    expect(listSessions(store.db, { limit: 10 }, () => false)[0]).toMatchObject({ key: KEY, turns: 3 });
  });

  it('settles a hand-off once: a second settle throws, so its transaction rolls back', () => {
    const seq = accept('A');
    expect(outcomesFor(store.db, [seq])).toEqual([{ acceptedSeq: seq, state: 'waiting', sessionKey: KEY }]);
    const tx = store.db.transaction(() => {
      insertTurn(store.db, KEY, { role: 'user', text: 'x' }, 2);
      settleAccepted(store.db, {
        acceptedSeq: seq,
        sessionKey: KEY,
        state: 'answered',
        outboxIds: ['O1'],
        now: 2,
      });
    });
    tx();
    expect(countUnconsumed(store.db)).toBe(0);
    expect(() => tx()).toThrow(/already answered/);
    expect(sessionTurns(store.db, KEY, 10)).toHaveLength(1);
    expect(outcomesFor(store.db, [seq, 999])).toEqual([
      { acceptedSeq: seq, state: 'answered', sessionKey: KEY, outboxIds: ['O1'] },
    ]);
  });

  it('prunes old turns and outcomes but never an unconsumed hand-off', () => {
    const waiting = accept('W');
    const done = accept('D');
    settleAccepted(store.db, { acceptedSeq: done, sessionKey: KEY, state: 'silent', now: 10 });
    ensureSession(store.db, { key: KEY, agentId: 'main', label: '', now: 1 });
    insertTurn(store.db, KEY, { role: 'user', text: 'old' }, 10);
    expect(pruneAgent(store.db, 1_000_000, 1000)).toEqual({ turns: 1, outcomes: 1, sessions: 1 });
    expect(unconsumedAccepted(store.db, 10).map((r) => r.seq)).toEqual([waiting]);
  });
});
