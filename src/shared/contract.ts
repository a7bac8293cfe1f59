// The control contract: one zod schema per method request/response and per event payload. The main process and
// the control server validate every incoming payload against it; the renderer and CLI take their types from it.
import { z } from 'zod';
import { agentEvents, agentMethods } from './contract-agent';
import { heartbeatEvents, heartbeatMethods } from './contract-heartbeat';
import { OutboxItemSchema, outboundMethods } from './contract-outbound';
import { AccountIdParam } from './contract-params';
import type { EVENT_NAMES, METHOD_NAMES } from './names';

export { OUTBOX_STATES, OutboxItemSchema, type OutboxItem } from './contract-outbound';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export const LogLevelSchema = z.enum(LOG_LEVELS);
export type LogLevel = z.infer<typeof LogLevelSchema>;

/** A problem found in the config, located by its dotted key path ('' for the file as a whole). */
export const ConfigIssueSchema = z.object({
  path: z.string(),
  message: z.string(),
  line: z.number().int().optional(),
  column: z.number().int().optional(),
});
export type ConfigIssue = z.infer<typeof ConfigIssueSchema>;

export const ConfigStatusSchema = z.object({
  /** Absolute path of the config file. */
  file: z.string(),
  /** sha256 of the file text as last read ('' when the file does not exist). */
  hash: z.string(),
  /** Does the file on disk validate? */
  valid: z.boolean(),
  errors: z.array(ConfigIssueSchema),
  warnings: z.array(ConfigIssueSchema),
  /** True when the file is invalid and the gateway runs on the last config that was valid. */
  usingLastGood: z.boolean(),
});
export type ConfigStatus = z.infer<typeof ConfigStatusSchema>;

export const LogEntrySchema = z.object({
  /** Milliseconds since the epoch. */
  time: z.number(),
  level: LogLevelSchema,
  subsystem: z.string(),
  msg: z.string(),
  /** Other structured fields of the line, secrets already redacted. */
  fields: z.record(z.string(), z.unknown()).optional(),
});
export type LogEntry = z.infer<typeof LogEntrySchema>;

export const HealthSchema = z.object({
  version: z.string(),
  pid: z.number().int(),
  startedAt: z.string(),
  uptimeMs: z.number(),
  stateDir: z.string(),
  port: z.number().int(),
  config: ConfigStatusSchema,
});
export type Health = z.infer<typeof HealthSchema>;

/** One typed health state per WhatsApp account; every surface (UI, CLI, tray, logs) reads this. */
export const ACCOUNT_STATES = [
  'unlinked',
  'linking',
  'connecting',
  'open',
  'reconnecting',
  'logged_out',
  'conflict',
  'degraded',
  'stopped',
] as const;
export const AccountStateSchema = z.enum(ACCOUNT_STATES);
export type AccountState = z.infer<typeof AccountStateSchema>;

/**
 * What WhatsApp said about this account's sending (Baileys' `message-capping.update` and
 * `connection.update.reachoutTimeLock`), with when it said it. Absent until WhatsApp says something.
 */
export const SendLimitsSchema = z.object({
  /** The new-chat message cap: NONE, FIRST_WARNING, SECOND_WARNING or CAPPED, with the quota when given. */
  capping: z
    .object({
      status: z.string(),
      used: z.number().optional(),
      total: z.number().optional(),
      cycleEndsAt: z.string().optional(),
      at: z.string(),
    })
    .optional(),
  /** Messages to new contacts blocked until `endsAt` while `active`. */
  reachoutTimelock: z
    .object({
      active: z.boolean(),
      endsAt: z.string().optional(),
      enforcementType: z.string().optional(),
      at: z.string(),
    })
    .optional(),
});
export type SendLimits = z.infer<typeof SendLimitsSchema>;

