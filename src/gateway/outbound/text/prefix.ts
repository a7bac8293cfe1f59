// The prefix put before every reply, so a person can tell the assistant's messages from their own. Where it comes
// from: the account's `responsePrefix`, else the channel's, else `messages.responsePrefix` (config/account.ts
// resolves that chain). Unset, it only matters in self-chat, where owner and assistant write into the same chat:
// there it defaults to `[<identity.name>]`, else `[openclaw]`; elsewhere the contact already sees who writes.
// An explicit "" switches it off everywhere.
import { resolveAccount } from '../../config/account';
import type { OpenClawConfig } from '../../config/schema';

export const DEFAULT_RESPONSE_PREFIX = '[openclaw]';

/** The prefix for replies from `accountId`; "" for none. */
export function responsePrefix(cfg: OpenClawConfig, accountId: string, opts: { selfChat: boolean }): string {
  // The prefix does not depend on where credentials live, so any state dir gives the same answer.
  const configured = resolveAccount(cfg, accountId, '').responsePrefix;
  if (configured !== undefined) return configured.trim();
  if (!opts.selfChat) return '';
  const name = cfg.identity.name?.trim();
  return name ? `[${name}]` : DEFAULT_RESPONSE_PREFIX;
}

/** The text with the prefix and one space before it; unchanged when empty or already prefixed. */
export function applyPrefix(text: string, prefix: string): string {
  if (!prefix || text.trim() === '') return text;
  if (text.startsWith(prefix)) return text;
  return `${prefix} ${text}`;
}
