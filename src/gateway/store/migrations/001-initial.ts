import type { Migration } from './migration';

export const migration001: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      -- One row per gateway start, so the next start can tell that the previous one ended without a clean stop.
      CREATE TABLE gateway_runs (
        id         INTEGER PRIMARY KEY,
        started_at INTEGER NOT NULL,
        stopped_at INTEGER,
        pid        INTEGER NOT NULL,
        version    TEXT NOT NULL,
        clean      INTEGER NOT NULL DEFAULT 0
      ) STRICT;
    `);
  },
};
