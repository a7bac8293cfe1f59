// Baileys' Signal key store in state.db (table wa_keys, migration 002). A busy account writes thousands of keys a
// day; as rows they cost nothing, as files they fill a directory (field lesson 3). Each set() is one SQLite
// transaction, so when Baileys commits a batch (a decrypted message's new session plus the pre-key it consumed)
// either all of it lands or none does.
//
// makeWASocket (rc14, Socket/socket.js) wraps `auth.keys` in addTransactionCapability itself, so this store is
// passed to Baileys as is; wrapping it again would nest two transaction layers with separate caches.
//
// A write made while a decryption is in progress (withIntake, called by whatsapp/durable-intake.ts) also stores that
// decryption's plaintext, in its own table wa_intake, in the same SQLite transaction: the commit of the Signal state
// the decryption advanced is the commit of its plaintext.
import {
  proto,
  type SignalDataSet,
  type SignalDataTypeMap,
  type SignalKeyStore,
} from '@whiskeysockets/baileys';
import type Database from 'better-sqlite3';
import {
  deleteAccountIntake,
  insertIntake,
  markIntakeHandled,
  type IntakeRecord,
} from '../../store/queries/intake';
import { deleteAccountSentContent } from '../../store/queries/sent-content';
import { parseBufferJSON, stringifyBufferJSON } from './key-codec';

export type KeyType = keyof SignalDataTypeMap;

/** Every key type Baileys rc14 stores; used to recognize legacy key files and in tests. */
export const KEY_TYPES: readonly KeyType[] = [
  'pre-key',
  'session',
  'sender-key',
  'sender-key-memory',
  'app-state-sync-key',
  'app-state-sync-version',
  'lid-mapping',
  'device-list',
  'tctoken',
  'identity-key',
];

/** A decryption in progress: its plaintext once known, and its wa_intake row once written. */
export interface PendingIntake {
  record: IntakeRecord | null;
  /** Earlier rows whose messages are in the inbox now: marked handled in the same commit, saving one of their own. */
  handled?: readonly number[];
  seq: number | null;
}

/**
 * The decryption each account's key store is working for right now, if any (see durable-intake.ts). Baileys
 * decrypts one account's messages one at a time (its message mutex), so one slot per store and account is enough.
 * An AsyncLocalStorage would say the same, at a price: Node propagates every live one into every promise created
 * anywhere in the process, which cost the inbound path about a tenth of its CPU.
 */
const intakeSlots = new WeakMap<Database.Database, Map<string, PendingIntake>>();

/** The decryption `accountId`'s store in `db` is working for, if any. */
export function currentIntake(db: Database.Database, accountId: string): PendingIntake | undefined {
  return intakeSlots.get(db)?.get(accountId);
}

/** Runs `work` (a decryption) with `pending` as the account's current decryption, cleared when it settles. */
export async function withIntake<T>(
  db: Database.Database,
  accountId: string,
  pending: PendingIntake,
  work: () => T | Promise<T>,
): Promise<T> {
  let slots = intakeSlots.get(db);
  if (!slots) intakeSlots.set(db, (slots = new Map()));
  slots.set(accountId, pending);
  try {
    return await work();
  } finally {
    if (slots.get(accountId) === pending) slots.delete(accountId);
  }
}

export interface SqliteKeyStore extends SignalKeyStore {
  get<T extends KeyType>(type: T, ids: string[]): Promise<{ [id: string]: SignalDataTypeMap[T] }>;
  set(data: SignalDataSet): Promise<void>;
  /**
   * Writes `data` now, in a transaction of its own that never carries a decryption's plaintext: state a send
   * advanced must be on disk before the stanza leaves, while Baileys commits it only after (durable-sends.ts).
   * When that commit comes, the very values written here are left out of it (see sqliteKeyStore).
   */
  persist(data: SignalDataSet): void;
  /** Deletes every key of this account (logout). */
  clear(): Promise<void>;
}

interface Statements {
  select: Database.Statement<[string, string, string], { id: string; value: string }>;
  upsert: Database.Statement<[string, string, string, string]>;
  remove: Database.Statement<[string, string, string]>;
  removeAccount: Database.Statement<[string]>;
}

// Prepared once per connection: Baileys calls get/set for nearly every message, and preparing costs a parse.
const statementCache = new WeakMap<Database.Database, Statements>();

