import { initAuthCreds, type SocketConfig } from '@whiskeysockets/baileys';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { insertIntake } from '../store/queries/intake';
import { memoryLogger, tempState, type TempState } from './auth/test-support';
import { DurableIntake } from './durable-intake';

type MakeRepository = SocketConfig['makeSignalRepository'];
type Repository = ReturnType<MakeRepository>;

let t: TempState;
beforeEach(() => {
  t = tempState('openclaw-intake-');
});
afterEach(() => {
  vi.restoreAllMocks();
  t.cleanup();
});

type Run = (...args: unknown[]) => unknown;

/** Every statement run against the database, by its SQL (the real statements, spied on as they run). */
function executed(): string[] {
  const sql: string[] = [];
  const proto = Object.getPrototypeOf(t.store.db.prepare('SELECT 1')) as Record<string, Run>;
  for (const method of ['all', 'get', 'run', 'iterate']) {
    const original = proto[method]!;
    vi.spyOn(proto, method).mockImplementation(function (this: { source: string }, ...args: unknown[]) {
      sql.push(this.source);
      return original.apply(this, args);
    });
  }
  return sql;
}

/**
 * The wrapped repository over a stand-in for Baileys' own, whose decryptions return `fresh` (the Signal state it
 * would advance is not this test's subject; the crash and durability tests drive the real one).
 */
function repositoryOf(
  intake: DurableIntake,
  fresh: Uint8Array,
): { repo: Repository; decrypted: () => number } {
  let decrypted = 0;
  const decrypt = async () => {
    decrypted += 1;
    return fresh;
  };
  const base = (() => ({
    decryptMessage: decrypt,
    decryptGroupMessage: decrypt,
  })) as unknown as MakeRepository;
  const keys = {
    get: async () => ({}),
    set: async () => undefined,
    transaction: <T>(work: () => T) => work(),
  };
  const make = intake.repository(base);
  const repo = make(
    { creds: initAuthCreds(), keys } as never,
    memoryLogger().log as never,
    async () => undefined,
  );
  return { repo, decrypted: () => decrypted };
}

describe('DurableIntake at a socket start', () => {
  it('reads the stored hashes while the socket connects, so the first decryption of a backlog does not', async () => {
    const stored = Buffer.from('ciphertext stored before a crash');
    const row = {
      hash: createHash('sha256').update(stored).digest(),
      messageId: 'M1',
      node: null,
      plaintext: Buffer.from('its plaintext'),
    };
    insertIntake(t.store.db, 'default', row, Date.now());
    const intake = new DurableIntake(t.store.db, 'default', memoryLogger().log);
    intake.prune(); // what every socket start runs, before its handshake

    const sql = executed();
    const { repo, decrypted } = repositoryOf(intake, Buffer.from('fresh'));
    const fresh = await repo.decryptMessage({
      jid: '1555@s.whatsapp.net',
      type: 'msg',
      ciphertext: Buffer.from('new'),
    });
    expect(Buffer.from(fresh).toString()).toBe('fresh');
    expect(sql.filter((s) => /SELECT seq, hash FROM wa_intake/.test(s))).toEqual([]);

    // The index loaded at the start still answers a redelivery of what was stored before it.
    const again = await repo.decryptMessage({ jid: '1555@s.whatsapp.net', type: 'msg', ciphertext: stored });
    expect(Buffer.from(again).toString()).toBe('its plaintext');
    expect(decrypted()).toBe(1);
  });
});
