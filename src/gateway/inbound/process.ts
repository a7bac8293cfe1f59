// What becomes of one stored inbound message: the access decision (DM policy and pairing, or group policy,
// activation and mentions), the side effects of accepting it (read receipt, ack reaction, media download), and the
// hand-off to the agent stage. Every outcome is written to the inbox row and logged with its reason.
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { AcceptedMessage } from '../../shared/contract';
import { ackReactionFor } from '../access/ack-reaction';
import { isOwner, parseActivationCommand } from '../access/activation-command';
import { decideDm } from '../access/dm-policy';
import { decideGroup } from '../access/group-policy';
import { isMentioned, mentionPatternsFor } from '../access/mentions';
import { pairingReplyText, type PairingService } from '../access/pairing-service';
import { resolveAccount, defaultAccountId, type ResolvedWhatsAppAccount } from '../config/account';
import type { OpenClawConfig } from '../config/schema';
import type { Route } from '../routing/route';
import { setActivation, storedActivation } from '../store/queries/group-activation';
import { groupHistory, markInbox, type HandOff, type InboxRow } from '../store/queries/inbox';
import { buildAccepted, routeOf } from './accepted';
import { describeInbound } from './describe';
import type { InboundPort, ReplyPort } from './port';
import type { RawInbound } from './types';
import { historyLimitFor } from './group-history';
import { maskTypedSecrets, typedSecrets } from '../commands/typed-secrets';

/** The reference system sends no pairing reply to offline backlog older than the connection minus this. */
const BACKLOG_GRACE_MS = 30_000;

export interface ProcessContext {
  db: Database.Database;
  log: Logger;
  cfg: OpenClawConfig;
  stateDir: string;
  pairing: PairingService;
  port: InboundPort | null;
  /** Automatic answers (through the outbox). */
  replies: ReplyPort;
  now(): number;
  /** Queues a hand-off for the batch's commit; `then` gets the accepted row's seq (null: already handed on). */
  handOff(h: HandOff, then: (seq: number | null) => void): void;
  emit(message: AcceptedMessage): void;
}

export async function processInbound(row: InboxRow, ctx: ProcessContext): Promise<null> {
  const { raw } = row;
  const acct = resolveAccount(ctx.cfg, raw.accountId, ctx.stateDir);
  if (raw.unsupported && !raw.text && !raw.media) {
    return settle(row, ctx, 'rejected', `unsupported message type ${raw.unsupported}`, 'info');
  }
  return raw.isGroup ? processGroup(row, acct, ctx) : processDm(row, acct, ctx);
}

async function processDm(row: InboxRow, acct: ResolvedWhatsAppAccount, ctx: ProcessContext): Promise<null> {
  const { raw } = row;
  const self = ctx.port?.self() ?? { pn: null, lid: null, e164: null };
  const decision = raw.selfChat
    ? ({ action: 'accept', reason: 'self' } as const)
    : decideDm(
        { e164: raw.sender.e164 },
        {
          policy: acct.dmPolicy,
          allowFrom: acct.allowFrom ?? [],
          approved: { has: (e164) => ctx.pairing.isApproved(raw.accountId, e164) },
          self: self.e164,
        },
      );
  if (decision.action === 'reject') return settle(row, ctx, 'rejected', decision.reason, 'info');
  if (decision.action === 'pair') return pair(row, ctx);
  return accept(row, acct, ctx, routeOf(ctx.cfg, raw), {
    mentioned: false,
    activation: 'mention',
    historyLimit: 0,
  });
}

