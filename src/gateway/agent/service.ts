// The agent stage: takes accepted messages from the `accepted` table (queue.ts decides when), runs the agent on
// them (run.ts), and commits each run's turns, outcomes, consumed hand-offs and outbox items in ONE transaction,
// so a crash before that commit replays the run after restart and one after it resends the same stored items:
// every message is answered exactly once. Implements the control API's AgentControl.
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { AgentStatus, MessageOutcome, SessionSummary, Turn } from '../../shared/contract-agent';
import type { OutboxItem } from '../../shared/contract-outbound';
import { resolveAccount } from '../config/account';
import type { OpenClawConfig } from '../config/schema';
import { GatewayError } from '../errors';
import type { Outbox } from '../outbound/outbox';
import type { AcceptedRow } from '../store/queries/inbox';
import {
  countUnconsumed,
  getSession,
  listSessions,
  outcomesFor,
  pruneAgent,
  resetSession,
  sessionTurns,
  turnDto,
} from '../store/queries/sessions';
import { commitRun, type Commit } from './commit';
import type { AgentControl } from './control-port';
import { askAgent } from './ask';
import { replyPayloads } from './deliver';
import { ModelError } from './providers/types';
import { rawText, RunQueue, type RunEnd } from './queue';
import { runAgent, type ModelPort, type RunResult } from './run';
import { reactionsEnabled } from './tools/whatsapp';
import { Typing } from '../outbound/typing';
import type { OutboundPort } from '../outbound/port';
import { answerCommand, type CommandPorts } from '../commands/context';
import { parseChatCommand } from '../commands/parse';

const SWEEP_MS = 60_000;
/**
 * The status is looked at most this often. Its count of waiting messages reads the table, which before a model is
 * configured can hold thousands of rows; looked at after every hand-off batch, an offline backlog paid that count
 * again and again (a tenth of its CPU at a few thousand waiting).
 */
const STATUS_EVERY_MS = 250;
/** Turns and outcomes are kept this long (sessions.show, the Messages screen); older ones are pruned. */
const KEEP_MS = 30 * 24 * 3_600_000;
export { RESET_REPLY } from '../commands/answer';
export type { Commit } from './commit';

export interface AgentServiceDeps {
  db: Database.Database;
  log: Logger;
  config(): OpenClawConfig;
  stateDir: string;
  models: ModelPort;
  outbox: Outbox;
  outboundPort(accountId: string): OutboundPort | null;
  /** The linked number (+E.164) and phone-number JID of an account, when known. */
  self(accountId: string): { e164?: string; pn?: string };
  defaultAccount(): string;
  emit(event: 'sessions.turn' | 'agent.status', payload: unknown): void;
  /** For chat commands (/config, /status); without them /config answers that edits are unavailable. */
  commands?: CommandPorts;
  now?: () => number;
}

export class AgentService implements AgentControl {
  readonly queue: RunQueue;
  private readonly typing: Typing;
  private readonly now: () => number;
  private sweeper: NodeJS.Timeout | null = null;
  private lastFailure: AgentStatus['lastFailure'];
  private lastStatus = '';
  private statusLook: NodeJS.Timeout | null = null;
  private statusAt = -Infinity;
  private stopped = false;

  constructor(private readonly deps: AgentServiceDeps) {
    this.now = deps.now ?? Date.now;
    const cfg = () => deps.config().agents.defaults;
    this.typing = new Typing(deps.outboundPort, deps.log, cfg().typingIntervalSeconds * 1000);
    this.queue = new RunQueue({
      db: deps.db,
      log: deps.log,
      now: this.now,
      debounceMs: (accountId) => resolveAccount(deps.config(), accountId, deps.stateDir).debounceMs,
      maxConcurrent: () => cfg().maxConcurrent,
      maxAgeMs: () => cfg().pendingMaxAgeMinutes * 60_000,
      canRun: (agentId) => 'refs' in deps.models.resolveChain(agentId),
      expire: (rows) => this.expire(rows),
      run: (batch, signal) => this.runBatch(batch, signal),
    });
  }

  /** Answers what waits (a previous run's leftovers first) and keeps expiring and pruning. */
  start(): void {
    this.sweeper = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweeper.unref();
    this.kick();
  }

  /** New hand-offs, a config change: look at the table again. */
  kick(): void {
    this.queue.kick();
    this.statusChanged();
  }

  async stop(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    await this.queue.stop();
    this.stopped = true;
    if (this.statusLook) clearTimeout(this.statusLook);
    this.statusLook = null;
    this.typing.close();
  }

