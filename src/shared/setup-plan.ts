// The first-run setup as one pure plan, shared by the app's Setup screen and `openclaw onboard`: the answers
// (mode, owner's number, DM policy, model) become the entries of one config.setMany, plus the "what will change"
// lines shown before anything is written. Values already in the config that the plan would replace are listed
// apart, so both front ends can ask before overwriting; list entries (allowFrom, a provider's models) are merged.
import type { ModelApi } from './model-presets';

export const SETUP_MODES = ['dedicated', 'personal'] as const;
export type SetupMode = (typeof SETUP_MODES)[number];

export const SETUP_DM_POLICIES = ['pairing', 'allowlist', 'open', 'disabled'] as const;
export type SetupDmPolicy = (typeof SETUP_DM_POLICIES)[number];

export interface SetupModel {
  /** The preset picked (informational; the fields below are what is written). */
  preset?: string;
  /** The provider id it is saved under: models.providers.<provider>. */
  provider: string;
  api: ModelApi;
  baseUrl: string;
  model: string;
}

export interface SetupAnswers {
  mode: SetupMode;
  /** The owner's number as typed ("+1 (555) 123-4567", "0044 20…"); normalised by the plan. */
  owner: string;
  /** Dedicated mode only; personal mode always uses "allowlist". Default "pairing". */
  dmPolicy?: SetupDmPolicy;
  /** Null when the model step was skipped. */
  model: SetupModel | null;
}

/** What the config holds now (the effective values, as config.get returns them). */
export interface SetupCurrent {
  dmPolicy?: string;
  selfChatMode?: boolean;
  allowFrom?: readonly string[];
  providers?: Record<string, { api?: string; baseUrl?: string; models?: ReadonlyArray<{ id: string }> }>;
  model?: string | { primary?: string; fallbacks?: string[] };
}

export interface SetupEntry {
  path: string;
  value: unknown;
}

export interface SetupReplacement {
  path: string;
  from: unknown;
  to: unknown;
}

export interface SetupPlan {
  owner: string;
  entries: SetupEntry[];
  /** One line per change, for people. */
  summary: string[];
  /** Values set by someone earlier that this plan would overwrite: ask before writing when not empty. */
  replaces: SetupReplacement[];
}

export type PhoneResult = { ok: true; e164: string } | { ok: false; error: string };

/**
 * A phone number as people type it → E.164. Spaces, dashes, dots and parentheses are dropped and a leading 00
 * (the international prefix most of the world dials) becomes "+"; a number without a country code is refused
 * rather than guessed, because the country is what makes it someone's number.
 */
export function normalizePhone(text: string): PhoneResult {
  const trimmed = text.trim();
  if (!trimmed) return { ok: false, error: 'Enter a phone number with its country code, like +15551234567.' };
  let digits = trimmed.replace(/[\s\-.()\u00a0]/g, '');
  if (digits.startsWith('00')) digits = `+${digits.slice(2)}`;
  if (!digits.startsWith('+')) {
    return {
      ok: false,
      error: `"${trimmed}" has no country code: start it with + (or 00), like +15551234567.`,
    };
  }
  if (!/^\+\d+$/.test(digits)) {
    return { ok: false, error: `"${trimmed}" is not a phone number: only digits after the +.` };
  }
  if (!/^\+[1-9]\d{6,14}$/.test(digits)) {
    return {
      ok: false,
      error: `"${trimmed}" is not a valid number: a country code (not starting with 0) and 7 to 15 digits in all.`,
    };
  }
  return { ok: true, e164: digits };
}

const DEFAULTS = { dmPolicy: 'pairing', selfChatMode: false } as const;

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Checks the answers that are not a number; returns what is wrong, in words, naming the answer. */
function checkAnswers(answers: SetupAnswers): string | null {
  if (!SETUP_MODES.includes(answers.mode)) {
    return `mode must be "dedicated" or "personal" (got ${JSON.stringify(answers.mode)}).`;
  }
  if (answers.dmPolicy !== undefined && !SETUP_DM_POLICIES.includes(answers.dmPolicy)) {
    return `dmPolicy must be one of ${SETUP_DM_POLICIES.join(', ')} (got ${JSON.stringify(answers.dmPolicy)}).`;
  }
  if (answers.mode === 'personal' && answers.dmPolicy !== undefined && answers.dmPolicy !== 'allowlist') {
    return 'personal mode always uses dmPolicy "allowlist" (only you may talk to the assistant); leave it out.';
  }
  return answers.model ? checkModel(answers.model) : null;
}

/** What is wrong with the model answers, naming the answer, or null. */
export function checkModel(m: SetupModel): string | null {
  if (!/^[a-z0-9][a-z0-9_-]{0,63}$/i.test(m.provider)) {
    return `model provider id must be letters, digits, "-" or "_" (got ${JSON.stringify(m.provider)}).`;
  }
  if (!/^https?:\/\/\S+$/.test(m.baseUrl.trim())) {
    return `model base URL must be an http(s) address (got ${JSON.stringify(m.baseUrl)}).`;
  }
  if (!m.model.trim()) return 'model id is required (as the provider names it, like gpt-4o-mini).';
  return null;
}

