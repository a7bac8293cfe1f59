import type { Migration } from './migration';

export const migration006: Migration = {
  version: 6,
  name: 'outbox',
  up(db) {
    db.exec(`
      -- Every message we send to WhatsApp, stored before it is sent (outbound/outbox.ts). message_id is chosen at
      -- insert and used for every attempt, so a resend after a crash is the same message, not a second one.
      -- payload is the OutboundPayload as JSON; times are ms since the epoch.
      CREATE TABLE outbox (
        seq             INTEGER PRIMARY KEY,
        account         TEXT NOT NULL,
        chat            TEXT NOT NULL,
        message_id      TEXT NOT NULL,
        kind            TEXT NOT NULL,
        origin          TEXT NOT NULL,
        payload         TEXT NOT NULL,
        state           TEXT NOT NULL,
        attempts        INTEGER NOT NULL DEFAULT 0,
        error           TEXT,
        created_at      INTEGER NOT NULL,
        sent_at         INTEGER,
        next_attempt_at INTEGER,
        expires_at      INTEGER,
        UNIQUE (account, message_id)
      ) STRICT;
      -- The sender's question: the next open item of each chat, in order.
      CREATE INDEX outbox_open ON outbox (account, chat, seq) WHERE state IN ('pending', 'sending');
    `);
  },
};
