// Rules that span several keys, checked on the parsed (defaulted) config, plus warnings about keys that parse
// but do nothing here. Each message names the key paths involved so a person knows what to change.
import type { ConfigIssue } from '../../shared/contract';
import { formatKeyPath } from './key-path';
import { E164_RE, type OpenClawConfig, type WhatsAppChannelConfig } from './schema';

const CHANNEL = 'channels.whatsapp';
const GROUP_JID_RE = /@g\.us$/;

export interface RuleResult {
  errors: ConfigIssue[];
  warnings: ConfigIssue[];
}

export function checkRules(cfg: OpenClawConfig): RuleResult {
  const out: RuleResult = { errors: [], warnings: [] };
  checkWhatsApp(cfg.channels.whatsapp, out);
  checkWeb(cfg, out);
  checkAgents(cfg, out);
  checkBindings(cfg, out);
  return out;
}

interface PolicyView {
  dmPolicy: string;
  allowFrom: readonly string[] | undefined;
  /** Key path of the dmPolicy in force and of the allowFrom that applies (with its fallback, for accounts). */
  policyPath: string;
  allowPath: string;
  allowLabel: string;
}

function checkPolicy(v: PolicyView, out: RuleResult): void {
  const allow = v.allowFrom ?? [];
  if (v.dmPolicy === 'open' && !allow.includes('*')) {
    out.errors.push({
      path: v.allowPath,
      message: `${v.policyPath}="open" requires ${v.allowLabel} to include "*"`,
    });
  }
  if (v.dmPolicy === 'allowlist' && allow.length === 0) {
    out.errors.push({
      path: v.allowPath,
      message: `${v.policyPath}="allowlist" requires ${v.allowLabel} to contain at least one sender ID`,
    });
  }
}

function checkWhatsApp(wa: WhatsAppChannelConfig, out: RuleResult): void {
  checkPolicy(
    {
      dmPolicy: wa.dmPolicy,
      allowFrom: wa.allowFrom,
      policyPath: `${CHANNEL}.dmPolicy`,
      allowPath: `${CHANNEL}.allowFrom`,
      allowLabel: `${CHANNEL}.allowFrom`,
    },
    out,
  );

  const ids = Object.keys(wa.accounts).sort();
  for (const id of ids) {
    const acct = wa.accounts[id];
    // An account that overrides neither key behaves exactly like the channel, which was checked above.
    if (!acct || (acct.dmPolicy === undefined && acct.allowFrom === undefined)) continue;
    const base = formatKeyPath(['channels', 'whatsapp', 'accounts', id]);
    checkPolicy(
      {
        dmPolicy: acct.dmPolicy ?? wa.dmPolicy,
        allowFrom: acct.allowFrom ?? wa.allowFrom,
        policyPath: `${acct.dmPolicy === undefined ? CHANNEL : base}.dmPolicy`,
        allowPath: `${base}.allowFrom`,
        allowLabel: `${base}.allowFrom (or ${CHANNEL}.allowFrom)`,
      },
      out,
    );
  }

  if (wa.defaultAccount !== undefined) {
    const known = ids.length > 0 ? ids : ['default'];
    if (!known.includes(wa.defaultAccount)) {
      out.errors.push({
        path: `${CHANNEL}.defaultAccount`,
        message: `${JSON.stringify(wa.defaultAccount)} is not a configured account (configured: ${known.join(', ')})`,
      });
    }
  }
}

function checkWeb(cfg: OpenClawConfig, out: RuleResult): void {
  const r = cfg.web.reconnect;
  if (r.maxMs < r.initialMs) {
    out.errors.push({
      path: 'web.reconnect.maxMs',
      message: `must be at least web.reconnect.initialMs (${r.initialMs}) (got ${r.maxMs})`,
    });
  }
}

function checkAgents(cfg: OpenClawConfig, out: RuleResult): void {
  const seen = new Map<string, number>();
  let firstDefault: number | undefined;
  cfg.agents.list.forEach((agent, i) => {
    const key = agent.id.toLowerCase();
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      out.errors.push({
        path: `agents.list.${i}.id`,
        message: `agent id ${JSON.stringify(agent.id)} is already used by agents.list.${earlier}`,
      });
    } else {
      seen.set(key, i);
    }
    if (agent.default) {
      if (firstDefault === undefined) firstDefault = i;
      else {
        out.warnings.push({
          path: `agents.list.${i}.default`,
          message: `only one agent can be the default; agents.list.${firstDefault} is used`,
        });
      }
    }
  });
}

function checkBindings(cfg: OpenClawConfig, out: RuleResult): void {
  const agentIds = new Set(cfg.agents.list.map((a) => a.id.toLowerCase()));
  const accountIds = Object.keys(cfg.channels.whatsapp.accounts);
  cfg.bindings.forEach((b, i) => {
    if (agentIds.size > 0 && !agentIds.has(b.agentId.toLowerCase())) {
      out.errors.push({
        path: `bindings.${i}.agentId`,
        message: `no agent ${JSON.stringify(b.agentId)} in agents.list (known: ${cfg.agents.list.map((a) => a.id).join(', ')})`,
      });
    }
    const peer = b.match.peer;
    if (peer?.kind === 'dm' && !E164_RE.test(peer.id)) {
      out.errors.push({
        path: `bindings.${i}.match.peer.id`,
        message: `${JSON.stringify(peer.id)} is not a phone number in E.164 form (like +15551234567)`,
      });
    }
    if (peer?.kind === 'group' && !GROUP_JID_RE.test(peer.id)) {
      out.errors.push({
        path: `bindings.${i}.match.peer.id`,
        message: `${JSON.stringify(peer.id)} is not a group JID (like 120363012345678901@g.us)`,
      });
    }
    const acct = b.match.accountId;
    if (acct !== undefined && accountIds.length > 0 && !accountIds.includes(acct)) {
      out.warnings.push({
        path: `bindings.${i}.match.accountId`,
        message: `no WhatsApp account ${JSON.stringify(acct)} in channels.whatsapp.accounts, so this binding never matches`,
      });
    }
  });
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Warnings read from the file as written (before defaults), so they hold even when other keys are invalid.
 * Unknown keys are found by unknown-keys.ts.
 */
export function inputWarnings(input: Record<string, unknown>): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const messages = input.messages;
  if (isRecord(messages)) {
    if (messages.messagePrefix !== undefined) {
      out.push({
        path: 'messages.messagePrefix',
        message: `deprecated: use ${CHANNEL}.messagePrefix (this value applies only where that is unset)`,
      });
    }
    for (const key of ['ackReaction', 'ackReactionScope']) {
      if (messages[key] !== undefined) {
        out.push({
          path: `messages.${key}`,
          message: `WhatsApp ignores messages.${key}; use ${CHANNEL}.ackReaction instead`,
        });
      }
    }
  }
  return out;
}
