// Sessions, their transcripts and what became of each accepted message (migration 007): pure functions over the db
// handle. agent/service.ts decides; these store. The accepted table itself is inbound's (queries/inbox.ts); the
// agent only reads its unconsumed rows and sets consumed_at.
import type Database from 'better-sqlite3';
import type { MessageOutcome, SessionSummary, Turn } from '../../../shared/contract-agent';
import type { ToolCall, Usage } from '../../agent/providers/types';
import { toAccepted, type AcceptedDbRow, type AcceptedRow } from './inbox';
import { prepare } from './prepare';
import { redactAccepted } from './redact';

export type TurnRole = Turn['role'];

export interface NewTurn {
  role: TurnRole;
  text: string;
  toolCalls?: ToolCall[];
  toolCallId?: string;
  toolName?: string;
  messageIds?: string[];
  model?: string;
  usage?: Usage;
  costUsd?: number;
}

export interface StoredTurn extends NewTurn {
  seq: number;
  sessionKey: string;
  at: number;
}

interface TurnDbRow {
  seq: number;
  session_key: string;
  role: TurnRole;
  text: string;
  tool_calls: string | null;
  tool_call_id: string | null;
  tool_name: string | null;
  message_ids: string | null;
  model: string | null;
  usage: string | null;
  cost_usd: number | null;
  at: number;
}

const toTurn = (r: TurnDbRow): StoredTurn => ({
  seq: r.seq,
  sessionKey: r.session_key,
  role: r.role,
  text: r.text,
  ...(r.tool_calls ? { toolCalls: JSON.parse(r.tool_calls) as ToolCall[] } : {}),
  ...(r.tool_call_id ? { toolCallId: r.tool_call_id } : {}),
  ...(r.tool_name ? { toolName: r.tool_name } : {}),
  ...(r.message_ids ? { messageIds: JSON.parse(r.message_ids) as string[] } : {}),
  ...(r.model ? { model: r.model } : {}),
  ...(r.usage ? { usage: JSON.parse(r.usage) as Usage } : {}),
  ...(r.cost_usd !== null ? { costUsd: r.cost_usd } : {}),
  at: r.at,
});

/** The contract's view of a stored turn. */
export function turnDto(t: StoredTurn): Turn {
  return {
    seq: t.seq,
    sessionKey: t.sessionKey,
    role: t.role,
    text: t.text,
    ...(t.toolCalls ? { toolCalls: t.toolCalls } : {}),
    ...(t.toolCallId ? { toolCallId: t.toolCallId } : {}),
    ...(t.messageIds ? { messageIds: t.messageIds } : {}),
    ...(t.model ? { model: t.model } : {}),
    ...(t.usage ? { usage: t.usage } : {}),
    ...(t.costUsd !== undefined ? { costUsd: t.costUsd } : {}),
    at: new Date(t.at).toISOString(),
  };
}

/** Creates the session on its first run; later runs keep its label unless a better one (non-empty) is given. */
export function ensureSession(
  db: Database.Database,
  s: { key: string; agentId: string; label: string; now: number },
): void {
  prepare<[string, string, string, number]>(
    db,
    `INSERT INTO sessions (key, agent_id, label, started_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET label = CASE WHEN excluded.label != '' THEN excluded.label ELSE label END`,
  ).run(s.key, s.agentId, s.label, s.now);
}