async function pair(row: InboxRow, ctx: ProcessContext): Promise<null> {
  const { raw } = row;
  const sender = raw.sender.e164;
  if (!sender) {
    // A LID Baileys cannot map to a number: treated as unknown, but a code is only useful with a number to approve.
    return settle(
      row,
      ctx,
      'rejected',
      `the sender's phone number is unknown (${raw.sender.jid} has no phone-number mapping); not processed, no pairing code`,
      'warn',
    );
  }
  const connectedAt = ctx.port?.connectedAt() ?? null;
  if (raw.upsertType === 'append' && connectedAt !== null && raw.timestamp < connectedAt - BACKLOG_GRACE_MS) {
    return settle(row, ctx, 'pairing', 'unknown sender in the offline backlog: no pairing reply', 'info');
  }
  const result = ctx.pairing.request({
    account: raw.accountId,
    sender,
    name: raw.sender.name,
    chat: raw.chatJid,
    // As the model would have seen it, so a photo reads "<media:image> caption" and a location says where.
    text: describeInbound(raw),
  });
  if (result.kind === 'existing') {
    return settle(row, ctx, 'pairing', 'pairing request already pending; no new code', 'info');
  }
  if (result.kind === 'cap') {
    return settle(row, ctx, 'pairing', 'pending pairing requests are at the cap; no code issued', 'warn');
  }
  const text = pairingReplyText({
    sender,
    code: result.request.code,
    accountId: raw.accountId,
    isDefaultAccount: raw.accountId === defaultAccountId(ctx.cfg),
  });
  try {
    ctx.replies.sendText(raw.accountId, raw.chatJid, text);
  } catch (err) {
    ctx.log.warn(
      { accountId: raw.accountId, from: sender, err: (err as Error).message },
      'could not send the pairing code; the request stays pending and shows in pairing list',
    );
  }
  return settle(row, ctx, 'pairing', 'unknown sender: pairing code issued', 'info');
}

async function processGroup(
  row: InboxRow,
  acct: ResolvedWhatsAppAccount,
  ctx: ProcessContext,
): Promise<null> {
  const self = ctx.port?.self() ?? { pn: null, lid: null, e164: null };
  // A LID participant Baileys could not map may still be listed with a number in the group's metadata.
  if (!row.raw.fromMe && !row.raw.sender.e164 && ctx.port) {
    const info = await ctx.port.groupInfo(row.raw.chatJid);
    const e164 = info?.participants.find((p) => p.jid === row.raw.sender.jid)?.e164;
    if (e164) row = { ...row, raw: { ...row.raw, sender: { ...row.raw.sender, e164 } } };
  }
  const { raw } = row;
  const sender = raw.fromMe ? { e164: self.e164 } : { e164: raw.sender.e164 };
  const command = parseActivationCommand(raw.text);
  const owner = isOwner(sender, acct.allowFrom, self.e164);
  const decision = decideGroup({
    groupJid: raw.chatJid,
    sender,
    groupPolicy: acct.groupPolicy,
    groups: acct.groups,
    // The owner's /activation is not a conversation message: a sender allowlist does not apply to it.
    groupAllowFrom: command !== null && owner ? undefined : acct.groupAllowFrom,
    storedActivation: storedActivation(ctx.db, raw.accountId, raw.chatJid),
  });
  // Checked first for commands too: the gateway never speaks in a group its policy ignores.
  if (decision.action === 'reject') return settle(row, ctx, 'rejected', decision.reason, 'info');
  if (command !== null) return activation(row, ctx, command, owner);

  const route = routeOf(ctx.cfg, raw);
  const mention = isMentioned({
    mentions: raw.mentions,
    text: raw.text,
    quotedFromMe: raw.quoted?.fromMe ?? false,
    self,
    patterns: mentionPatternsFor(ctx.cfg, route.agentId),
    selfChatMode: acct.selfChatMode,
  });
  const historyLimit = historyLimitFor(acct, ctx.cfg.messages.groupChat.historyLimit);
  if (decision.activation === 'mention' && !mention.mentioned) {
    // Kept as context for the next message that does address us ("pending-only" history).
    return historyLimit > 0
      ? settle(row, ctx, 'history', 'not mentioned; kept as group context', 'debug')
      : settle(row, ctx, 'rejected', 'not mentioned (history disabled)', 'debug');
  }
  return accept(row, acct, ctx, route, {
    mentioned: mention.mentioned,
    activation: decision.activation,
    historyLimit,
  });
}

