// The owner's /activation per group. Every group message asks for it, and it changes only when the owner sends
// /activation, so each connection remembers what it read or wrote (only this connection writes the table: the
// state lock allows one gateway per state.db). Nothing read or written inside an open transaction is remembered,
// since a rollback could undo it.
import type Database from 'better-sqlite3';
import { prepare } from './prepare';

export type StoredActivation = 'mention' | 'always';

/** Groups remembered per connection; a group pushed out is read from the table again on its next message. */
export const MAX_KNOWN_GROUPS = 4096;

/** Per connection: the stored setting of each remembered group, null when it has none. */
const known = new WeakMap<Database.Database, Map<string, StoredActivation | null>>();

const keyOf = (account: string, group: string): string => `${account}\u0000${group}`;

function groupsOf(db: Database.Database): Map<string, StoredActivation | null> {
  let groups = known.get(db);
  if (!groups) {
    groups = new Map();
    known.set(db, groups);
  }
  return groups;
}

function remember(groups: Map<string, StoredActivation | null>, key: string, value: StoredActivation | null) {
  groups.delete(key);
  groups.set(key, value);
  if (groups.size > MAX_KNOWN_GROUPS) groups.delete(groups.keys().next().value!);
}

export function storedActivation(
  db: Database.Database,
  account: string,
  group: string,
): StoredActivation | undefined {
  const groups = groupsOf(db);
  const key = keyOf(account, group);
  const remembered = groups.get(key);
  if (remembered !== undefined) {
    remember(groups, key, remembered);
    return remembered ?? undefined;
  }
  const row = prepare<[string, string], { activation: StoredActivation }>(
    db,
    'SELECT activation FROM group_activation WHERE account = ? AND group_jid = ?',
  ).get(account, group);
  if (!db.inTransaction) remember(groups, key, row?.activation ?? null);
  return row?.activation;
}

export function setActivation(
  db: Database.Database,
  account: string,
  group: string,
  activation: StoredActivation,
  now: number,
): void {
  const groups = groupsOf(db);
  const key = keyOf(account, group);
  // Forgotten first: should the write throw, the group is simply read again.
  groups.delete(key);
  prepare<[string, string, string, number]>(
    db,
    `INSERT INTO group_activation (account, group_jid, activation, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (account, group_jid) DO UPDATE SET activation = excluded.activation, updated_at = excluded.updated_at`,
  ).run(account, group, activation, now);
  if (!db.inTransaction) remember(groups, key, activation);
}
