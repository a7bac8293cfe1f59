// One agent run: the workspace and system prompt, the session's history, the user turn, then the loop — a model
// turn, the tool calls it asked for, their results, again — up to agents.defaults.maxTurns. Nothing here writes
// to the database or sends anything: the run returns its turns, its final text and the reactions it asked for,
// and the service commits all of it with the outcome in one transaction (service.ts).
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { OpenClawConfig } from '../config/schema';
import type { OutboundPayload } from '../outbound/types';
import type { NewTurn } from '../store/queries/sessions';
import { boundHistory, estimateMessages, estimateTokens, MAX_HISTORY_TURNS } from './history';
import type { ChatMessage, ModelAttempt, ModelRequest, ModelResult, Usage } from './providers/types';
import { buildSystemPrompt } from './system-prompt';
import { transcript } from './transcript-cache';
import { parseWhatsAppCall, whatsappToolSpec } from './tools/whatsapp';
import { userTurn, type TurnMessage } from './user-turn';
import { workspaceDir, workspaceFiles } from './workspace';

/** What the run needs of the model registry (agent/providers/registry.ts implements it). */
export interface ModelPort {
  resolveChain(agentId: string): { refs: string[] } | { error: string };
  modelInfo(
    ref: string,
  ): { input: Array<'text' | 'image'>; contextWindow: number; maxTokens: number } | undefined;
  complete(refs: string[], req: ModelRequest): Promise<ModelResult & { attempts: ModelAttempt[] }>;
  simulated(): boolean;
}

export interface RunDeps {
  db: Database.Database;
  log: Logger;
  config(): OpenClawConfig;
  stateDir: string;
  models: ModelPort;
  /** The linked number of an account (the owner), when known. */
  ownerE164(accountId: string): string | undefined;
}

export interface RunInput {
  agentId: string;
  sessionKey: string;
  accountId: string;
  chat: { kind: 'dm' | 'group'; groupSubject?: string };
  /** The messages this turn answers (several when folded), oldest first. */
  messages: TurnMessage[];
  /** The current chat's JID when the model may react in it; null offers no tool (a CLI ask without a chat). */
  reactIn: string | null;
  reactionsEnabled: boolean;
  /** User turns of history kept (DM history limit); undefined = only the context window bounds it. */
  historyLimit?: number;
  refs: string[];
}

export interface RunResult {
  /** The new turns in order: the user turn, then each assistant turn and tool result. */
  turns: NewTurn[];
  text: string;
  model: string;
  usage: Usage;
  costUsd: number;
  reactions: Array<{ accountId: string; chat: string; payload: OutboundPayload }>;
}

const ZERO: Usage = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };

function addUsage(a: Usage, b: Usage): Usage {
  return {
    input: a.input + b.input,
    output: a.output + b.output,
    cacheRead: a.cacheRead + b.cacheRead,
    cacheWrite: a.cacheWrite + b.cacheWrite,
  };
}

function textOf(m: ChatMessage): string {
  if (m.role !== 'user' || typeof m.content === 'string') return m.content as string;
  return m.content
    .filter((p) => p.type === 'text')
    .map((p) => (p as { text: string }).text)
    .join('\n');
}

export async function runAgent(deps: RunDeps, input: RunInput, signal: AbortSignal): Promise<RunResult> {
  const cfg = deps.config();
  const agent = cfg.agents.list.find((a) => a.id === input.agentId);
  const agentName = agent?.identity?.name ?? agent?.name ?? cfg.identity.name;
  const dir = workspaceDir(cfg, deps.stateDir, input.agentId);
  const files = await workspaceFiles(dir, { agentName, maxChars: cfg.agents.defaults.bootstrapMaxChars });
  for (const s of files.skipped)
    deps.log.warn({ agentId: input.agentId, file: s.name, reason: s.reason }, 'workspace file skipped');

  const offerTool = input.reactIn !== null && input.reactionsEnabled;
  const tools = offerTool ? [whatsappToolSpec()] : [];
  // Only per-session facts: anything that changes per turn travels in the user turn, so the prompt stays
  // byte-identical and the provider's prompt cache keeps hitting.
  const system = buildSystemPrompt({
    agentId: input.agentId,
    agentName,
    files: [...files],
    chat: input.chat,
    owner: { e164: deps.ownerE164(input.accountId) },
    tools: tools.map((t) => t.name),
    userTimezone: cfg.agents.defaults.userTimezone,
  });

  const info = deps.models.modelInfo(input.refs[0]!);
  const user = await userTurn(input.messages, { images: info?.input.includes('image') ?? false });
  const window = info ? info.contextWindow - info.maxTokens : 100_000;
  const history = boundHistory(transcript(deps.db, input.sessionKey, MAX_HISTORY_TURNS, input.historyLimit), {
    userTurns: input.historyLimit,
    tokens: Math.max(0, window - estimateTokens(system) - estimateMessages([user])),
  });

  const turns: NewTurn[] = [
    { role: 'user', text: textOf(user), messageIds: input.messages.map((m) => m.messageId) },
  ];
  const messages: ChatMessage[] = [...history, user];
  const reactions: RunResult['reactions'] = [];
  let usage = ZERO;
  let costUsd = 0;
  let last: ModelResult | undefined;
  const maxTurns = cfg.agents.defaults.maxTurns;
  for (let i = 0; i < maxTurns; i++) {
    last = await deps.models.complete(input.refs, { system, messages, tools, signal });
    usage = addUsage(usage, last.usage);
    costUsd += last.costUsd;
    turns.push({
      role: 'assistant',
      text: last.text,
      ...(last.toolCalls.length ? { toolCalls: last.toolCalls } : {}),
      model: last.model,
      usage: last.usage,
      costUsd: last.costUsd,
    });
    messages.push({
      role: 'assistant',
      content: last.text,
      ...(last.toolCalls.length ? { toolCalls: last.toolCalls } : {}),
    });
    if (last.toolCalls.length === 0) break;
    // Every call gets its result, even on the last allowed turn: a transcript with an unanswered call is one
    // that the next request's provider refuses.
    for (const call of last.toolCalls) {
      let content: string;
      let isError = false;
      const parsed =
        call.name === 'whatsapp' && offerTool
          ? parseWhatsAppCall(call.arguments, { accountId: input.accountId, chatJid: input.reactIn! })
          : ({ ok: false, error: `there is no tool named "${call.name}"` } as const);
      if (parsed.ok) {
        reactions.push({ accountId: parsed.accountId, chat: parsed.chat, payload: parsed.payload });
        content = 'Done: the reaction is sent together with your reply.';
      } else {
        content = `Error: ${parsed.error}`;
        isError = true;
      }
      turns.push({ role: 'tool', text: content, toolCallId: call.id, toolName: call.name });
      messages.push({
        role: 'tool',
        toolCallId: call.id,
        name: call.name,
        content,
        ...(isError ? { isError } : {}),
      });
    }
  }
  return { turns, text: last?.text ?? '', model: last?.model ?? input.refs[0]!, usage, costUsd, reactions };
}