  status(): AgentStatus {
    const cfg = this.deps.config();
    const agentId = cfg.agents.list.find((a) => a.default)?.id ?? cfg.agents.list[0]?.id ?? 'main';
    const chain = this.deps.models.resolveChain(agentId);
    const waiting = countUnconsumed(this.deps.db);
    const simulated = this.deps.models.simulated();
    const messages = `${waiting} message${waiting === 1 ? '' : 's'} waiting`;
    const sentence =
      'refs' in chain
        ? `Answering with ${chain.refs[0]}${simulated ? ' (simulated)' : ''}` +
          (waiting > 0 ? ` — ${messages}` : '')
        : `No model configured — ${messages}`;
    return {
      configured: 'refs' in chain,
      sentence,
      waiting,
      running: this.queue.runningCount,
      ...(this.lastFailure ? { lastFailure: this.lastFailure } : {}),
      simulated,
    };
  }

  ask(req: Parameters<AgentControl['ask']>[0]): ReturnType<AgentControl['ask']> {
    return askAgent(this, this.deps, req);
  }

  listSessions(q: { agentId?: string; limit?: number }): SessionSummary[] {
    return listSessions(this.deps.db, { agentId: q.agentId, limit: q.limit ?? 100 }, (k) =>
      this.queue.isRunning(k),
    );
  }

  showSession(key: string, limit = 200): { session: SessionSummary; turns: Turn[] } {
    const session = getSession(this.deps.db, key, (k) => this.queue.isRunning(k));
    if (!session) throw new GatewayError('sessions.unknown', `no session "${key}"`);
    return { session, turns: sessionTurns(this.deps.db, key, limit).map(turnDto) };
  }

  resetSession(key: string): { key: string; reset: boolean } {
    if (!getSession(this.deps.db, key, () => false))
      throw new GatewayError('sessions.unknown', `no session "${key}"`);
    return { key, reset: resetSession(this.deps.db, key, this.now()) };
  }

  outcomes(acceptedSeqs: number[]): MessageOutcome[] {
    const running = this.queue.runningSeqs();
    return outcomesFor(this.deps.db, acceptedSeqs).map((o) =>
      o.state === 'waiting' && running.has(o.acceptedSeq) ? { ...o, state: 'running' } : o,
    );
  }

  /**
   * Writes a run's result in one transaction; nothing is sent unless it committed. Throws (rolling everything
   * back) when one of its messages was settled meanwhile.
   */
  commit(c: Commit): { turns: Turn[]; items: OutboxItem[] } {
    const { stored, after } = commitRun(this.deps.db, this.deps.outbox, c, this.now());
    const items = after.flatMap((s) => s.afterCommit());
    const turns = stored.map(turnDto);
    for (const t of turns) this.deps.emit('sessions.turn', t);
    this.statusChanged();
    return { turns, items };
  }

