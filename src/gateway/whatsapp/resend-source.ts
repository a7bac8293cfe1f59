// Where Baileys finds a message to send again. A contact's phone that could not decrypt a message (its session was
// lost or reset) sends a retry receipt; Baileys then encrypts the message anew, on a fresh session, but only if it
// still has it: its own copy lives in memory (a bounded cache of recent sends), so after a restart, or once the
// cache has moved on, the contact would see "Waiting for this message" for good. Its fallback is the socket's
// getMessage, answered here from what the outbox stored with each sent mark (store/queries/sent-content.ts).
import { proto, type WAMessageKey } from '@whiskeysockets/baileys';
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { sentContent } from '../store/queries/sent-content';

export function storedSentMessage(
  db: Database.Database,
  accountId: string,
  log: Logger,
): (key: WAMessageKey) => Promise<proto.IMessage | undefined> {
  return async (key) => {
    // Baileys also asks for others' polls and events when a vote comes in; only our own sends are kept here.
    if (!key.id || !key.fromMe) return undefined;
    try {
      const bytes = sentContent(db, accountId, key.id);
      if (bytes) return proto.Message.decode(bytes);
      log.info({ accountId, id: key.id }, 'a contact asked for a message again that is no longer kept');
    } catch (err) {
      log.warn({ accountId, id: key.id, err }, 'could not read a sent message a contact asked for again');
    }
    return undefined;
  };
}
