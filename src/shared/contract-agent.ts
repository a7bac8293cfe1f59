// The agent part of the control contract (contract.ts spreads it into its method table): model status, sessions
// and their transcripts, asking the agent from the CLI, and the model settings' Test. Kept apart so each contract
// file stays readable.
import { z } from 'zod';
import { AccountIdParam } from './contract-params';
import { OutboxItemSchema } from './contract-outbound';

const AgentIdParam = z.string().min(1).max(64).optional();
const SessionKeyParam = z.string().min(1).max(300);

export const UsageSchema = z.object({
  input: z.number().int(),
  output: z.number().int(),
  cacheRead: z.number().int(),
  cacheWrite: z.number().int(),
});

/** Whether the agent can answer, and what is waiting: the header, the tray and `openclaw status` read it. */
export const AgentStatusSchema = z.object({
  /** False when no agent has a usable model (no model set, or its provider is missing). */
  configured: z.boolean(),
  /** One line for people: "No model configured — 3 messages waiting", "Answering with openai/gpt-4o-mini". */
  sentence: z.string(),
  /** Accepted messages not answered yet. */
  waiting: z.number().int(),
  running: z.number().int(),
  /** The last run that failed after retries and fallbacks, for the owner. */
  lastFailure: z
    .object({ at: z.string(), sessionKey: z.string(), model: z.string().optional(), reason: z.string() })
    .optional(),
  /** True when the configured provider is e2e/model-sim (labelled in the UI and logs). */
  simulated: z.boolean(),
});
export type AgentStatus = z.infer<typeof AgentStatusSchema>;

export const TURN_ROLES = ['user', 'assistant', 'tool'] as const;
/** One transcript entry. Tool calls ride on the assistant turn that made them; each result is a `tool` turn. */
export const TurnSchema = z.object({
  seq: z.number().int(),
  sessionKey: z.string(),
  role: z.enum(TURN_ROLES),
  text: z.string(),
  toolCalls: z.array(z.object({ id: z.string(), name: z.string(), arguments: z.string() })).optional(),
  toolCallId: z.string().optional(),
  /** The WhatsApp message ids a user turn holds (several when messages were folded into one turn). */
  messageIds: z.array(z.string()).optional(),
  model: z.string().optional(),
  usage: UsageSchema.optional(),
  costUsd: z.number().optional(),
  at: z.string(),
});
export type Turn = z.infer<typeof TurnSchema>;

export const SessionSummarySchema = z.object({
  key: z.string(),
  agentId: z.string(),
  /** A short label: the contact's number or name, or the group subject. */
  label: z.string(),
  turns: z.number().int(),
  lastActivityAt: z.string().optional(),
  /** Tokens and dollars since the session started. */
  usage: UsageSchema,
  costUsd: z.number(),
  running: z.boolean(),
});
export type SessionSummary = z.infer<typeof SessionSummarySchema>;

/** What happened to one accepted message: answered (with the outbox ids), no reply, failed, expired, or waiting. */
export const OUTCOME_STATES = ['waiting', 'running', 'answered', 'silent', 'failed', 'expired'] as const;
export const MessageOutcomeSchema = z.object({
  acceptedSeq: z.number().int(),
  state: z.enum(OUTCOME_STATES),
  sessionKey: z.string(),
  outboxIds: z.array(z.string()).optional(),
  reason: z.string().optional(),
});
export type MessageOutcome = z.infer<typeof MessageOutcomeSchema>;

export const ModelInfoSchema = z.object({
  /** "provider/model". */
  ref: z.string(),
  provider: z.string(),
  api: z.enum(['openai-completions', 'anthropic-messages']),
  name: z.string().optional(),
  input: z.array(z.enum(['text', 'image'])),
  contextWindow: z.number().int(),
  /** Where its key comes from; never the key. */
  keySource: z.enum(['env', 'config', 'credentials', 'none']),
  /** Used by which agents, as primary or fallback. */
  usedBy: z.array(z.object({ agentId: z.string(), role: z.enum(['primary', 'fallback']) })),
});
export type ModelInfo = z.infer<typeof ModelInfoSchema>;

export const agentMethods = {
  'agent.status': { request: z.strictObject({}).optional(), response: AgentStatusSchema },
  'agent.ask': {
    /**
     * Runs the agent once on a message typed at the CLI (`openclaw agent --message`). With `to` and `deliver`
     * the answer is also sent to that WhatsApp chat through the outbox; otherwise it is only returned.
     */
    request: z.strictObject({
      message: z.string().min(1).max(100_000),
      agentId: AgentIdParam,
      to: z
        .string()
        .trim()
        .regex(/^\+[1-9]\d{6,14}$/, 'a phone number in E.164 form (+15551234567)')
        .optional(),
      deliver: z.boolean().optional(),
      accountId: AccountIdParam,
    }),
    response: z.object({
      text: z.string(),
      model: z.string(),
      usage: UsageSchema,
      costUsd: z.number(),
      delivered: z.array(OutboxItemSchema).optional(),
    }),
  },
  'sessions.list': {
    request: z
      .strictObject({ agentId: AgentIdParam, limit: z.number().int().min(1).max(1000).optional() })
      .optional(),
    response: z.object({ sessions: z.array(SessionSummarySchema) }),
  },
  'sessions.show': {
    request: z.strictObject({
      key: SessionKeyParam,
      limit: z.number().int().min(1).max(1000).optional(),
    }),
    response: z.object({ session: SessionSummarySchema, turns: z.array(TurnSchema) }),
  },
  'sessions.reset': {
    /** Starts the session afresh (as `/new` does): the next request carries no earlier turns. */
    request: z.strictObject({ key: SessionKeyParam }),
    response: z.object({ key: z.string(), reset: z.boolean() }),
  },
  'inbound.outcomes': {
    /** What became of accepted messages (Messages screen links each to its answer). */
    request: z.strictObject({ seqs: z.array(z.number().int().min(1)).max(1000) }),
    response: z.object({ outcomes: z.array(MessageOutcomeSchema) }),
  },
  'models.list': {
    request: z.strictObject({}).optional(),
    response: z.object({ models: z.array(ModelInfoSchema) }),
  },
  'models.test': {
    /**
     * Makes one real tiny request. Either a configured model by reference, or a draft provider from the Settings
     * form (not saved) with the key typed there or the stored one.
     */
    request: z.strictObject({
      ref: z.string().min(3).max(300).optional(),
      draft: z
        .strictObject({
          api: z.enum(['openai-completions', 'anthropic-messages']),
          baseUrl: z.string().url(),
          model: z.string().min(1).max(200),
          apiKey: z.string().max(1000).optional(),
          provider: z.string().min(1).max(64).optional(),
        })
        .optional(),
    }),
    response: z.object({
      ok: z.boolean(),
      /** For people: "Answered in 412 ms" or why not ("The API key was refused (401)…"). */
      message: z.string(),
      ms: z.number().int(),
      kind: z.string().optional(),
    }),
  },
  'models.setKey': {
    /** Stores a provider's API key in the 0600 credentials file (the key field is write-only); "" removes it. */
    request: z.strictObject({ provider: z.string().min(1).max(64), apiKey: z.string().max(1000) }),
    response: z.object({ provider: z.string(), stored: z.boolean() }),
  },
} as const;

export const agentEvents = {
  /** A turn was added to a session's transcript (live Conversations screen). */
  'sessions.turn': TurnSchema,
  'agent.status': AgentStatusSchema,
} as const;
