// One timer per agent with a heartbeat. The next run is `every` after the last one (or after start), shown in
// heartbeat.status; a config change re-plans, keeping an agent's next run when its plan did not change (so a
// config edit elsewhere never postpones heartbeats). A busy session is tried again a second later, a bounded
// number of times. Timers are unref'd and all cleared on stop, and a run in flight is aborted.
import type { Logger } from 'pino';
import type { HeartbeatAgent, HeartbeatRun, HeartbeatStatus } from '../../../shared/contract-heartbeat';
import { GatewayError } from '../../errors';
import {
  insertHeartbeatRun,
  lastHeartbeatRun,
  pruneHeartbeatRuns,
  type HeartbeatRunRow,
} from '../../store/queries/heartbeat';
import { heartbeatPlans, type HeartbeatPlan } from './plan';
import { runHeartbeat, type HeartbeatRunDeps } from './run';

const BUSY_RETRY_MS = 1000;
/** A session busy this many seconds in a row is skipped until the next scheduled run. */
const BUSY_MAX_TRIES = 30;
const KEEP_RUNS_MS = 7 * 24 * 3_600_000;

interface AgentSlot {
  plan: HeartbeatPlan;
  key: string;
  timer: NodeJS.Timeout | null;
  nextRunAt: number | null;
  busyTries: number;
  running: Promise<HeartbeatRunRow | null> | null;
}

export interface HeartbeatSchedulerDeps extends HeartbeatRunDeps {
  log: Logger;
  emit(event: 'heartbeat.changed', payload: HeartbeatStatus): void;
  /** How a busy session is retried (tests shorten it). */
  busy?: { retryMs: number; maxTries: number };
}

export function runDto(r: HeartbeatRunRow): HeartbeatRun {
  const u = r.usage;
  return {
    at: new Date(r.at).toISOString(),
    result: r.result,
    ...(r.reason ? { reason: r.reason } : {}),
    ...(r.target ? { target: r.target } : {}),
    tokens: u ? u.input + u.output + u.cacheRead + u.cacheWrite : 0,
    costUsd: r.costUsd ?? 0,
  };
}

export class HeartbeatScheduler {
  private readonly slots = new Map<string, AgentSlot>();
  private readonly abort = new AbortController();
  /** Every attempt in flight, including those of slots a replan replaced (stop waits for all). */
  private readonly inflight = new Set<Promise<unknown>>();
  private stopped = false;
  private readonly busy: { retryMs: number; maxTries: number };

  constructor(private readonly deps: HeartbeatSchedulerDeps) {
    this.busy = deps.busy ?? { retryMs: BUSY_RETRY_MS, maxTries: BUSY_MAX_TRIES };
  }

  /** Plans every agent's heartbeat from the current config; call again on each config change. */
  replan(): void {
    if (this.stopped) return;
    const plans = heartbeatPlans(this.deps.config());
    const seen = new Set<string>();
    for (const plan of plans) {
      seen.add(plan.agentId);
      const key = JSON.stringify(plan);
      const slot = this.slots.get(plan.agentId);
      if (slot && slot.key === key) continue;
      if (slot?.timer) clearTimeout(slot.timer);
      const next: AgentSlot = { plan, key, timer: null, nextRunAt: null, busyTries: 0, running: null };
      this.slots.set(plan.agentId, next);
      this.schedule(next, plan.everyMs);
    }
    for (const [id, slot] of this.slots) {
      if (seen.has(id)) continue;
      if (slot.timer) clearTimeout(slot.timer);
      this.slots.delete(id);
    }
    this.changed();
  }

  status(): HeartbeatStatus {
    return {
      agents: [...this.slots.values()].map((s): HeartbeatAgent => {
        const last = lastHeartbeatRun(this.deps.db, s.plan.agentId);
        return {
          agentId: s.plan.agentId,
          every: s.plan.every,
          enabled: s.plan.everyMs > 0,
          nextRunAt: s.nextRunAt === null ? null : new Date(s.nextRunAt).toISOString(),
          target: s.plan.target === 'whatsapp' ? (s.plan.to ?? 'whatsapp') : s.plan.target,
          ...(s.plan.activeHours
            ? { activeHours: `${s.plan.activeHours.start}-${s.plan.activeHours.end}` }
            : {}),
          ...(last ? { last: runDto(last) } : {}),
        };
      }),
    };
  }

