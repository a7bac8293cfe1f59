// Opens state.db: owner-only file permissions (it holds who may talk to the assistant and message content), WAL so
// the control server can read while the inbox writes, and the schema brought up to date before anyone queries it.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { assertKnownVersion, migrate } from './migrate';
import { MIGRATIONS, type Migration } from './migrations/index';

export { migrate, StoreMigrationError, StoreVersionError } from './migrate';

export interface Store {
  readonly db: Database.Database;
  /** The path as given (':memory:' for a throwaway database). */
  readonly file: string;
  /** `user_version` after migrations ran. */
  readonly schemaVersion: number;
  close(): void;
}

export interface OpenStoreOptions {
  /** For tests: the migration list to apply instead of the built-in one. */
  migrations?: readonly Migration[];
}

export function openStore(file: string, opts: OpenStoreOptions = {}): Store {
  const migrations = opts.migrations ?? MIGRATIONS;
  const inMemory = file === ':memory:' || file === '';
  if (!inMemory) prepareFile(file);

  const db = new Database(file);
  let version: number;
  try {
    // Connection-level settings first: they write nothing to the file.
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    // Checked before switching to WAL, which rewrites the header: a database from a newer build stays untouched.
    assertKnownVersion(db, migrations);
    db.pragma('journal_mode = WAL');
    version = migrate(db, migrations);
  } catch (err) {
    db.close();
    throw err;
  }

  return {
    db,
    file,
    schemaVersion: version,
    close() {
      if (db.open) db.close();
    },
  };
}

function prepareFile(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // Creating the file ourselves sets its mode; SQLite then gives the -wal and -shm files the same mode.
  fs.closeSync(fs.openSync(file, 'a', 0o600));
  try {
    fs.chmodSync(file, 0o600);
  } catch {
    // Not our file (e.g. a shared read-only copy): SQLite will report any real access problem on open.
  }
}
