import type { Migration } from './migration';

export const migration002: Migration = {
  version: 2,
  name: 'whatsapp-keys',
  up(db) {
    // Baileys' Signal key store (sessions, pre-keys, sender keys, app-state keys, …), one row per key. Kept here
    // rather than as one file per key because a busy account creates thousands of keys a day, and because a set of
    // key changes must land together or not at all. `value` is the key as JSON (Buffers as base64, BufferJSON).
    db.exec(`
      CREATE TABLE wa_keys (
        account TEXT NOT NULL,
        type    TEXT NOT NULL,
        id      TEXT NOT NULL,
        value   TEXT NOT NULL,
        PRIMARY KEY (account, type, id)
      ) STRICT;
    `);
  },
};
