import { afterEach, beforeEach, expect, it } from 'vitest';
import { openStore, type Store } from '../db';
import {
  insertIntake,
  intakeHashes,
  intakePlaintextAt,
  markIntakeHandled,
  openIntake,
  pruneIntake,
} from './intake';

let store: Store;
beforeEach(() => {
  store = openStore(':memory:');
});
afterEach(() => store.close());

const record = (n: number) => ({
  hash: Buffer.alloc(32, n),
  messageId: `M${n}`,
  node: `{"n":${n}}`,
  plaintext: Buffer.from([n]),
});
const LIMITS = { handledMs: 1_000, openMs: 10_000, maxRows: 100 };

it('keeps a row until its message is handled and handledMs have passed; an unhandled one until openMs', () => {
  const db = store.db;
  const a = insertIntake(db, 'acc', record(1), 0);
  const b = insertIntake(db, 'acc', record(2), 0);
  insertIntake(db, 'other', record(3), 0);
  expect(intakePlaintextAt(db, a)).toEqual(Buffer.from([1]));
  markIntakeHandled(db, [a], 5_000);
  expect(openIntake(db, 'acc', 10).map((r) => r.seq)).toEqual([b]);

  expect(pruneIntake(db, 'acc', 5_500, LIMITS)).toEqual([]);
  expect(pruneIntake(db, 'acc', 6_001, LIMITS)).toEqual([record(1).hash]);
  // Never handled: kept for openMs from when it was stored, then given up.
  expect(pruneIntake(db, 'acc', 10_001, LIMITS)).toEqual([record(2).hash]);
  expect(intakeHashes(db, 'acc')).toEqual([]);
  expect(intakeHashes(db, 'other').map(([, hex]) => hex)).toEqual([record(3).hash.toString('hex')]);
});

it('never keeps more than maxRows per account, dropping the oldest', () => {
  const db = store.db;
  for (let n = 1; n <= 5; n++) insertIntake(db, 'acc', record(n), 0);
  expect(pruneIntake(db, 'acc', 0, { ...LIMITS, maxRows: 3 })).toEqual([record(1).hash, record(2).hash]);
  expect(openIntake(db, 'acc', 10).map((r) => r.messageId)).toEqual(['M3', 'M4', 'M5']);
});

it('gives each hash as the lowercase hex of its bytes, with its row', () => {
  const db = store.db;
  const hash = Buffer.from('00ff10abcdef' + '9a'.repeat(26), 'hex');
  const seq = insertIntake(db, 'acc', { ...record(1), hash }, 0);
  expect(intakeHashes(db, 'acc')).toEqual([[seq, hash.toString('hex')]]);
});
