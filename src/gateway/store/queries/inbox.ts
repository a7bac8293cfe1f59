// The durable inbox and the hand-off to the agent stage. Every message that passes intake is inserted here before
// anything else happens to it; the unique (account, chat, message_id) key is the dedupe that survives restarts,
// and a message leaves `pending` only in the same transaction that records what became of it.
import type Database from 'better-sqlite3';
import type { RawInbound } from '../../inbound/types';
import { historyBound, knownWithoutHistory, noteConsumed, noteHistory } from './history-index';
import { prepare } from './prepare';

export type InboxState = 'pending' | 'accepted' | 'pairing' | 'rejected' | 'history' | 'consumed';

export interface InboxRow {
  seq: number;
  raw: RawInbound;
  receivedAt: number;
}

interface Row {
  seq: number;
  raw: string;
  received_at: number;
}

const toRow = (r: Row): InboxRow => ({
  seq: r.seq,
  raw: JSON.parse(r.raw) as RawInbound,
  receivedAt: r.received_at,
});

/** Inserts a message; null when this account already has it (a duplicate, e.g. redelivered after a reconnect). */
export function insertInbox(db: Database.Database, raw: RawInbound, now: number): number | null {
  const res = prepare<[string, string, string, number, string]>(
    db,
    `INSERT INTO inbox (account, chat, message_id, received_at, raw) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (account, chat, message_id) DO NOTHING`,
  ).run(raw.accountId, raw.chatJid, raw.id, now, JSON.stringify(raw));
  return res.changes === 1 ? Number(res.lastInsertRowid) : null;
}

/** Messages not yet processed, oldest first (what a restart replays). */
export function pendingInbox(db: Database.Database, limit: number): InboxRow[] {
  return prepare<[number], Row>(
    db,
    `SELECT seq, raw, received_at FROM inbox WHERE state = 'pending' ORDER BY seq LIMIT ?`,
  )
    .all(limit)
    .map(toRow);
}

export function markInbox(
  db: Database.Database,
  seq: number,
  state: Exclude<InboxState, 'pending' | 'accepted'>,
  reason: string,
  now: number,
): void {
  if (state === 'history') {
    // The chat it belongs to, for the history index (see history-index.ts).
    const row = prepare<[string, number, number], { account: string; chat: string }>(
      db,
      `UPDATE inbox SET state = 'history', reason = ?, processed_at = ? WHERE seq = ? AND state = 'pending'
       RETURNING account, chat`,
    ).get(reason, now, seq);
    if (row) noteHistory(db, row.account, row.chat, seq);
    return;
  }
  prepare<[string, string, number, number]>(
    db,
    `UPDATE inbox SET state = ?, reason = ?, processed_at = ? WHERE seq = ? AND state = 'pending'`,
  ).run(state, reason, now, seq);
}

/** Group messages kept for context (not yet shown to the agent), oldest first, the newest `limit` of them. */
export function groupHistory(
  db: Database.Database,
  account: string,
  chat: string,
  beforeSeq: number,
  limit: number,
): InboxRow[] {
  if (limit <= 0 || historyBound(db, account, chat) === 0) return [];
  return prepare<[string, string, number, number], Row>(
    db,
    `SELECT seq, raw, received_at FROM (
       SELECT seq, raw, received_at FROM inbox
        WHERE account = ? AND chat = ? AND state = 'history' AND seq < ?
        ORDER BY seq DESC LIMIT ?)
     ORDER BY seq`,
  )
    .all(account, chat, beforeSeq, limit)
    .map(toRow);
}

export interface HandOff {
  inboxSeq: number;
  account: string;
  chat: string;
  messageId: string;
  agentId: string;
  sessionKey: string;
  body: string;
  meta: Record<string, unknown>;
  now: number;
}

/**
 * Hands one message on, exactly once: the accepted row, the inbox row leaving `pending`, and the group history it
 * injected (every older history row of that chat, shown or too old to show) in one transaction. Returns the
 * accepted row's seq, or null when the inbox row was no longer pending (already handed on).
 */
export function handOff(db: Database.Database, h: HandOff): number | null {
  const seq = db.transaction(() => handOffSteps(db, h)).immediate();
  if (seq !== null) noteCommitted(db, h);
  return seq;
}

/** Tells the history index what a hand-off consumed, once that is committed (not inside a caller's transaction). */
function noteCommitted(db: Database.Database, h: HandOff): void {
  if (h.chat.endsWith('@g.us') && !db.inTransaction) noteConsumed(db, h.account, h.chat, h.inboxSeq);
}

// Per connection, built once: db.transaction() makes new wrapper functions on every call, and every burst commits.
const handOffBatches = new WeakMap<Database.Database, (batch: readonly HandOff[]) => Array<number | null>>();

/**
 * Several hand-offs in one transaction. The common case, every row fine, is one commit without a savepoint per
 * row; when any step throws, the batch is rolled back and redone with one savepoint per row, so the row that
 * failed fails alone. Each result is a seq, null (already handed on), or the error of that row.
 */