function statements(db: Database.Database): Statements {
  let s = statementCache.get(db);
  if (!s) {
    s = {
      // The ids travel as one JSON array, so any number of ids is one cached statement and one query.
      select: db.prepare(
        'SELECT id, value FROM wa_keys WHERE account = ? AND type = ? AND id IN (SELECT value FROM json_each(?))',
      ),
      upsert: db.prepare(
        'INSERT INTO wa_keys (account, type, id, value) VALUES (?, ?, ?, ?) ' +
          'ON CONFLICT (account, type, id) DO UPDATE SET value = excluded.value',
      ),
      remove: db.prepare('DELETE FROM wa_keys WHERE account = ? AND type = ? AND id = ?'),
      removeAccount: db.prepare('DELETE FROM wa_keys WHERE account = ?'),
    };
    statementCache.set(db, s);
  }
  return s;
}

/** The stored form of a key: JSON with Buffers/Uint8Arrays as base64, exactly like Baileys' file store. */
export function encodeKey(value: unknown): string {
  const text = stringifyBufferJSON(value);
  if (typeof text !== 'string') throw new TypeError('key value does not serialize to JSON');
  return text;
}

export function decodeKey<T extends KeyType>(type: T, text: string): SignalDataTypeMap[T] {
  const value = parseBufferJSON(text);
  // App-state keys are protobuf messages; their JSON form has bytes as base64 strings and the timestamp as a
  // string, and Baileys' app-state code expects the message object back (as useMultiFileAuthState returns it).
  if (type === 'app-state-sync-key') {
    const key: SignalDataTypeMap['app-state-sync-key'] = proto.Message.AppStateSyncKeyData.fromObject(
      value as Record<string, unknown>,
    );
    return key as SignalDataTypeMap[T];
  }
  return value as SignalDataTypeMap[T];
}

/**
 * Writes `data` for `accountId` in one transaction: a value of null/undefined deletes the key. Synchronous, so
 * callers that already hold a transaction (the legacy import) can nest it; better-sqlite3 turns a nested call
 * into a savepoint.
 */
export function writeKeys(db: Database.Database, accountId: string, data: SignalDataSet): void {
  writeEncoded(db, accountId, encodeSet(data));
}

type EncodedKey = { type: string; id: string; text: string | null };

function encodeSet(data: SignalDataSet): EncodedKey[] {
  const out: EncodedKey[] = [];
  for (const [type, entries] of Object.entries(data)) {
    for (const [id, value] of Object.entries(entries ?? {})) {
      out.push({ type, id, text: value === null || value === undefined ? null : encodeKey(value) });
    }
  }
  return out;
}

type WriteArgs = [
  accountId: string,
  keys: readonly EncodedKey[],
  intake: IntakeRecord | null,
  handled: readonly number[],
];

// One transaction function per connection: db.transaction() builds four wrappers each time it is called, and this
// runs once for every decrypted message.
const writers = new WeakMap<Database.Database, (...args: WriteArgs) => number | null>();

/** Writes the keys (and a decryption's plaintext, if given) in one transaction; returns the plaintext's row. */
function writeEncoded(
  db: Database.Database,
  accountId: string,
  keys: readonly EncodedKey[],
  intake: IntakeRecord | null = null,
  handled: readonly number[] = [],
): number | null {
  let write = writers.get(db);
  if (!write) {
    const { upsert, remove } = statements(db);
    write = db.transaction((...[account, batch, record, marks]: WriteArgs): number | null => {
      for (const { type, id, text } of batch) {
        if (text === null) remove.run(account, type, id);
        else upsert.run(account, type, id, text);
      }
      if (!record) return null;
      markIntakeHandled(db, marks, Date.now());
      return insertIntake(db, account, record, Date.now());
    });
    writers.set(db, write);
  }
  return write(accountId, keys, intake, handled);
}

export function readKeys<T extends KeyType>(
  db: Database.Database,
  accountId: string,
  type: T,
  ids: readonly string[],
): { [id: string]: SignalDataTypeMap[T] } {
  const out: { [id: string]: SignalDataTypeMap[T] } = {};
  if (ids.length === 0) return out;
  for (const row of statements(db).select.all(accountId, type, JSON.stringify(ids))) {
    out[row.id] = decodeKey(type, row.value);
  }
  // Missing ids are simply absent, which is how Baileys tests for "no such key".
  return out;
}

/**
 * Deletes the account's keys, and with them the plaintexts of its messages in wa_intake and the copies of what it
 * sent (sent_content): a new link is a new device, which no phone asks for an old message again.
 */
export function deleteAccountKeys(db: Database.Database, accountId: string): number {
  return db.transaction(() => {
    deleteAccountIntake(db, accountId);
    deleteAccountSentContent(db, accountId);
    return statements(db).removeAccount.run(accountId).changes;
  })();
}

