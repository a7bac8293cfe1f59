import type { Migration } from './migration';

export const migration005: Migration = {
  version: 5,
  name: 'inbound-intake',
  up(db) {
    db.exec(`
      -- What decrypting an inbound message yielded, written in the same transaction as the Signal state that the
      -- decryption advanced, before WhatsApp is sent a delivery receipt (whatsapp/durable-intake.ts says why).
      -- One row per decrypted ciphertext: hash is its SHA-256, node the whole stanza as JSON (what rebuilds the
      -- message after a crash), handled_at set once the message has been through intake; kept minutes after that.
      -- No secondary index: every decryption would pay for it, and the gateway keeps the hashes in memory.
      CREATE TABLE wa_intake (
        seq        INTEGER PRIMARY KEY,
        account    TEXT NOT NULL,
        hash       BLOB NOT NULL,
        message_id TEXT NOT NULL,
        node       TEXT,
        plaintext  BLOB NOT NULL,
        stored_at  INTEGER NOT NULL,
        handled_at INTEGER
      ) STRICT;
    `);
  },
};
