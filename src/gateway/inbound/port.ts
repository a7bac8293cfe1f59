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
  /** Sends a text to a chat and remembers its id so its echo is never taken as inbound. Throws when offline. */
  sendText(chatJid: string, text: string): Promise<string>;
  /** Blue ticks for one message. */
  markRead(raw: RawInbound): Promise<void>;
  /** An emoji reaction to one message (participant included for groups). */
  react(raw: RawInbound, emoji: string): Promise<void>;
  downloadMedia(ref: MediaRef, messageId: string, maxBytes: number): Promise<MediaDownload>;
  /** Subject and participants (cached 5 minutes); null when the group cannot be read. */
  groupInfo(groupJid: string): Promise<GroupInfo | null>;
}
