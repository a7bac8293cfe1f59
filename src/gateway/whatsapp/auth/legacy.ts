// Older installs kept Baileys' multi-file auth state directly in `<stateDir>/credentials/` (creds.json plus one
// file per Signal key). This moves such an install to the current layout: keys into state.db, creds.json into the
// default account's authDir. The old files are moved aside, never deleted, so a failed upgrade loses nothing.
//
// Crash safety comes from the order: keys (one transaction, idempotent upserts) → creds.json (atomic) → move the
// old files. A crash before creds.json exists just repeats the import on the next start; a crash after it is
// recognized by the identical noise key in both creds files, and only the move is finished.
import { BufferJSON, type AuthenticationCreds, type SignalDataSet } from '@whiskeysockets/baileys';
import type Database from 'better-sqlite3';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { ensurePrivateDir } from '../../fs/atomic-write';
import { CREDS_BACKUP, CREDS_FILE, CredsFile, readCredsFile } from './creds-file';
import { KEY_TYPES, writeKeys, type KeyType } from './key-store';

export interface MigrateLegacyOptions {
  /** `<stateDir>/credentials` */
  credentialsDir: string;
  /** The account the old single-account credentials belong to (the default account). */
  accountId: string;
  /** That account's authDir. */
  authDir: string;
  db: Database.Database;
  log: Logger;
}

export type LegacyResult = 'migrated' | 'none' | 'skipped';

// Longest first, so `sender-key-memory-…` is not read as a `sender-key` with id `memory-…`.
const TYPES_BY_LENGTH = [...KEY_TYPES].sort((a, b) => b.length - a.length);

/**
 * useMultiFileAuthState names a key file `${type}-${id}.json` after replacing `/` with `__` and `:` with `-`.
 * That escaping cannot be undone in general (ids may contain `-` themselves), so each type is decoded from what
 * its ids look like in Baileys rc14:
 * - sender-key ids are `<group jid>::<signal user>::<device>` → `…--…--N` (group ids may contain `-`);
 * - app-state-sync-key ids are standard base64, which has `/` but never `_` or `-`;
 * - every other type's ids (signal addresses `user[_domain].device`, bare users, normalized jids, collection
 *   names, `__index`) contain neither `/` nor `:`, so their file names carry the id unchanged.
 */
export function parseLegacyKeyFileName(name: string): { type: KeyType; id: string } | null {
  if (!name.endsWith('.json')) return null;
  const base = name.slice(0, -'.json'.length);
  const type = TYPES_BY_LENGTH.find((t) => base.startsWith(`${t}-`));
  if (!type) return null;
  const escaped = base.slice(type.length + 1);
  if (escaped === '') return null;
  switch (type) {
    case 'sender-key': {
      const m = /^(.+)--([^-]+)--(\d+)$/.exec(escaped);
      return m ? { type, id: `${m[1]}::${m[2]}::${m[3]}` } : { type, id: escaped };
    }
    case 'app-state-sync-key':
      return { type, id: escaped.replace(/__/g, '/') };
    default:
      return { type, id: escaped };
  }
}