export type PlanResult = { ok: true; plan: SetupPlan } | { ok: false; error: string };

export function planSetup(answers: SetupAnswers, current: SetupCurrent): PlanResult {
  const phone = normalizePhone(answers.owner);
  if (!phone.ok) return { ok: false, error: `owner: ${phone.error}` };
  const problem = checkAnswers(answers);
  if (problem) return { ok: false, error: problem };
  const owner = phone.e164;
  const personal = answers.mode === 'personal';
  const dmPolicy: SetupDmPolicy = personal ? 'allowlist' : (answers.dmPolicy ?? 'pairing');
  const existing = current.allowFrom ?? [];
  const added = [owner, ...(dmPolicy === 'open' ? ['*'] : [])].filter((e) => !existing.includes(e));
  const allowFrom = [...existing, ...added];

  const entries: SetupEntry[] = [];
  const summary: string[] = [];
  const replaces: SetupReplacement[] = [];
  // A value differing from the schema's default was chosen by someone; replacing it needs a yes.
  const put = (path: string, value: unknown, from: unknown, fallback: unknown, line: string) => {
    if (same(from ?? fallback, value)) return;
    entries.push({ path, value });
    summary.push(line);
    if (from !== undefined && !same(from, fallback)) replaces.push({ path, from, to: value });
  };

  const wa = 'channels.whatsapp';
  put(
    `${wa}.selfChatMode`,
    personal,
    current.selfChatMode,
    DEFAULTS.selfChatMode,
    personal
      ? 'Self-chat mode on: the assistant answers when you message yourself.'
      : 'Self-chat mode off: the assistant has its own number.',
  );
  put(`${wa}.dmPolicy`, dmPolicy, current.dmPolicy, DEFAULTS.dmPolicy, `Direct messages: ${dmPolicy}.`);
  if (added.length > 0) {
    entries.push({ path: `${wa}.allowFrom`, value: allowFrom });
    summary.push(
      `Allowed senders: add ${added.join(' and ')}${existing.length ? ` (keeping ${existing.join(', ')})` : ''}.`,
    );
  }
  if (answers.model) modelEntries(answers.model, current, put, entries);
  return { ok: true, plan: { owner, entries, summary, replaces } };
}

function modelEntries(
  m: SetupModel,
  current: SetupCurrent,
  put: (path: string, value: unknown, from: unknown, fallback: unknown, line: string) => void,
  entries: SetupEntry[],
): void {
  const model = m.model.trim();
  const baseUrl = m.baseUrl.trim();
  const have = current.providers?.[m.provider];
  const prefix = `models.providers.${m.provider}`;
  put(`${prefix}.api`, m.api, have?.api, undefined, `Provider "${m.provider}": ${m.api}.`);
  put(`${prefix}.baseUrl`, baseUrl, have?.baseUrl, undefined, `Provider "${m.provider}" at ${baseUrl}.`);
  const known = have?.models ?? [];
  if (!known.some((k) => k.id === model)) {
    entries.push({ path: `${prefix}.models`, value: [...known, { id: model }] });
  }
  const ref = `${m.provider}/${model}`;
  // Fallbacks already set stay: only the primary model moves.
  const object = typeof current.model === 'object' && current.model !== null;
  const from = object
    ? (current.model as { primary?: string }).primary
    : (current.model as string | undefined);
  put(
    object ? 'agents.defaults.model.primary' : 'agents.defaults.model',
    ref,
    from,
    undefined,
    `Model: ${ref}.`,
  );
}

/** The last words of the setup, the same in the app and the CLI. */
export function doneSentence(mode: SetupMode, owner: string): string {
  return mode === 'personal'
    ? `Done. Send yourself a message on WhatsApp ("Message yourself" in ${owner}'s chats): the assistant answers there.`
    : `Done. Message the assistant from your phone (${owner}): it answers in that chat.`;
}

/** The parts of the effective config (config.get without a path) that the plan reads. */
export function setupCurrentFrom(config: unknown): SetupCurrent {
  const c = (config ?? {}) as {
    channels?: { whatsapp?: { dmPolicy?: string; selfChatMode?: boolean; allowFrom?: string[] } };
    models?: { providers?: SetupCurrent['providers'] };
    agents?: { defaults?: { model?: SetupCurrent['model'] } };
  };
  const wa = c.channels?.whatsapp ?? {};
  return {
    dmPolicy: wa.dmPolicy,
    selfChatMode: wa.selfChatMode,
    allowFrom: wa.allowFrom,
    providers: c.models?.providers ?? {},
    model: c.agents?.defaults?.model,
  };
}
