// The heartbeat part of the control contract (contract.ts spreads it in): each agent's heartbeat schedule and last
// result, and "Run now". Read by `openclaw heartbeat`, the Heartbeat card and its live event.
import { z } from 'zod';

export const HEARTBEAT_RESULTS = ['ok', 'alert', 'skipped', 'failed'] as const;

/** One run: `ok` (nothing to report), `alert` (delivered), `skipped` and `failed` with the reason. */
export const HeartbeatRunSchema = z.object({
  at: z.string(),
  result: z.enum(HEARTBEAT_RESULTS),
  reason: z.string().optional(),
  /** The chat an alert went to. */
  target: z.string().optional(),
  /** Tokens the run spent (input, output and cache together); 0 when no model was asked. */
  tokens: z.number().int(),
  costUsd: z.number(),
});
export type HeartbeatRun = z.infer<typeof HeartbeatRunSchema>;

export const HeartbeatAgentSchema = z.object({
  agentId: z.string(),
  every: z.string(),
  /** False when `every` is 0. */
  enabled: z.boolean(),
  nextRunAt: z.string().nullable(),
  /** `last`, `none`, or the configured number or group. */
  target: z.string(),
  /** "HH:MM-HH:MM" when limited. */
  activeHours: z.string().optional(),
  last: HeartbeatRunSchema.optional(),
});
export type HeartbeatAgent = z.infer<typeof HeartbeatAgentSchema>;

export const HeartbeatStatusSchema = z.object({ agents: z.array(HeartbeatAgentSchema) });
export type HeartbeatStatus = z.infer<typeof HeartbeatStatusSchema>;

export const heartbeatMethods = {
  'heartbeat.status': { request: z.strictObject({}).optional(), response: HeartbeatStatusSchema },
  'heartbeat.run': {
    /** Runs an agent's heartbeat now (the default agent's when none is named) and returns what it did. */
    request: z.strictObject({ agentId: z.string().min(1).max(64).optional() }).optional(),
    response: HeartbeatRunSchema.extend({ agentId: z.string() }),
  },
} as const;

export const heartbeatEvents = {
  /** A heartbeat ran or was re-planned; carries the whole status. */
  'heartbeat.changed': HeartbeatStatusSchema,
} as const;