export const AccountStatusSchema = z.object({
  accountId: z.string(),
  name: z.string().optional(),
  /** Has credentials (a linked device). */
  linked: z.boolean(),
  /** The gateway is managing a connection for it (not stopped, not given up). */
  running: z.boolean(),
  /** The socket is open to WhatsApp. */
  connected: z.boolean(),
  state: AccountStateSchema,
  /** What the state means for the person, and what to do about it. */
  sentence: z.string(),
  /** The linked number in E.164 form. */
  number: z.string().optional(),
  connectedSince: z.string().optional(),
  reconnectAttempts: z.number().int(),
  /** When the next reconnect attempt is due (state reconnecting). */
  nextAttemptAt: z.string().optional(),
  lastInboundAt: z.string().optional(),
  lastError: z.string().optional(),
  /** Messages Baileys could not decrypt ("Bad MAC") since the gateway started. */
  decryptFailures: z.number().int().optional(),
  lastDecryptFailureAt: z.string().optional(),
  sendLimits: SendLimitsSchema.optional(),
  /** The spec's warnings: "Not linked", "Linked but disconnected". */
  warnings: z.array(z.string()),
  timeline: z.array(z.object({ at: z.string(), state: AccountStateSchema, sentence: z.string() })),
});
export type AccountStatus = z.infer<typeof AccountStatusSchema>;

export const QrEventSchema = z.object({
  accountId: z.string(),
  /** The raw QR content (what a phone scans). */
  qr: z.string(),
  /** The same as a PNG data URL, for the UI. */
  dataUrl: z.string(),
  /** When this QR stops being valid (Baileys shows the next one then). */
  expiresAt: z.string(),
});
export type QrEvent = z.infer<typeof QrEventSchema>;

/** An unknown sender waiting for the owner to approve them (DM policy "pairing"). */
export const PairingRequestSchema = z.object({
  accountId: z.string(),
  /** The sender's number in E.164 form. */
  sender: z.string(),
  /** The name the sender chose in WhatsApp, when known. */
  name: z.string().optional(),
  code: z.string(),
  /**
   * The first line of what the sender wrote (at most 120 characters; a media placeholder like "<media:image>"
   * for a photo). Untrusted text: display it as text, never as markup or a command.
   */
  firstLine: z.string().optional(),
  createdAt: z.string(),
  expiresAt: z.string(),
});
export type PairingRequest = z.infer<typeof PairingRequestSchema>;

export const ApprovedSenderSchema = z.object({
  accountId: z.string(),
  sender: z.string(),
  name: z.string().optional(),
  approvedAt: z.string(),
  /** How the sender got in: approved from a pairing request, or imported from a reference install's file. */
  via: z.enum(['pairing', 'import']),
});
export type ApprovedSender = z.infer<typeof ApprovedSenderSchema>;

export const PairingSnapshotSchema = z.object({
  pending: z.array(PairingRequestSchema),
  approved: z.array(ApprovedSenderSchema),
});
export type PairingSnapshot = z.infer<typeof PairingSnapshotSchema>;

/** A message handed on to the next stage (the agent): what the model sees, and where a reply goes. */
export const AcceptedMessageSchema = z.object({
  seq: z.number().int(),
  accountId: z.string(),
  /** E.164 for direct chats, the group JID for groups. */
  from: z.string(),
  chatType: z.enum(['dm', 'group']),
  messageId: z.string(),
  agentId: z.string(),
  sessionKey: z.string(),
  /** The envelope: header, body, quoted reply and (groups) injected history. */
  body: z.string(),
  sender: z.object({ e164: z.string().optional(), name: z.string().optional() }),
  replyToId: z.string().optional(),
  replyToBody: z.string().optional(),
  replyToSender: z.string().optional(),
  mediaPath: z.string().optional(),
  mediaType: z.string().optional(),
  /** Groups: the subject (from group metadata, cached 5 minutes). */
  groupSubject: z.string().optional(),
  /** Direct chats: how many user turns of history the agent keeps (dmHistoryLimit, dms["<E164>"].historyLimit). */
  historyLimit: z.number().int().optional(),
  acceptedAt: z.string(),
});
export type AcceptedMessage = z.infer<typeof AcceptedMessageSchema>;

