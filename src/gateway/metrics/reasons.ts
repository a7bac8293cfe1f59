// Low-cardinality labels for why something did not go through. The stored reasons are sentences for people and
// may hold a phone number or a group JID; a metric label must never carry either, so each sentence maps to a code.

/** Why an inbound message was not handed to the agent, from its inbox row's state and reason. */
export function inboundRejectReason(state: string, reason: string | null): string {
  if (state === 'pairing') return 'pairing';
  if (state === 'history') return 'not_addressed';
  const text = reason ?? '';
  const rules: Array<[RegExp, string]> = [
    [/^unsupported message type/, 'unsupported'],
    [/dmPolicy "disabled"/, 'dm_disabled'],
    [/dmPolicy "open" without/, 'dm_misconfigured'],
    [/ is not in allowFrom$/, 'not_in_allow_from'],
    [/groupPolicy "disabled"/, 'group_disabled'],
    [/is not listed in groups/, 'group_not_allowed'],
    [/ is not in groupAllowFrom$/, 'not_in_group_allow_from'],
    [/number is unknown/, 'unknown_sender'],
    [/^not mentioned/, 'not_addressed'],
    [/\/activation/, 'command'],
  ];
  for (const [pattern, code] of rules) if (pattern.test(text)) return code;
  return 'other';
}
