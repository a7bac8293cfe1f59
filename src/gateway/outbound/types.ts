// Contracts shared by every part of src/gateway/outbound (see issue 11's design): the outbox stores these
// payloads as JSON, so every type here must stay JSON-serialisable.

/** Who asked for a send: `auto` items (pairing replies, acks, later the agent) are held while disconnected. */
export type OutboundOrigin = 'cli' | 'api' | 'auto';

/** One message to WhatsApp, as stored in the outbox (JSON-serialisable). */
export type OutboundPayload =
  | { kind: 'text'; text: string }
  | { kind: 'media'; media: PreparedMedia; caption?: string }
  | {
      kind: 'react';
      key: { chat: string; id: string; participant?: string; fromMe?: boolean };
      emoji: string;
    };

/** A media file ready to send (prepared by outbound/media, saved under <state>/media/outbound/). */
export interface PreparedMedia {
  /** Local file, mode 0600. */
  path: string;
  /** Sniffed from the bytes (file-type), e.g. 'image/jpeg', 'audio/ogg; codecs=opus'. */
  mimetype: string;
  kind: 'image' | 'video' | 'audio' | 'document';
  bytes: number;
  /** Documents. */
  fileName?: string;
  /** Audio: always true (voice note). */
  ptt?: boolean;
  /** Video. */
  gifPlayback?: boolean;
}

export type OutboxState = 'pending' | 'sending' | 'sent' | 'failed' | 'expired' | 'cancelled';
