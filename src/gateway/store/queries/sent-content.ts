// The content of sent messages (migration 009), for resends a contact's phone asks for.
import type Database from 'better-sqlite3';
import { prepare } from './prepare';

export interface SentContent {
  account: string;
  messageId: string;
  chat: string;
  /** The message as relayed (an encoded proto.Message; opaque here). */
  content: Uint8Array;
}

/** Records what was sent under an id; a resend under the same id (after a crash) replaces it. */
export function storeSentContent(db: Database.Database, c: SentContent, at: number): void {
  prepare<[string, string, string, Uint8Array, number]>(
    db,
    `INSERT INTO sent_content (account, message_id, chat, content, sent_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (account, message_id) DO UPDATE SET chat = excluded.chat, content = excluded.content,
       sent_at = excluded.sent_at`,
  ).run(c.account, c.messageId, c.chat, c.content, at);
}

export function sentContent(db: Database.Database, account: string, messageId: string): Buffer | undefined {
  return prepare<[string, string], { content: Buffer }>(
    db,
    'SELECT content FROM sent_content WHERE account = ? AND message_id = ?',
  ).get(account, messageId)?.content;
}

/** Drops what is older than `keepMs`, then the oldest rows past `maxRows`; returns how many went. */
export function pruneSentContent(
  db: Database.Database,
  now: number,
  keepMs: number,
  maxRows: number,
): number {
  const old = prepare<[number]>(db, 'DELETE FROM sent_content WHERE sent_at < ?').run(now - keepMs).changes;
  const over = prepare<[number]>(
    db,
    `DELETE FROM sent_content WHERE rowid IN (
       SELECT rowid FROM sent_content ORDER BY sent_at DESC LIMIT -1 OFFSET ?)`,
  ).run(maxRows).changes;
  return old + over;
}

/** Forgets what an account sent (logout). */
export function deleteAccountSentContent(db: Database.Database, account: string): number {
  return prepare<[string]>(db, 'DELETE FROM sent_content WHERE account = ?').run(account).changes;
}
