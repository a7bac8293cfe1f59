// Which group chats have history rows waiting, so that a message in a chat with none (every chat whose messages
// are all addressed to us, or whose activation is "always") pays neither the history SELECT nor the consume
// UPDATE. Kept per connection (only this connection writes the inbox: the state lock allows one gateway per
// state.db) as, per chat, an upper bound on the seq of its 'history' rows, 0 when it has none.
//
// Why it stays exact: the bound is read from the table, every row that becomes 'history' raises it (even one a
// rollback then undoes: too high only costs a query), and it drops to 0 only once a consume of every row below a
// seq above the bound is committed. Pruning only deletes rows, which leaves it an upper bound. A restart starts
// empty, so a replay reads each chat from the table again.
import type Database from 'better-sqlite3';
import { prepare } from './prepare';

/** Chats remembered per connection; a chat pushed out is read from the table again on its next message. */
export const MAX_KNOWN_CHATS = 4096;

const known = new WeakMap<Database.Database, Map<string, number>>();

const keyOf = (account: string, chat: string): string => `${account}\u0000${chat}`;

function chatsOf(db: Database.Database): Map<string, number> {
  let chats = known.get(db);
  if (!chats) {
    chats = new Map();
    known.set(db, chats);
  }
  return chats;
}

/** The chat's bound if remembered (moved to the recent end), else undefined. */
function recall(chats: Map<string, number>, key: string): number | undefined {
  const bound = chats.get(key);
  if (bound !== undefined) {
    chats.delete(key);
    chats.set(key, bound);
  }
  return bound;
}

/** An upper bound on the seq of the chat's 'history' rows; 0 means it has none. */
export function historyBound(db: Database.Database, account: string, chat: string): number {
  const chats = chatsOf(db);
  const key = keyOf(account, chat);
  const remembered = recall(chats, key);
  if (remembered !== undefined) return remembered;
  const bound =
    prepare<[string, string], { bound: number | null }>(
      db,
      `SELECT max(seq) AS bound FROM inbox WHERE account = ? AND chat = ? AND state = 'history'`,
    ).get(account, chat)?.bound ?? 0;
  // Inside a transaction the answer may count a consume that is then rolled back: used, not kept.
  if (!db.inTransaction) {
    chats.set(key, bound);
    if (chats.size > MAX_KNOWN_CHATS) chats.delete(chats.keys().next().value!);
  }
  return bound;
}

/** True only when the chat is remembered as having no history rows (never reads the table). */
export function knownWithoutHistory(db: Database.Database, account: string, chat: string): boolean {
  return known.get(db)?.get(keyOf(account, chat)) === 0;
}

/** A row of the chat became 'history' (call even if a rollback may follow). */
export function noteHistory(db: Database.Database, account: string, chat: string, seq: number): void {
  const chats = known.get(db);
  const key = keyOf(account, chat);
  const bound = chats?.get(key);
  if (bound !== undefined && bound < seq) chats!.set(key, seq);
}

/** Every 'history' row of the chat below `seq` was consumed, and that is committed. */
export function noteConsumed(db: Database.Database, account: string, chat: string, seq: number): void {
  const chats = known.get(db);
  const key = keyOf(account, chat);
  const bound = chats?.get(key);
  if (bound !== undefined && bound < seq) chats!.set(key, 0);
}
