// Frames of the control WebSocket. The first request on a connection must be `connect`, carrying the token, or (the
// browser UI) the session key that came with the session cookie; anything else before it is refused with
// auth.missing_token.
import { z } from 'zod';
import type { ApiError } from './result';

export const PROTOCOL_VERSION = 1;

export const RequestFrameSchema = z.strictObject({
  type: z.literal('req'),
  id: z.union([z.string().max(64), z.number().int()]),
  method: z.string().max(100),
  params: z.unknown().optional(),
});
export type RequestFrame = z.infer<typeof RequestFrameSchema>;

/** `/login` redirects to `/#ui-key=<key>`: the fragment name our page reads the session key from. */
export const UI_KEY_FRAGMENT = 'ui-key';

export const ConnectParamsSchema = z.strictObject({
  token: z.string().max(512).optional(),
  /** The browser UI's session key: with the session cookie, it signs the page in instead of a token. */
  uiKey: z.string().max(128).optional(),
  client: z.strictObject({ name: z.string().max(100), version: z.string().max(50) }).optional(),
});
export type ConnectParams = z.infer<typeof ConnectParamsSchema>;

export interface ConnectResult {
  protocol: number;
  server: { version: string };
}

export type ResponseFrame =
  | { type: 'res'; id: string | number | null; ok: true; value: unknown }
  | { type: 'res'; id: string | number | null; ok: false; error: ApiError };

export interface EventFrame {
  type: 'event';
  event: string;
  payload: unknown;
  seq: number;
}

export type ServerFrame = ResponseFrame | EventFrame;
