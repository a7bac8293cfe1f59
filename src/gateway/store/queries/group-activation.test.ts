import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ranStatements } from '../../../../test/support/statements';
import { openStore, type Store } from '../db';
import { MAX_KNOWN_GROUPS, setActivation, storedActivation } from './group-activation';

let store: Store;
beforeEach(() => {
  store = openStore(':memory:');
});
afterEach(async () => {
  vi.restoreAllMocks();
  await store.close();
});

/** How many times the connection reads or writes group_activation from here on. */
function tableUses(db: Database.Database): () => number {
  const ran = ranStatements(db);
  return () => ran.filter((sql) => sql.includes('group_activation')).length;
}

const group = '120363000000000003@g.us';

describe('stored /activation', () => {
  it('is read from the table once per group, not once per message', () => {
    const { db } = store;
    setActivation(db, 'default', group, 'always', 1);
    const uses = tableUses(db);
    for (let i = 0; i < 5; i++) {
      expect(storedActivation(db, 'default', group)).toBe('always');
      expect(storedActivation(db, 'default', 'other@g.us')).toBeUndefined();
    }
    // The first group was remembered when it was written; the other one is read once.
    expect(uses()).toBe(1);
  });

  it('a new /activation takes effect on the next message, for that account and group only', () => {
    const { db } = store;
    expect(storedActivation(db, 'default', group)).toBeUndefined();
    expect(storedActivation(db, 'work', group)).toBeUndefined();
    setActivation(db, 'default', group, 'always', 1);
    expect(storedActivation(db, 'default', group)).toBe('always');
    expect(storedActivation(db, 'work', group)).toBeUndefined();
    setActivation(db, 'default', group, 'mention', 2);
    expect(storedActivation(db, 'default', group)).toBe('mention');
    expect(db.prepare('SELECT activation FROM group_activation').pluck().all()).toEqual(['mention']);
  });

  it('a write that is rolled back is not remembered', () => {
    const { db } = store;
    setActivation(db, 'default', group, 'mention', 1);
    expect(() =>
      db.transaction(() => {
        setActivation(db, 'default', group, 'always', 2);
        expect(storedActivation(db, 'default', group)).toBe('always');
        throw new Error('rolled back');
      })(),
    ).toThrow(/rolled back/);
    expect(storedActivation(db, 'default', group)).toBe('mention');
  });

  it(`remembers at most ${MAX_KNOWN_GROUPS} groups; one pushed out is read again`, () => {
    const { db } = store;
    const jid = (i: number) => `1203630000${String(i).padStart(8, '0')}@g.us`;
    for (let i = 0; i <= MAX_KNOWN_GROUPS; i++) storedActivation(db, 'default', jid(i));
    const uses = tableUses(db);
    storedActivation(db, 'default', jid(MAX_KNOWN_GROUPS));
    expect(uses()).toBe(0);
    storedActivation(db, 'default', jid(0));
    expect(uses()).toBe(1);
  });
});
