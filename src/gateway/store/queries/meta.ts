// Small key/value facts about this installation (e.g. when it was first started), kept out of the config file
// because the gateway writes them itself.
import type Database from 'better-sqlite3';
import { prepare } from './prepare';

export function getMeta(db: Database.Database, key: string): string | undefined {
  return prepare<[string], { value: string }>(db, 'SELECT value FROM meta WHERE key = ?').get(key)?.value;
}

export function setMeta(db: Database.Database, key: string, value: string): void {
  prepare<[string, string]>(
    db,
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  ).run(key, value);
}

export function deleteMeta(db: Database.Database, key: string): boolean {
  return prepare<[string]>(db, 'DELETE FROM meta WHERE key = ?').run(key).changes > 0;
}
