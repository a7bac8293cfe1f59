// Outbound's view of one account (outbound/port.ts) over its live Baileys socket: our plain payloads become
// Baileys content here, and Baileys' errors become the outbox's four kinds of failure. The outbox has recorded each
// id as ours before it asks (in the commit that marks the item sending), so the echo Baileys may emit before
// sendMessage resolves is never taken as inbound.
import type { AnyMessageContent, WASocket } from '@whiskeysockets/baileys';
import { access } from 'node:fs/promises';
import { SendFailure, type OutboundPort } from '../outbound/port';
import type { OutboundPayload } from '../outbound/types';
import { newMessageId } from './message-id';

export interface OutboundSocketDeps {
  accountId: string;
  /** The socket while the account is open, else null. */
  socket(): WASocket | null;
}

/** How long a send waits for WhatsApp's ack of its stanza; then it is retried (same id: relayed once). */
const ACK_TIMEOUT_MS = 20_000;

type AckNode = { attrs: Record<string, string | undefined> };

/**
 * WhatsApp's ack of each message stanza, by id. Baileys resolves sendMessage once the stanza is written and only
 * reports failed acks, so a message counts as sent only when the server's ack says so (a reply "sent" into a dying
 * socket is retried, not lost). One listener per socket, dropped with it; entries live only while a send waits.
 */
class Acks {
  private readonly waiting = new Map<string, { sock: WASocket; settle(node: AckNode | Error): void }>();
  private readonly attached = new WeakSet<WASocket>();

  wait(sock: WASocket, id: string): { done: Promise<AckNode>; cancel(): void } {
    if (!this.attached.has(sock)) {
      this.attached.add(sock);
      sock.ws.on('CB:ack,class:message', (node: AckNode) =>
        this.waiting.get(node.attrs.id ?? '')?.settle(node),
      );
      // A socket that closes will not ack anything more: its sends wait for the reconnect, not for a timeout.
      sock.ws.on('close', () => {
        for (const w of [...this.waiting.values()]) {
          if (w.sock === sock)
            w.settle(new SendFailure('offline', 'the connection closed before WhatsApp acknowledged'));
        }
      });
    }
    let timer: NodeJS.Timeout | undefined;
    const cancel = () => {
      clearTimeout(timer);
      this.waiting.delete(id);
    };
    const done = new Promise<AckNode>((resolve, reject) => {
      timer = setTimeout(() => {
        cancel();
        reject(
          new SendFailure(
            'transient',
            `WhatsApp did not acknowledge the message within ${ACK_TIMEOUT_MS / 1000} s`,
          ),
        );
      }, ACK_TIMEOUT_MS);
      this.waiting.set(id, {
        sock,
        settle: (node) => {
          cancel();
          if (node instanceof Error) reject(node);
          else resolve(node);
        },
      });
    });
    return { done, cancel };
  }
}

export function createOutboundSocket(deps: OutboundSocketDeps): OutboundPort {
  const acks = new Acks();
  return {
    accountId: deps.accountId,
    connected: () => deps.socket() !== null,
    newMessageId,
    async send(chat, payload, messageId) {
      const sock = deps.socket();
      if (!sock) throw new SendFailure('offline', `WhatsApp account "${deps.accountId}" is not connected`);
      const content = await toContent(payload);
      const ack = acks.wait(sock, messageId);
      try {
        await sock.sendMessage(chat, content, { messageId });
      } catch (err) {
        ack.cancel();
        throw classify(err, deps.socket() === null);
      }
      return {
        acked: ack.done.then(({ attrs }) => {
          if (attrs.error) throw ackFailure(attrs.error);
        }),
      };
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

/** A stanza WhatsApp refused in its ack: 429 is its rate limit; anything else would be refused again. */
export function ackFailure(code: string): SendFailure {
  if (code === '429')
    return new SendFailure('rate_limited', 'WhatsApp refused the message: rate-overlimit (429)');
  return new SendFailure('permanent', `WhatsApp refused the message (error ${code})`);
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
