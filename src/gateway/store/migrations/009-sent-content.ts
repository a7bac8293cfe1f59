import type { Migration } from './migration';

export const migration009: Migration = {
  version: 9,
  name: 'sent-content',
  up(db) {
    db.exec(`
      -- What each sent message was, as the protobuf Baileys relayed: a contact's phone that could not decrypt a
      -- message asks for it again (a retry receipt), and Baileys resends only what it still has in memory, which a
      -- restart empties (whatsapp/resend-source.ts). Written with the outbox's "sent" mark, kept a week.
      CREATE TABLE sent_content (
        account    TEXT NOT NULL,
        message_id TEXT NOT NULL,
        chat       TEXT NOT NULL,
        content    BLOB NOT NULL,
        sent_at    INTEGER NOT NULL,
        UNIQUE (account, message_id)
      ) STRICT;
      CREATE INDEX sent_content_age ON sent_content (sent_at);
    `);
  },
};
