// Schema upgrades keyed by SQLite's `user_version`. Each step commits together with its version bump, so a crash
// or a failing step leaves the database exactly at the previous version, never half-migrated.
import type Database from 'better-sqlite3';
import { MIGRATIONS, type Migration } from './migrations/index';

/** The database was written by a newer build; opening it here could corrupt data that build relies on. */
export class StoreVersionError extends Error {
  constructor(
    readonly file: string,
    readonly found: number,
    readonly known: number,
  ) {
    super(
      `state.db at ${file} was written by a newer OpenClaw (schema version ${found}; this build knows up to ${known}). ` +
        'Upgrade OpenClaw, or move the file aside to start fresh.',
    );
    this.name = 'StoreVersionError';
  }
}

/** A migration step threw; its transaction was rolled back and `user_version` is unchanged. */
export class StoreMigrationError extends Error {
  constructor(
    readonly migration: Pick<Migration, 'version' | 'name'>,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`state.db migration ${migration.version} (${migration.name}) failed: ${reason}`, { cause });
    this.name = 'StoreMigrationError';
  }
}

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function newestVersion(migrations: readonly Migration[] = MIGRATIONS): number {
  return migrations.at(-1)?.version ?? 0;
}

/** Throws StoreVersionError without writing anything when the database is newer than `migrations`. */
export function assertKnownVersion(
  db: Database.Database,
  migrations: readonly Migration[] = MIGRATIONS,
): void {
  const found = schemaVersion(db);
  const known = newestVersion(migrations);
  if (found > known) throw new StoreVersionError(db.name, found, known);
}

/** Runs every pending migration, each in its own transaction; returns the resulting schema version. */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number {
  assertOrdered(migrations);
  assertKnownVersion(db, migrations);
  for (const step of migrations) {
    // IMMEDIATE takes the write lock before re-reading the version, so two processes opening the same file at once
    // (gateway and CLI) cannot both run a step; the loser sees the bumped version and skips it.
    const apply = db.transaction(() => {
      assertKnownVersion(db, migrations);
      if (schemaVersion(db) >= step.version) return;
      step.up(db);
      db.pragma(`user_version = ${step.version}`);
    });
    try {
      apply.immediate();
    } catch (err) {
      if (err instanceof StoreVersionError) throw err;
      throw new StoreMigrationError(step, err);
    }
  }
  return schemaVersion(db);
}

function assertOrdered(migrations: readonly Migration[]): void {
  migrations.forEach((step, i) => {
    if (step.version !== i + 1) {
      throw new Error(
        `migration list is out of order: entry ${i} (${step.name}) has version ${step.version}`,
      );
    }
  });
}
