// Gateway start/stop bookkeeping: a run without a clean stop means the previous process crashed or was killed,
// which is worth telling the user (and worth replaying the durable inbox for).
import type Database from 'better-sqlite3';
import { prepare } from './prepare';

/** How many runs are kept; enough history to spot a crash loop without the table growing forever. */
export const RUNS_KEPT = 100;

export interface GatewayRun {
  id: number;
  /** Milliseconds since the epoch. */
  startedAt: number;
  /** Milliseconds since the epoch; null while running or when the process died. */
  stoppedAt: number | null;
  pid: number;
  version: string;
  /** True only when the run recorded an orderly stop. */
  clean: boolean;
}

interface RunRow {
  id: number;
  started_at: number;
  stopped_at: number | null;
  pid: number;
  version: string;
  clean: number;
}

/** Records a start and returns the run id; trims the table to the newest RUNS_KEPT runs. */
export function recordRunStart(
  db: Database.Database,
  run: { pid: number; version: string; now: number },
): number {
  const insert = db.transaction(() => {
    const { lastInsertRowid } = prepare<[number, number, string]>(
      db,
      'INSERT INTO gateway_runs (started_at, pid, version) VALUES (?, ?, ?)',
    ).run(run.now, run.pid, run.version);
    prepare<[number]>(
      db,
      `DELETE FROM gateway_runs
        WHERE id <= (SELECT id FROM gateway_runs ORDER BY id DESC LIMIT 1 OFFSET ?)`,
    ).run(RUNS_KEPT);
    return Number(lastInsertRowid);
  });
  return insert();
}

export function recordRunStop(db: Database.Database, id: number, now: number): void {
  prepare<[number, number]>(db, 'UPDATE gateway_runs SET stopped_at = ?, clean = 1 WHERE id = ?').run(
    now,
    id,
  );
}

/** The newest run, or the newest one before `beforeId` (pass the current run's id to find the previous run). */
export function lastRun(db: Database.Database, beforeId?: number): GatewayRun | undefined {
  const row = prepare<[number], RunRow>(
    db,
    `SELECT id, started_at, stopped_at, pid, version, clean
       FROM gateway_runs WHERE id < ? ORDER BY id DESC LIMIT 1`,
  ).get(beforeId ?? Number.MAX_SAFE_INTEGER);
  if (!row) return undefined;
  return {
    id: row.id,
    startedAt: row.started_at,
    stoppedAt: row.stopped_at,
    pid: row.pid,
    version: row.version,
    clean: row.clean === 1,
  };
}
