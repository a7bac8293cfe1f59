// What the control API (control/agent-methods.ts) needs from the agent and from the model registry. The agent
// service (agent/service.ts) and the registry (agent/providers/registry.ts) implement these; the handlers only
// validate, call and map errors, so each side is tested on its own.
import type {
  AgentStatus,
  MessageOutcome,
  ModelInfo,
  SessionSummary,
  Turn,
  UsageSchema,
} from '../../shared/contract-agent';
import type { OutboxItem } from '../../shared/contract-outbound';
import type { z } from 'zod';

export type UsageDto = z.infer<typeof UsageSchema>;

export interface AgentControl {
  status(): AgentStatus;
  /** One run outside WhatsApp (the CLI's `openclaw agent`); with `to` + `deliver` the answer also goes out. */
  ask(req: {
    message: string;
    agentId?: string;
    to?: string;
    deliver?: boolean;
    accountId?: string;
  }): Promise<{ text: string; model: string; usage: UsageDto; costUsd: number; delivered?: OutboxItem[] }>;
  listSessions(q: { agentId?: string; limit?: number }): SessionSummary[];
  /** Throws GatewayError('sessions.unknown', …) for a key with no session. */
  showSession(key: string, limit?: number): { session: SessionSummary; turns: Turn[] };
  resetSession(key: string): { key: string; reset: boolean };
  outcomes(acceptedSeqs: number[]): MessageOutcome[];
}

export interface ModelTestRequest {
  ref?: string;
  draft?: {
    api: 'openai-completions' | 'anthropic-messages';
    baseUrl: string;
    model: string;
    apiKey?: string;
    provider?: string;
  };
}

export interface ModelControl {
  list(): ModelInfo[];
  /** A real tiny request; never throws for a model failure, it explains it in `message`. */
  test(req: ModelTestRequest): Promise<{ ok: boolean; message: string; ms: number; kind?: string }>;
  /** Writes (or with "" removes) a provider key in the 0600 credentials file. */
  setKey(provider: string, apiKey: string): Promise<{ provider: string; stored: boolean }>;
}
