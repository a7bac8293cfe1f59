// The outbound part of the control contract (contract.ts spreads it into its method table): sending, reactions
// and the outbox. Kept apart so each contract file stays readable.
import { z } from 'zod';
import { AccountIdParam } from './contract-params';

/** One message in the outbox (outbound/outbox.ts): what, where, and how far it got. */
export const OUTBOX_STATES = ['pending', 'sending', 'sent', 'failed', 'expired', 'cancelled'] as const;
export const OutboxItemSchema = z.object({
  seq: z.number().int(),
  accountId: z.string(),
  /** The chat JID the message goes to. */
  chat: z.string(),
  /** The WhatsApp message id, chosen when the item was stored and used by every attempt. */
  messageId: z.string(),
  kind: z.enum(['text', 'media', 'react']),
  /** Who asked: the CLI, another API caller, or an automatic reply (held while disconnected). */
  origin: z.enum(['cli', 'api', 'auto']),
  state: z.enum(OUTBOX_STATES),
  attempts: z.number().int(),
  /** Why it failed or expired, or the last transient error while it waits for a retry. */
  error: z.string().optional(),
  createdAt: z.string(),
  sentAt: z.string().optional(),
  nextAttemptAt: z.string().optional(),
  expiresAt: z.string().optional(),
  /** First 80 characters of a text, "<media:image> caption", or "react 👍". */
  preview: z.string(),
});
export type OutboxItem = z.infer<typeof OutboxItemSchema>;

export const outboundMethods = {
  'message.send': {
    /**
     * Stores a message (text chunks and media items) in the outbox and returns at once with the WhatsApp ids it
     * will carry. Fails without storing anything when the account is not connected or a media item cannot be used.
     */
    request: z.strictObject({
      to: z
        .string()
        .trim()
        .regex(
          /^(\+[1-9]\d{6,14}|[0-9]{5,32}(-[0-9]+)?@g\.us)$/,
          'a phone number in E.164 form (+15551234567) or a group JID (…@g.us)',
        ),
      message: z.string().max(100_000).optional(),
      media: z.array(z.string().min(1)).max(10).optional(),
      gifPlayback: z.boolean().optional(),
      accountId: AccountIdParam,
      /** Who is asking, as shown in the outbox ("api" when unset). */
      origin: z.enum(['cli', 'api']).optional(),
    }),
    response: z.object({ accountId: z.string(), to: z.string(), ids: z.array(z.string()) }),
  },
  'message.react': {
    /** A reaction to one message; an empty emoji removes ours. `participant` is the sender in groups. */
    request: z.strictObject({
      accountId: AccountIdParam,
      chat: z.string().min(3).max(200),
      messageId: z.string().min(1).max(200),
      emoji: z.string().max(32),
      participant: z.string().min(3).max(200).optional(),
      fromMe: z.boolean().optional(),
    }),
    response: z.object({ id: z.string() }),
  },
  'outbox.list': {
    /** Newest first. */
    request: z
      .strictObject({
        accountId: AccountIdParam,
        state: z.enum(OUTBOX_STATES).optional(),
        limit: z.number().int().min(1).max(1000).optional(),
      })
      .optional(),
    response: z.object({ items: z.array(OutboxItemSchema) }),
  },
  'outbox.retry': {
    /** Sends a failed, expired or cancelled item again (same message id). */
    request: z.strictObject({ seq: z.number().int().min(1) }),
    response: OutboxItemSchema,
  },
  'outbox.cancel': {
    /** Cancels an item that has not been sent yet. */
    request: z.strictObject({ seq: z.number().int().min(1) }),
    response: OutboxItemSchema,
  },
};
