// Every admin payload, validated before anything touches the simulator. Objects are strict so a misspelt field
// is an error that names it, not a silently ignored option.
import { z } from 'zod';

const E164 = /^\+?[1-9]\d{6,14}$/;
export const e164 = z
  .string()
  .regex(E164, { error: 'must be a phone number in E.164 form, like +15551234567' })
  .transform((s) => (s.startsWith('+') ? s : `+${s}`));

const name = z.string().max(100);
const messageId = z.string().min(1).max(128);

export const PhoneBody = z.strictObject({ e164, name: name.optional() });

export const ContactBody = z.strictObject({
  e164,
  name: name.optional(),
  devices: z.int().min(1).max(16).optional(),
});

export const ScanBody = z.strictObject({ phone: e164, qr: z.string().min(1).max(2000) });
export const RejectBody = z.strictObject({ qr: z.string().min(1).max(2000) });

export const MEDIA_KINDS = ['image', 'video', 'audio', 'document', 'sticker'] as const;

export const SendBody = z
  .strictObject({
    from: e164,
    to: e164,
    text: z.string().max(65_536).optional(),
    media: z
      .strictObject({
        kind: z.enum(MEDIA_KINDS),
        base64: z.base64().min(1),
        caption: z.string().max(4096).optional(),
        fileName: z.string().min(1).max(255).optional(),
        mimetype: z.string().min(1).max(255).optional(),
        ptt: z.boolean().optional(),
        seconds: z.int().min(0).max(86_400).optional(),
      })
      .optional(),
    quote: z.strictObject({ id: messageId, fromMe: z.boolean() }).optional(),
    mentions: z.array(e164).max(256).optional(),
  })
  .refine((b) => b.text !== undefined || b.media !== undefined, {
    error: 'give text, media, or both',
    path: ['text'],
  });

export const ReactBody = z.strictObject({
  from: e164,
  to: e164,
  id: messageId,
  fromMe: z.boolean(),
  emoji: z.string().max(32),
});

export const ReadBody = z.strictObject({ from: e164, to: e164, ids: z.array(messageId).min(1).max(256) });

export const PRESENCE_STATES = ['available', 'unavailable', 'composing', 'paused', 'recording'] as const;
export const PresenceBody = z.strictObject({ from: e164, to: e164, state: z.enum(PRESENCE_STATES) });

/** Faults aimed at one linked device (the first connected one of `phone` unless `device` says which). */
export const DEVICE_FAULTS = [
  'conflict',
  'deviceRemoved',
  'restartRequired',
  'abruptClose',
  'malformedStanza',
  'garbageFrame',
] as const;
export const SERVER_FAULTS = [
  'refuseConnections',
  'acceptConnections',
  'silentHandshakes',
  'answerHandshakes',
  'slowResponses',
  'restartAfterEachLogin',
] as const;
/** Faults aimed at a phone's account as a whole: `rateOverlimit` refuses its next `count` sends (0 lifts it). */
export const ACCOUNT_FAULTS = ['rateOverlimit'] as const;
export const FAULT_KINDS = [...DEVICE_FAULTS, ...SERVER_FAULTS, ...ACCOUNT_FAULTS] as const;
export type DeviceFault = (typeof DEVICE_FAULTS)[number];

export const FaultBody = z
  .strictObject({
    kind: z.enum(FAULT_KINDS),
    phone: e164.optional(),
    device: z.int().min(0).max(1000).optional(),
    ms: z.int().min(0).max(86_400_000).optional(),
    count: z.int().min(0).max(100_000).optional(),
  })
  .superRefine((b, ctx) => {
    if (b.kind === 'rateOverlimit' && b.count === undefined)
      ctx.addIssue({ code: 'custom', path: ['count'], message: 'rateOverlimit needs count (0 lifts it)' });
    const needsPhone = [...DEVICE_FAULTS, ...ACCOUNT_FAULTS] as readonly string[];
    if (needsPhone.includes(b.kind) && b.phone === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['phone'],
        message: `${b.kind} needs the phone whose device to hit`,
      });
    if (b.kind === 'slowResponses' && b.ms === undefined)
      ctx.addIssue({ code: 'custom', path: ['ms'], message: 'slowResponses needs ms (0 turns it off)' });
  });

export const MessagesQuery = z.strictObject({
  person: e164,
  since: z.coerce.number().int().min(0).optional(),
});

/** Parses or throws a message naming each bad field, e.g. `media.kind: Invalid option: …`. */
export function parseOr400<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const detail = result.error.issues
    .map((i) => `${i.path.length ? i.path.join('.') : 'body'}: ${i.message}`)
    .join('; ');
  throw new HttpError(400, detail);
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
