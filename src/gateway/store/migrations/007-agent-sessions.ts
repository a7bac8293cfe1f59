import type { Migration } from './migration';

export const migration007: Migration = {
  version: 7,
  name: 'agent-sessions',
  up(db) {
    db.exec(`
      -- One row per session key (the router's keys). /new and /reset do not delete the transcript: they move
      -- reset_after_seq past its last turn, so the next request carries no earlier turns but the owner can still
      -- read them. Token and cost totals count since the session was created.
      CREATE TABLE sessions (
        key              TEXT PRIMARY KEY,
        agent_id         TEXT NOT NULL,
        label            TEXT NOT NULL,
        started_at       INTEGER NOT NULL,
        reset_after_seq  INTEGER NOT NULL DEFAULT 0,
        last_activity_at INTEGER,
        input_tokens     INTEGER NOT NULL DEFAULT 0,
        output_tokens    INTEGER NOT NULL DEFAULT 0,
        cache_read       INTEGER NOT NULL DEFAULT 0,
        cache_write      INTEGER NOT NULL DEFAULT 0,
        cost_usd         REAL NOT NULL DEFAULT 0
      ) STRICT;

      -- The transcript. Tool calls ride on the assistant turn that made them (JSON); each result is a tool turn.
      -- message_ids: the WhatsApp ids a user turn holds (several when messages were folded into one turn).
      CREATE TABLE turns (
        seq          INTEGER PRIMARY KEY,
        session_key  TEXT NOT NULL,
        role         TEXT NOT NULL CHECK (role IN ('user', 'assistant', 'tool')),
        text         TEXT NOT NULL,
        tool_calls   TEXT,
        tool_call_id TEXT,
        tool_name    TEXT,
        message_ids  TEXT,
        model        TEXT,
        usage        TEXT,
        cost_usd     REAL,
        at           INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX turns_session ON turns (session_key, seq);
      CREATE INDEX turns_at ON turns (at);

      -- What became of each accepted message, written in the transaction that consumes it (accepted.consumed_at)
      -- together with the run's turns and outbox items. Waiting and running are not stored: they are an
      -- unconsumed accepted row.
      CREATE TABLE outcomes (
        accepted_seq INTEGER PRIMARY KEY,
        session_key  TEXT NOT NULL,
        state        TEXT NOT NULL CHECK (state IN ('answered', 'silent', 'failed', 'expired')),
        reason       TEXT,
        outbox_ids   TEXT,
        run_id       TEXT,
        at           INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX outcomes_at ON outcomes (at);

      -- The agent's work list: hand-offs not answered yet.
      CREATE INDEX accepted_unconsumed ON accepted (seq) WHERE consumed_at IS NULL;
    `);
  },
};
