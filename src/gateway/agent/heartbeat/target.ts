// Where a heartbeat's alert goes. A heartbeat writes first, unasked, so it must never write to a stranger: a
// direct-chat target that is not an allowed sender (allowFrom, or approved through pairing) is replaced by the
// owner — allowFrom's first number, else the account's own linked number. Groups pass as configured.
import { E164_RE } from '../../config/schema';
import type { HeartbeatPlan } from './plan';

export type TargetDecision =
  | { kind: 'none' }
  | { kind: 'chat'; accountId: string; chat: string; note?: string }
  | { kind: 'skip'; reason: string };

export interface TargetContext {
  /** The chat the agent last answered (from its outcomes). */
  last?: { account: string; chat: string; from?: string };
  defaultAccount: string;
  allowFrom(accountId: string): readonly string[];
  isApproved(accountId: string, e164: string): boolean;
  /** The account's own linked number. */
  ownerE164(accountId: string): string | undefined;
}

const jidOf = (e164: string): string => `${e164.slice(1)}@s.whatsapp.net`;

/** The phone number behind a direct chat, when the chat names one. */
function e164Of(chat: string, from?: string): string | undefined {
  if (from && E164_RE.test(from)) return from;
  const m = /^(\d+)(?::\d+)?@s\.whatsapp\.net$/.exec(chat);
  return m ? `+${m[1]}` : undefined;
}

export function resolveTarget(plan: HeartbeatPlan, ctx: TargetContext): TargetDecision {
  if (plan.target === 'none') return { kind: 'none' };
  let accountId: string;
  let chat: string;
  let from: string | undefined;
  if (plan.target === 'whatsapp') {
    if (!plan.to) return { kind: 'skip', reason: 'target "whatsapp" has no "to"' };
    accountId = plan.accountId ?? ctx.defaultAccount;
    chat = plan.to.startsWith('+') ? jidOf(plan.to) : plan.to;
    from = plan.to.startsWith('+') ? plan.to : undefined;
  } else {
    if (!ctx.last) return { kind: 'skip', reason: 'no chat answered yet to deliver to (target "last")' };
    accountId = plan.accountId ?? ctx.last.account;
    chat = ctx.last.chat;
    from = ctx.last.from;
  }
  if (chat.endsWith('@g.us')) return { kind: 'chat', accountId, chat };

  const allowFrom = ctx.allowFrom(accountId);
  const owner = allowFrom.find((e) => E164_RE.test(e)) ?? ctx.ownerE164(accountId);
  const e164 = e164Of(chat, from);
  const allowed =
    e164 !== undefined &&
    (allowFrom.includes('*') ||
      allowFrom.includes(e164) ||
      e164 === ctx.ownerE164(accountId) ||
      ctx.isApproved(accountId, e164));
  if (allowed) return { kind: 'chat', accountId, chat };
  const who = e164 ?? chat;
  if (!owner) return { kind: 'skip', reason: `${who} is not an allowed sender and no owner number is known` };
  return {
    kind: 'chat',
    accountId,
    chat: jidOf(owner),
    note: `${who} is not an allowed sender; delivered to the owner ${owner} instead`,
  };
}
