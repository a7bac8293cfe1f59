// What the inbound pipeline needs from a connected WhatsApp account. The account (whatsapp/) implements it over
// its Baileys socket; the pipeline never sees Baileys, and tests of the pipeline's decisions need no socket.
import type { MediaRef, RawInbound } from './types';

export type MediaDownload =
  | { ok: true; path: string; bytes: number; mimetype: string }
  | { ok: false; reason: 'too_large' | 'failed'; detail: string };

export interface SelfIdentity {
  /** Our phone-number JID without device (…@s.whatsapp.net). */
  pn: string | null;
  /** Our LID JID without device (…@lid). */
  lid: string | null;
  /** The linked number, +E.164. */
  e164: string | null;
}

export interface GroupInfo {
  subject: string;
  /** Participants by JID as the group names them (PN or LID), with the phone number when WhatsApp gives it. */
  participants: Array<{ jid: string; e164: string | null }>;
}

export interface InboundPort {
  readonly accountId: string;
  self(): SelfIdentity;
  /** When the current connection opened (ms since the epoch); null while not connected. */
  connectedAt(): number | null;
  /** Blue ticks for one message. */
  markRead(raw: RawInbound): Promise<void>;
  downloadMedia(ref: MediaRef, messageId: string, maxBytes: number): Promise<MediaDownload>;
  /** Subject and participants (cached 5 minutes); null when the group cannot be read. */
  groupInfo(groupJid: string): Promise<GroupInfo | null>;
}

/**
 * How the pipeline answers (pairing codes, /activation, ack reactions): through the outbox, as automatic items,
 * held while the account is disconnected. Each returns the stored message id; throws for an account not running.
 */
export interface ReplyPort {
  sendText(accountId: string, chatJid: string, text: string): string;
  /** An emoji reaction to one message (participant included for groups). */
  react(raw: RawInbound, emoji: string): string;
}
