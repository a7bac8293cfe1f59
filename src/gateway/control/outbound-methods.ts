// The message.* and outbox.* methods. A send from a person or a program fails at once when the account is not
// connected (nothing is stored: they can act on the reason now); what is accepted is in the outbox before the
// answer, with the ids it will carry.
import path from 'node:path';
import type { Logger } from 'pino';
import { resolveAccount } from '../config/account';
import type { OpenClawConfig } from '../config/schema';
import { GatewayError } from '../errors';
import { composeReply, composeText } from '../outbound/compose';
import { MediaError } from '../outbound/media';
import type { Outbox } from '../outbound/outbox';
import type { OutboundPort } from '../outbound/port';
import { responsePrefix, type RenderOptions } from '../outbound/text';
import type { OutboundPayload } from '../outbound/types';
import type { WhatsAppManager } from '../whatsapp/manager';
import type { Handlers } from './dispatcher';

export type OutboundHandlers = Pick<
  Handlers,
  'message.send' | 'message.react' | 'outbox.list' | 'outbox.retry' | 'outbox.cancel'
>;

export interface OutboundMethodDeps {
  outbox: Outbox;
  whatsapp: WhatsAppManager;
  config(): OpenClawConfig;
  stateDir: string;
  /** Where a media item sent other than asked is said (whatsapp/outbound). */
  log?: Pick<Logger, 'warn'>;
}

/** `+15551234567` → its WhatsApp JID; a group JID as given. */
export function chatJidFor(to: string): string {
  return to.startsWith('+') ? `${to.slice(1)}@s.whatsapp.net` : to;
}

export function outboundHandlers(deps: OutboundMethodDeps): OutboundHandlers {
  const connectedPort = (accountId: string | undefined): OutboundPort => {
    const id = accountId ?? deps.whatsapp.defaultAccount();
    const port = deps.whatsapp.outboundPort(id);
    if (!port) {
      throw new GatewayError('whatsapp.unknown_account', `no WhatsApp account "${id}" is running`);
    }
    if (!port.connected()) {
      const status = deps.whatsapp.status().find((s) => s.accountId === id);
      throw new GatewayError(
        'whatsapp.not_connected',
        `WhatsApp account "${id}" is not connected, so nothing was sent: ${status?.sentence ?? 'no connection'}`,
      );
    }
    return port;
  };

  const composeMedia = async (
    p: { to: string; message?: string; media?: string[]; gifPlayback?: boolean },
    render: RenderOptions,
    accountId: string,
    cfg: OpenClawConfig,
  ): Promise<OutboundPayload[]> => {
    try {
      return await composeReply(
        { text: p.message, media: p.media, gifPlayback: p.gifPlayback },
        {
          ...render,
          maxBytes: cfg.agents.defaults.mediaMaxMb * 1024 * 1024,
          dir: path.join(deps.stateDir, 'media', 'outbound', accountId),
          strictMedia: true,
          allowPrivateNetwork: cfg.agents.defaults.mediaAllowPrivateNetwork,
          warn: (message) => deps.log?.warn({ accountId, to: p.to }, message),
        },
      );
    } catch (err) {
      if (err instanceof MediaError) {
        throw new GatewayError('outbound.media_failed', err.message, { reason: err.code });
      }
      throw err;
    }
  };

  return {
    'message.send': async (p) => {
      const port = connectedPort(p.accountId);
      const accountId = port.accountId;
      if (!p.message?.trim() && !p.media?.length) {
        throw new GatewayError('outbound.invalid_message', 'nothing to send: give a message, media, or both');
      }
      const cfg = deps.config();
      const acct = resolveAccount(cfg, accountId, deps.stateDir);
      const chat = chatJidFor(p.to);
      const self = deps.whatsapp.port(accountId)?.self();
      const selfChat = self?.pn !== null && self?.pn === chat;
      const render = {
        limit: acct.textChunkLimit,
        mode: acct.chunkMode,
        prefix: responsePrefix(cfg, accountId, { selfChat }),
      };
      // Text alone needs no I/O: it is stored without waiting a turn (most sends are text).
      const payloads = p.media?.length
        ? await composeMedia(p, render, accountId, cfg)
        : composeText(p.message, render);
      if (payloads.length === 0) {
        throw new GatewayError(
          'outbound.invalid_message',
          'nothing to send: the message is empty once formatted',
        );
      }
      const items = deps.outbox.enqueue({ accountId, chat, payloads, origin: p.origin ?? 'api' });
      return { accountId, to: p.to, ids: items.map((i) => i.messageId) };
    },
    'message.react': (p) => {
      const port = connectedPort(p.accountId);
      const chat = chatJidFor(p.chat);
      const [item] = deps.outbox.enqueue({
        accountId: port.accountId,
        chat,
        origin: 'api',
        payloads: [
          {
            kind: 'react',
            emoji: p.emoji,
            key: {
              chat,
              id: p.messageId,
              ...(p.participant ? { participant: chatJidFor(p.participant) } : {}),
              ...(p.fromMe !== undefined ? { fromMe: p.fromMe } : {}),
            },
          },
        ],
      });
      return { id: item!.messageId };
    },
    'outbox.list': (p) => ({ items: deps.outbox.list(p ?? {}) }),
    'outbox.retry': (p) => deps.outbox.retry(p.seq),
    'outbox.cancel': (p) => deps.outbox.cancel(p.seq),
  };
}
