import { addTransactionCapability, proto, type SignalDataSet } from '@whiskeysockets/baileys';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { deleteAccountKeys, KEY_TYPES, sqliteKeyStore, withIntake, type PendingIntake } from './key-store';
import { sentContent, storeSentContent } from '../../store/queries/sent-content';
import { keySamples, memoryLogger, tempState, type TempState } from './test-support';

let t: TempState;
beforeEach(() => {
  t = tempState('openclaw-keys-');
});
afterEach(() => t.cleanup());

const bytes = (...b: number[]) => new Uint8Array(b);
const rowCount = (account?: string) =>
  (account
    ? t.store.db.prepare('SELECT count(*) FROM wa_keys WHERE account = ?').pluck().get(account)
    : t.store.db.prepare('SELECT count(*) FROM wa_keys').pluck().get()) as number;

const samples = keySamples();

describe('sqliteKeyStore', () => {
  it('covers every key type Baileys uses', () => {
    expect(Object.keys(samples).sort()).toEqual([...KEY_TYPES].sort());
  });

  for (const type of KEY_TYPES) {
    it(`round-trips ${type}`, async () => {
      const store = sqliteKeyStore(t.store.db, 'default');
      const { id, value } = samples[type];
      await store.set({ [type]: { [id]: value } } as SignalDataSet);
      const got = await store.get(type, [id, 'absent']);
      expect(Object.keys(got)).toEqual([id]); // missing ids are left out, as Baileys expects
      if (type === 'app-state-sync-key') {
        const key = got[id] as proto.Message.AppStateSyncKeyData;
        // Baileys' app-state code needs the protobuf object back, with bytes as bytes.
        expect(key).toBeInstanceOf(proto.Message.AppStateSyncKeyData);
        expect(Buffer.from(key.keyData!)).toEqual(Buffer.from([0xde, 0xad, 0xbe, 0xef]));
        expect(key.fingerprint?.rawId).toBe(42);
        expect(key.fingerprint?.deviceIndexes).toEqual([0, 2]);
        expect(String(key.timestamp)).toBe('1700000000123');
      } else {
        expect(got[id]).toEqual(JSON.parse(JSON.stringify(value), reviveLikeBaileys));
      }
    });
  }

  it('deletes keys given null, leaving the others', async () => {
    const store = sqliteKeyStore(t.store.db, 'default');
    await store.set({ 'pre-key': { '1': samples['pre-key'].value, '2': samples['pre-key'].value } });
    await store.set({ 'pre-key': { '1': null } });
    expect(Object.keys(await store.get('pre-key', ['1', '2']))).toEqual(['2']);
    await store.set({ 'pre-key': { '404': null } }); // deleting what is not there is fine
  });

  it('applies a set atomically: one bad value rolls back every write and delete of that call', async () => {
    const store = sqliteKeyStore(t.store.db, 'default');
    await store.set({ session: { a: bytes(1) }, 'pre-key': { '1': samples['pre-key'].value } });

    const poisoned = {
      session: { a: bytes(2), b: bytes(3) },
      'pre-key': { '1': null },
      // BigInt does not serialize to JSON: the write of this entry throws after the others ran.
      'sender-key': { late: { toJSON: () => 1n } as unknown as Uint8Array },
    } as SignalDataSet;
    await expect(store.set(poisoned)).rejects.toThrow(/BigInt/);

    expect(await store.get('session', ['a', 'b'])).toEqual({ a: Buffer.from([1]) });
    expect(Object.keys(await store.get('pre-key', ['1']))).toEqual(['1']);
    expect(rowCount()).toBe(2);
  });

  it('keeps accounts apart, and deleteAccountKeys removes one account only', async () => {
    const a = sqliteKeyStore(t.store.db, 'a');
    const b = sqliteKeyStore(t.store.db, 'b');
    await a.set({ session: { same: bytes(1) } });
    await b.set({ session: { same: bytes(2) } });
    expect(await a.get('session', ['same'])).toEqual({ same: Buffer.from([1]) });
    expect(await b.get('session', ['same'])).toEqual({ same: Buffer.from([2]) });

    await a.set({ session: { same: null } });
    expect(await b.get('session', ['same'])).toEqual({ same: Buffer.from([2]) });

    await a.set({ session: { x: bytes(1), y: bytes(1) } });
    expect(deleteAccountKeys(t.store.db, 'a')).toBe(2);
    expect(rowCount('a')).toBe(0);
    expect(rowCount('b')).toBe(1);
  });

  it('reads thousands of ids in one call (no SQLite variable limit)', async () => {
    const store = sqliteKeyStore(t.store.db, 'default');
    const ids = Array.from({ length: 3000 }, (_, i) => String(i));
    await store.set({ 'pre-key': Object.fromEntries(ids.map((id) => [id, samples['pre-key'].value])) });
    expect(Object.keys(await store.get('pre-key', ids))).toHaveLength(3000);
    expect(await store.get('pre-key', [])).toEqual({});
  });

  it('persists across connections to the same file', async () => {
    await sqliteKeyStore(t.store.db, 'default').set({ 'lid-mapping': { '1555': '777' } });
    const file = t.store.file;
    t.store.close();
    const { openStore } = await import('../../store/db');
    t.store = openStore(file);
    expect(await sqliteKeyStore(t.store.db, 'default').get('lid-mapping', ['1555'])).toEqual({
      '1555': '777',
    });
  });
});

