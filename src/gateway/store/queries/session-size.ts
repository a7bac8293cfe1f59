// How big a session's current conversation is: the turns since its last reset (/new) with their tokens and cost,
// which is what the next run carries. The session row's totals count its whole life, resets included.
import type Database from 'better-sqlite3';
import { prepare } from './prepare';

export interface SessionSize {
  turns: number;
  input: number;
  output: number;
  costUsd: number;
}

export function sessionSize(db: Database.Database, key: string): SessionSize {
  const row = prepare<[{ key: string }], { turns: number; input: number; output: number; cost: number }>(
    db,
    `SELECT COUNT(*) AS turns,
            COALESCE(SUM(json_extract(usage, '$.input')), 0) AS input,
            COALESCE(SUM(json_extract(usage, '$.output')), 0) AS output,
            COALESCE(SUM(cost_usd), 0) AS cost
       FROM turns
      WHERE session_key = @key
        AND seq > COALESCE((SELECT reset_after_seq FROM sessions WHERE key = @key), 0)`,
  ).get({ key })!;
  return { turns: row.turns, input: row.input, output: row.output, costUsd: row.cost };
}
