// Who may talk to the assistant in a direct chat. One pure decision, so every cell of the policy table is a
// unit test. Field lessons this encodes: allowlist mode never sends pairing codes, approvals from pairing never
// widen an allowlist or override "disabled", and a sender whose number is unknown is never let through.

export type DmPolicy = 'pairing' | 'allowlist' | 'open' | 'disabled';

export interface DmSender {
  /** The sender's number in E.164 form, when it is known (a LID sender Baileys could not map has none). */
  e164: string | null;
}

export interface DmContext {
  policy: DmPolicy;
  /** E.164 numbers, or "*" for everyone (validated by the config schema). */
  allowFrom: readonly string[];
  /** Senders approved through pairing (used in pairing mode only, and only asked when allowFrom did not match). */
  approved: { has(e164: string): boolean };
  /** The linked account's own number: implicitly trusted. */
  self: string | null;
}

export type DmDecision =
  | { action: 'accept'; reason: 'self' | 'allowFrom' | 'approved' | 'open' }
  | { action: 'pair'; reason: 'unknown sender' }
  | { action: 'reject'; reason: string };

export function decideDm(sender: DmSender, ctx: DmContext): DmDecision {
  if (sender.e164 && ctx.self && sender.e164 === ctx.self) return { action: 'accept', reason: 'self' };
  if (ctx.policy === 'disabled')
    return { action: 'reject', reason: 'direct messages are disabled (dmPolicy "disabled")' };
  const listed = sender.e164 !== null && (ctx.allowFrom.includes('*') || ctx.allowFrom.includes(sender.e164));
  switch (ctx.policy) {
    case 'open':
      return ctx.allowFrom.includes('*')
        ? { action: 'accept', reason: 'open' }
        : { action: 'reject', reason: 'dmPolicy "open" without "*" in allowFrom' };
    case 'allowlist':
      if (listed) return { action: 'accept', reason: 'allowFrom' };
      return {
        action: 'reject',
        reason: sender.e164 ? `${sender.e164} is not in allowFrom` : 'the sender’s number is unknown',
      };
    case 'pairing':
      if (listed) return { action: 'accept', reason: 'allowFrom' };
      if (sender.e164 && ctx.approved.has(sender.e164)) return { action: 'accept', reason: 'approved' };
      return { action: 'pair', reason: 'unknown sender' };
  }
}
