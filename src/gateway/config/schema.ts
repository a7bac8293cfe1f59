// The shape of openclaw.json. Every section is strict except the top level and `channels`, which keep keys from
// the reference product's files so those can be used as they are. An unknown key is a warning naming the key and
// the one probably meant, never a reason to stop (unknown-keys.ts removes them before the schema sees the file).
// Defaults live here so the rest of the gateway reads one fully defaulted object.
import { z } from 'zod';
import { DEFAULT_LOG_FILE } from './paths';

export const E164_RE = /^\+[1-9]\d{6,14}$/;
export const ID_RE = /^[a-z0-9][a-z0-9_-]{0,63}$/i;
const GROUP_JID_RE = /^\d+(-\d+)?@g\.us$/;
const DURATION_RE = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/;

const quote = (v: unknown): string => JSON.stringify(v) ?? String(v);

export const isE164 = (s: string): boolean => E164_RE.test(s);

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Milliseconds for a duration like "30m", "1h", "45s", "0"; a bare number counts in `defaultUnit`. */
export function parseDurationMs(
  s: string,
  defaultUnit: 'ms' | 's' | 'm' | 'h' | 'd' = 'm',
): number | undefined {
  const m = DURATION_RE.exec(s.trim());
  if (!m) return undefined;
  const unitMs = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
  return Math.round(Number(m[1]) * unitMs[(m[2] as keyof typeof unitMs | undefined) ?? defaultUnit]);
}

// ---- reusable leaves -------------------------------------------------------------------------------------------

const Int0 = z.number().int().min(0);
const PositiveMb = z.number().positive();
const Id = (what: string) =>
  z.string().regex(ID_RE, {
    error: (iss) =>
      `${what} ${quote(iss.input)} must be 1-64 letters, digits, "-" or "_", starting with a letter or digit`,
  });

/** An allowlist entry: one sender's phone number, or "*" for everyone. Anything else is refused, never widened. */
const SenderEntry = z.string().refine((s) => s === '*' || E164_RE.test(s), {
  error: (iss) => `${quote(iss.input)} is not a phone number in E.164 form (like +15551234567) or "*"`,
});
const E164Key = z.string().regex(E164_RE, {
  error: (iss) => `${quote(iss.input)} is not a phone number in E.164 form (like +15551234567)`,
});
const GroupKey = z.string().refine((s) => s === '*' || GROUP_JID_RE.test(s), {
  error: (iss) => `${quote(iss.input)} is not a group JID (like 120363012345678901@g.us) or "*"`,
});
const RegexSource = z.string().superRefine((s, ctx) => {
  try {
    new RegExp(s, 'i');
  } catch (err) {
    ctx.addIssue({
      code: 'custom',
      message: `${quote(s)} is not a valid regular expression: ${(err as Error).message}`,
    });
  }
});
const Duration = z.string().refine((s) => parseDurationMs(s) !== undefined, {
  error: (iss) => `must be a duration like "30m", "1h" or "0" (off) (got ${quote(iss.input)})`,
});

export const DM_POLICIES = ['pairing', 'allowlist', 'open', 'disabled'] as const;
export const GROUP_POLICIES = ['open', 'disabled', 'allowlist'] as const;
const DmPolicy = z.enum(DM_POLICIES);
const GroupPolicy = z.enum(GROUP_POLICIES);
const ChunkMode = z.enum(['length', 'newline']);
const AckGroup = z.enum(['always', 'mentions', 'never']);
const Level = z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);

// ---- channels.whatsapp -------------------------------------------------------------------------------------------

/** Keys a WhatsApp account may set for itself or inherit from the channel; none has a default at this level. */
const SharedBase = z.strictObject({
  enabled: z.boolean(),
  configWrites: z.boolean(),
  sendReadReceipts: z.boolean(),
  messagePrefix: z.string().optional(),
  responsePrefix: z.string().optional(),
  dmPolicy: DmPolicy,
  selfChatMode: z.boolean(),
  allowFrom: z.array(SenderEntry).optional(),
  groupAllowFrom: z.array(SenderEntry).optional(),
  groupPolicy: GroupPolicy,
  historyLimit: Int0.optional(),
  dmHistoryLimit: Int0.optional(),
  dms: z.record(E164Key, z.strictObject({ historyLimit: Int0.optional() })).optional(),
  textChunkLimit: z.number().int().min(1),
  chunkMode: ChunkMode,
  /** How long an automatic reply waits for a disconnected account before it is marked expired (outbox). */
  replyMaxAgeMinutes: z.number().positive(),
  groups: z.record(GroupKey, z.strictObject({ requireMention: z.boolean().optional() })).optional(),
  ackReaction: z.strictObject({
    emoji: z.string().optional(),
    direct: z.boolean().optional(),
    group: AckGroup.optional(),
  }),
  debounceMs: Int0,
  /** What an approved sender is told once the owner approves their pairing code; "" sends nothing. */
  pairingConfirmation: z.string().max(1000).optional(),
});

