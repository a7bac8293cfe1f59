// wa_intake (migration 005): the plaintext of each decrypted inbound ciphertext, committed with the Signal state
// its decryption advanced, until the message has been through intake. whatsapp/durable-intake.ts explains the design.
import type Database from 'better-sqlite3';
import { prepare } from './prepare';

export interface IntakeRecord {
  /** SHA-256 of the ciphertext. */
  hash: Buffer;
  messageId: string;
  /** The stanza the ciphertext came in, as JSON (BufferJSON); null if it was not seen. */
  node: string | null;
  plaintext: Uint8Array;
}

export interface OpenIntakeRow {
  seq: number;
  messageId: string;
  node: string | null;
  hash: Buffer;
  plaintext: Buffer;
}

/** Part of a key-store write (key-store.ts), so it commits or rolls back with the session state beside it. */
export function insertIntake(
  db: Database.Database,
  account: string,
  records: readonly IntakeRecord[],
  now: number,
): void {
  const insert = prepare<[string, Buffer, string, string | null, Uint8Array, number]>(
    db,
    `INSERT INTO wa_intake (account, hash, message_id, node, plaintext, stored_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (account, hash) DO NOTHING`,
  );
  for (const r of records) insert.run(account, r.hash, r.messageId, r.node, r.plaintext, now);
}

/** The plaintext already obtained from this ciphertext, if any (a redelivery after a crash). */
export function intakePlaintext(db: Database.Database, account: string, hash: Buffer): Buffer | null {
  const row = prepare<[string, Buffer], { plaintext: Buffer }>(
    db,
    'SELECT plaintext FROM wa_intake WHERE account = ? AND hash = ?',
  ).get(account, hash);
  return row?.plaintext ?? null;
}

/** Rows whose message has not been through intake yet, oldest first. */
export function openIntake(db: Database.Database, account: string, limit: number): OpenIntakeRow[] {
  return prepare<[string, number], OpenIntakeRow>(
    db,
    `SELECT seq, message_id AS messageId, node, hash, plaintext FROM wa_intake
     WHERE account = ? AND handled_at IS NULL ORDER BY seq LIMIT ?`,
  ).all(account, limit);
}

export function markIntakeHandled(
  db: Database.Database,
  account: string,
  messageIds: readonly string[],
  now: number,
): void {
  if (messageIds.length === 0) return;
  prepare<[number, string, string]>(
    db,
    `UPDATE wa_intake SET handled_at = ?
     WHERE account = ? AND handled_at IS NULL AND message_id IN (SELECT value FROM json_each(?))`,
  ).run(now, account, JSON.stringify(messageIds));
}

/**
 * Handled rows go `handledMs` after they were handled (they only answer a redelivery of a message already taken
 * in); rows never handled (their stanza could not be rebuilt) after `openMs`; never more than `maxRows` per account.
 */
export function pruneIntake(
  db: Database.Database,
  account: string,
  now: number,
  limits: { handledMs: number; openMs: number; maxRows: number },
): number {
  const byAge = prepare<[string, number, number]>(
    db,
    `DELETE FROM wa_intake WHERE account = ? AND (handled_at < ? OR stored_at < ?)`,
  ).run(account, now - limits.handledMs, now - limits.openMs).changes;
  const byCount = prepare<[string, string, number]>(
    db,
    `DELETE FROM wa_intake WHERE account = ? AND seq <= (
       SELECT seq FROM wa_intake WHERE account = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)`,
  ).run(account, account, limits.maxRows).changes;
  return byAge + byCount;
}

export function deleteAccountIntake(db: Database.Database, account: string): number {
  return prepare<[string]>(db, 'DELETE FROM wa_intake WHERE account = ?').run(account).changes;
}
