// Which agents have heartbeats and with what settings. A per-agent block merges over agents.defaults.heartbeat;
// as in the reference product, once any agent has its own block only those agents run heartbeats, otherwise the
// default agent runs one on the defaults (a heartbeat per agent would multiply what idle agents cost).
import { parseDurationMs, type OpenClawConfig } from '../../config/schema';
import { defaultAgentId } from '../../routing/route';
import type { ActiveHours } from './active-hours';

export const DEFAULT_HEARTBEAT_PROMPT =
  'Read HEARTBEAT.md if it exists (workspace context). Follow it strictly. Do not infer or repeat old tasks from prior chats. If nothing needs attention, reply HEARTBEAT_OK.';
export const DEFAULT_ACK_MAX_CHARS = 300;

export interface HeartbeatPlan {
  agentId: string;
  /** As configured ("30m"); `everyMs` 0 means off. */
  every: string;
  everyMs: number;
  activeHours?: ActiveHours;
  model?: string;
  session?: string;
  target: 'last' | 'none' | 'whatsapp';
  to?: string;
  accountId?: string;
  prompt: string;
  ackMaxChars: number;
}

export function heartbeatPlans(cfg: OpenClawConfig): HeartbeatPlan[] {
  const defaults = cfg.agents.defaults.heartbeat;
  const own = cfg.agents.list.filter((a) => a.heartbeat !== undefined);
  const agents =
    own.length > 0
      ? own.map((a) => ({ id: a.id, block: a.heartbeat! }))
      : [{ id: defaultAgentId(cfg), block: {} }];
  return agents.map(({ id, block }) => {
    const merged = { ...defaults, ...dropUndefined(block) };
    const activeHours = merged.activeHours;
    const timezone = activeHours?.timezone ?? cfg.agents.defaults.userTimezone;
    return {
      agentId: id,
      every: merged.every,
      everyMs: parseDurationMs(merged.every, 'm') ?? 0,
      ...(activeHours ? { activeHours: { ...activeHours, ...(timezone ? { timezone } : {}) } } : {}),
      ...(merged.model?.trim() ? { model: merged.model.trim() } : {}),
      ...(merged.session?.trim() ? { session: merged.session.trim() } : {}),
      target: merged.target ?? 'last',
      ...(merged.to ? { to: merged.to } : {}),
      ...(merged.accountId ? { accountId: merged.accountId } : {}),
      prompt: merged.prompt?.trim() || DEFAULT_HEARTBEAT_PROMPT,
      ackMaxChars: merged.ackMaxChars ?? DEFAULT_ACK_MAX_CHARS,
    };
  });
}

function dropUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The session a heartbeat runs in: `session` (a full key, or a name under the agent), else the agent's main one. */
export function heartbeatSessionKey(cfg: OpenClawConfig, plan: HeartbeatPlan): string {
  const agent = `agent:${plan.agentId.toLowerCase()}`;
  if (!plan.session) return `${agent}:${cfg.session.mainKey}`;
  return plan.session.startsWith('agent:') ? plan.session : `${agent}:${plan.session}`;
}
