// Which agent handles an inbound message and which session it lands in. Bindings let one WhatsApp account serve
// several agents (one per person or per group); the most specific binding wins so a broad account-wide rule never
// shadows a per-peer one, whatever their order in the file.
import type { BindingConfig, OpenClawConfig } from '../config/schema';

export type PeerKind = 'dm' | 'group';

export interface RouteInput {
  accountId: string;
  /** E.164 for direct chats, the group JID for groups. */
  peer: { kind: PeerKind; id: string };
}

export interface Route {
  agentId: string;
  sessionKey: string;
  matchedBy: 'peer' | 'account' | 'channel' | 'default';
}

export const FALLBACK_AGENT_ID = 'main';

/** Group JIDs compare case-insensitively; numbers by digits, so "+1 555…" in a binding still matches. */
function peerKey(kind: PeerKind, id: string): string {
  return kind === 'group' ? id.trim().toLowerCase() : id.replace(/\D/g, '');
}

function peerMatches(binding: BindingConfig, peer: RouteInput['peer']): boolean {
  const want = binding.match.peer;
  if (!want || want.kind !== peer.kind) return false;
  const key = peerKey(want.kind, want.id);
  return key !== '' && key === peerKey(peer.kind, peer.id);
}

export function defaultAgentId(cfg: OpenClawConfig): string {
  const list = cfg.agents.list;
  return (list.find((a) => a.default === true) ?? list[0])?.id ?? FALLBACK_AGENT_ID;
}

function pickBinding(
  cfg: OpenClawConfig,
  input: RouteInput,
): { binding: BindingConfig; matchedBy: Route['matchedBy'] } | undefined {
  const bindings = cfg.bindings.filter((b) => b.match.channel === 'whatsapp');
  const account = input.accountId.toLowerCase();
  const sameAccount = (b: BindingConfig) => b.match.accountId?.toLowerCase() === account;
  const anyAccount = (b: BindingConfig) => b.match.accountId === undefined;
  const tiers: Array<[Route['matchedBy'], (b: BindingConfig) => boolean]> = [
    ['peer', (b) => sameAccount(b) && peerMatches(b, input.peer)],
    ['peer', (b) => anyAccount(b) && peerMatches(b, input.peer)],
    ['account', (b) => sameAccount(b) && !b.match.peer],
    ['channel', (b) => anyAccount(b) && !b.match.peer],
  ];
  for (const [matchedBy, test] of tiers) {
    const binding = bindings.find(test);
    if (binding) return { binding, matchedBy };
  }
  return undefined;
}

/**
 * Session keys are the reference system's, so imported sessions keep working. Ids are lowercased there because
 * agent and account ids are case-insensitive, and "Work" and "work" must not split one conversation in two.
 */
export function sessionKeyFor(cfg: OpenClawConfig, agentId: string, input: RouteInput): string {
  const agent = `agent:${agentId.toLowerCase()}`;
  const { kind, id } = input.peer;
  if (kind === 'group') return `${agent}:whatsapp:group:${id.toLowerCase()}`;
  switch (cfg.session.dmScope) {
    case 'main':
      return `${agent}:${cfg.session.mainKey}`;
    case 'per-peer':
      return `${agent}:dm:${id}`;
    case 'per-channel-peer':
      return `${agent}:whatsapp:dm:${id}`;
    case 'per-account-channel-peer':
      return `${agent}:whatsapp:${input.accountId.toLowerCase()}:dm:${id}`;
  }
}

export function routeInbound(cfg: OpenClawConfig, input: RouteInput): Route {
  const picked = pickBinding(cfg, input);
  const wanted = picked?.binding.agentId ?? defaultAgentId(cfg);
  // Prefer the spelling from agents.list so logs and per-agent settings agree with the file.
  const agentId = cfg.agents.list.find((a) => a.id.toLowerCase() === wanted.toLowerCase())?.id ?? wanted;
  return {
    agentId,
    sessionKey: sessionKeyFor(cfg, agentId, input),
    matchedBy: picked?.matchedBy ?? 'default',
  };
}

/** A DM's history limit in user turns: the per-number override, else the account's; undefined when neither is set. */
export function dmHistoryLimitFor(
  account: { dmHistoryLimit?: number; dms?: Record<string, { historyLimit?: number }> },
  e164: string,
): number | undefined {
  const own = account.dms && Object.hasOwn(account.dms, e164) ? account.dms[e164] : undefined;
  return own?.historyLimit ?? account.dmHistoryLimit;
}