export async function migrateLegacyCredentials(opts: MigrateLegacyOptions): Promise<LegacyResult> {
  const { credentialsDir, accountId, authDir, db } = opts;
  const log = opts.log.child({ accountId });
  const legacyCreds = path.join(credentialsDir, CREDS_FILE);
  if (!(await exists(legacyCreds))) return 'none';

  const names = await fsp.readdir(credentialsDir, { withFileTypes: true });
  // Only what Baileys wrote is ours to move: oauth.json, the whatsapp/ folder and anything unknown stay put.
  const legacyFiles = names
    .filter((d) => d.isFile())
    .map((d) => d.name)
    .filter((n) => n === CREDS_FILE || n === CREDS_BACKUP || parseLegacyKeyFileName(n) !== null)
    .sort();

  if (path.resolve(authDir) === path.resolve(credentialsDir)) {
    // The account is configured to use credentials/ itself: its creds.json is already where it belongs and must
    // stay; only the keys move into state.db.
    const keyFiles = legacyFiles.filter((n) => parseLegacyKeyFileName(n) !== null);
    if (keyFiles.length === 0) return 'none';
    const { data, count, unreadable } = await readLegacyKeys(credentialsDir, keyFiles, log);
    writeKeys(db, accountId, data);
    const legacyDir = await moveAside(credentialsDir, keyFiles);
    log.info({ keys: count, unreadable, legacyDir }, 'moved old WhatsApp key files into state.db');
    return 'migrated';
  }

  const old = await readLegacyCreds(credentialsDir);
  const account = new CredsFile(authDir, log);
  const main = await readCredsFile(account.file);
  const existing = main.ok ? main : await readCredsFile(account.backup);
  if (existing.ok) {
    if (old && sameIdentity(old, existing.creds)) {
      // An earlier run imported everything and wrote creds.json, then stopped before moving the old files.
      const moved = await moveAside(credentialsDir, legacyFiles);
      log.info({ legacyDir: moved }, 'finished an interrupted move of the old WhatsApp credentials');
      return 'migrated';
    }
    log.warn(
      { credentialsDir, authDir },
      'old WhatsApp credentials found in credentials/, but this account already has its own; leaving the old files where they are',
    );
    return 'skipped';
  }
  if (!old) {
    log.error(
      { file: legacyCreds },
      'old WhatsApp credentials in credentials/ do not parse; nothing migrated, files left in place',
    );
    return 'none';
  }

  const { data, count, unreadable } = await readLegacyKeys(credentialsDir, legacyFiles, log);
  writeKeys(db, accountId, data);
  await account.save(old);
  const legacyDir = await moveAside(credentialsDir, legacyFiles);
  log.info(
    { keys: count, unreadable, authDir, legacyDir },
    'moved old WhatsApp credentials to the account folder and its keys into state.db',
  );
  return 'migrated';
}

async function readLegacyCreds(dir: string): Promise<AuthenticationCreds | null> {
  const main = await readCredsFile(path.join(dir, CREDS_FILE));
  if (main.ok) return main.creds;
  const bak = await readCredsFile(path.join(dir, CREDS_BACKUP));
  return bak.ok ? bak.creds : null;
}

async function readLegacyKeys(
  dir: string,
  files: readonly string[],
  log: Logger,
): Promise<{ data: SignalDataSet; count: number; unreadable: number }> {
  const data: Record<string, Record<string, unknown>> = {};
  let count = 0;
  let unreadable = 0;
  for (const name of files) {
    const parsed = parseLegacyKeyFileName(name);
    if (!parsed) continue;
    const text = await fsp.readFile(path.join(dir, name), 'utf8');
    let value: unknown;
    try {
      // Revived exactly as useMultiFileAuthState reads it, so the store re-encodes what Baileys would have seen.
      value = JSON.parse(text, BufferJSON.reviver);
    } catch {
      value = null;
    }
    if (value === null || value === undefined) {
      // Torn by the old store's non-atomic writes. Baileys renegotiates a missing key; the file is kept aside.
      unreadable += 1;
      log.warn({ file: name }, 'skipping an unreadable old WhatsApp key file');
      continue;
    }
    (data[parsed.type] ??= {})[parsed.id] = value;
    count += 1;
  }
  return { data: data as SignalDataSet, count, unreadable };
}

function sameIdentity(a: AuthenticationCreds, b: AuthenticationCreds): boolean {
  return Buffer.from(a.noiseKey.private).equals(Buffer.from(b.noiseKey.private));
}

/** Moves `files` into a fresh `legacy-<timestamp>/` next to them; returns that folder. */
async function moveAside(dir: string, files: readonly string[]): Promise<string> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  let target = path.join(dir, `legacy-${stamp}`);
  for (let n = 2; await exists(target); n += 1) target = path.join(dir, `legacy-${stamp}-${n}`);
  await ensurePrivateDir(target);
  for (const name of files) await fsp.rename(path.join(dir, name), path.join(target, name));
  return target;
}

async function exists(p: string): Promise<boolean> {
  return fsp.access(p).then(
    () => true,
    () => false,
  );
}