const PairingChannel = z.literal('whatsapp', {
  error: 'the only pairing channel is "whatsapp"',
});
const PairingCode = z
  .string()
  .trim()
  .min(1, 'a pairing code is required')
  .max(32)
  .transform((s) => s.toUpperCase());
const E164Param = z.string().regex(/^\+[1-9]\d{6,14}$/, 'a phone number in E.164 form, like +15551234567');

const KeyPath = z
  .string()
  .trim()
  .min(1, 'a key path such as channels.whatsapp.dmPolicy is required')
  .max(500);
const Empty = z.strictObject({}).optional();

export const methods = {
  health: { request: Empty, response: HealthSchema },
  'channels.status': {
    request: Empty,
    response: z.object({
      accounts: z.array(AccountStatusSchema),
      defaultAccount: z.string(),
      /** Set when every account is pointed at the loopback simulator instead of WhatsApp. */
      simulator: z.string().nullable(),
    }),
  },
  'channels.login.start': {
    /** Starts linking (a QR) for an account; `force` re-links an account that is already linked. */
    request: z.strictObject({ accountId: AccountIdParam, force: z.boolean().optional() }).optional(),
    response: z.object({ accountId: z.string(), state: AccountStateSchema, qr: QrEventSchema.nullable() }),
  },
  'channels.login.wait': {
    /** Resolves when the account is linked and open, or says why not (timeout, logged out…). */
    request: z
      .strictObject({
        accountId: AccountIdParam,
        timeoutMs: z.number().int().min(1000).max(600_000).optional(),
      })
      .optional(),
    response: AccountStatusSchema,
  },
  'channels.logout': {
    request: z.strictObject({ accountId: AccountIdParam }).optional(),
    response: z.object({ accountId: z.string(), removed: z.boolean() }),
  },
  'channels.reconnect': {
    /**
     * Tries now, with a fresh set of attempts: one account (reconnecting, degraded or stopped by a conflict), or
     * with `waiting`, every account that is reconnecting or degraded (the network came back, the machine woke).
     * Answers with the accounts it reconnected.
     */
    request: z
      .strictObject({ accountId: AccountIdParam, waiting: z.boolean().optional() })
      .refine((p) => !(p.waiting && p.accountId), {
        error: 'give either accountId (one account) or waiting: true (every waiting account), not both',
      })
      .optional(),
    response: z.object({ accounts: z.array(AccountStatusSchema) }),
  },
  'config.get': {
    request: z.strictObject({ path: KeyPath.optional() }).optional(),
    response: ConfigStatusSchema.extend({
      /** The file text as on disk, secrets masked (null when it does not exist). */
      raw: z.string().nullable(),
      /** The effective config (defaults applied, secrets masked) at `path`, or all of it; undefined when unset. */
      value: z.unknown(),
    }),
  },
  'config.set': {
    request: z.strictObject({ path: KeyPath, value: z.unknown(), baseHash: z.string().optional() }),
    response: ConfigStatusSchema,
  },
  'config.setMany': {
    /** Sets every entry in one validated, atomic write (keys that must change together, like dmPolicy and allowFrom). */
    request: z.strictObject({
      entries: z
        .array(
          z.strictObject({
            path: KeyPath,
            value: z.unknown().refine((v) => v !== undefined, 'a value is required'),
          }),
        )
        .min(1, 'at least one entry { path, value } is required')
        .max(100),
      baseHash: z.string().optional(),
    }),
    response: ConfigStatusSchema,
  },
  'config.unset': {
    request: z.strictObject({ path: KeyPath, baseHash: z.string().optional() }),
    response: ConfigStatusSchema,
  },
  'config.apply': {
    /** Replace the whole file with `raw` (the Settings editor); `baseHash` guards against overwriting a newer file. */
    request: z.strictObject({ raw: z.string().max(1_000_000), baseHash: z.string().optional() }),
    response: ConfigStatusSchema,
  },
  'config.validate': {
    /** Validate `raw`, or the file on disk when omitted. Never writes. */
    request: z.strictObject({ raw: z.string().max(1_000_000).optional() }).optional(),
    response: z.object({
      valid: z.boolean(),
      errors: z.array(ConfigIssueSchema),
      warnings: z.array(ConfigIssueSchema),
    }),
  },
  'logs.tail': {
    request: z
      .strictObject({
        limit: z.number().int().min(1).max(5000).optional(),
        subsystem: z.string().max(100).optional(),
        minLevel: LogLevelSchema.optional(),
      })
      .optional(),
    response: z.object({ entries: z.array(LogEntrySchema), file: z.string() }),
  },
  'events.subscribe': {
    request: z.strictObject({ events: z.array(z.string()).min(1).max(20) }),
    response: z.object({ subscribed: z.array(z.string()) }),
  },
  'events.unsubscribe': {
    request: z.strictObject({ events: z.array(z.string()).min(1).max(20) }),
    response: z.object({ subscribed: z.array(z.string()) }),
  },
  'pairing.list': {
    /** Pending requests (expired ones are dropped first) and approved senders, for one account or all. */
    request: z.strictObject({ channel: PairingChannel.optional(), accountId: AccountIdParam }).optional(),
    response: PairingSnapshotSchema,
  },
  'pairing.approve': {
    /** Approves a pending code; the sender is told (pairing confirmation) when the account is connected. */
    request: z.strictObject({ channel: PairingChannel, code: PairingCode, accountId: AccountIdParam }),
    response: z.object({ approved: ApprovedSenderSchema, confirmationSent: z.boolean() }),
  },
  'pairing.deny': {
    request: z.strictObject({ channel: PairingChannel, code: PairingCode, accountId: AccountIdParam }),
    response: z.object({ denied: PairingRequestSchema }),
  },
  'pairing.revoke': {
    /** Removes an approved sender; their next message is treated as from an unknown sender again. */
    request: z.strictObject({ channel: PairingChannel, sender: E164Param, accountId: AccountIdParam }),
    response: z.object({ accountId: z.string(), sender: z.string(), removed: z.boolean() }),
  },
  'inbound.recent': {
    /** The newest messages handed on to the agent stage, newest last. */
    request: z
      .strictObject({ accountId: AccountIdParam, limit: z.number().int().min(1).max(500).optional() })
      .optional(),
    response: z.object({ messages: z.array(AcceptedMessageSchema) }),
  },
  ...outboundMethods,
  ...agentMethods,
  ...heartbeatMethods,
  'ui.link': {
    /** A one-time link that signs a browser into the UI served by the headless gateway. */
    request: Empty,
    response: z.object({ url: z.string(), expiresAt: z.string() }),
  },
} as const;

