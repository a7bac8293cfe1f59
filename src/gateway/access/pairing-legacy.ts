// Senders approved in a reference OpenClaw install live in JSON files next to its credentials. Importing them on
// first start means switching to this app does not lock out people the owner already approved. Each file is
// imported once per account: a sender revoked here must stay revoked even though the old file still lists them.
import type Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { isE164 } from '../config/schema';
import { getMeta, setMeta } from '../store/queries/meta';
import { prepare } from '../store/queries/prepare';

/** A sender list is a few hundred bytes; anything this big is not one, and is not worth reading into memory. */
const MAX_FILE_BYTES = 1024 * 1024;
/** Enough to show the pattern of what is wrong without flooding the log from a garbage file. */
const SKIPS_LOGGED = 20;

export interface LegacySkip {
  file: string;
  entry: unknown;
  reason: string;
}

export interface LegacyImportResult {
  /** Files that were read and recorded as imported by this call. */
  files: string[];
  /** Senders added to approved_senders. */
  imported: string[];
  /** Valid senders that were already approved (by pairing or an earlier import). */
  alreadyApproved: string[];
  skipped: LegacySkip[];
}

export function legacyAllowFromFiles(
  credentialsDir: string,
  accountId: string,
  isDefault: boolean,
): string[] {
  const files = [path.join(credentialsDir, `whatsapp-${accountId}-allowFrom.json`)];
  if (isDefault) files.push(path.join(credentialsDir, 'whatsapp-allowFrom.json'));
  return files;
}

export function importLegacyAllowFrom(
  db: Database.Database,
  input: { credentialsDir: string; accountId: string; isDefault: boolean; now: number; log: Logger },
): LegacyImportResult {
  const { accountId, log } = input;
  const result: LegacyImportResult = { files: [], imported: [], alreadyApproved: [], skipped: [] };
  for (const file of legacyAllowFromFiles(input.credentialsDir, accountId, input.isDefault)) {
    const doneKey = `pairing.legacyImport:${accountId}:${path.basename(file)}`;
    if (getMeta(db, doneKey) !== undefined) continue;
    const entries = readEntries(file, log);
    if (entries === null) continue;

    const skipped: LegacySkip[] = [];
    const imported: string[] = [];
    const already: string[] = [];
    db.transaction(() => {
      const insert = prepare<[string, string, number]>(
        db,
        `INSERT INTO approved_senders (account, sender, name, approved_at, via)
         VALUES (?, ?, NULL, ?, 'import') ON CONFLICT (account, sender) DO NOTHING`,
      );
      for (const entry of entries) {
        const checked = legacySender(entry);
        if ('reason' in checked) skipped.push({ file, entry, reason: checked.reason });
        else if (insert.run(accountId, checked.sender, input.now).changes > 0) imported.push(checked.sender);
        else if (!already.includes(checked.sender) && !imported.includes(checked.sender))
          already.push(checked.sender);
      }
      setMeta(
        db,
        doneKey,
        JSON.stringify({ at: input.now, imported: imported.length, skipped: skipped.length }),
      );
    }).immediate();

    result.files.push(file);
    result.imported.push(...imported);
    result.alreadyApproved.push(...already);
    result.skipped.push(...skipped);
    log.info(
      {
        file,
        accountId,
        imported: imported.length,
        alreadyApproved: already.length,
        skipped: skipped.length,
      },
      `imported ${imported.length} approved sender(s) for account "${accountId}" from ${path.basename(file)}`,
    );
    for (const skip of skipped.slice(0, SKIPS_LOGGED)) {
      log.warn(
        { file, accountId, entry: skip.entry },
        `skipped an entry of ${path.basename(file)}: ${skip.reason}`,
      );
    }
    if (skipped.length > SKIPS_LOGGED) {
      log.warn({ file, accountId, more: skipped.length - SKIPS_LOGGED }, 'more entries were skipped');
    }
  }
  return result;
}

/**
 * The entries of a file, or null when there is nothing to import now. A broken file is not marked as imported, so
 * fixing it and restarting still brings its senders in.
 */
function readEntries(file: string, log: Logger): unknown[] | null {
  let text: string;
  try {
    if (fs.statSync(file).size > MAX_FILE_BYTES) {
      log.warn({ file }, 'legacy allowFrom file is larger than 1 MiB; not imported');
      return null;
    }
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      log.warn({ file, err: (err as Error).message }, 'cannot read the legacy allowFrom file; not imported');
    }
    return null;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    log.warn(
      { file, err: (err as Error).message },
      'the legacy allowFrom file is not valid JSON; not imported',
    );
    return null;
  }
  // Both shapes occur: a bare array, and an object that also carries a version.
  if (Array.isArray(parsed)) return parsed;
  const list = (parsed as { allowFrom?: unknown } | null)?.allowFrom;
  if (Array.isArray(list)) return list;
  log.warn(
    { file },
    'the legacy allowFrom file is neither a list of numbers nor an object with an "allowFrom" list; not imported',
  );
  return null;
}

/** Formatting characters people paste along with a number; they never change which number it is. */
const FORMATTING = /[\s\-().]/g;

export function legacySender(entry: unknown): { sender: string } | { reason: string } {
  if (typeof entry !== 'string')
    return { reason: `not a string (${entry === null ? 'null' : typeof entry})` };
  const trimmed = entry.trim();
  if (trimmed === '') return { reason: 'empty' };
  // Never widens access: "everyone" is the config's decision (dmPolicy "open"), not an approval.
  if (trimmed === '*')
    return { reason: 'the wildcard "*" is not a sender; it is not imported as an approval' };
  const number = trimmed.replace(/^whatsapp:/i, '').replace(FORMATTING, '');
  if (isE164(number)) return { sender: number };
  if (/^\d+$/.test(number)) return { reason: 'no "+" and country code, so the number is ambiguous' };
  return { reason: 'not a phone number in E.164 form (like +15551234567)' };
}
