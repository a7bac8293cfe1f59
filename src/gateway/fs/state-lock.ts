// One gateway per state folder: two would fight over the same WhatsApp credentials (each evicting the other with
// 440 "replaced"), state.db and gateway.json. The lock is SQLite's exclusive file lock on `<state>/gateway.lock`,
// held by a transaction left open for the gateway's life. The operating system drops it when the process dies, so
// the lock of a crashed run is simply free again — no pid files to judge stale, no timers to refresh.
import fs from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sqliteBindingOptions } from '../store/native-binding';

export interface StateLock {
  release(): void;
}

export function stateLockPath(stateDir: string): string {
  return join(stateDir, 'gateway.lock');
}

/** Takes the state folder's lock, or returns null when another gateway (in any process) holds it. */
export function lockStateDir(stateDir: string): StateLock | null {
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const file = stateLockPath(stateDir);
  // timeout 0: a held lock is an answer, not something to wait for.
  const db = new Database(file, { timeout: 0, ...sqliteBindingOptions() });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code === 'SQLITE_BUSY') return null;
    throw err;
  }
  fs.chmodSync(file, 0o600);
  let held = true;
  return {
    release() {
      if (!held) return;
      held = false;
      db.exec('ROLLBACK');
      db.close();
    },
  };
}
