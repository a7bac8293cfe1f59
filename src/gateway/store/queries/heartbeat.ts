// Heartbeat runs (migration 008) and the one fact heartbeats read from the agent's tables: the last chat the agent
// answered. Pure functions over the db handle; agent/heartbeat/ decides.
import type Database from 'better-sqlite3';
import type { Usage } from '../../agent/providers/types';
import { prepare } from './prepare';

export type HeartbeatResult = 'ok' | 'alert' | 'skipped' | 'failed';

export interface HeartbeatRunRow {
  agentId: string;
  at: number;
  result: HeartbeatResult;
  reason?: string;
  account?: string;
  target?: string;
  alertText?: string;
  model?: string;
  usage?: Usage;
  costUsd?: number;
  outboxIds?: string[];
}

interface DbRow {
  agent_id: string;
  at: number;
  result: HeartbeatResult;
  reason: string | null;
  account: string | null;
  target: string | null;
  alert_text: string | null;
  model: string | null;
  input_tokens: number;
  output_tokens: number;
  cache_read: number;
  cache_write: number;
  cost_usd: number;
  outbox_ids: string | null;
}

export function insertHeartbeatRun(db: Database.Database, r: HeartbeatRunRow): void {
  const u = r.usage ?? { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
  prepare(
    db,
    `INSERT INTO heartbeat_runs (agent_id, at, result, reason, account, target, alert_text, model, input_tokens,
       output_tokens, cache_read, cache_write, cost_usd, outbox_ids)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    r.agentId,
    r.at,
    r.result,
    r.reason ?? null,
    r.account ?? null,
    r.target ?? null,
    r.alertText ?? null,
    r.model ?? null,
    u.input,
    u.output,
    u.cacheRead,
    u.cacheWrite,
    r.costUsd ?? 0,
    r.outboxIds?.length ? JSON.stringify(r.outboxIds) : null,
  );
}

export function lastHeartbeatRun(db: Database.Database, agentId: string): HeartbeatRunRow | undefined {
  const r = prepare<[string], DbRow>(
    db,
    'SELECT * FROM heartbeat_runs WHERE agent_id = ? ORDER BY seq DESC LIMIT 1',
  ).get(agentId);
  if (!r) return undefined;
  return {
    agentId: r.agent_id,
    at: r.at,
    result: r.result,
    ...(r.reason !== null ? { reason: r.reason } : {}),
    ...(r.account !== null ? { account: r.account } : {}),
    ...(r.target !== null ? { target: r.target } : {}),
    ...(r.alert_text !== null ? { alertText: r.alert_text } : {}),
    ...(r.model !== null ? { model: r.model } : {}),
    usage: {
      input: r.input_tokens,
      output: r.output_tokens,
      cacheRead: r.cache_read,
      cacheWrite: r.cache_write,
    },
    costUsd: r.cost_usd,
    ...(r.outbox_ids !== null ? { outboxIds: JSON.parse(r.outbox_ids) as string[] } : {}),
  };
}

/** Whether this exact alert went to this chat of this account at or after `since`. */
export function alertSentSince(
  db: Database.Database,
  q: { account: string; target: string; text: string; since: number },
): boolean {
  return (
    prepare<[string, string, string, number], number>(
      db,
      `SELECT 1 FROM heartbeat_runs
        WHERE result = 'alert' AND target = ? AND account = ? AND alert_text = ? AND at >= ? LIMIT 1`,
    )
      .pluck()
      .get(q.target, q.account, q.text, q.since) !== undefined
  );
}

/** The chat the agent last answered (the chat as WhatsApp addressed it), with its account. */
export function lastAnsweredChat(
  db: Database.Database,
  agentId: string,
): { account: string; chat: string; from?: string } | undefined {
  const r = prepare<[string], { account: string; chat: string; meta: string }>(
    db,
    `SELECT a.account, a.chat, a.meta FROM outcomes o JOIN accepted a ON a.seq = o.accepted_seq
      WHERE o.state = 'answered' AND a.agent_id = ? ORDER BY o.at DESC, o.accepted_seq DESC LIMIT 1`,
  ).get(agentId);
  if (!r) return undefined;
  const meta = JSON.parse(r.meta) as { chatJid?: unknown; from?: unknown };
  return {
    account: r.account,
    chat: typeof meta.chatJid === 'string' ? meta.chatJid : r.chat,
    ...(typeof meta.from === 'string' ? { from: meta.from } : {}),
  };
}

/** Keeps the table bounded: runs older than `before` go (dedupe needs only the last 24 h). */
export function pruneHeartbeatRuns(db: Database.Database, before: number): number {
  return prepare<[number]>(db, 'DELETE FROM heartbeat_runs WHERE at < ?').run(before).changes;
}
