// One heartbeat: the skip rules first (each before any model call — a heartbeat with nothing to do costs
// nothing), then one agent run through runAgent in the heartbeat's session (the session's one run, so it never
// interleaves with a chat's), then HEARTBEAT_OK stripping, the 24 h dedupe and delivery through the outbox. Every
// end is recorded in heartbeat_runs; nothing here writes turns or touches the session's last-activity time, so
// heartbeats keep no session alive.
import fsp from 'node:fs/promises';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { resolveAccount } from '../../config/account';
import type { OpenClawConfig } from '../../config/schema';
import type { Outbox } from '../../outbound/outbox';
import { isApproved } from '../../access/pairing-store';
import {
  alertSentSince,
  insertHeartbeatRun,
  lastAnsweredChat,
  type HeartbeatRunRow,
} from '../../store/queries/heartbeat';
import { replyPayloads } from '../deliver';
import { ModelError } from '../providers/types';
import type { ModelPort, RunDeps } from '../run';
import { runAgent } from '../run';
import { capContent, workspaceDir } from '../workspace';
import { isWithinActiveHours } from './active-hours';
import { DEFAULT_HEARTBEAT_PROMPT, heartbeatSessionKey, type HeartbeatPlan } from './plan';
import { isHeartbeatFileEmpty, stripHeartbeatOk } from './strip';
import { resolveTarget } from './target';

const DEDUPE_MS = 24 * 3_600_000;

