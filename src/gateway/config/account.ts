// One WhatsApp account's effective settings: its own value, else the channel's, else the default. Everything
// downstream (access policy, outbound, login) reads this view instead of re-implementing the fallback.
import path from 'node:path';
import { expandHome } from './paths';
import { SHARED_ACCOUNT_KEYS, type OpenClawConfig, type WhatsAppChannelConfig } from './schema';

export const DEFAULT_ACCOUNT_ID = 'default';

type SharedKey = (typeof SHARED_ACCOUNT_KEYS)[number];

export type ResolvedWhatsAppAccount = Pick<WhatsAppChannelConfig, SharedKey> & {
  accountId: string;
  name?: string;
  /** Absolute directory of this account's Baileys credentials. */
  authDir: string;
  /** Inbound media save cap in MB. */
  mediaMaxMb: number;
  /** Whether the account has its own entry under channels.whatsapp.accounts. */
  configured: boolean;
};

/** Configured account ids, sorted; a config without accounts has the one implicit account "default". */
export function listAccountIds(cfg: OpenClawConfig): string[] {
  const ids = Object.keys(cfg.channels.whatsapp.accounts).sort();
  return ids.length > 0 ? ids : [DEFAULT_ACCOUNT_ID];
}

/** The account used when none is named: "default" if present, else `defaultAccount`, else the first id. */
export function defaultAccountId(cfg: OpenClawConfig): string {
  const ids = listAccountIds(cfg);
  if (ids.includes(DEFAULT_ACCOUNT_ID)) return DEFAULT_ACCOUNT_ID;
  const preferred = cfg.channels.whatsapp.defaultAccount;
  if (preferred !== undefined && ids.includes(preferred)) return preferred;
  return ids[0] as string;
}

export function defaultAuthDir(stateDir: string, accountId: string): string {
  return path.join(stateDir, 'credentials', 'whatsapp', accountId);
}

/**
 * Resolved views per config object. A loaded config is never changed in place (an edit makes a new one), and the
 * inbound path asks for the same account's view on every message.
 */
const views = new WeakMap<OpenClawConfig, Map<string, ResolvedWhatsAppAccount>>();

/** The account's effective settings; the same frozen object for the same config, account and state dir. */
export function resolveAccount(
  cfg: OpenClawConfig,
  accountId: string,
  stateDir: string,
): ResolvedWhatsAppAccount {
  let forConfig = views.get(cfg);
  if (!forConfig) views.set(cfg, (forConfig = new Map()));
  const key = `${stateDir}\u0000${accountId}`;
  let view = forConfig.get(key);
  if (!view) forConfig.set(key, (view = Object.freeze(computeAccount(cfg, accountId, stateDir))));
  return view;
}

function computeAccount(cfg: OpenClawConfig, accountId: string, stateDir: string): ResolvedWhatsAppAccount {
  const channel = cfg.channels.whatsapp;
  const own = Object.prototype.hasOwnProperty.call(channel.accounts, accountId)
    ? channel.accounts[accountId]
    : undefined;
  const acct = own ?? {};

  const shared = {} as Record<SharedKey, unknown>;
  for (const key of SHARED_ACCOUNT_KEYS) shared[key] = acct[key] ?? channel[key];
  const resolved = shared as Pick<WhatsAppChannelConfig, SharedKey>;

  // ackReaction merges field by field, so an account can change just the emoji.
  resolved.ackReaction = {
    emoji: acct.ackReaction?.emoji ?? channel.ackReaction.emoji,
    direct: acct.ackReaction?.direct ?? channel.ackReaction.direct,
    group: acct.ackReaction?.group ?? channel.ackReaction.group,
  };
  // The old top-level prefixes still apply where neither the account nor the channel sets one.
  resolved.messagePrefix ??= cfg.messages.messagePrefix;
  resolved.responsePrefix ??= cfg.messages.responsePrefix;

  const authDir = acct.authDir
    ? path.resolve(stateDir, expandHome(acct.authDir))
    : defaultAuthDir(path.resolve(stateDir), accountId);

  return {
    ...resolved,
    accountId,
    name: acct.name,
    authDir,
    mediaMaxMb: acct.mediaMaxMb ?? channel.mediaMaxMb,
    configured: own !== undefined,
  };
}
