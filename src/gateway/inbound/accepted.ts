// What the agent stage receives for one accepted message: the envelope the model sees (with the quoted reply and,
// in groups, the pending history), the reply metadata, the saved media, and the route (agent, session).
import type { Logger } from 'pino';
import type { AcceptedMessage } from '../../shared/contract';
import type { ResolvedWhatsAppAccount } from '../config/account';
import type { OpenClawConfig } from '../config/schema';
import { dmHistoryLimitFor, routeInbound, type Route } from '../routing/route';
import type { InboxRow } from '../store/queries/inbox';
import { describeInbound, describeQuoted } from './describe';
import { formatEnvelope, type EnvelopeInput } from './envelope';
import { formatGroupContext } from './group-history';
import type { InboundPort } from './port';
import type { RawInbound } from './types';

export type AcceptedDraft = Omit<AcceptedMessage, 'seq' | 'acceptedAt'>;

const MB = 1024 * 1024;

export function envelopeTime(cfg: OpenClawConfig): EnvelopeInput['time'] {
  const tz = cfg.messages.envelopeTimezone;
  if (tz === 'utc') return { utc: true };
  return tz === 'local' ? {} : { timeZone: tz };
}

/** Who wrote a message, as the envelope and history lines show it. */
function senderOf(raw: RawInbound): { name?: string; e164?: string } {
  return { name: raw.sender.name, e164: raw.sender.e164 ?? undefined };
}

function envelopeOf(raw: RawInbound, body: string, cfg: OpenClawConfig, prefix?: string): string {
  return formatEnvelope({
    from: peerOf(raw),
    timestamp: raw.timestamp,
    body,
    sender: raw.isGroup ? senderOf(raw) : undefined,
    quoted: raw.quoted
      ? {
          id: raw.quoted.id,
          body: describeQuoted(raw.quoted),
          sender: raw.quoted.sender
            ? { name: raw.quoted.sender.name, e164: raw.quoted.sender.e164 ?? undefined }
            : undefined,
        }
      : undefined,
    time: envelopeTime(cfg),
    prefix,
  });
}

/** Who a message is from, as routing and the envelope name the peer: E.164 for a DM, the JID for a group. */
export function peerOf(raw: RawInbound): string {
  return raw.isGroup ? raw.chatJid : (raw.sender.e164 ?? raw.chatJid);
}

/** The agent and session a message goes to. */
export function routeOf(cfg: OpenClawConfig, raw: RawInbound): Route {
  return routeInbound(cfg, {
    accountId: raw.accountId,
    peer: { kind: raw.isGroup ? 'group' : 'dm', id: peerOf(raw) },
  });
}

export async function buildAccepted(input: {
  row: InboxRow;
  acct: ResolvedWhatsAppAccount;
  cfg: OpenClawConfig;
  history: InboxRow[];
  port: InboundPort | null;
  log: Logger;
  route: Route;
}): Promise<{ message: AcceptedDraft; meta: Record<string, unknown> }> {
  const { row, acct, cfg, port, log } = input;
  const raw = row.raw;
  let mediaNote: string | undefined;
  let media: { path: string; type: string } | undefined;
  if (raw.media) {
    const maxBytes = Math.floor(acct.mediaMaxMb * MB);
    const declared = raw.media.fileLength ?? 0;
    const result = port
      ? await port.downloadMedia(raw.media, raw.id, maxBytes)
      : declared > maxBytes
        ? ({ ok: false, reason: 'too_large', detail: '' } as const)
        : ({ ok: false, reason: 'failed', detail: 'the account is not connected' } as const);
    if (result.ok) {
      media = { path: result.path, type: result.mimetype };
    } else {
      mediaNote =
        result.reason === 'too_large'
          ? `not saved: larger than the ${acct.mediaMaxMb} MB limit`
          : `not saved: download failed`;
      log.warn(
        {
          accountId: raw.accountId,
          id: raw.id,
          kind: raw.media.kind,
          reason: result.reason,
          detail: result.detail,
        },
        `inbound ${raw.media.kind} ${mediaNote}`,
      );
    }
  }

  const body = describeInbound(raw, { mediaNote });
  const current = envelopeOf(raw, body, cfg, acct.messagePrefix);
  const text = raw.isGroup
    ? formatGroupContext({
        history: input.history.map((h) => envelopeOf(h.raw, describeInbound(h.raw), cfg, acct.messagePrefix)),
        current,
      })
    : current;

  const from = peerOf(raw);
  const { route } = input;
  // What the row's own columns (body, route, ids) do not hold; stored as its meta.
  const details = {
    from,
    chatType: raw.isGroup ? ('group' as const) : ('dm' as const),
    sender: senderOf(raw),
    replyToId: raw.quoted?.id,
    replyToBody: raw.quoted ? describeQuoted(raw.quoted) : undefined,
    replyToSender: raw.quoted?.sender?.e164 ?? undefined,
    mediaPath: media?.path,
    mediaType: media?.type ?? (raw.media ? raw.media.mimetype : undefined),
    groupSubject: raw.isGroup ? ((await port?.groupInfo(raw.chatJid))?.subject ?? undefined) : undefined,
    historyLimit: raw.isGroup ? undefined : dmHistoryLimitFor(acct, from),
  };
  const message: AcceptedDraft = {
    accountId: raw.accountId,
    messageId: raw.id,
    agentId: route.agentId,
    sessionKey: route.sessionKey,
    body: text,
    ...details,
  };
  // The reply goes back to the chat as WhatsApp addressed it (a LID chat stays a LID chat).
  // text: the raw words, for commands such as /new; fromMe: what a reaction to it must say.
  const meta = {
    ...details,
    chatJid: raw.chatJid,
    senderJid: raw.sender.jid,
    timestamp: raw.timestamp,
    text: raw.text,
    fromMe: raw.fromMe,
  };
  return { message, meta };
}
