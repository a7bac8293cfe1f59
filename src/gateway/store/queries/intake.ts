// wa_intake (migration 005): the plaintext of each decrypted inbound ciphertext, committed with the Signal state
// its decryption advanced, until the message has been through intake. whatsapp/durable-intake.ts explains the design.
import type Database from 'better-sqlite3';
import { prepare } from './prepare';

export interface IntakeRecord {
  /** SHA-256 of the ciphertext. */
  hash: Buffer;
  messageId: string;
  /** The stanza the ciphertext came in, as JSON (BufferJSON's form for bytes); null if it was not seen. */
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
export function insertIntake(db: Database.Database, account: string, r: IntakeRecord, now: number): number {
  const res = prepare<[string, Buffer, string, string | null, Uint8Array, number]>(
    db,
    `INSERT INTO wa_intake (account, hash, message_id, node, plaintext, stored_at) VALUES (?, ?, ?, ?, ?, ?)`,
  ).run(account, r.hash, r.messageId, r.node, r.plaintext, now);
  return Number(res.lastInsertRowid);
}

/**
 * Every stored ciphertext's hash (lowercase hex) and row, to answer redeliveries from memory. SQLite makes the hex
 * and the rows come as arrays: a Buffer and an object per row made this read ~3× slower, and it runs at every
 * socket start with up to the table's cap of rows.
 */
export function intakeHashes(db: Database.Database, account: string): Array<[seq: number, hex: string]> {
  return prepare<[string], [number, string]>(
    db,
    'SELECT seq, lower(hex(hash)) FROM wa_intake WHERE account = ?',
  )
    .raw(true)
    .all(account);
}

export function intakePlaintextAt(db: Database.Database, seq: number): Buffer | null {
  const row = prepare<[number], { plaintext: Buffer }>(
    db,
    'SELECT plaintext FROM wa_intake WHERE seq = ?',
  ).get(seq);
  return row?.plaintext ?? null;
}

/** Rows whose message has not been through intake yet, oldest first (a scan: only when a socket starts). */
export function openIntake(db: Database.Database, account: string, limit: number): OpenIntakeRow[] {
  return prepare<[string, number], OpenIntakeRow>(
    db,
    `SELECT seq, message_id AS messageId, node, hash, plaintext FROM wa_intake
     WHERE account = ? AND handled_at IS NULL ORDER BY seq LIMIT ?`,
  ).all(account, limit);
}

export function markIntakeHandled(db: Database.Database, seqs: readonly number[], now: number): void {
  if (seqs.length === 0) return;
  prepare<[number, string]>(
    db,
    `UPDATE wa_intake SET handled_at = ? WHERE handled_at IS NULL AND seq IN (SELECT value FROM json_each(?))`,
  ).run(now, JSON.stringify(seqs));
}

/**
 * Handled rows go `handledMs` after they were handled (they only answer a redelivery of a message already taken
 * in); rows never handled (their stanza could not be rebuilt) after `openMs`; never more than `maxRows` per
 * account. Returns the hashes removed.
 */
export function pruneIntake(
  db: Database.Database,
  account: string,
  now: number,
  limits: { handledMs: number; openMs: number; maxRows: number },
): Buffer[] {
  return db.transaction(() => {
    const byAge = prepare<[string, number, number], { hash: Buffer }>(
      db,
      `DELETE FROM wa_intake WHERE account = ? AND (handled_at < ? OR stored_at < ?) RETURNING hash`,
    ).all(account, now - limits.handledMs, now - limits.openMs);
    const byCount = prepare<[string, string, number], { hash: Buffer }>(
      db,
      `DELETE FROM wa_intake WHERE account = ? AND seq <= (
         SELECT seq FROM wa_intake WHERE account = ? ORDER BY seq DESC LIMIT 1 OFFSET ?) RETURNING hash`,
    ).all(account, account, limits.maxRows);
    return [...byAge, ...byCount].map((r) => r.hash);
  })();
}

export function deleteAccountIntake(db: Database.Database, account: string): number {
  return prepare<[string]>(db, 'DELETE FROM wa_intake WHERE account = ?').run(account).changes;
}
