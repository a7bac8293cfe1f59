// Pure model behind the structured access editors in Settings: which keys they edit (per scope: the channel,
// `channels.whatsapp`, or one account, `channels.whatsapp.accounts.<id>`), reading them from `config.get`,
// checking entries as the person types, planning the `config.set`/`config.unset` calls a save makes, and placing
// the gateway's issues (which name key paths) next to the field they are about. The rules restate the config
// schema's so mistakes show before a round trip; the gateway stays the judge.

export const DM_POLICIES = ['pairing', 'allowlist', 'open', 'disabled'] as const;
export const GROUP_POLICIES = ['allowlist', 'open', 'disabled'] as const;
export const ACK_GROUP_MODES = ['mentions', 'always', 'never'] as const;
export type DmPolicy = (typeof DM_POLICIES)[number];
export type GroupPolicy = (typeof GROUP_POLICIES)[number];
export type AckGroupMode = (typeof ACK_GROUP_MODES)[number];
export type GroupsValue = Record<string, { requireMention?: boolean }>;

/** The edited keys; undefined means not set (an account then inherits the channel's value). */
export interface AccessValues {
  dmPolicy?: DmPolicy;
  allowFrom?: string[];
  selfChatMode?: boolean;
  sendReadReceipts?: boolean;
  groupPolicy?: GroupPolicy;
  groupAllowFrom?: string[];
  groups?: GroupsValue;
  ackEmoji?: string;
  ackDirect?: boolean;
  ackGroup?: AckGroupMode;
}
export type FieldId = keyof AccessValues;

/** Each field's key path below the scope, in the order a save writes them (see planWrites for dmPolicy). */
export const FIELD_PATHS: Record<FieldId, string> = {
  allowFrom: 'allowFrom',
  dmPolicy: 'dmPolicy',
  selfChatMode: 'selfChatMode',
  sendReadReceipts: 'sendReadReceipts',
  groupAllowFrom: 'groupAllowFrom',
  groupPolicy: 'groupPolicy',
  groups: 'groups',
  ackEmoji: 'ackReaction.emoji',
  ackDirect: 'ackReaction.direct',
  ackGroup: 'ackReaction.group',
};
export const FIELD_IDS = Object.keys(FIELD_PATHS) as FieldId[];

export type Scope = { kind: 'channel' } | { kind: 'account'; id: string };
export const CHANNEL_PATH = 'channels.whatsapp';

