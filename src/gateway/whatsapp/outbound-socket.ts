// Outbound's view of one account (outbound/port.ts) over its live Baileys socket: our plain payloads become
// Baileys content here, and Baileys' errors become the outbox's four kinds of failure. The outbox has recorded each
// id as ours before it asks (in the commit that marks the item sending), so an echo of it would never be taken as
// inbound.
//
// There is no such echo, though: each message is built and relayed as sendMessage builds and relays it
// (generateWAMessage with the socket's own upload, relayMessage), without the `messages.upsert` of our own message
// that sendMessage emits next, which the inbound side could only recognize and drop, a state.db read and the rest
// of the inbound path for every message sent.
import {
  generateWAMessage,
  proto,
  type AnyMessageContent,
  type WAMessage,
  type WASocket,
} from '@whiskeysockets/baileys';
import { access } from 'node:fs/promises';
import { SendFailure, type OutboundPort } from '../outbound/port';
import type { OutboundPayload } from '../outbound/types';
import type { BaileysLogger } from './baileys-log';
import { newMessageId } from './message-id';

export interface OutboundSocketDeps {
  accountId: string;
  /** The socket while the account is open, else null. */
  socket(): WASocket | null;
  /** For what Baileys says while building a message (a thumbnail it could not make, say). */
  logger?: BaileysLogger;
}

/** How long a send waits for WhatsApp's ack of its stanza; then it is retried (same id: relayed once). */
const ACK_TIMEOUT_MS = 20_000;

type AckNode = { attrs: Record<string, string | undefined> };

interface Waiting {
  sock: WASocket;
  /** Date.now() by which the ack must be in. */
  due: number;
  resolve(): void;
  reject(err: Error): void;
}

/**
 * WhatsApp's ack of each message stanza, by id. Baileys' relay resolves once the stanza is written and only
 * reports failed acks, so a message counts as sent only when the server's ack says so (a reply "sent" into a dying
 * socket is retried, not lost). One listener per socket, dropped with it; entries live only while a send waits.
 * Every send waits the same time, so the map (insertion order) is in deadline order and one timer, armed for the
 * oldest, serves them all: a timer set and cleared per send cost more than the rest of the bookkeeping together.
 */
class Acks {
  private readonly waiting = new Map<string, Waiting>();
  private readonly attached = new WeakSet<WASocket>();
  private timer: NodeJS.Timeout | null = null;

  /** Resolves on WhatsApp's ack of `id`; rejects with a SendFailure on a refusal, a close or no ack in time. */
  wait(sock: WASocket, id: string): Promise<void> {
    if (!this.attached.has(sock)) {
      this.attached.add(sock);
      sock.ws.on('CB:ack,class:message', (node: AckNode) => {
        const { id, error } = node.attrs;
        if (id !== undefined && this.waiting.has(id)) this.settle(id, error ? ackFailure(error) : null);
      });
      // A socket that closes will not ack anything more: its sends wait for the reconnect, not for a timeout.
      sock.ws.on('close', () => {
        for (const [id, w] of [...this.waiting]) {
          if (w.sock === sock)
            this.settle(id, new SendFailure('offline', 'the connection closed before WhatsApp acknowledged'));
        }
      });
    }
    // Deleted first so that a re-used id moves to the end and the map stays in deadline order.
    this.cancel(id);
    const done = new Promise<void>((resolve, reject) => {
      this.waiting.set(id, { sock, due: Date.now() + ACK_TIMEOUT_MS, resolve, reject });
    });
    this.timer ??= setTimeout(this.expire, ACK_TIMEOUT_MS);
    return done;
  }

  /** Stops waiting for `id` (its send failed); its promise then never settles. */
  cancel(id: string): void {
    if (this.waiting.delete(id)) this.releaseIfIdle();
  }

  private settle(id: string, failure: Error | null): void {
    const w = this.waiting.get(id);
    if (!w) return;
    this.waiting.delete(id);
    this.releaseIfIdle();
    if (failure) w.reject(failure);
    else w.resolve();
  }

  /** Nothing waits: no timer is left behind (a closed gateway holds none). */
  private releaseIfIdle(): void {
    if (this.waiting.size === 0 && this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  private readonly expire = (): void => {
    this.timer = null;
    const now = Date.now();
    for (const [id, w] of this.waiting) {
      if (w.due > now) {
        this.timer = setTimeout(this.expire, w.due - now);
        return;
      }
      this.settle(
        id,
        new SendFailure(
          'transient',
          `WhatsApp did not acknowledge the message within ${ACK_TIMEOUT_MS / 1000} s`,
        ),
      );
    }
  };
}

export function createOutboundSocket(deps: OutboundSocketDeps): OutboundPort {
  const acks = new Acks();
  const logger = deps.logger && childless(deps.logger);
  return {
    accountId: deps.accountId,
    connected: () => deps.socket() !== null,
    newMessageId,
    async send(chat, payload, messageId) {
      const sock = deps.socket();
      if (!sock) throw new SendFailure('offline', `WhatsApp account "${deps.accountId}" is not connected`);
      // Only media needs I/O to become content; a text or reaction does not wait a turn for it.
      const content = payload.kind === 'media' ? await toContent(payload) : inlineContent(payload);
      const acked = acks.wait(sock, messageId);
      let sent: WAMessage;
      try {
        sent = await relay(sock, chat, content, messageId, logger);
      } catch (err) {
        acks.cancel(messageId);
        throw classify(err, deps.socket() === null);
      }
      // What went out, for a resend the recipient may ask for (whatsapp/resend-source.ts).
      return { acked, content: sent.message ? proto.Message.encode(sent.message).finish() : undefined };
    },
    async presence(chat, state) {
      const sock = deps.socket();
      if (!sock) return;
      await sock.sendPresenceUpdate(state, chat);
    },
  };
}

/**
 * `logger` with child() answering itself: generateWAMessage asks for a child bound to each message id, a pino child
 * per send for the few warnings it may write (a thumbnail or a duration it could not work out).
 */
function childless(logger: BaileysLogger): BaileysLogger {
  const self: BaileysLogger = {
    get level() {
      return logger.level;
    },
    set level(value: string) {
      logger.level = value;
    },
    child: () => self,
    // baileys-log.ts's methods are closures of their own: handed on as they are.
    trace: logger.trace,
    debug: logger.debug,
    info: logger.info,
    warn: logger.warn,
    error: logger.error,
  };
  return self;
}

/** sendMessage (media uploaded with the socket's own upload), less the `messages.upsert` of our own message. */
async function relay(
  sock: WASocket,
  chat: string,
  content: AnyMessageContent,
  messageId: string,
  logger: BaileysLogger | undefined,
): Promise<WAMessage> {
  const message = await generateWAMessage(chat, content, {
    userJid: sock.authState.creds.me!.id,
    messageId,
    upload: sock.waUploadToServer,
    logger,
  });
  await sock.relayMessage(chat, message.message!, { messageId });
  return message;
}

/** Text and reactions as Baileys content. */
function inlineContent(payload: Exclude<OutboundPayload, { kind: 'media' }>): AnyMessageContent {
  if (payload.kind === 'text') return { text: payload.text };
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
}

export async function toContent(payload: OutboundPayload): Promise<AnyMessageContent> {
  switch (payload.kind) {
    case 'text':
    case 'react':
      return inlineContent(payload);
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