async function activation(
  row: InboxRow,
  ctx: ProcessContext,
  command: 'mention' | 'always' | 'invalid',
  owner: boolean,
): Promise<null> {
  const { raw } = row;
  if (!owner) return settle(row, ctx, 'rejected', '/activation is for the owner only', 'info');
  let reply: string;
  if (command === 'invalid') {
    reply = 'Usage: /activation mention|always (as a message on its own)';
  } else {
    setActivation(ctx.db, raw.accountId, raw.chatJid, command, ctx.now());
    reply =
      command === 'always'
        ? 'Activation: always. I will answer every message in this group.'
        : 'Activation: mention. I will answer when mentioned.';
  }
  try {
    ctx.replies.sendText(raw.accountId, raw.chatJid, reply);
  } catch (err) {
    ctx.log.warn({ err: (err as Error).message }, 'could not answer /activation');
  }
  return settle(row, ctx, 'rejected', `handled /activation ${command}`, 'info');
}

async function accept(
  row: InboxRow,
  acct: ResolvedWhatsAppAccount,
  ctx: ProcessContext,
  route: Route,
  group: { mentioned: boolean; activation: 'mention' | 'always'; historyLimit: number },
): Promise<null> {
  const { raw } = row;
  const port = ctx.port;
  const where = { accountId: raw.accountId, chat: raw.chatJid, id: raw.id };
  // Both are fire-and-forget: feedback to the sender must never hold up or fail the message itself.
  if (port && acct.sendReadReceipts && !raw.selfChat) {
    port
      .markRead(raw)
      .catch((err: Error) => ctx.log.warn({ ...where, err: err.message }, 'read receipt failed'));
  }
  const emoji = ackReactionFor(acct.ackReaction, {
    isGroup: raw.isGroup,
    mentioned: group.mentioned,
    activation: group.activation,
  });
  if (emoji && !raw.selfChat) {
    try {
      ctx.replies.react(raw, emoji);
    } catch (err) {
      ctx.log.warn({ ...where, err: (err as Error).message }, 'ack reaction failed');
    }
  }

  const history = raw.isGroup
    ? groupHistory(ctx.db, raw.accountId, raw.chatJid, row.seq, group.historyLimit)
    : [];
  const built = await buildAccepted({ row, acct, cfg: ctx.cfg, history, port, log: ctx.log, route });
  const now = ctx.now();
  const h: HandOff = {
    inboxSeq: row.seq,
    account: raw.accountId,
    chat: raw.chatJid,
    messageId: raw.id,
    agentId: built.message.agentId,
    sessionKey: built.message.sessionKey,
    body: built.message.body,
    meta: built.meta,
    now,
  };
  ctx.handOff(h, (seq) => {
    if (seq === null) return;
    ctx.log.info(
      { ...where, from: built.message.from, agentId: built.message.agentId, history: history.length },
      'accepted inbound message',
    );
    // A secret typed in a `/config set` is masked in the stored rows once the command is answered; the live
    // Messages screen never gets it at all.
    const body = maskTypedSecrets(built.message.body, typedSecrets(raw.text ?? ''));
    ctx.emit({ ...built.message, body, seq, acceptedAt: new Date(now).toISOString() });
  });
  return null;
}

function settle(
  row: InboxRow,
  ctx: ProcessContext,
  state: 'pairing' | 'rejected' | 'history',
  reason: string,
  level: 'debug' | 'info' | 'warn',
): null {
  const raw: RawInbound = row.raw;
  markInbox(ctx.db, row.seq, state, reason, ctx.now());
  ctx.log[level](
    {
      accountId: raw.accountId,
      chat: raw.chatJid,
      id: raw.id,
      from: raw.sender.e164 ?? raw.sender.jid,
      state,
    },
    `inbound message not handed on: ${reason}`,
  );
  return null;
}
