// Our own plain data for one inbound WhatsApp message. The adapter in whatsapp/ builds it from Baileys' message;
// from inbound/ on, nothing sees a Baileys type, so normalization and policy are pure functions over this.
// It is stored as JSON in the durable inbox, so everything needed later (media download included) is in here.

export const MEDIA_KINDS = ['image', 'video', 'audio', 'document', 'sticker'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

/** Enough to download and decrypt one media item again, even after a restart (base64 for binary fields). */
export interface MediaRef {
  kind: MediaKind;
  mimetype?: string;
  fileName?: string;
  /** Declared size in bytes (what the sender claims; the download is capped independently). */
  fileLength?: number;
  seconds?: number;
  ptt?: boolean;
  url?: string;
  directPath?: string;
  mediaKey?: string;
}

export interface SenderRef {
  /** The JID WhatsApp addressed the sender by, device suffix removed (…@s.whatsapp.net or …@lid). */
  jid: string;
  /** Phone number in E.164 form; null when only a LID is known and Baileys had no mapping for it. */
  e164: string | null;
  /** The sender's LID JID, when known. */
  lid?: string;
  /** Display name the sender chose (pushName). */
  name?: string;
}

export interface QuotedRef {
  /** stanzaId of the message replied to. */
  id: string;
  sender?: SenderRef;
  /** Whether the quoted message was ours (a reply to one of our messages counts as a mention in groups). */
  fromMe: boolean;
  text?: string;
  media?: MediaKind;
}

export interface RawInbound {
  accountId: string;
  id: string;
  /** The chat's JID without device: the peer's (DM, PN or LID form), the group's, or our own (self-chat). */
  chatJid: string;
  isGroup: boolean;
  /** Sent from the linked number itself (another of its devices, or an echo of our own send). */
  fromMe: boolean;
  /** A chat with our own number ("Message yourself"). */
  selfChat: boolean;
  sender: SenderRef;
  /** Milliseconds since the epoch, as the sender's phone stamped it. */
  timestamp: number;
  /** `notify`: live; `append`: delivered from the offline queue after a reconnect. */
  upsertType: 'notify' | 'append';
  /** Text, or the media caption. */
  text?: string;
  /** JIDs mentioned in the message (as sent: PN or LID form, maybe with a device). */
  mentions: string[];
  quoted?: QuotedRef;
  media?: MediaRef;
  location?: { latitude: number; longitude: number; name?: string; address?: string; live?: boolean };
  contacts?: Array<{ name: string; phones: string[] }>;
  /** Set when the message is of a kind we do not turn into text (the Baileys message key name). */
  unsupported?: string;
}
