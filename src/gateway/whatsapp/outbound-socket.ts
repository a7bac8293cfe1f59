// Outbound's view of one account (outbound/port.ts) over its live Baileys socket: our plain payloads become
// Baileys content here, and Baileys' errors become the outbox's four kinds of failure. Every id is recorded as
// ours before the send, so its echo (which Baileys may emit before sendMessage resolves) is never taken as inbound.
import { generateMessageIDV2, type AnyMessageContent, type WASocket } from '@whiskeysockets/baileys';
import type Database from 'better-sqlite3';
import { access } from 'node:fs/promises';
import { SendFailure, type OutboundPort } from '../outbound/port';
import type { OutboundPayload } from '../outbound/types';
import { recordSent } from '../store/queries/inbox';

export interface OutboundSocketDeps {
  accountId: string;
  db: Database.Database;
  /** The socket while the account is open, else null. */
  socket(): WASocket | null;
}

export function createOutboundSocket(deps: OutboundSocketDeps): OutboundPort {
  return {
    accountId: deps.accountId,
    connected: () => deps.socket() !== null,
    newMessageId: () => generateMessageIDV2(deps.socket()?.user?.id),
    async send(chat, payload, messageId) {
      const sock = deps.socket();
      if (!sock) throw new SendFailure('offline', `WhatsApp account "${deps.accountId}" is not connected`);
      const content = await toContent(payload);
      recordSent(deps.db, deps.accountId, messageId, chat, Date.now());
      try {
        await sock.sendMessage(chat, content, { messageId });
      } catch (err) {
        throw classify(err, deps.socket() === null);
      }
    },
    async presence(chat, state) {
      const sock = deps.socket();
      if (!sock) return;
      await sock.sendPresenceUpdate(state, chat);
    },
  };
}

export async function toContent(payload: OutboundPayload): Promise<AnyMessageContent> {
  switch (payload.kind) {
    case 'text':
      return { text: payload.text };
    case 'react':
      return {
        react: {
          text: payload.emoji,
          key: {
            remoteJid: payload.key.chat,
            id: payload.key.id,
            fromMe: payload.key.fromMe ?? false,
            ...(payload.key.participant ? { participant: payload.key.participant } : {}),
          },
        },
      };
    case 'media': {
      const m = payload.media;
      // The prepared file may have been cleaned away since it was stored: that will never send.
      await access(m.path).catch(() => {
        throw new SendFailure('permanent', `the prepared media file ${m.path} is gone`);
      });
      const url = { url: m.path };
      const caption = payload.caption ? { caption: payload.caption } : {};
      switch (m.kind) {
        case 'image':
          return { image: url, mimetype: m.mimetype, ...caption };
        case 'video':
          return { video: url, mimetype: m.mimetype, gifPlayback: m.gifPlayback ?? false, ...caption };
        case 'audio':
          return { audio: url, mimetype: m.mimetype, ptt: m.ptt ?? true };
        case 'document':
          return { document: url, mimetype: m.mimetype, fileName: m.fileName ?? 'file', ...caption };
      }
    }
  }
}

/** Baileys reports failures as Boom errors (statusCode in output) or plain errors with WhatsApp's text. */
export function classify(err: unknown, nowOffline: boolean): SendFailure {
  const e = err as { message?: string; output?: { statusCode?: number }; data?: unknown };
  const message = e?.message ?? String(err);
  const status = e?.output?.statusCode;
  if (/rate-overlimit/i.test(message) || status === 429) return new SendFailure('rate_limited', message);
  if (nowOffline || /connection closed|not connected/i.test(message))
    return new SendFailure('offline', message);
  // 400 bad request, 404 not on WhatsApp / no such group, 406 not acceptable, 403 not a participant.
  if (status !== undefined && [400, 403, 404, 406].includes(status))
    return new SendFailure('permanent', message);
  if (/bad-request|item-not-found|not-acceptable|forbidden|invalid jid/i.test(message)) {
    return new SendFailure('permanent', message);
  }
  return new SendFailure('transient', message);
}