describe('under Baileys’ transaction layer (as makeWASocket wraps it)', () => {
  const wrap = () =>
    addTransactionCapability(sqliteKeyStore(t.store.db, 'default'), memoryLogger().log, {
      maxCommitRetries: 1,
      delayBetweenTriesMs: 0,
    });

  it('commits everything a transaction wrote, in one go', async () => {
    const keys = wrap();
    await keys.set({ 'pre-key': { '5': samples['pre-key'].value } });
    await keys.transaction(async () => {
      await keys.set({ session: { s: bytes(1) } });
      // Like libsignal: load the pre-key, then remove it (Baileys drops in-transaction deletes of unread pre-keys).
      expect(Object.keys(await keys.get('pre-key', ['5']))).toEqual(['5']);
      await keys.set({ 'pre-key': { '5': null } });
      // Reads inside the transaction see its own uncommitted writes; the database does not yet.
      expect(await keys.get('session', ['s'])).toEqual({ s: bytes(1) });
      expect(rowCount()).toBe(1);
    }, 'someone@s.whatsapp.net');
    expect(await keys.get('session', ['s'])).toEqual({ s: Buffer.from([1]) });
    expect(await keys.get('pre-key', ['5'])).toEqual({});
  });

  it('writes nothing when the transaction’s work fails', async () => {
    const keys = wrap();
    await expect(
      keys.transaction(async () => {
        await keys.set({ session: { s: bytes(1) } });
        throw new Error('decrypt failed');
      }, 'someone@s.whatsapp.net'),
    ).rejects.toThrow('decrypt failed');
    expect(rowCount()).toBe(0);
  });
});