export const SHARED_ACCOUNT_KEYS = Object.keys(SharedBase.shape) as (keyof typeof SharedBase.shape)[];

// Undefined means "inherit from the channel", so an account carries only what it overrides.
export const WhatsAppAccountSchema = SharedBase.partial().extend({
  name: z.string().optional(),
  authDir: z.string().min(1).optional(),
  mediaMaxMb: PositiveMb.optional(),
});

export const WhatsAppChannelSchema = SharedBase.extend({
  enabled: z.boolean().default(true),
  configWrites: z.boolean().default(true),
  sendReadReceipts: z.boolean().default(true),
  dmPolicy: DmPolicy.default('pairing'),
  selfChatMode: z.boolean().default(false),
  groupPolicy: GroupPolicy.default('allowlist'),
  textChunkLimit: z.number().int().min(1).default(4000),
  chunkMode: ChunkMode.default('length'),
  replyMaxAgeMinutes: z.number().positive().default(60),
  ackReaction: z
    .strictObject({
      emoji: z.string().optional(),
      direct: z.boolean().default(true),
      group: AckGroup.default('mentions'),
    })
    .prefault({}),
  debounceMs: Int0.default(0),
  accounts: z.record(Id('account id'), WhatsAppAccountSchema).default({}),
  defaultAccount: z.string().optional(),
  mediaMaxMb: PositiveMb.default(50),
  actions: z.strictObject({ reactions: z.boolean().default(true) }).prefault({}),
});

// ---- web, messages, agents, bindings, … ------------------------------------------------------------------------------

const WebSchema = z.strictObject({
  enabled: z.boolean().default(true),
  heartbeatSeconds: z.number().int().min(1).default(60),
  /** The WhatsApp Web client version to announce (like "2.3000.1023223821"); Baileys' built-in one when unset. */
  whatsappVersion: z
    .string()
    .regex(/^\d+\.\d+\.\d+$/, { error: 'must look like "2.3000.1023223821"' })
    .optional(),
  reconnect: z
    .strictObject({
      initialMs: z.number().int().min(250).default(2000),
      maxMs: z.number().int().min(250).default(30_000),
      factor: z.number().min(1.1).max(10).default(1.8),
      jitter: z.number().min(0).max(1).default(0.25),
      maxAttempts: Int0.default(12),
    })
    .prefault({}),
});

const MentionPatterns = z.array(RegexSource).optional();

const MessagesSchema = z.strictObject({
  messagePrefix: z.string().optional(),
  responsePrefix: z.string().optional(),
  groupChat: z
    .strictObject({ mentionPatterns: MentionPatterns, historyLimit: Int0.default(50) })
    .prefault({}),
  /** The time zone of envelope timestamps: the gateway's local one, "utc", or an IANA name. */
  envelopeTimezone: z
    .string()
    .refine((tz) => tz === 'local' || tz === 'utc' || isTimeZone(tz), {
      error: (iss) => `${quote(iss.input)} is not "local", "utc" or an IANA time zone like "Europe/Vienna"`,
    })
    .default('local'),
  // Accepted so reference files load; WhatsApp ignores both (a warning says so).
  ackReaction: z.unknown().optional(),
  ackReactionScope: z.unknown().optional(),
});

const HHMM_RE = /^([01]\d|2[0-3]):[0-5]\d$/;
const HeartbeatTime = (end: boolean) =>
  z.string().refine((s) => HHMM_RE.test(s) || (end && s === '24:00'), {
    error: (iss) =>
      `${quote(iss.input)} must be a time of day as HH:MM (00:00-23:59${end ? ', or 24:00 for midnight' : ''})`,
  });
