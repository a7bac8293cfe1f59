// What outbound needs from one WhatsApp account. whatsapp/outbound-socket.ts implements it over the live Baileys
// socket; outbound never sees Baileys, and the outbox's decisions are tested without a socket.
import type { OutboundPayload } from './types';

/** Why a send did not happen, as the outbox acts on it. */
export type SendFailureKind =
  /** Never reached WhatsApp because the account is not connected: held, not counted as an attempt. */
  | 'offline'
  /** Worth another attempt later (timeout, closed connection, server error). */
  | 'transient'
  /** WhatsApp's `rate-overlimit`: back off for the whole account. */
  | 'rate_limited'
  /** Will never work (not on WhatsApp, bad JID, media refused or missing): the item fails with the reason. */
  | 'permanent';

export class SendFailure extends Error {
  constructor(
    readonly kind: SendFailureKind,
    message: string,
  ) {
    super(message);
    this.name = 'SendFailure';
  }
}

export interface OutboundPort {
  readonly accountId: string;
  /** True while the account's socket is logged in. */
  connected(): boolean;
  /** A fresh WhatsApp message id (chosen when an item is stored, reused by every attempt). */
  newMessageId(): string;
  /**
   * Writes one payload under the given id (the outbox has recorded it as ours, for echo dedupe) and resolves once
   * it is on its way; `acked` settles when WhatsApp acknowledges it. Both reject with SendFailure. `content` is the
   * message as it went out (opaque bytes), stored with the sent mark for resends the recipient asks for.
   */
  send(
    chat: string,
    payload: OutboundPayload,
    messageId: string,
  ): Promise<{ acked: Promise<void>; content?: Uint8Array }>;
  /** `composing` / `paused` in one chat; callers treat a failure as harmless. */
  presence(chat: string, state: 'composing' | 'paused'): Promise<void>;
}