export const events = {
  'config.changed': ConfigStatusSchema.extend({ source: z.enum(['file', 'control']) }),
  log: LogEntrySchema,
  'channels.qr': QrEventSchema,
  'channels.state': AccountStatusSchema,
  /** Any change to pending requests or approved senders; carries the whole new snapshot. */
  'pairing.changed': PairingSnapshotSchema,
  /** A new pairing request (for a desktop notification). */
  'pairing.requested': PairingRequestSchema,
  'inbound.accepted': AcceptedMessageSchema,
  /** An outbox item was stored or changed state; carries the item. */
  'outbox.changed': OutboxItemSchema,
  ...agentEvents,
  ...heartbeatEvents,
} as const;

export type Methods = typeof methods;
export type Events = typeof events;
export type MethodRequest<M extends keyof Methods> = z.input<Methods[M]['request']>;
export type MethodParams<M extends keyof Methods> = z.output<Methods[M]['request']>;
export type MethodResponse<M extends keyof Methods> = z.output<Methods[M]['response']>;
export type EventPayload<E extends keyof Events> = z.output<Events[E]>;

// Compile-time check that names.ts and these tables list the same names, both ways.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _methodsMatch: Same<keyof Methods, (typeof METHOD_NAMES)[number]> = true;
const _eventsMatch: Same<keyof Events, (typeof EVENT_NAMES)[number]> = true;
void _methodsMatch;
void _eventsMatch;