describe('persist() and the commit of the send that called it (durable-sends.ts)', () => {
  const changes = () => t.store.db.prepare('SELECT total_changes()').pluck().get() as number;
  const stored = (id: string) =>
    t.store.db.prepare("SELECT value FROM wa_keys WHERE type = 'session' AND id = ?").pluck().get(id);

  it('leaves out of the commit the very values persist() wrote, and writes the rest', async () => {
    const store = sqliteKeyStore(t.store.db, 'default');
    const keys = addTransactionCapability(store, memoryLogger().log, {
      maxCommitRetries: 1,
      delayBetweenTriesMs: 0,
    });
    const before = changes();
    await keys.transaction(async () => {
      // As libsignal's storeSession does, then durable-sends.ts with what the transaction's cache holds.
      await keys.set({ session: { a: { chain: 1 } as never } });
      store.persist({ session: await keys.get('session', ['a']) });
      await keys.set({ 'device-list': { u: ['0', '2'] } });
    }, 'someone@s.whatsapp.net');
    // persist() wrote the session; the commit carried it (left out) and the device list (written).
    expect(changes() - before).toBe(2);
    expect(stored('a')).toBe('{"chain":1}');
    expect(await store.get('device-list', ['u'])).toEqual({ u: ['0', '2'] });
  });

  it('does not put back an older state that another transaction replaced meanwhile', async () => {
    const store = sqliteKeyStore(t.store.db, 'default');
    const sent = { chain: 1 };
    store.persist({ session: { a: sent as never } });
    // A decryption from the same contact, under its own lock, commits the session one step on…
    await store.set({ session: { a: { chain: 2 } as never } });
    // …and then the send's transaction commits what it held: the state persist() already wrote.
    await store.set({ session: { a: sent as never } });
    expect(stored('a')).toBe('{"chain":2}');
    expect(await store.get('session', ['a'])).toEqual({ a: { chain: 2 } });
  });

  it('writes an equal value that is not the same object, and a persisted key only once left out', async () => {
    const store = sqliteKeyStore(t.store.db, 'default');
    const sent = { chain: 1 };
    store.persist({ session: { a: sent as never } });
    const before = changes();
    await store.set({ session: { a: { chain: 1 } as never } });
    expect(changes()).toBe(before + 1);
    store.persist({ session: { a: sent as never } });
    await store.set({ session: { a: sent as never } });
    expect(changes()).toBe(before + 2);
    // The mark is used up: the same object again is an ordinary write.
    await store.set({ session: { a: sent as never } });
    expect(changes()).toBe(before + 3);
  });

  it('still stores a decryption’s plaintext when its commit had nothing else left to write', async () => {
    const store = sqliteKeyStore(t.store.db, 'default');
    const sent = { chain: 1 };
    store.persist({ session: { a: sent as never } });
    const p: PendingIntake = {
      record: { hash: Buffer.alloc(32, 3), messageId: 'M3', node: null, plaintext: bytes(3) },
      seq: null,
    };
    await withIntake(t.store.db, 'default', p, () => store.set({ session: { a: sent as never } }));
    expect(p.seq).toBeGreaterThan(0);
    expect(t.store.db.prepare('SELECT message_id FROM wa_intake').pluck().all()).toEqual(['M3']);
  });
});

describe('a decryption’s plaintext (withIntake, durable-intake.ts)', () => {
  const wrap = () =>
    addTransactionCapability(sqliteKeyStore(t.store.db, 'default'), memoryLogger().log, {
      maxCommitRetries: 1,
      delayBetweenTriesMs: 0,
    });
  const intakeRows = () =>
    t.store.db.prepare('SELECT seq, account, message_id, node, plaintext FROM wa_intake').all() as Array<{
      seq: number;
      account: string;
      message_id: string;
      node: string | null;
      plaintext: Buffer;
    }>;
  const pending = (plaintext: Uint8Array | null): PendingIntake => ({
    record: plaintext && { hash: Buffer.alloc(32, 7), messageId: 'M1', node: '{"tag":"message"}', plaintext },
    seq: null,
  });

  it('commits with the session state of the transaction that produced it, to wa_intake and never to wa_keys', async () => {
    const keys = wrap();
    const p = pending(null);
    await withIntake(t.store.db, 'default', p, () =>
      keys.transaction(async () => {
        await keys.set({ session: { s: bytes(1) } });
        // As durable-intake does when the decryption's work returns: the plaintext is known before the commit.
        p.record = pending(bytes(42)).record;
        expect(intakeRows()).toEqual([]);
      }, 'someone@s.whatsapp.net'),
    );
    const rows = intakeRows();
    expect(rows).toEqual([
      {
        seq: p.seq,
        account: 'default',
        message_id: 'M1',
        node: '{"tag":"message"}',
        plaintext: Buffer.from([42]),
      },
    ]);
    expect(await keys.get('session', ['s'])).toEqual({ s: Buffer.from([1]) });
    expect(rowCount()).toBe(1);
    // Only the first write of that context carries it.
    await withIntake(t.store.db, 'default', p, () => keys.set({ session: { s: bytes(2) } }));
    expect(intakeRows()).toHaveLength(1);
  });

  it('is not kept when the session cannot be written, and the session not when it cannot', async () => {
    const store = sqliteKeyStore(t.store.db, 'default');
    t.store.db.exec(
      "CREATE TRIGGER no_keys BEFORE INSERT ON wa_keys BEGIN SELECT RAISE(ABORT, 'disk says no'); END",
    );
    const first = pending(bytes(42));
    await expect(
      withIntake(t.store.db, 'default', first, () => store.set({ session: { s: bytes(1) } })),
    ).rejects.toThrow(/disk says no/);
    expect(intakeRows()).toEqual([]);
    expect(first.seq).toBeNull();
    t.store.db.exec('DROP TRIGGER no_keys');
    t.store.db.exec(
      "CREATE TRIGGER no_intake BEFORE INSERT ON wa_intake BEGIN SELECT RAISE(ABORT, 'disk says no'); END",
    );
    await expect(
      withIntake(t.store.db, 'default', pending(bytes(42)), () => store.set({ session: { s: bytes(1) } })),
    ).rejects.toThrow(/disk says no/);
    expect(rowCount()).toBe(0);
  });

  it('goes with the account’s keys (logout)', async () => {
    await withIntake(t.store.db, 'default', pending(bytes(42)), () =>
      sqliteKeyStore(t.store.db, 'default').set({ session: { s: bytes(1) } }),
    );
    await withIntake(t.store.db, 'other', pending(bytes(43)), () =>
      sqliteKeyStore(t.store.db, 'other').set({ session: { s: bytes(1) } }),
    );
    deleteAccountKeys(t.store.db, 'default');
    expect(intakeRows().map((r) => r.account)).toEqual(['other']);
  });

  it('takes the copies of what the account sent with it (logout)', () => {
    for (const account of ['default', 'other'])
      storeSentContent(t.store.db, { account, messageId: 'M', chat: 'c', content: bytes(1) }, 0);
    deleteAccountKeys(t.store.db, 'default');
    expect(sentContent(t.store.db, 'default', 'M')).toBeUndefined();
    expect(sentContent(t.store.db, 'other', 'M')).toEqual(Buffer.from([1]));
  });
});

