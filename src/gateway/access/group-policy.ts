// Whether a group message is even considered, and how the group wakes the assistant. Pure, like the DM decision,
// so each cell of policy × sender allowlist × activation is a unit test. Mention checks happen afterwards: this
// only says which activation applies, because "always" groups skip them.

export type GroupPolicy = 'open' | 'disabled' | 'allowlist';
export type Activation = 'mention' | 'always';

export interface GroupInput {
  groupJid: string;
  /** The sender's number; null when WhatsApp gave only a LID that could not be mapped. */
  sender: { e164: string | null };
  groupPolicy: GroupPolicy;
  /** Configured groups by JID, "*" for any group; also carries each group's mention default. */
  groups?: Record<string, { requireMention?: boolean }>;
  /** E.164 numbers or "*"; unset or empty means any member may talk. */
  groupAllowFrom?: readonly string[];
  /** Set in the group by the owner with /activation; wins over the config default. */
  storedActivation?: Activation;
}

export type GroupDecision =
  { action: 'reject'; reason: string } | { action: 'consider'; activation: Activation };

const entryFor = (groups: GroupInput['groups'], key: string) =>
  groups && Object.hasOwn(groups, key) ? groups[key] : undefined;

export function decideGroup(input: GroupInput): GroupDecision {
  const { groupJid, groups, groupAllowFrom, sender } = input;
  if (input.groupPolicy === 'disabled')
    return { action: 'reject', reason: 'group messages are disabled (groupPolicy "disabled")' };

  const own = entryFor(groups, groupJid);
  const wildcard = entryFor(groups, '*');
  if (input.groupPolicy === 'allowlist' && !own && !wildcard)
    return {
      action: 'reject',
      reason: `group ${groupJid} is not listed in groups (groupPolicy "allowlist")`,
    };

  if (groupAllowFrom && groupAllowFrom.length > 0) {
    // A member whose number we could not resolve is unknown, and unknown never satisfies an allowlist, even "*":
    // letting LID-only senders through is exactly how allowlists failed open elsewhere.
    if (sender.e164 === null)
      return { action: 'reject', reason: 'the sender’s number is unknown (groupAllowFrom is set)' };
    if (!groupAllowFrom.includes('*') && !groupAllowFrom.includes(sender.e164))
      return { action: 'reject', reason: `${sender.e164} is not in groupAllowFrom` };
  }

  if (input.storedActivation) return { action: 'consider', activation: input.storedActivation };
  const requireMention = own?.requireMention ?? wildcard?.requireMention;
  return { action: 'consider', activation: requireMention === false ? 'always' : 'mention' };
}
