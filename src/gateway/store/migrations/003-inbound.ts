import type { Migration } from './migration';

export const migration003: Migration = {
  version: 3,
  name: 'inbound',
  up(db) {
    db.exec(`
      -- Every inbound message that passed intake, written before anything else happens to it. The unique key is
      -- the dedupe that survives restarts; state moves pending → accepted | pairing | rejected | history, and
      -- history rows become consumed once injected into a reply's context. raw is a RawInbound as JSON.
      CREATE TABLE inbox (
        seq          INTEGER PRIMARY KEY,
        account      TEXT NOT NULL,
        chat         TEXT NOT NULL,
        message_id   TEXT NOT NULL,
        received_at  INTEGER NOT NULL,
        raw          TEXT NOT NULL,
        state        TEXT NOT NULL DEFAULT 'pending'
                     CHECK (state IN ('pending', 'accepted', 'pairing', 'rejected', 'history', 'consumed')),
        reason       TEXT,
        processed_at INTEGER,
        UNIQUE (account, chat, message_id)
      ) STRICT;
      CREATE INDEX inbox_pending ON inbox (seq) WHERE state = 'pending';
      CREATE INDEX inbox_history ON inbox (account, chat, seq) WHERE state = 'history';
      CREATE INDEX inbox_received ON inbox (received_at);

      -- The hand-off to the next stage (the agent): one row per accepted inbox row, written in the same
      -- transaction that marks the inbox row accepted, so a message is handed on exactly once across crashes.
      CREATE TABLE accepted (
        seq         INTEGER PRIMARY KEY,
        inbox_seq   INTEGER NOT NULL UNIQUE,
        account     TEXT NOT NULL,
        chat        TEXT NOT NULL,
        message_id  TEXT NOT NULL,
        agent_id    TEXT NOT NULL,
        session_key TEXT NOT NULL,
        body        TEXT NOT NULL,
        meta        TEXT NOT NULL,
        accepted_at INTEGER NOT NULL,
        consumed_at INTEGER
      ) STRICT;

      -- Pending pairing requests: one per sender per account; codes are unique while pending.
      CREATE TABLE pairing_requests (
        account    TEXT NOT NULL,
        sender     TEXT NOT NULL,
        code       TEXT NOT NULL UNIQUE,
        name       TEXT,
        chat       TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (account, sender)
      ) STRICT;

      -- Senders approved through pairing (or imported); allowed alongside allowFrom, never over dmPolicy "disabled".
      CREATE TABLE approved_senders (
        account     TEXT NOT NULL,
        sender      TEXT NOT NULL,
        name        TEXT,
        approved_at INTEGER NOT NULL,
        via         TEXT NOT NULL,
        PRIMARY KEY (account, sender)
      ) STRICT;

      -- /activation per group, set by the owner; absent = the config's default.
      CREATE TABLE group_activation (
        account    TEXT NOT NULL,
        group_jid  TEXT NOT NULL,
        activation TEXT NOT NULL CHECK (activation IN ('mention', 'always')),
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (account, group_jid)
      ) STRICT;

      -- Ids of messages we sent, so their echoes (self-chat, other devices) are never taken as inbound.
      CREATE TABLE sent_messages (
        account    TEXT NOT NULL,
        message_id TEXT NOT NULL,
        chat       TEXT NOT NULL,
        sent_at    INTEGER NOT NULL,
        PRIMARY KEY (account, message_id)
      ) STRICT;
      CREATE INDEX sent_messages_age ON sent_messages (sent_at);
    `);
  },
};
