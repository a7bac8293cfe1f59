// The outbox table (migration 006): pure functions over the db handle. outbound/outbox.ts decides; these store.
import type Database from 'better-sqlite3';
import type { OutboundOrigin, OutboundPayload, OutboxState } from '../../outbound/types';
import { prepare } from './prepare';

export interface OutboxRow {
  seq: number;
  account: string;
  chat: string;
  message_id: string;
  kind: OutboundPayload['kind'];
  origin: OutboundOrigin;
  payload: string;
  state: OutboxState;
  attempts: number;
  error: string | null;
  created_at: number;
  sent_at: number | null;
  next_attempt_at: number | null;
  expires_at: number | null;
}

export interface NewOutboxRow {
  account: string;
  chat: string;
  messageId: string;
  origin: OutboundOrigin;
  payload: OutboundPayload;
  createdAt: number;
  expiresAt: number | null;
}

export function insertOutbox(db: Database.Database, row: NewOutboxRow): number {
  return insertAs(db, row, JSON.stringify(row.payload));
}

/** Inserts `row` with its payload already as JSON (`payload`), which storeOutbox() also returns. */
function insertAs(db: Database.Database, row: NewOutboxRow, payload: string): number {
  const info = prepare(
    db,
    `INSERT INTO outbox (account, chat, message_id, kind, origin, payload, state, created_at, expires_at)
     VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
  ).run(
    row.account,
    row.chat,
    row.messageId,
    row.payload.kind,
    row.origin,
    payload,
    row.createdAt,
    row.expiresAt,
  );
  return Number(info.lastInsertRowid);
}

/** Stores a new item and returns its row as stored, so the caller can report it without reading it back. */
export function storeOutbox(db: Database.Database, row: NewOutboxRow): OutboxRow {
  const payload = JSON.stringify(row.payload);
  return {
    seq: insertAs(db, row, payload),
    account: row.account,
    chat: row.chat,
    message_id: row.messageId,
    kind: row.payload.kind,
    origin: row.origin,
    payload,
    state: 'pending',
    attempts: 0,
    error: null,
    created_at: row.createdAt,
    sent_at: null,
    next_attempt_at: null,
    expires_at: row.expiresAt,
  };
}

export function getOutbox(db: Database.Database, seq: number): OutboxRow | undefined {
  return prepare<[number], OutboxRow>(db, 'SELECT * FROM outbox WHERE seq = ?').get(seq);
}

/** The oldest open items of one chat after `afterSeq` (the last one written and awaiting its ack, or 0), in order. */
export function nextOpen(
  db: Database.Database,
  account: string,
  chat: string,
  afterSeq: number,
  limit: number,
): OutboxRow[] {
  return prepare<[string, string, number, number], OutboxRow>(
    db,
    `SELECT * FROM outbox WHERE account = ? AND chat = ? AND state IN ('pending', 'sending') AND seq > ?
     ORDER BY seq LIMIT ?`,
  ).all(account, chat, afterSeq, limit);
}

/** Every chat with open items, per account (what a start or a reconnect has to resume). */
export function openChats(
  db: Database.Database,
  account: string | null,
): Array<{ account: string; chat: string }> {
  return prepare<[string | null, string | null], { account: string; chat: string }>(
    db,
    `SELECT DISTINCT account, chat FROM outbox WHERE state IN ('pending', 'sending') AND (? IS NULL OR account = ?)`,
  ).all(account, account);
}

export function markSending(db: Database.Database, seq: number): void {
  prepare<[number]>(db, `UPDATE outbox SET state = 'sending', attempts = attempts + 1 WHERE seq = ?`).run(
    seq,
  );
}

export function markSent(db: Database.Database, seq: number, at: number): void {
  prepare<[number, number]>(
    db,
    `UPDATE outbox SET state = 'sent', sent_at = ?, error = NULL, next_attempt_at = NULL WHERE seq = ?`,
  ).run(at, seq);
}

/** Back to pending for another attempt at `at` (a transient failure), keeping the reason visible meanwhile. */
export function markRetry(db: Database.Database, seq: number, at: number, error: string): void {
  prepare<[number, string, number]>(
    db,
    `UPDATE outbox SET state = 'pending', next_attempt_at = ?, error = ? WHERE seq = ?`,
  ).run(at, error, seq);
}

/** An attempt that never reached the socket (not connected): not counted, the item simply waits. */
export function markHeld(db: Database.Database, seq: number): void {
  prepare<[number]>(
    db,
    `UPDATE outbox SET state = 'pending', attempts = MAX(attempts - 1, 0) WHERE seq = ? AND state = 'sending'`,
  ).run(seq);
}

export function markEnded(
  db: Database.Database,
  seq: number,
  state: 'failed' | 'expired' | 'cancelled',
  error: string | null,
): void {
  prepare<[string, string | null, number]>(
    db,
    `UPDATE outbox SET state = ?, error = ?, next_attempt_at = NULL WHERE seq = ?`,
  ).run(state, error, seq);
}

/** A failed, expired or cancelled item sent again (same message id: it never reached WhatsApp). */
export function reopen(db: Database.Database, seq: number, expiresAt: number | null): boolean {
  return (
    prepare<[number | null, number]>(
      db,
      `UPDATE outbox SET state = 'pending', attempts = 0, error = NULL, next_attempt_at = NULL, expires_at = ?
       WHERE seq = ? AND state IN ('failed', 'expired', 'cancelled')`,
    ).run(expiresAt, seq).changes === 1
  );
}

export function listOutbox(
  db: Database.Database,
  filter: { account: string | null; state: OutboxState | null; limit: number },
): OutboxRow[] {
  return prepare<[string | null, string | null, string | null, string | null, number], OutboxRow>(
    db,
    `SELECT * FROM outbox WHERE (? IS NULL OR account = ?) AND (? IS NULL OR state = ?)
     ORDER BY seq DESC LIMIT ?`,
  ).all(filter.account, filter.account, filter.state, filter.state, filter.limit);
}
