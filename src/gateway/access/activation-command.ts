// `/activation mention|always` lets the owner switch a group between "reply when addressed" and "reply to
// everything" from the phone. It must be the whole message, so quoting or discussing the command never flips a
// group by accident, and only owners may use it (see isOwner).

export type ActivationCommand = 'mention' | 'always' | 'invalid';

const COMMAND_RE = /^\/activation(?=\s|$)/i;

/** null: not the command at all; 'invalid': the command with a missing, unknown or extra argument. */
export function parseActivationCommand(text: string | undefined): ActivationCommand | null {
  const trimmed = text?.trim() ?? '';
  const head = COMMAND_RE.exec(trimmed);
  if (!head) return null;
  const args = trimmed.slice(head[0].length).trim().split(/\s+/).filter(Boolean);
  if (args.length !== 1) return 'invalid';
  const mode = args[0]?.toLowerCase();
  return mode === 'mention' || mode === 'always' ? mode : 'invalid';
}

/**
 * Owners are the numbers listed in allowFrom. "*" opens DMs to everyone but must not hand everyone control of
 * group behaviour, so it is ignored here; with no number listed the linked number itself is the owner.
 */
export function isOwner(
  sender: { e164: string | null },
  allowFrom: readonly string[] | undefined,
  selfE164: string | null,
): boolean {
  if (sender.e164 === null) return false;
  const listed = (allowFrom ?? []).filter((entry) => entry !== '*');
  if (listed.length > 0) return listed.includes(sender.e164);
  return selfE164 !== null && sender.e164 === selfE164;
}