export function handOffAll(db: Database.Database, batch: readonly HandOff[]): Array<number | null | Error> {
  let all = handOffBatches.get(db);
  if (!all) {
    all = db.transaction((hs: readonly HandOff[]) => hs.map((h) => handOffSteps(db, h))).immediate;
    handOffBatches.set(db, all);
  }
  let results: Array<number | null | Error>;
  try {
    results = all(batch);
  } catch {
    results = db
      .transaction(() =>
        batch.map((h) => {
          try {
            return db.transaction(() => handOffSteps(db, h))();
          } catch (err) {
            return err instanceof Error ? err : new Error(String(err));
          }
        }),
      )
      .immediate();
  }
  batch.forEach((h, i) => {
    if (typeof results[i] === 'number') noteCommitted(db, h);
  });
  return results;
}

function handOffSteps(db: Database.Database, h: HandOff): number | null {
  const marked = prepare<[number, number]>(
    db,
    `UPDATE inbox SET state = 'accepted', reason = NULL, processed_at = ? WHERE seq = ? AND state = 'pending'`,
  ).run(h.now, h.inboxSeq);
  if (marked.changes !== 1) return null;
  // Only groups keep history rows, and most group chats have none waiting (history-index.ts).
  if (h.chat.endsWith('@g.us') && !knownWithoutHistory(db, h.account, h.chat))
    prepare<[number, string, string, number]>(
      db,
      `UPDATE inbox SET state = 'consumed', processed_at = ?
      WHERE account = ? AND chat = ? AND state = 'history' AND seq < ?`,
    ).run(h.now, h.account, h.chat, h.inboxSeq);
  const res = prepare<[number, string, string, string, string, string, string, string, number]>(
    db,
    `INSERT INTO accepted (inbox_seq, account, chat, message_id, agent_id, session_key, body, meta, accepted_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    h.inboxSeq,
    h.account,
    h.chat,
    h.messageId,
    h.agentId,
    h.sessionKey,
    h.body,
    JSON.stringify(h.meta),
    h.now,
  );
  return Number(res.lastInsertRowid);
}

/** A stored hand-off: what handOff() was given, under its own seq and time. */
export interface AcceptedRow extends Omit<HandOff, 'inboxSeq' | 'now'> {
  seq: number;
  acceptedAt: number;
}

export interface AcceptedDbRow {
  seq: number;
  account: string;
  chat: string;
  message_id: string;
  agent_id: string;
  session_key: string;
  body: string;
  meta: string;
  accepted_at: number;
}

export const toAccepted = (r: AcceptedDbRow): AcceptedRow => ({
  seq: r.seq,
  account: r.account,
  chat: r.chat,
  messageId: r.message_id,
  agentId: r.agent_id,
  sessionKey: r.session_key,
  body: r.body,
  meta: JSON.parse(r.meta) as Record<string, unknown>,
  acceptedAt: r.accepted_at,
});

/** The newest hand-offs, newest last. */
export function recentAccepted(db: Database.Database, account: string | null, limit: number): AcceptedRow[] {
  return prepare<[string | null, string | null, number], AcceptedDbRow>(
    db,
    `SELECT * FROM (SELECT * FROM accepted WHERE (? IS NULL OR account = ?) ORDER BY seq DESC LIMIT ?)
      ORDER BY seq`,
  )
    .all(account, account, limit)
    .map(toAccepted);
}

// ---- own sends ------------------------------------------------------------------------------------------------

export function recordSent(
  db: Database.Database,
  account: string,
  id: string,
  chat: string,
  now: number,
): void {
  prepare<[string, string, string, number]>(
    db,
    `INSERT INTO sent_messages (account, message_id, chat, sent_at) VALUES (?, ?, ?, ?)
     ON CONFLICT DO NOTHING`,
  ).run(account, id, chat, now);
}

export function wasSent(db: Database.Database, account: string, id: string): boolean {
  return (
    prepare<[string, string]>(db, 'SELECT 1 FROM sent_messages WHERE account = ? AND message_id = ?').get(
      account,
      id,
    ) !== undefined
  );
}

// ---- retention -----------------------------------------------------------------------------------------------

/**
 * Bounds the tables: finished inbox rows (the dedupe memory) and hand-offs older than `keepMs`, sent ids older
 * than `sentKeepMs`. Pending rows are never pruned: they are messages still owed to the agent.
 */
export function pruneInbound(
  db: Database.Database,
  now: number,
  keepMs: number,
  sentKeepMs: number,
): { inbox: number; accepted: number; sent: number } {
  const tx = db.transaction(() => ({
    inbox: prepare<[number]>(db, `DELETE FROM inbox WHERE state != 'pending' AND received_at < ?`).run(
      now - keepMs,
    ).changes,
    accepted: prepare<[number]>(db, 'DELETE FROM accepted WHERE accepted_at < ?').run(now - keepMs).changes,
    sent: prepare<[number]>(db, 'DELETE FROM sent_messages WHERE sent_at < ?').run(now - sentKeepMs).changes,
  }));
  return tx.immediate();
}