/** Keys kept in memory per account: the sessions and sender keys of the people an account hears from. */
export const KEY_CACHE_SIZE = 4096;
/** Values persist() wrote that a transaction's commit may still carry; one left by a failed send is dropped past this. */
const PERSISTED_MARKS = 1024;

/**
 * The Signal key store for one account. Async only because Baileys' callers await it; the work is synchronous.
 * Reads are served from a bounded cache of the stored text (so every get still returns fresh objects, never
 * shared ones Baileys could mutate), filled on read and updated only after a write has committed; SQLite stays
 * the source of truth, and a decrypted message costs one write instead of a read and a write.
 *
 * A value persist() wrote is left out when a later set() carries that very object (by identity): that is the send's
 * own transaction committing what durable-sends.ts already stored. Writing it again would cost a commit per send,
 * and would be wrong when another transaction (a decryption from the same contact, under its own lock) has stored
 * a newer state of that session in between: the send's commit, coming last, would put the older one back.
 */
export function sqliteKeyStore(db: Database.Database, accountId: string): SqliteKeyStore {
  // Map order is insertion order: re-inserting on use makes the first entry the least recently used.
  const cache = new Map<string, string | null>();
  const remember = (key: string, text: string | null) => {
    cache.delete(key);
    cache.set(key, text);
    if (cache.size > KEY_CACHE_SIZE) cache.delete(cache.keys().next().value!);
  };
  const write = (keys: EncodedKey[], pending: PendingIntake | undefined) => {
    const intake = pending?.record && pending.seq === null ? pending.record : null;
    try {
      const seq = writeEncoded(db, accountId, keys, intake, pending?.handled);
      if (pending && seq !== null) pending.seq = seq;
    } catch (err) {
      // What is on disk is unknown to this cache now; forget those keys so the next read asks SQLite.
      for (const { type, id } of keys) cache.delete(`${type}\u0000${id}`);
      throw err;
    }
    for (const { type, id, text } of keys) remember(`${type}\u0000${id}`, text);
  };
  // The objects persist() wrote, by key: Baileys' commit carries the same objects (its transaction's cache).
  const persisted = new Map<string, unknown>();
  /** `data` without the values persist() already wrote; null when nothing is left. */
  const notPersisted = (data: SignalDataSet): SignalDataSet | null => {
    if (persisted.size === 0) return data;
    const out: Record<string, Record<string, unknown>> = {};
    let left = false;
    for (const [type, entries] of Object.entries(data)) {
      for (const [id, value] of Object.entries(entries ?? {})) {
        const key = `${type}\u0000${id}`;
        if (value !== null && value !== undefined && persisted.get(key) === value) {
          persisted.delete(key);
          continue;
        }
        (out[type] ??= {})[id] = value;
        left = true;
      }
    }
    return left ? (out as SignalDataSet) : null;
  };
  return {
    async get(type, ids) {
      const out: { [id: string]: SignalDataTypeMap[typeof type] } = {};
      const missing: string[] = [];
      for (const id of ids) {
        const key = `${type}\u0000${id}`;
        const text = cache.get(key);
        if (text === undefined) missing.push(id);
        else {
          remember(key, text);
          if (text !== null) out[id] = decodeKey(type, text);
        }
      }
      if (missing.length > 0) {
        const found = new Map(
          statements(db)
            .select.all(accountId, type, JSON.stringify(missing))
            .map((r) => [r.id, r.value]),
        );
        for (const id of missing) {
          const text = found.get(id) ?? null;
          remember(`${type}\u0000${id}`, text);
          if (text !== null) out[id] = decodeKey(type, text);
        }
      }
      return out;
    },
    async set(data) {
      // The first write after a decryption produced its plaintext is the commit of that decryption.
      const pending = currentIntake(db, accountId);
      const left = notPersisted(data);
      if (left) write(encodeSet(left), pending);
      else if (pending?.record && pending.seq === null) write([], pending);
    },
    persist(data) {
      write(encodeSet(data), undefined);
      for (const [type, entries] of Object.entries(data)) {
        for (const [id, value] of Object.entries(entries ?? {})) {
          const key = `${type}\u0000${id}`;
          persisted.delete(key);
          if (value === null || value === undefined) continue;
          persisted.set(key, value);
          if (persisted.size > PERSISTED_MARKS) persisted.delete(persisted.keys().next().value!);
        }
      }
    },
    async clear() {
      cache.clear();
      persisted.clear();
      deleteAccountKeys(db, accountId);
    },
  };
}
