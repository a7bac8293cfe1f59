import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from './db';
import { StoreVersionError } from './migrate';
import { MIGRATIONS } from './migrations/index';

let dir: string;
const stores: Store[] = [];
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openclaw-store-'));
});
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
function track(store: Store): Store {
  stores.push(store);
  return store;
}
const mode = (file: string) => fs.statSync(file).mode & 0o777;
const sha = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('openStore', () => {
  it('opens an in-memory database at the newest schema', () => {
    const store = track(openStore(':memory:'));
    expect(store.file).toBe(':memory:');
    expect(store.schemaVersion).toBe(MIGRATIONS.length);
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
  });

  it('creates the parent directory 0700 and the file 0600, in WAL mode', () => {
    const file = path.join(dir, 'nested', 'state', 'state.db');
    const store = track(openStore(file));
    expect(store.file).toBe(file);
    expect(mode(path.dirname(file))).toBe(0o700);
    expect(mode(file)).toBe(0o600);

    const { db } = store;
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    // Until the worker thread takes over, some seconds after start, SQLite checkpoints inline only past a WAL far
    // larger than its default of 1000 pages: not in the middle of the backlog a start brings.
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(10_000);

    db.prepare("INSERT INTO meta (key, value) VALUES ('a', 'b')").run();
    expect(fs.existsSync(`${file}-wal`)).toBe(true);
    expect(mode(`${file}-wal`)).toBe(0o600);
  });

  it('tightens the mode of an existing file and keeps its data', async () => {
    const file = path.join(dir, 'state.db');
    const first = openStore(file);
    first.db.prepare("INSERT INTO meta (key, value) VALUES ('kept', 'yes')").run();
    await first.close();
    fs.chmodSync(file, 0o644);

    const second = track(openStore(file));
    expect(mode(file)).toBe(0o600);
    expect(second.db.prepare("SELECT value FROM meta WHERE key = 'kept'").pluck().get()).toBe('yes');
  });

  it('refuses a file from a newer build without touching it', () => {
    const file = path.join(dir, 'state.db');
    const future = new Database(file);
    future.exec('CREATE TABLE from_the_future (x)');
    future.pragma('user_version = 999');
    future.close();
    const before = sha(file);

    expect(() => openStore(file)).toThrow(StoreVersionError);
    expect(() => openStore(file)).toThrow(
      `state.db at ${file} was written by a newer OpenClaw (schema version 999; this build knows up to ${MIGRATIONS.length}).`,
    );
    expect(sha(file)).toBe(before);
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
  });

  it('close is idempotent and closes the handle', async () => {
    const store = openStore(path.join(dir, 'state.db'));
    await store.close();
    await store.close();
    expect(store.db.open).toBe(false);
  });
});

describe('WAL checkpoints', () => {
  const walSize = (file: string) => fs.statSync(`${file}-wal`).size;
  /** 400 small commits, with the event loop free between them as between messages. */
  async function writeMany(store: Store): Promise<void> {
    const insert = store.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
    for (let i = 0; i < 400; i++) {
      insert.run(`k${i}`, 'x'.repeat(3000));
      if (i % 20 === 0) await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('move to a worker thread: commits never checkpoint, yet the WAL stays bounded and ends with the store', async () => {
    const file = path.join(dir, 'state.db');
    const problems: string[] = [];
    const store = openStore(file, {
      checkpointIntervalMs: 10,
      checkpointWorkerDelayMs: 0,
      onCheckpointProblem: (r) => problems.push(r),
    });
    expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    // The worker thread needs a moment to load SQLite; a gateway lives far longer than that.
    await new Promise((r) => setTimeout(r, 300));
    await writeMany(store);
    // Without any checkpoint 400 × 3 KB commits leave well over a megabyte of WAL; the worker keeps restarting it.
    const unchecked = path.join(dir, 'unchecked.db');
    const control = openStore(unchecked, { checkpointInWorker: false });
    control.db.pragma('wal_autocheckpoint = 0');
    await writeMany(control);
    expect(walSize(unchecked)).toBeGreaterThan(1_000_000);
    expect(walSize(file)).toBeLessThan(walSize(unchecked) / 2);
    await control.close();

    await store.close();
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
    expect(problems).toEqual([]);
  });
});
