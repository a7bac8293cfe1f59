import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion, StoreMigrationError, StoreVersionError } from './migrate';
import { MIGRATIONS, type Migration } from './migrations/index';

// The tables the newest schema must have; a migration that adds a table adds it here.
const EXPECTED_TABLES = [
  'accepted',
  'approved_senders',
  'gateway_runs',
  'group_activation',
  'heartbeat_runs',
  'inbox',
  'meta',
  'outbox',
  'outcomes',
  'pairing_requests',
  'sent_content',
  'sent_messages',
  'sessions',
  'turns',
  'wa_intake',
  'wa_keys',
];
const NEWEST = MIGRATIONS.length;

const open: Database.Database[] = [];
function memoryDb(): Database.Database {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  open.push(db);
  return db;
}
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

function tables(db: Database.Database): string[] {
  return (
    db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .pluck()
      .all() as string[]
  ).sort();
}

/** Everything the schema consists of, to compare an upgraded database with a freshly created one. */
function schema(db: Database.Database): string[] {
  return (
    db
      .prepare(
        "SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_master ORDER BY type, name",
      )
      .pluck()
      .all() as string[]
  ).sort();
}

describe('MIGRATIONS', () => {
  it('are numbered 1..n without gaps and have names', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    for (const m of MIGRATIONS) expect(m.name).toMatch(/^[a-z0-9-]+$/);
    expect(new Set(MIGRATIONS.map((m) => m.name)).size).toBe(MIGRATIONS.length);
  });

  const fresh = (() => {
    const db = new Database(':memory:');
    migrate(db);
    const result = schema(db);
    db.close();
    return result;
  })();

  for (const step of MIGRATIONS) {
    it(`migration ${step.version} (${step.name}) runs on a database at version ${step.version - 1}`, () => {
      const db = memoryDb();
      migrate(db, MIGRATIONS.slice(0, step.version - 1));
      expect(schemaVersion(db)).toBe(step.version - 1);

      expect(migrate(db)).toBe(NEWEST);
      expect(schemaVersion(db)).toBe(NEWEST);
      expect(tables(db)).toEqual(EXPECTED_TABLES);
      expect(schema(db)).toEqual(fresh);
    });
  }

  it('bring an empty database to the newest version, and a second run is a no-op', () => {
    const db = memoryDb();
    expect(schemaVersion(db)).toBe(0);
    expect(migrate(db)).toBe(NEWEST);
    expect(tables(db)).toEqual(EXPECTED_TABLES);
    expect(migrate(db)).toBe(NEWEST);
    expect(schema(db)).toEqual(fresh);
  });
});

describe('migrate', () => {
  it('refuses a database from a newer build and leaves it untouched', () => {
    const db = memoryDb();
    migrate(db);
    db.pragma(`user_version = ${NEWEST + 5}`);
    const before = schema(db);

    let caught: unknown;
    try {
      migrate(db, [...MIGRATIONS, extraStep(NEWEST + 1, (d) => d.exec('CREATE TABLE never (x)'))]);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(StoreVersionError);
    expect((caught as Error).message).toBe(
      `state.db at :memory: was written by a newer OpenClaw (schema version ${NEWEST + 5}; ` +
        `this build knows up to ${NEWEST + 1}). Upgrade OpenClaw, or move the file aside to start fresh.`,
    );
    expect(schemaVersion(db)).toBe(NEWEST + 5);
    expect(schema(db)).toEqual(before);
  });

  it('rolls back a failing migration: version unchanged, no partial tables, error names the step', () => {
    const db = memoryDb();
    migrate(db);
    const before = schema(db);
    const failing = extraStep(NEWEST + 1, (d) => {
      d.exec('CREATE TABLE half_done (x INTEGER)');
      d.exec("INSERT INTO meta (key, value) VALUES ('k', NULL)");
    });

    expect(() => migrate(db, [...MIGRATIONS, failing])).toThrow(StoreMigrationError);
    expect(() => migrate(db, [...MIGRATIONS, failing])).toThrow(
      new RegExp(`migration ${NEWEST + 1} \\(broken-step\\) failed: NOT NULL constraint failed`),
    );
    expect(schemaVersion(db)).toBe(NEWEST);
    expect(schema(db)).toEqual(before);
    expect(tables(db)).not.toContain('half_done');
  });

  it('keeps the steps before a failing one', () => {
    const db = memoryDb();
    const good = extraStep(NEWEST + 1, (d) => d.exec('CREATE TABLE good_one (x INTEGER)'));
    const bad = {
      ...extraStep(NEWEST + 2, () => {
        throw new Error('nope');
      }),
      name: 'second',
    };
    expect(() => migrate(db, [...MIGRATIONS, good, bad])).toThrow(/migration \d+ \(second\) failed: nope/);
    expect(schemaVersion(db)).toBe(NEWEST + 1);
    expect(tables(db)).toContain('good_one');
  });

  it('rejects a migration list with gaps', () => {
    const db = memoryDb();
    expect(() => migrate(db, [...MIGRATIONS, extraStep(NEWEST + 2, () => {})])).toThrow(/out of order/);
    expect(schemaVersion(db)).toBe(0);
  });
});

function extraStep(version: number, up: Migration['up']): Migration {
  return { version, name: 'broken-step', up };
}
