import type { Migration } from './migration';

export const migration008: Migration = {
  version: 8,
  name: 'heartbeat-runs',
  up(db) {
    db.exec(`
      -- One row per heartbeat run, whatever became of it: what the owner sees (last result, tokens, cost) and the
      -- memory behind "the same alert to the same chat within 24 h is sent once", which must survive a restart.
      -- Heartbeats write no turns and never touch sessions.last_activity_at, so they keep no session alive.
      CREATE TABLE heartbeat_runs (
        seq          INTEGER PRIMARY KEY,
        agent_id     TEXT NOT NULL,
        at           INTEGER NOT NULL,
        result       TEXT NOT NULL CHECK (result IN ('ok', 'alert', 'skipped', 'failed')),
        reason       TEXT,
        account      TEXT,
        target       TEXT,
        alert_text   TEXT,
        model        TEXT,
        input_tokens INTEGER NOT NULL DEFAULT 0,
        output_tokens INTEGER NOT NULL DEFAULT 0,
        cache_read   INTEGER NOT NULL DEFAULT 0,
        cache_write  INTEGER NOT NULL DEFAULT 0,
        cost_usd     REAL NOT NULL DEFAULT 0,
        outbox_ids   TEXT
      ) STRICT;
      CREATE INDEX heartbeat_runs_agent ON heartbeat_runs (agent_id, seq);
      CREATE INDEX heartbeat_runs_alerts ON heartbeat_runs (target, at) WHERE result = 'alert';
      CREATE INDEX heartbeat_runs_at ON heartbeat_runs (at);
    `);
  },
};
