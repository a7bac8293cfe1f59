// One run's outcome in ONE SQLite transaction: the session, its new turns and usage, the outbox items of the reply
// (and reactions), and every answered hand-off marked consumed. A crash before the commit replays the run after
// restart; one after it resends the same stored items: each message is answered exactly once.
import type Database from 'better-sqlite3';
import type { Outbox } from '../outbound/outbox';
import type { OutboundPayload } from '../outbound/types';
import {
  addSessionUsage,
  ensureSession,
  insertTurn,
  resetSession,
  settleAccepted,
  type NewTurn,
  type StoredOutcomeState,
} from '../store/queries/sessions';
import type { UsageDto } from './control-port';

/** What one commit writes besides the outcome rows. */
export interface Commit {
  sessionKey: string;
  agentId: string;
  label: string;
  turns: NewTurn[];
  usage?: UsageDto;
  costUsd?: number;
  sends: Array<{ accountId: string; chat: string; payloads: OutboundPayload[] }>;
  settle: Array<{ seq: number; state: StoredOutcomeState; reason?: string; redact?: readonly string[] }>;
  runId: string;
  /** /new: the session starts afresh in the same transaction. */
  reset?: boolean;
}

const ZERO: UsageDto = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };

/** Commits `c`; call each `after[i].afterCommit()` once this returns (the items are then sent). */
export function commitRun(db: Database.Database, outbox: Outbox, c: Commit, now: number) {
  return db
    .transaction(() => {
      ensureSession(db, { key: c.sessionKey, agentId: c.agentId, label: c.label, now });
      if (c.reset) resetSession(db, c.sessionKey, now);
      const stored = c.turns.map((t) => insertTurn(db, c.sessionKey, t, now));
      addSessionUsage(db, c.sessionKey, c.usage ?? ZERO, c.costUsd ?? 0, now);
      const after = c.sends
        .filter((s) => s.payloads.length > 0)
        .map((s) => outbox.stage({ ...s, origin: 'auto' }));
      const outboxIds = after.flatMap((s) => s.messageIds);
      for (const s of c.settle)
        settleAccepted(db, {
          acceptedSeq: s.seq,
          sessionKey: c.sessionKey,
          state: s.state,
          reason: s.reason,
          outboxIds,
          runId: c.runId,
          now,
          redact: s.redact,
        });
      return { stored, after };
    })
    .immediate();
}