  /** Runs an agent's heartbeat now (the default agent's, or the only one, when none is named). */
  async runNow(agentId?: string): Promise<{ agentId: string } & HeartbeatRun> {
    const slot = agentId
      ? [...this.slots.values()].find((s) => s.plan.agentId.toLowerCase() === agentId.toLowerCase())
      : [...this.slots.values()][0];
    if (!slot) {
      throw new GatewayError(
        'agent.unknown',
        agentId
          ? `agent "${agentId}" has no heartbeat (agents.list[].heartbeat, or agents.defaults.heartbeat for the default agent)`
          : 'no agent has a heartbeat',
      );
    }
    if (this.stopped) throw new GatewayError('agent.unavailable', 'the gateway is stopping');
    const run = slot.running ? await slot.running : await this.tick(slot, true);
    const row = run ?? lastHeartbeatRun(this.deps.db, slot.plan.agentId);
    if (!row) throw new GatewayError('agent.unavailable', 'the heartbeat did not run');
    return { agentId: slot.plan.agentId, ...runDto(row) };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const slot of this.slots.values()) {
      if (slot.timer) clearTimeout(slot.timer);
      slot.timer = null;
      slot.nextRunAt = null;
    }
    this.abort.abort(new Error('the gateway is stopping'));
    await Promise.all([...this.inflight]);
  }

  private schedule(slot: AgentSlot, ms: number): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.nextRunAt = null;
    if (this.stopped || slot.plan.everyMs <= 0) return;
    slot.nextRunAt = this.deps.now() + ms;
    slot.timer = setTimeout(() => {
      slot.timer = null;
      void this.tick(slot, false);
    }, ms);
    slot.timer.unref();
  }

  /** One attempt; the record it wrote, or null when it will try again (busy) or did not run. */
  private tick(slot: AgentSlot, manual: boolean): Promise<HeartbeatRunRow | null> {
    const p = this.attempt(slot, manual).finally(() => {
      if (slot.running === p) slot.running = null;
      this.inflight.delete(p);
    });
    slot.running = p;
    this.inflight.add(p);
    return p;
  }

  private async attempt(slot: AgentSlot, manual: boolean): Promise<HeartbeatRunRow | null> {
    let row: HeartbeatRunRow | null = null;
    try {
      const r = await runHeartbeat(this.deps, slot.plan, { manual, signal: this.abort.signal });
      if (r.busy) {
        slot.busyTries += 1;
        if (slot.busyTries < this.busy.maxTries) {
          this.schedule(slot, this.busy.retryMs);
          this.changed();
          return null;
        }
        row = this.recordBusy(slot);
      } else row = r.run;
      slot.busyTries = 0;
      this.log(slot, row);
      pruneHeartbeatRuns(this.deps.db, this.deps.now() - KEEP_RUNS_MS);
    } catch (err) {
      this.deps.log.error({ err, agentId: slot.plan.agentId }, 'heartbeat failed unexpectedly');
    }
    // A manual run leaves the schedule alone; a scheduled one sets the next (unless a replan replaced the slot).
    if (!manual && this.slots.get(slot.plan.agentId) === slot) this.schedule(slot, slot.plan.everyMs);
    this.changed();
    return row;
  }

  private recordBusy(slot: AgentSlot): HeartbeatRunRow {
    const row: HeartbeatRunRow = {
      agentId: slot.plan.agentId,
      at: this.deps.now(),
      result: 'skipped',
      reason: 'the session was busy with a conversation',
    };
    insertHeartbeatRun(this.deps.db, row);
    return row;
  }

  private log(slot: AgentSlot, row: HeartbeatRunRow): void {
    const fields = {
      agentId: slot.plan.agentId,
      result: row.result,
      reason: row.reason,
      costUsd: row.costUsd,
    };
    if (row.result === 'failed') this.deps.log.warn(fields, `heartbeat failed: ${row.reason}`);
    else this.deps.log.info(fields, `heartbeat ${row.result}${row.reason ? `: ${row.reason}` : ''}`);
  }

  private changed(): void {
    if (this.stopped) return;
    try {
      this.deps.emit('heartbeat.changed', this.status());
    } catch (err) {
      this.deps.log.warn({ err }, 'heartbeat: could not report its status');
    }
  }
}