  private async runBatch(batch: AcceptedRow[], signal: AbortSignal): Promise<RunEnd> {
    const first = batch[0]!;
    const cfg = this.deps.config();
    const runId = randomUUID();
    const base = { sessionKey: first.sessionKey, agentId: first.agentId, label: labelOf(first), runId };
    const command = parseChatCommand(rawText(first));
    if (command) {
      // Never the model, so commands work before one is configured (queue.ts runs them alone, even then).
      const answer = await answerCommand(first, command, {
        db: this.deps.db,
        cfg,
        stateDir: this.deps.stateDir,
        self: this.deps.self(first.account),
        models: this.deps.models,
        ports: this.deps.commands,
      });
      this.commit({ ...base, ...answer });
      this.deps.log.info(
        { sessionKey: first.sessionKey },
        `chat command /${command.name}: ${answer.settle[0]!.reason}`,
      );
      return 'done';
    }
    const chain = this.deps.models.resolveChain(first.agentId);
    if (!('refs' in chain)) return 'retry';
    const chat = chatOf(first);
    const stopTyping = this.typing.start(first.account, chat);
    const defaults = cfg.agents.defaults;
    const timeout = new AbortController();
    // The queue's stop and the time limit as one signal, through a listener released after the run: AbortSignal.any
    // costs several times more per run and leaves each combination for the garbage collector to sort out.
    const either = new AbortController();
    const onStop = () => either.abort(signal.reason);
    if (signal.aborted) onStop();
    else signal.addEventListener('abort', onStop, { once: true });
    const timer = setTimeout(() => {
      timeout.abort();
      either.abort(timeout.signal.reason);
    }, defaults.timeoutSeconds * 1000);
    this.statusChanged();
    let result: RunResult;
    try {
      result = await runAgent(
        this.runDeps(),
        {
          agentId: first.agentId,
          sessionKey: first.sessionKey,
          accountId: first.account,
          chat: {
            kind: first.chat.endsWith('@g.us') ? 'group' : 'dm',
            groupSubject: str(first.meta.groupSubject),
          },
          messages: batch.map((r) => ({
            envelope: r.body,
            messageId: r.messageId,
            chatJid: chatOf(r),
            senderJid: str(r.meta.senderJid),
            fromMe: r.meta.fromMe === true,
            mediaPath: str(r.meta.mediaPath),
            mediaType: str(r.meta.mediaType),
          })),
          reactIn: chat,
          reactionsEnabled: reactionsEnabled(cfg, first.account),
          historyLimit: typeof first.meta.historyLimit === 'number' ? first.meta.historyLimit : undefined,
          refs: chain.refs,
        },
        either.signal,
      );
    } catch (err) {
      if (signal.aborted) return 'stopped'; // rows stay unconsumed: the next start answers them
      const reason = timeout.signal.aborted
        ? `no answer within ${defaults.timeoutSeconds} s (agents.defaults.timeoutSeconds)`
        : err instanceof ModelError
          ? err.message
          : `the run failed: ${(err as Error).message}`;
      if (err instanceof ModelError && err.kind === 'not_configured') return 'retry';
      return this.failed(batch, base, reason, err instanceof ModelError ? err.details.model : undefined);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onStop);
      stopTyping();
    }
    const payloads = await replyPayloads({
      cfg,
      stateDir: this.deps.stateDir,
      accountId: first.account,
      selfChat: this.deps.self(first.account).pn === chat,
      text: result.text,
      log: this.deps.log,
    });
    this.commit({
      ...base,
      turns: result.turns,
      usage: result.usage,
      costUsd: result.costUsd,
      sends: [
        ...result.reactions.map((r) => ({ accountId: r.accountId, chat: r.chat, payloads: [r.payload] })),
        { accountId: first.account, chat, payloads },
      ],
      settle: batch.map((r) => ({ seq: r.seq, state: payloads.length > 0 ? 'answered' : 'silent' })),
    });
    return 'done';
  }

  /** Every model failed: the owner sees why (status, log), the sender gets the configured apology. */
  private failed(
    batch: AcceptedRow[],
    base: Pick<Commit, 'sessionKey' | 'agentId' | 'label' | 'runId'>,
    reason: string,
    model?: string,
  ): RunEnd {
    const first = batch[0]!;
    const apology = this.deps.config().agents.defaults.failureReply.trim();
    this.lastFailure = {
      at: new Date(this.now()).toISOString(),
      sessionKey: base.sessionKey,
      reason,
      ...(model ? { model } : {}),
    };
    this.deps.log.warn({ sessionKey: base.sessionKey, model, reason }, `agent run failed: ${reason}`);
    this.commit({
      ...base,
      turns: [],
      sends: [
        {
          accountId: first.account,
          chat: chatOf(first),
          payloads: apology ? [{ kind: 'text', text: apology }] : [],
        },
      ],
      settle: batch.map((r) => ({ seq: r.seq, state: 'failed', reason })),
    });
    return 'done';
  }

  private expire(rows: AcceptedRow[]): void {
    const minutes = this.deps.config().agents.defaults.pendingMaxAgeMinutes;
    const reason = `not answered within ${minutes} minutes (agents.defaults.pendingMaxAgeMinutes)`;
    for (const row of rows) {
      try {
        this.commit({
          sessionKey: row.sessionKey,
          agentId: row.agentId,
          label: labelOf(row),
          runId: randomUUID(),
          turns: [],
          sends: [],
          settle: [{ seq: row.seq, state: 'expired', reason }],
        });
        this.deps.log.warn(
          { sessionKey: row.sessionKey, messageId: row.messageId },
          `message expired: ${reason}`,
        );
      } catch (err) {
        this.deps.log.warn({ err, seq: row.seq }, 'could not mark a message expired');
      }
    }
  }

  runDeps() {
    const { db, log, config, stateDir, models } = this.deps;
    return { db, log, config, stateDir, models, ownerE164: (id: string) => this.deps.self(id).e164 };
  }

  private sweep(): void {
    try {
      pruneAgent(this.deps.db, this.now(), KEEP_MS);
    } catch (err) {
      this.deps.log.warn({ err }, 'pruning old transcripts failed');
    }
    this.kick();
  }

  /**
   * Every hand-off kicks and every run starts and commits, and status() counts the waiting rows: one look per
   * turn of the event loop serves a whole burst of them.
   */
  private statusChanged(): void {
    if (this.statusLook || this.stopped) return;
    const wait = Math.max(0, this.statusAt + STATUS_EVERY_MS - performance.now());
    this.statusLook = setTimeout(() => {
      this.statusLook = null;
      this.statusAt = performance.now();
      const status = this.status();
      const json = JSON.stringify(status);
      if (json === this.lastStatus) return;
      this.lastStatus = json;
      this.deps.emit('agent.status', status);
    }, wait);
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Where the reply goes: the chat as WhatsApp addressed it (a LID chat stays a LID chat). */
export const chatOf = (row: AcceptedRow): string => str(row.meta.chatJid) ?? row.chat;

function labelOf(row: AcceptedRow): string {
  if (row.chat.endsWith('@g.us')) return str(row.meta.groupSubject) ?? row.chat;
  const from = str(row.meta.from) ?? row.chat;
  const name = (row.meta.sender as { name?: string } | undefined)?.name;
  return name ? `${name} (${from})` : from;
}