/** When heartbeats may run, in `timezone` (else agents.defaults.userTimezone, else the gateway's own zone). */
const ActiveHours = z
  .strictObject({
    start: HeartbeatTime(false),
    end: HeartbeatTime(true),
    timezone: z
      .string()
      .refine((tz) => tz === 'local' || isTimeZone(tz), {
        error: (iss) => `${quote(iss.input)} is not "local" or an IANA time zone like "Europe/Vienna"`,
      })
      .optional(),
  })
  .refine((h) => h.start !== h.end, {
    error:
      'start and end are the same time, so heartbeats would never run; remove activeHours to run all day',
  });
const HeartbeatTo = z.string().refine((s) => E164_RE.test(s) || GROUP_JID_RE.test(s), {
  error: (iss) =>
    `${quote(iss.input)} is not a phone number in E.164 form (like +15551234567) or a group JID (like 120363012345678901@g.us)`,
});

const heartbeatFields = {
  // MODEL_REF_RE is read when a file is checked, after this module has finished loading.
  model: z
    .string()
    .refine((s) => MODEL_REF_RE.test(s), {
      error: (iss) => `${quote(iss.input)} must name a model as "provider/model", like "openai/gpt-4o-mini"`,
    })
    .optional(),
  /** `last`: the last chat the agent answered; `none`: run, deliver nothing; `whatsapp`: to `to`. */
  target: z.enum(['last', 'none', 'whatsapp']).optional(),
  to: HeartbeatTo.optional(),
  accountId: Id('account id').optional(),
  session: z.string().optional(),
  prompt: z.string().optional(),
  activeHours: ActiveHours.optional(),
  /** An acknowledgement with at most this many characters besides HEARTBEAT_OK is not delivered. */
  ackMaxChars: Int0.optional(),
};
const needsTo = {
  error: 'target "whatsapp" needs "to": a phone number in E.164 form or a group JID',
  path: ['to'],
};

/** "provider/model": the provider id from models.providers, then the model id (which may itself contain "/"). */
export const MODEL_REF_RE = /^[a-z0-9][a-z0-9_-]{0,63}\/\S+$/i;
const ModelRef = z.string().regex(MODEL_REF_RE, {
  error: (iss) => `${quote(iss.input)} must name a model as "provider/model", like "openai/gpt-4o-mini"`,
});
/** A model choice: "provider/model", or the primary with fallbacks tried in order when it fails. */
const ModelChoice = z.union([
  ModelRef,
  z.strictObject({ primary: ModelRef, fallbacks: z.array(ModelRef).default([]) }),
]);

const AgentSchema = z.strictObject({
  id: Id('agent id'),
  name: z.string().optional(),
  default: z.boolean().optional(),
  model: ModelChoice.optional(),
  workspace: z.string().optional(),
  identity: z.strictObject({ name: z.string().optional() }).optional(),
  mediaMaxMb: PositiveMb.optional(),
  heartbeat: z.strictObject({ every: Duration.optional(), ...heartbeatFields }).optional(),
  groupChat: z.strictObject({ mentionPatterns: MentionPatterns }).optional(),
});

const AgentsSchema = z.strictObject({
  defaults: z
    .strictObject({
      mediaMaxMb: PositiveMb.default(5),
      /** Media URLs may reach loopback and private addresses (off: an agent can be talked into fetching them). */
      mediaAllowPrivateNetwork: z.boolean().default(false),
      heartbeat: z
        .strictObject({ every: Duration.default('30m'), ...heartbeatFields })
        .refine((h) => h.target !== 'whatsapp' || h.to !== undefined, needsTo)
        .prefault({}),
      model: ModelChoice.optional(),
      workspace: z.string().optional(),
      /** Seconds a whole run (model turns and tools) may take before it is aborted. */
      timeoutSeconds: z.number().int().min(1).default(600),
      /** Runs in progress at once across all sessions (one per session always). */
      maxConcurrent: z.number().int().min(1).max(64).default(4),
      bootstrapMaxChars: z.number().int().min(100).default(20_000),
      /** The IANA zone the agent's envelope times use; the gateway's own zone when unset. */
      userTimezone: z
        .string()
        .refine(isTimeZone, {
          error: (iss) => `${quote(iss.input)} is not an IANA time zone like "Europe/Vienna"`,
        })
        .optional(),
      typingIntervalSeconds: z.number().int().min(1).max(60).default(6),
      /** Model turns (each possibly with tool calls) in one run before it stops. */
      maxTurns: z.number().int().min(1).max(50).default(8),
      /** What the sender is told when every model failed; "" sends nothing (the owner still sees why). */
      failureReply: z
        .string()
        .max(1000)
        .default('Sorry, I could not answer just now. Please try again later.'),
      /** Accepted messages older than this when a model becomes available are marked expired, not answered. */
      pendingMaxAgeMinutes: z
        .number()
        .positive()
        .default(24 * 60),
    })
    .prefault({}),
  list: z.array(AgentSchema).default([]),
});

