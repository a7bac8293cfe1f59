// The run queue's reads of the accepted table (agent/queue.ts): a light index of the waiting hand-offs, and the
// full rows only for what a run or an expiry takes.
import type Database from 'better-sqlite3';
import { toAccepted, type AcceptedDbRow, type AcceptedRow } from './inbox';
import { prepare } from './prepare';

/**
 * What the run queue keeps of a waiting hand-off: no body, and of the meta only the text when it holds a slash (a
 * chat command always does) and whether media came with it. Before setup thousands of rows wait and the queue
 * indexes them all at start, while the WhatsApp handshake runs on the same thread; the full rows are read only for
 * the batch a run takes (acceptedRows).
 */
export interface WaitingRow {
  seq: number;
  account: string;
  chat: string;
  agentId: string;
  sessionKey: string;
  acceptedAt: number;
  meta: { readonly text?: string };
  media: boolean;
}

/** seq, account, chat, agent_id, session_key, accepted_at, meta: read as arrays (no object per row). */
type WaitingDbRow = [number, string, string, string, string, number, string];

const NO_META: WaitingRow['meta'] = Object.freeze({});

/**
 * Only a meta that could hold a command or media is parsed: a command has a slash, a media key is spelled
 * "media…", and JSON could only hide either behind a \u escape.
 */
function toWaiting([seq, account, chat, agentId, sessionKey, acceptedAt, meta]: WaitingDbRow): WaitingRow {
  const row: WaitingRow = {
    seq,
    account,
    chat,
    agentId,
    sessionKey,
    acceptedAt,
    meta: NO_META,
    media: false,
  };
  if (meta.includes('/') || meta.includes('"media') || meta.includes('\\u')) {
    const m = JSON.parse(meta) as Record<string, unknown>;
    if (typeof m.text === 'string' && m.text.includes('/')) row.meta = { text: m.text };
    row.media = m.mediaPath !== undefined || m.mediaType !== undefined;
  }
  return row;
}

/** Hand-offs not answered yet, oldest first, as the run queue indexes them (see WaitingRow). */
export function waitingAccepted(db: Database.Database, limit: number, afterSeq = 0): WaitingRow[] {
  return prepare<[number, number], WaitingDbRow>(
    db,
    `SELECT seq, account, chat, agent_id, session_key, accepted_at, meta FROM accepted
      WHERE consumed_at IS NULL AND seq > ? ORDER BY seq LIMIT ?`,
  )
    .raw(true)
    .all(afterSeq, limit)
    .map(toWaiting);
}

/** The full rows of those of `seqs` still unconsumed, oldest first. */
export function acceptedRows(db: Database.Database, seqs: readonly number[]): AcceptedRow[] {
  if (seqs.length === 0) return [];
  return prepare<[string], AcceptedDbRow>(
    db,
    `SELECT seq, account, chat, message_id, agent_id, session_key, body, meta, accepted_at FROM accepted
      WHERE seq IN (SELECT value FROM json_each(?)) AND consumed_at IS NULL ORDER BY seq`,
  )
    .all(JSON.stringify(seqs))
    .map(toAccepted);
}
