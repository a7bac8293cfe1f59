import type Database from 'better-sqlite3';

/**
 * One schema step. `up` runs inside a transaction that also bumps `user_version`, so it must not use statements
 * SQLite refuses inside a transaction (VACUUM, `PRAGMA foreign_keys`, `PRAGMA journal_mode`).
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  up(db: Database.Database): void;
}