const ModelCost = z.strictObject({
  input: z.number().min(0).default(0),
  output: z.number().min(0).default(0),
  cacheRead: z.number().min(0).default(0),
  cacheWrite: z.number().min(0).default(0),
});

const ModelSchema = z.strictObject({
  id: z.string().min(1),
  name: z.string().optional(),
  contextWindow: z.number().int().min(256).default(128_000),
  maxTokens: z.number().int().min(1).default(4096),
  input: z.array(z.enum(['text', 'image'])).default(['text']),
  /** US dollars per million tokens. */
  cost: ModelCost.prefault({}),
});

const ProviderSchema = z.strictObject({
  /** The wire format; OpenAI-compatible servers are the common case (OpenAI, OpenRouter, Ollama, LM Studio, vLLM). */
  api: z.enum(['openai-completions', 'anthropic-messages']).default('openai-completions'),
  baseUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL like "https://api.openai.com/v1"' }),
  /** Or from the environment / the credentials file (see agent/providers/keys.ts). */
  apiKey: z.string().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  models: z.array(ModelSchema).default([]),
});

const ModelsSchema = z.strictObject({
  providers: z.record(Id('provider id'), ProviderSchema).default({}),
});

const BindingSchema = z.strictObject({
  agentId: z.string().min(1),
  match: z.strictObject({
    channel: z.literal('whatsapp'),
    accountId: z.string().min(1).optional(),
    peer: z.strictObject({ kind: z.enum(['dm', 'group']), id: z.string().min(1) }).optional(),
  }),
});

const SessionSchema = z.strictObject({
  scope: z.enum(['per-sender', 'global']).default('per-sender'),
  dmScope: z.enum(['main', 'per-peer', 'per-channel-peer', 'per-account-channel-peer']).default('main'),
  mainKey: z.string().min(1).default('main'),
  idleMinutes: Int0.optional(),
  store: z.string().min(1).optional(),
});

const LoggingSchema = z.strictObject({
  level: Level.default('info'),
  /** A template: `YYYY-MM-DD` is replaced by the local date when the file is opened (see resolveLogFile). */
  file: z.string().min(1).default(DEFAULT_LOG_FILE),
  consoleLevel: Level.optional(),
  /** Daily log files kept (newest first); older ones matching the file name are deleted. */
  maxFiles: z.number().int().min(1).max(3650).default(14),
});

const GatewaySchema = z.strictObject({
  port: z.number().int().min(1).max(65535).default(18789),
  auth: z.strictObject({ token: z.string().min(16).optional() }).prefault({}),
});

/** The whole file. Loose at the top and in `channels` only (see the header comment); strict everywhere else. */
export const ConfigSchema = z.looseObject({
  channels: z.looseObject({ whatsapp: WhatsAppChannelSchema.prefault({}) }).prefault({}),
  web: WebSchema.prefault({}),
  messages: MessagesSchema.prefault({}),
  models: ModelsSchema.prefault({}),
  agents: AgentsSchema.prefault({}),
  bindings: z.array(BindingSchema).default([]),
  session: SessionSchema.prefault({}),
  commands: z.strictObject({ config: z.boolean().default(false) }).prefault({}),
  identity: z.strictObject({ name: z.string().optional() }).prefault({}),
  logging: LoggingSchema.prefault({}),
  gateway: GatewaySchema.prefault({}),
});

export type OpenClawConfig = z.output<typeof ConfigSchema>;
export type WhatsAppChannelConfig = OpenClawConfig['channels']['whatsapp'];
export type WhatsAppAccountConfig = z.output<typeof WhatsAppAccountSchema>;
export type AgentConfig = OpenClawConfig['agents']['list'][number];
export type BindingConfig = OpenClawConfig['bindings'][number];
export type ProviderConfig = OpenClawConfig['models']['providers'][string];
export type ModelConfig = ProviderConfig['models'][number];