export interface HeartbeatRunDeps {
  db: Database.Database;
  log: Logger;
  config(): OpenClawConfig;
  stateDir: string;
  models: ModelPort;
  outbox: Outbox;
  runDeps(): RunDeps;
  isRunning(sessionKey: string): boolean;
  /** Runs `fn` as the session's one run (agent/queue.ts). */
  exclusive<T>(sessionKey: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T>;
  defaultAccount(): string;
  self(accountId: string): { e164?: string; pn?: string };
  now(): number;
}

/** `busy`: the session has a run in flight; the caller tries again shortly and records nothing yet. */
export type HeartbeatAttempt = { busy: true } | { busy: false; run: HeartbeatRunRow };

async function readHeartbeatFile(dir: string): Promise<string | undefined> {
  try {
    return await fsp.readFile(path.join(dir, 'HEARTBEAT.md'), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export async function runHeartbeat(
  deps: HeartbeatRunDeps,
  plan: HeartbeatPlan,
  opts: { manual: boolean; signal: AbortSignal },
): Promise<HeartbeatAttempt> {
  const at = deps.now();
  const base = { agentId: plan.agentId, at };
  const done = (run: Omit<HeartbeatRunRow, 'agentId' | 'at'>): HeartbeatAttempt => {
    const row = { ...base, ...run };
    insertHeartbeatRun(deps.db, row);
    return { busy: false, run: row };
  };
  const cfg = deps.config();
  // A manual "Run now" is the owner asking, so it runs at any hour; the schedule keeps to activeHours.
  if (!opts.manual && !isWithinActiveHours(plan.activeHours, at)) {
    const h = plan.activeHours!;
    return done({
      result: 'skipped',
      reason: `outside active hours (${h.start}-${h.end}${h.timezone ? ` ${h.timezone}` : ''})`,
    });
  }
  let refs: string[];
  if (plan.model) {
    if (!deps.models.modelInfo(plan.model))
      return done({ result: 'failed', reason: `heartbeat.model "${plan.model}" is not a configured model` });
    refs = [plan.model];
  } else {
    const chain = deps.models.resolveChain(plan.agentId);
    if (!('refs' in chain)) return done({ result: 'skipped', reason: `no model: ${chain.error}` });
    refs = chain.refs;
  }
  let heartbeatMd: string | undefined;
  try {
    heartbeatMd = await readHeartbeatFile(workspaceDir(cfg, deps.stateDir, plan.agentId));
  } catch (err) {
    return done({ result: 'failed', reason: `HEARTBEAT.md cannot be read: ${(err as Error).message}` });
  }
  if (heartbeatMd !== undefined && isHeartbeatFileEmpty(heartbeatMd))
    return done({ result: 'skipped', reason: 'HEARTBEAT.md has nothing to check (no model call)' });
  // The default prompt only says "read HEARTBEAT.md": without the file (new workspaces have none) there is nothing
  // to check, and a scheduled call would spend tokens every 30 minutes for nobody. A custom prompt or Run now runs.
  if (heartbeatMd === undefined && plan.prompt === DEFAULT_HEARTBEAT_PROMPT && !opts.manual)
    return done({
      result: 'skipped',
      reason: 'no HEARTBEAT.md in the workspace and no heartbeat.prompt: nothing to check (no model call)',
    });

  const target = resolveTarget(plan, {
    last: lastAnsweredChat(deps.db, plan.agentId),
    defaultAccount: deps.defaultAccount(),
    allowFrom: (id) => resolveAccount(cfg, id, deps.stateDir).allowFrom ?? [],
    isApproved: (id, e164) => isApproved(deps.db, id, e164),
    ownerE164: (id) => deps.self(id).e164,
  });
  if (target.kind === 'skip') return done({ result: 'skipped', reason: target.reason });
  const sessionKey = heartbeatSessionKey(cfg, plan);
  // The schedule tries again shortly; a manual run waits its turn instead (exclusive below queues behind the run).
  if (!opts.manual && deps.isRunning(sessionKey)) return { busy: true };

  const envelope =
    heartbeatMd === undefined
      ? plan.prompt
      : `${plan.prompt}\n\nHEARTBEAT.md:\n${capContent('HEARTBEAT.md', heartbeatMd, cfg.agents.defaults.bootstrapMaxChars).content}`;
  const timeout = AbortSignal.timeout(cfg.agents.defaults.timeoutSeconds * 1000);
  let result;
  try {
    result = await deps.exclusive(sessionKey, (signal) =>
      runAgent(
        deps.runDeps(),
        {
          agentId: plan.agentId,
          sessionKey,
          accountId: target.kind === 'chat' ? target.accountId : deps.defaultAccount(),
          chat: { kind: target.kind === 'chat' && target.chat.endsWith('@g.us') ? 'group' : 'dm' },
          messages: [
            {
              envelope,
              messageId: `heartbeat-${at}`,
              chatJid: target.kind === 'chat' ? target.chat : 'heartbeat',
            },
          ],
          reactIn: null,
          reactionsEnabled: false,
          refs,
        },
        AbortSignal.any([signal, timeout, opts.signal]),
      ),
    );
  } catch (err) {
    if (opts.signal.aborted) return done({ result: 'failed', reason: 'the gateway stopped during the run' });
    const reason = timeout.aborted
      ? `no answer within ${cfg.agents.defaults.timeoutSeconds} s (agents.defaults.timeoutSeconds)`
      : err instanceof ModelError
        ? err.message
        : `the run failed: ${(err as Error).message}`;
    return done({ result: 'failed', reason });
  }
  const spent = { model: result.model, usage: result.usage, costUsd: result.costUsd };
  const reply = stripHeartbeatOk(result.text, plan.ackMaxChars);
  if (reply.skip) return done({ result: 'ok', ...spent });
  if (target.kind === 'none')
    return done({ result: 'ok', reason: 'target "none": the alert was not delivered', ...spent });
  const { accountId, chat } = target;
  if (alertSentSince(deps.db, { account: accountId, target: chat, text: reply.text, since: at - DEDUPE_MS }))
    return done({ result: 'skipped', reason: `the same alert went to ${chat} within 24 h`, ...spent });
  const payloads = await replyPayloads({
    cfg,
    stateDir: deps.stateDir,
    accountId,
    selfChat: deps.self(accountId).pn === chat,
    text: reply.text,
    log: deps.log,
  });
  if (payloads.length === 0) return done({ result: 'ok', ...spent });
  const row: HeartbeatRunRow = {
    ...base,
    result: 'alert',
    ...(target.note ? { reason: target.note } : {}),
    account: accountId,
    target: chat,
    alertText: reply.text,
    ...spent,
  };
  let staged;
  try {
    staged = deps.db
      .transaction(() => {
        const s = deps.outbox.stage({ accountId, chat, payloads, origin: 'auto' });
        insertHeartbeatRun(deps.db, { ...row, outboxIds: s.messageIds });
        return s;
      })
      .immediate();
  } catch (err) {
    // An account that is not running (heartbeat.accountId) or a store error: the tokens were still spent.
    return done({
      result: 'failed',
      reason: `the alert could not be queued: ${(err as Error).message}`,
      ...spent,
    });
  }
  staged.afterCommit();
  if (target.note) deps.log.warn({ agentId: plan.agentId }, `heartbeat: ${target.note}`);
  return { busy: false, run: { ...row, outboxIds: staged.messageIds } };
}