// The gateway's key-path syntax: plain segments, brackets for keys that look like indices or need quoting.
const PLAIN_SEGMENT = /^[A-Za-z0-9_$-]+$/;
const INDEX = /^(0|[1-9]\d*)$/;
function segment(key: string): string {
  return PLAIN_SEGMENT.test(key) && !INDEX.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

export function scopePath(scope: Scope): string {
  return scope.kind === 'channel' ? CHANNEL_PATH : `${CHANNEL_PATH}.accounts${segment(scope.id)}`;
}

export function fieldPath(scope: Scope, field: FieldId): string {
  return `${scopePath(scope)}.${FIELD_PATHS[field]}`;
}

// ---- reading -----------------------------------------------------------------------------------------------

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const oneOf = <T extends string>(list: readonly T[], v: unknown): T | undefined =>
  typeof v === 'string' && (list as readonly string[]).includes(v) ? (v as T) : undefined;
const bool = (v: unknown) => (typeof v === 'boolean' ? v : undefined);
const strings = (v: unknown) =>
  Array.isArray(v) && v.every((x) => typeof x === 'string') ? [...(v as string[])] : undefined;

function groupsOf(v: unknown): GroupsValue | undefined {
  if (!isRecord(v)) return undefined;
  const out: GroupsValue = {};
  for (const [jid, entry] of Object.entries(v)) {
    const requireMention = isRecord(entry) ? bool(entry.requireMention) : undefined;
    out[jid] = requireMention === undefined ? {} : { requireMention };
  }
  return out;
}

/** The edited keys of one object from the config (the channel's, or an account's). */
export function readValues(source: unknown): AccessValues {
  const s = isRecord(source) ? source : {};
  const ack = isRecord(s.ackReaction) ? s.ackReaction : {};
  const values: AccessValues = {
    dmPolicy: oneOf(DM_POLICIES, s.dmPolicy),
    allowFrom: strings(s.allowFrom),
    selfChatMode: bool(s.selfChatMode),
    sendReadReceipts: bool(s.sendReadReceipts),
    groupPolicy: oneOf(GROUP_POLICIES, s.groupPolicy),
    groupAllowFrom: strings(s.groupAllowFrom),
    groups: groupsOf(s.groups),
    ackEmoji: typeof ack.emoji === 'string' ? ack.emoji : undefined,
    ackDirect: bool(ack.direct),
    ackGroup: oneOf(ACK_GROUP_MODES, ack.group),
  };
  for (const id of FIELD_IDS) if (values[id] === undefined) delete values[id];
  return values;
}

/** `config.get({ path: 'channels.whatsapp' })`'s value: the channel's keys and each configured account's. */
export function readChannel(value: unknown): {
  channel: AccessValues;
  accounts: Record<string, AccessValues>;
} {
  const channel = isRecord(value) ? value : {};
  const accounts: Record<string, AccessValues> = {};
  if (isRecord(channel.accounts)) {
    for (const [id, acct] of Object.entries(channel.accounts)) accounts[id] = readValues(acct);
  }
  return { channel: readValues(channel), accounts };
}

/** What applies to an account: its own value, else the channel's. */
export function effectiveValues(own: AccessValues, channel: AccessValues): AccessValues {
  const out: AccessValues = { ...channel };
  for (const id of FIELD_IDS) if (own[id] !== undefined) Object.assign(out, { [id]: own[id] });
  return out;
}

// ---- checking entries ------------------------------------------------------------------------------------

export const E164 = /^\+[1-9]\d{6,14}$/;
const GROUP_JID = /^\d+(-\d+)?@g\.us$/;

/** What people paste ("+1 (555) 123-4567") as E.164: separators dropped, a leading 00 read as +. */
export function normalizePhone(input: string): string {
  const compact = input.trim().replace(/[\s().-]/g, '');
  return compact.startsWith('00') ? `+${compact.slice(2)}` : compact;
}

/** Null when `entry` is a valid allowlist entry (E.164 or "*"); otherwise why not. */
export function senderEntryProblem(entry: string): string | null {
  if (entry === '') return 'Enter a phone number, like +15551234567.';
  if (entry === '*') return null;
  if (E164.test(entry)) return null;
  if (!entry.startsWith('+')) return 'Start with + and the country code, like +15551234567.';
  return 'Not a phone number in E.164 form: +, the country code, then the number (8 to 16 characters in all).';
}

export function groupKeyProblem(key: string): string | null {
  if (key === '') return 'Enter a group JID, like 120363012345678901@g.us, or "*".';
  return key === '*' || GROUP_JID.test(key) ? null : 'Not a group JID (like 120363012345678901@g.us) or "*".';
}

/** Warnings about a whole list: duplicates, and "*" (which lets everyone in). */
export function listWarnings(list: readonly string[], what: 'dm' | 'group'): string[] {
  const warnings: string[] = [];
  const dupes = [...new Set(list.filter((x, i) => list.indexOf(x) !== i))];
  if (dupes.length > 0) warnings.push(`Listed more than once: ${dupes.join(', ')}.`);
  if (list.includes('*')) {
    warnings.push(
      what === 'dm'
        ? '"*" means everyone: any WhatsApp user can write to the assistant.'
        : '"*" means every group member can trigger the assistant.',
    );
    if (list.length > 1) warnings.push('With "*" in the list, the other entries make no difference.');
  }
  return warnings;
}

/** One emoji or nothing (nothing turns the reaction off). */
export function emojiProblem(text: string): string | null {
  if (text === '') return null;
  // Keycaps (1️⃣) and flags are emoji built from digits and letter-like symbols; take them out before looking
  // for plain letters, digits and spaces.
  const symbols = text.replace(/[0-9#*]\uFE0F?\u20E3|\p{Extended_Pictographic}|[\u{1F1E6}-\u{1F1FF}]/gu, '');
  if (/[\p{L}\p{N}\s]/u.test(symbols)) {
    return 'Use one emoji, like 👀 or ✅ (letters and spaces are not reactions).';
  }
  const graphemes = [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)];
  return graphemes.length === 1 ? null : 'Use a single emoji: WhatsApp reacts with one.';
}

/** Problems that block saving, keyed by field (the same rules the gateway applies on save). */
export function formProblems(
  form: AccessValues,
  channel: AccessValues | null,
): Partial<Record<FieldId, string>> {
  const problems: Partial<Record<FieldId, string>> = {};
  const listProblem = (list: string[] | undefined) =>
    list?.map(senderEntryProblem).find((p) => p !== null) ?? undefined;
  const allow = listProblem(form.allowFrom);
  if (allow) problems.allowFrom = allow;
  const groupAllow = listProblem(form.groupAllowFrom);
  if (groupAllow) problems.groupAllowFrom = groupAllow;
  const badGroup = Object.keys(form.groups ?? {}).find((k) => groupKeyProblem(k) !== null);
  if (badGroup !== undefined) problems.groups = `${JSON.stringify(badGroup)}: ${groupKeyProblem(badGroup)}`;
  const emoji = form.ackEmoji === undefined ? null : emojiProblem(form.ackEmoji);
  if (emoji) problems.ackEmoji = emoji;

  const eff = channel ? effectiveValues(form, channel) : form;
  const list = eff.allowFrom ?? [];
  if (!problems.allowFrom && eff.dmPolicy === 'open' && !list.includes('*')) {
    problems.allowFrom = 'DM policy "open" needs "*" in allowFrom (everyone may write).';
  } else if (!problems.allowFrom && eff.dmPolicy === 'allowlist' && list.length === 0) {
    problems.allowFrom = 'DM policy "allowlist" needs at least one number here.';
  }
  return problems;
}