export function insertTurn(db: Database.Database, key: string, t: NewTurn, now: number): StoredTurn {
  const res = prepare(
    db,
    `INSERT INTO turns (session_key, role, text, tool_calls, tool_call_id, tool_name, message_ids, model, usage,
                        cost_usd, at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    key,
    t.role,
    t.text,
    t.toolCalls?.length ? JSON.stringify(t.toolCalls) : null,
    t.toolCallId ?? null,
    t.toolName ?? null,
    t.messageIds?.length ? JSON.stringify(t.messageIds) : null,
    t.model ?? null,
    t.usage ? JSON.stringify(t.usage) : null,
    t.costUsd ?? null,
    now,
  );
  return { ...t, seq: Number(res.lastInsertRowid), sessionKey: key, at: now };
}

/** Adds a run's tokens and cost to the session's totals and marks its activity. */
export function addSessionUsage(
  db: Database.Database,
  key: string,
  usage: Usage,
  costUsd: number,
  now: number,
): void {
  prepare(
    db,
    `UPDATE sessions SET input_tokens = input_tokens + ?, output_tokens = output_tokens + ?,
       cache_read = cache_read + ?, cache_write = cache_write + ?, cost_usd = cost_usd + ?, last_activity_at = ?
     WHERE key = ?`,
  ).run(usage.input, usage.output, usage.cacheRead, usage.cacheWrite, costUsd, now, key);
}

/**
 * The turns since the session's last reset, oldest first: at most the newest `limit` (a bound on what one run
 * reads; history.ts trims further by user turns and the context window). `userTurns` reads only from the newest
 * that many user turns on (what the DM history limit keeps, so a long transcript is not read to be thrown away);
 * `afterSeq` only turns after it (a cached transcript catching up).
 */
export function historyTurns(
  db: Database.Database,
  key: string,
  limit: number,
  bound: { userTurns?: number; afterSeq?: number } = {},
): StoredTurn[] {
  if (bound.userTurns === 0) return [];
  return prepare<[{ key: string; limit: number; after: number; skip: number }], TurnDbRow>(
    db,
    `SELECT * FROM (
       SELECT * FROM turns
        WHERE session_key = @key
          AND seq > MAX(@after, COALESCE((SELECT reset_after_seq FROM sessions WHERE key = @key), 0))
          AND (@skip < 0 OR seq >= COALESCE((SELECT seq FROM turns WHERE session_key = @key AND role = 'user'
                                               ORDER BY seq DESC LIMIT 1 OFFSET @skip), 0))
        ORDER BY seq DESC LIMIT @limit)
     ORDER BY seq`,
  )
    .all({
      key,
      limit,
      after: bound.afterSeq ?? 0,
      skip: bound.userTurns === undefined ? -1 : bound.userTurns - 1,
    })
    .map(toTurn);
}

/**
 * Where a session's transcript stands, from the index alone: the reset point, the first turn after it and the
 * newest turn. A cached copy of the transcript is current while these match what it was read at.
 */
export function transcriptHead(
  db: Database.Database,
  key: string,
): { resetAfter: number; first: number | null; last: number | null } {
  const row = prepare<[{ key: string }], { reset_after: number; first: number | null; last: number | null }>(
    db,
    `SELECT r.reset_after,
            (SELECT MIN(seq) FROM turns WHERE session_key = @key AND seq > r.reset_after) AS first,
            (SELECT MAX(seq) FROM turns WHERE session_key = @key) AS last
       FROM (SELECT COALESCE((SELECT reset_after_seq FROM sessions WHERE key = @key), 0) AS reset_after) r`,
  ).get({ key })!;
  return { resetAfter: row.reset_after, first: row.first, last: row.last };
}

/** The newest `limit` turns of a session (whole transcript, resets included), oldest first. */
export function sessionTurns(db: Database.Database, key: string, limit: number): StoredTurn[] {
  return prepare<[string, number], TurnDbRow>(
    db,
    `SELECT * FROM (SELECT * FROM turns WHERE session_key = ? ORDER BY seq DESC LIMIT ?) ORDER BY seq`,
  )
    .all(key, limit)
    .map(toTurn);
}

/** Starts the session afresh: later runs see no turn stored so far. False for a key with no session. */
export function resetSession(db: Database.Database, key: string, now: number): boolean {
  return (
    prepare<[string, number, string]>(
      db,
      `UPDATE sessions SET reset_after_seq = COALESCE((SELECT MAX(seq) FROM turns WHERE session_key = ?), 0),
         started_at = ? WHERE key = ?`,
    ).run(key, now, key).changes === 1
  );
}

interface SessionDbRow {
  key: string;
  agent_id: string;
  label: string;
  last_activity_at: number | null;
  input_tokens: number;
  output_tokens: number;
  cache_read: number;
  cache_write: number;
  cost_usd: number;
  turns: number;
}

const SESSION_SELECT = `SELECT s.*, (SELECT COUNT(*) FROM turns t WHERE t.session_key = s.key) AS turns
  FROM sessions s`;

const toSession = (r: SessionDbRow, running: boolean): SessionSummary => ({
  key: r.key,
  agentId: r.agent_id,
  label: r.label,
  turns: r.turns,
  ...(r.last_activity_at !== null ? { lastActivityAt: new Date(r.last_activity_at).toISOString() } : {}),
  usage: {
    input: r.input_tokens,
    output: r.output_tokens,
    cacheRead: r.cache_read,
    cacheWrite: r.cache_write,
  },
  costUsd: r.cost_usd,
  running,
});

/** Sessions, most recently active first. */
export function listSessions(
  db: Database.Database,
  q: { agentId?: string; limit: number },
  running: (key: string) => boolean,
): SessionSummary[] {
  return prepare<[string | null, string | null, number], SessionDbRow>(
    db,
    `${SESSION_SELECT} WHERE (? IS NULL OR s.agent_id = ?)
      ORDER BY COALESCE(s.last_activity_at, s.started_at) DESC, s.key LIMIT ?`,
  )
    .all(q.agentId ?? null, q.agentId ?? null, q.limit)
    .map((r) => toSession(r, running(r.key)));
}

export function getSession(
  db: Database.Database,
  key: string,
  running: (key: string) => boolean,
): SessionSummary | undefined {
  const row = prepare<[string], SessionDbRow>(db, `${SESSION_SELECT} WHERE s.key = ?`).get(key);
  return row ? toSession(row, running(row.key)) : undefined;
}

// ---- the agent's work list and outcomes -------------------------------------------------------------------------

/** Hand-offs not answered yet, oldest first. */
export function unconsumedAccepted(db: Database.Database, limit: number, afterSeq = 0): AcceptedRow[] {
  return prepare<[number, number], AcceptedDbRow>(
    db,
    `SELECT seq, account, chat, message_id, agent_id, session_key, body, meta, accepted_at FROM accepted
      WHERE consumed_at IS NULL AND seq > ? ORDER BY seq LIMIT ?`,
  )
    .all(afterSeq, limit)
    .map(toAccepted);
}

/** Which of `seqs` are still unconsumed. */
export function unconsumedOf(db: Database.Database, seqs: readonly number[]): Set<number> {
  if (seqs.length === 0) return new Set();
  const rows = prepare<[string], { seq: number }>(
    db,
    'SELECT seq FROM accepted WHERE seq IN (SELECT value FROM json_each(?)) AND consumed_at IS NULL',
  ).all(JSON.stringify(seqs));
  return new Set(rows.map((r) => r.seq));
}

export function countUnconsumed(db: Database.Database): number {
  return prepare<[], { n: number }>(db, 'SELECT COUNT(*) AS n FROM accepted WHERE consumed_at IS NULL').get()!
    .n;
}

export type StoredOutcomeState = 'answered' | 'silent' | 'failed' | 'expired';

/**
 * Consumes one hand-off and records what became of it. Throws when it was consumed already, so the caller's
 * transaction (the run's turns and outbox items with it) rolls back: a message is answered once or not at all.
 */
export function settleAccepted(
  db: Database.Database,
  o: {
    acceptedSeq: number;
    sessionKey: string;
    state: StoredOutcomeState;
    reason?: string;
    outboxIds?: string[];
    runId?: string;
    now: number;
    /** Secrets the message carried (a `/config set` of a secret key), masked wherever it is stored. */
    redact?: readonly string[];
  },
): void {
  const consumed = prepare<[number, number]>(
    db,
    'UPDATE accepted SET consumed_at = ? WHERE seq = ? AND consumed_at IS NULL',
  ).run(o.now, o.acceptedSeq);
  if (consumed.changes !== 1) throw new Error(`accepted message ${o.acceptedSeq} was already answered`);
  prepare(
    db,
    `INSERT INTO outcomes (accepted_seq, session_key, state, reason, outbox_ids, run_id, at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    o.acceptedSeq,
    o.sessionKey,
    o.state,
    o.reason ?? null,
    o.outboxIds?.length ? JSON.stringify(o.outboxIds) : null,
    o.runId ?? null,
    o.now,
  );
  if (o.redact?.length) redactAccepted(db, o.acceptedSeq, o.redact);
}

/** Stored outcomes, and `waiting` for hand-offs not consumed yet; seqs with neither are left out. */
export function outcomesFor(db: Database.Database, seqs: readonly number[]): MessageOutcome[] {
  const out: MessageOutcome[] = [];
  for (const seq of seqs) {
    const o = prepare<
      [number],
      { state: StoredOutcomeState; session_key: string; reason: string | null; outbox_ids: string | null }
    >(db, 'SELECT state, session_key, reason, outbox_ids FROM outcomes WHERE accepted_seq = ?').get(seq);
    if (o) {
      out.push({
        acceptedSeq: seq,
        state: o.state,
        sessionKey: o.session_key,
        ...(o.outbox_ids ? { outboxIds: JSON.parse(o.outbox_ids) as string[] } : {}),
        ...(o.reason ? { reason: o.reason } : {}),
      });
      continue;
    }
    const a = prepare<[number], { session_key: string }>(
      db,
      'SELECT session_key FROM accepted WHERE seq = ? AND consumed_at IS NULL',
    ).get(seq);
    if (a) out.push({ acceptedSeq: seq, state: 'waiting', sessionKey: a.session_key });
  }
  return out;
}

/**
 * Bounds the tables: turns and outcomes older than `keepMs`, and sessions idle that long with no turn left.
 * Unconsumed hand-offs are not touched (they are messages still owed an answer or an expiry).
 */
export function pruneAgent(
  db: Database.Database,
  now: number,
  keepMs: number,
): { turns: number; outcomes: number; sessions: number } {
  const before = now - keepMs;
  return db
    .transaction(() => ({
      turns: prepare<[number]>(db, 'DELETE FROM turns WHERE at < ?').run(before).changes,
      outcomes: prepare<[number]>(db, 'DELETE FROM outcomes WHERE at < ?').run(before).changes,
      sessions: prepare<[number]>(
        db,
        `DELETE FROM sessions WHERE COALESCE(last_activity_at, started_at) < ?
           AND NOT EXISTS (SELECT 1 FROM turns WHERE session_key = sessions.key)`,
      ).run(before).changes,
    }))
    .immediate();
}