// What a value looks like after JSON with Baileys' BufferJSON: byte arrays come back as Buffers.
function reviveLikeBaileys(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) return Buffer.from(Object.values(value));
    if ((value as { type?: string }).type === 'Buffer')
      return Buffer.from((value as { data: number[] }).data);
  }
  return value;
}

describe('sqliteKeyStore per decrypted message', () => {
  it('builds its write transaction once per database, not once per write', async () => {
    const store = sqliteKeyStore(t.store.db, 'default');
    await store.set({ session: { s0: bytes(0) } });
    // better-sqlite3 makes four wrapper functions for every db.transaction() call; this write runs per message.
    const built = vi.spyOn(t.store.db, 'transaction');
    for (let i = 1; i <= 20; i++) {
      const p: PendingIntake = {
        record: { hash: Buffer.alloc(32, i), messageId: `M${i}`, node: null, plaintext: bytes(i) },
        seq: null,
      };
      await withIntake(t.store.db, 'default', p, () => store.set({ session: { [`s${i}`]: bytes(i) } }));
      expect(p.seq).toBeGreaterThan(0);
    }
    expect(built).not.toHaveBeenCalled();
    expect(rowCount('default')).toBe(21);
    expect(t.store.db.prepare('SELECT count(*) FROM wa_intake').pluck().get()).toBe(20);
  });
});

describe('sqliteKeyStore read cache', () => {
  it('serves what was last committed, as fresh objects, and forgets nothing SQLite has', async () => {
    const store = sqliteKeyStore(t.store.db, 'default');
    expect(await store.get('session', ['a'])).toEqual({});
    // Written behind the cache's back (another store of the same account): a known-missing key stays missing
    // for this store, which is why only one store per account is ever open; a key never read is found.
    await sqliteKeyStore(t.store.db, 'default').set({ session: { b: bytes(9) } });
    expect(await store.get('session', ['b'])).toEqual({ b: Buffer.from([9]) });

    await store.set({ session: { a: bytes(1, 2) } });
    const first = await store.get('session', ['a']);
    (first.a as Uint8Array)[0] = 99;
    expect(await store.get('session', ['a'])).toEqual({ a: Buffer.from([1, 2]) });
    await store.set({ session: { a: null } });
    expect(await store.get('session', ['a'])).toEqual({});
    expect(rowCount('default')).toBe(1);
  });

  it('a failed write leaves no stale value behind', async () => {
    const store = sqliteKeyStore(t.store.db, 'default');
    await store.set({ session: { a: bytes(1) } });
    t.store.db.exec(
      "CREATE TRIGGER no_writes BEFORE UPDATE ON wa_keys BEGIN SELECT RAISE(ABORT, 'disk says no'); END",
    );
    await expect(store.set({ session: { a: bytes(2) } })).rejects.toThrow(/disk says no/);
    t.store.db.exec('DROP TRIGGER no_writes');
    expect(await store.get('session', ['a'])).toEqual({ a: Buffer.from([1]) });
  });
});
