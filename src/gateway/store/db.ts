// Opens state.db: owner-only file permissions (it holds who may talk to the assistant and message content), WAL so
// the control server can read while the inbox writes, and the schema brought up to date before anyone queries it.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { startCheckpointer, type Checkpointer } from './checkpointer';
import { assertKnownVersion, migrate } from './migrate';
import { MIGRATIONS, type Migration } from './migrations/index';
import { sqliteBindingOptions } from './native-binding';

export { migrate, StoreMigrationError, StoreVersionError } from './migrate';

export interface Store {
  readonly db: Database.Database;
  /** The path as given (':memory:' for a throwaway database). */
  readonly file: string;
  /** `user_version` after migrations ran. */
  readonly schemaVersion: number;
  close(): Promise<void>;
}

const CHECKPOINT_WORKER_DELAY_MS = 10_000;
/**
 * WAL pages (4 KiB each) before SQLite checkpoints inline, until the worker takes over. A checkpoint on the main
 * thread copies the WAL into the database and syncs both files, tens of milliseconds inside whichever commit
 * crosses the mark; at SQLite's default of 1000 pages that landed in the middle of the offline backlog every
 * start brings (inbound's commits, its latency and throughput). Deferred this far, the worker normally does the
 * first checkpoint; the WAL stays bounded meanwhile (about 40 MiB at most, cut back once checkpointed).
 */
const STARTUP_AUTOCHECKPOINT_PAGES = 10_000;

export interface OpenStoreOptions {
  /** For tests: the migration list to apply instead of the built-in one. */
  migrations?: readonly Migration[];
  /** Checkpoint the WAL from a worker thread (file databases only; see checkpointer.ts). Default true. */
  checkpointInWorker?: boolean;
  /** For tests: how often the worker checkpoints. */
  checkpointIntervalMs?: number;
  /** For tests: how long after opening the worker takes over checkpoints. */
  checkpointWorkerDelayMs?: number;
  /** Told when checkpoints could not move to the worker (SQLite then checkpoints inline, as by default). */
  onCheckpointProblem?(reason: string): void;
}

export function openStore(file: string, opts: OpenStoreOptions = {}): Store {
  const migrations = opts.migrations ?? MIGRATIONS;
  const inMemory = file === ':memory:' || file === '';
  if (!inMemory) prepareFile(file);

  const db = new Database(file, sqliteBindingOptions());
  let version: number;
  try {
    // Connection-level settings first: they write nothing to the file.
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    // A row updated or deleted leaves its old bytes in the page's free space unless they are zeroed: a secret
    // scrubbed from a message (queries/redact.ts) or a pruned plaintext would stay in the file. FAST zeroes them
    // without extra I/O (pages put on the free list are not rewritten).
    db.pragma('secure_delete = FAST');
    // Checked before switching to WAL, which rewrites the header: a database from a newer build stays untouched.
    assertKnownVersion(db, migrations);
    db.pragma('journal_mode = WAL');
    // A burst can grow the WAL a lot; once a checkpoint has caught up, the file is cut back to this size.
    db.pragma('journal_size_limit = 8388608');
    version = migrate(db, migrations);
  } catch (err) {
    db.close();
    throw err;
  }

  let checkpointer: Checkpointer | null = null;
  let deferred: NodeJS.Timeout | undefined;
  const inline = (reason: string) => {
    // Back to SQLite's own checkpoints: slower commits now and then, but the WAL stays bounded.
    if (db.open) db.pragma('wal_autocheckpoint = 1000');
    opts.onCheckpointProblem?.(reason);
  };
  const moveCheckpoints = () => {
    if (!db.open) return;
    try {
      checkpointer = startCheckpointer(file, inline, opts.checkpointIntervalMs);
      db.pragma('wal_autocheckpoint = 0');
    } catch (err) {
      inline((err as Error).message);
    }
  };
  if (!inMemory && opts.checkpointInWorker !== false) {
    // Not at once: starting a thread (its own V8 and SQLite) costs CPU just when the gateway is busiest, with
    // handshakes and the offline backlog, and on a small machine that showed in connect times. Until then SQLite
    // checkpoints inline, but only past STARTUP_AUTOCHECKPOINT_PAGES.
    const delay = opts.checkpointWorkerDelayMs ?? CHECKPOINT_WORKER_DELAY_MS;
    if (delay <= 0) moveCheckpoints();
    else {
      db.pragma(`wal_autocheckpoint = ${STARTUP_AUTOCHECKPOINT_PAGES}`);
      deferred = setTimeout(moveCheckpoints, delay);
      deferred.unref();
    }
  }

  return {
    db,
    file,
    schemaVersion: version,
    async close() {
      clearTimeout(deferred);
      // The worker's connection goes first, so closing the main one (the last) checkpoints and removes the WAL.
      await checkpointer?.stop();
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
