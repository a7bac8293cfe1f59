// Baileys' Signal key store in state.db (table wa_keys, migration 002). A busy account writes thousands of keys a
// day; as rows they cost nothing, as files they fill a directory (field lesson 3). Each set() is one SQLite
// transaction, so when Baileys commits a batch (a decrypted message's new session plus the pre-key it consumed)
// either all of it lands or none does.
//
// makeWASocket (rc14, Socket/socket.js) wraps `auth.keys` in addTransactionCapability itself, so this store is
// passed to Baileys as is; wrapping it again would nest two transaction layers with separate caches.
import {
  BufferJSON,
  proto,
  type SignalDataSet,
  type SignalDataTypeMap,
  type SignalKeyStore,
} from '@whiskeysockets/baileys';
import type Database from 'better-sqlite3';

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

export interface SqliteKeyStore extends SignalKeyStore {
  get<T extends KeyType>(type: T, ids: string[]): Promise<{ [id: string]: SignalDataTypeMap[T] }>;
  set(data: SignalDataSet): Promise<void>;
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
  const text = JSON.stringify(value, BufferJSON.replacer);
  if (typeof text !== 'string') throw new TypeError('key value does not serialize to JSON');
  return text;
}

export function decodeKey<T extends KeyType>(type: T, text: string): SignalDataTypeMap[T] {
  const value: unknown = JSON.parse(text, BufferJSON.reviver);
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
  const { upsert, remove } = statements(db);
  db.transaction(() => {
    for (const [type, entries] of Object.entries(data)) {
      for (const [id, value] of Object.entries(entries ?? {})) {
        if (value === null || value === undefined) remove.run(accountId, type, id);
        else upsert.run(accountId, type, id, encodeKey(value));
      }
    }
  })();
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

export function deleteAccountKeys(db: Database.Database, accountId: string): number {
  return statements(db).removeAccount.run(accountId).changes;
}

/** The Signal key store for one account. Async only because Baileys' callers await it; the work is synchronous. */
export function sqliteKeyStore(db: Database.Database, accountId: string): SqliteKeyStore {
  return {
    async get(type, ids) {
      return readKeys(db, accountId, type, ids);
    },
    async set(data) {
      writeKeys(db, accountId, data);
    },
    async clear() {
      deleteAccountKeys(db, accountId);
    },
  };
}
