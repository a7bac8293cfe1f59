// `openclaw onboard`: the first-run setup in the terminal, the same steps as the app's Setup screen and the same
// plan (src/shared/setup-plan.ts): mode, the owner's number, the model (tested with a real request), then linking
// the phone by QR. Every answer has a flag, so it also runs unattended; everything goes through the running
// gateway's control API, so the config is written by the same validated, atomic, comment-keeping path as always.
import type { ModelApi } from '../../shared/model-presets';
import { PRESETS } from '../../shared/model-presets';
import {
  checkModel,
  doneSentence,
  normalizePhone,
  planSetup,
  setupCurrentFrom,
  type SetupCurrent,
  type SetupDmPolicy,
  type SetupMode,
  type SetupModel,
} from '../../shared/setup-plan';
import { withGateway, type ControlClient } from '../client';
import { CliError } from '../errors';
import { locateGateway } from '../locate';
import { loginWithQr } from './channels';
import { isInteractive, makeAsker, type Asker } from './onboard-prompt';

export interface OnboardOptions {
  mode?: string;
  owner?: string;
  dmPolicy?: string;
  providerPreset?: string;
  provider?: string;
  api?: string;
  baseUrl?: string;
  model?: string;
  apiKey?: string;
  apiKeyEnv?: string;
  skipModel?: boolean;
  skipModelTest?: boolean;
  yes?: boolean;
  /** commander's --no-link. */
  link?: boolean;
  account?: string;
  timeout?: string;
}

const MODES = [
  {
    value: 'dedicated',
    label: 'Dedicated number (recommended): a spare phone number just for the assistant',
  },
  {
    value: 'personal',
    label:
      'Personal number (fallback): the assistant runs on your own WhatsApp and answers when you message ' +
      'yourself; higher risk of WhatsApp restricting your own number',
  },
] as const;

const POLICIES = [
  { value: 'pairing', label: 'pairing (recommended): unknown senders get a code you approve' },
  { value: 'allowlist', label: 'allowlist: only the numbers you allow' },
  { value: 'open', label: 'open: anyone may write' },
  { value: 'disabled', label: 'disabled: no direct messages' },
] as const;

const APIS: readonly ModelApi[] = ['openai-completions', 'anthropic-messages'];

export async function onboard(opts: OnboardOptions): Promise<number> {
  const timeoutMs = opts.timeout === undefined ? 180_000 : Number(opts.timeout) * 1000;
  if (!Number.isFinite(timeoutMs) || timeoutMs < 1000 || timeoutMs > 600_000) {
    throw new CliError(
      `--timeout must be a number of seconds from 1 to 600 (got ${JSON.stringify(opts.timeout)})`,
    );
  }
  if (opts.apiKey !== undefined && opts.apiKeyEnv !== undefined) {
    throw new CliError('Give either --api-key or --api-key-env, not both.');
  }
  const location = await locateGateway();
  const asker = makeAsker(isInteractive());
  try {
    const basics = await askBasics(asker, opts);
    return await withGateway(location, (client) => run(client, asker, opts, basics, timeoutMs));
  } finally {
    asker.close();
  }
}

interface BasicAnswers {
  mode: SetupMode;
  owner: string;
  dmPolicy: SetupDmPolicy | undefined;
}

/** The questions that need no gateway, asked first so that an unattended run missing a flag fails at once. */
async function askBasics(ask: Asker, opts: OnboardOptions): Promise<BasicAnswers> {
  const mode = await ask.choose<SetupMode>(
    'How will the assistant use WhatsApp?',
    '--mode',
    opts.mode,
    MODES,
  );
  if (mode === 'personal') {
    console.log(
      'Personal mode: message yourself ("Message yourself" in WhatsApp) to talk to the assistant; it never answers your contacts.',
    );
  }
  const owner = await askOwner(ask, opts.owner);
  let dmPolicy: SetupDmPolicy | undefined;
  if (mode === 'dedicated') {
    dmPolicy = await ask.choose<SetupDmPolicy>(
      'Who else may message the assistant?',
      '--dm-policy',
      opts.dmPolicy,
      POLICIES,
      'pairing',
    );
  } else if (opts.dmPolicy !== undefined && opts.dmPolicy !== 'allowlist') {
    throw new CliError(
      '--dm-policy: personal mode always uses "allowlist" (only you may talk to the assistant).',
    );
  }

  return { mode, owner, dmPolicy };
}

async function run(
  client: ControlClient,
  ask: Asker,
  opts: OnboardOptions,
  { mode, owner, dmPolicy }: BasicAnswers,
  timeoutMs: number,
): Promise<number> {
  const config = await client.call('config.get');
  const current = setupCurrentFrom(config.value);
  const model = await askModel(client, ask, opts, current);
  const result = planSetup({ mode, owner, dmPolicy, model: model?.model ?? null }, current);
  if (!result.ok) throw new CliError(result.error);
  const { plan } = result;

  if (plan.entries.length > 0) {
    console.log('This will change:');
    for (const line of plan.summary) console.log(`  - ${line}`);
  } else console.log('The config already says all of this; nothing to change.');
  if (plan.replaces.length > 0) {
    console.log('It replaces values already in the config:');
    for (const r of plan.replaces)
      console.log(`  ${r.path}: ${JSON.stringify(r.from)} → ${JSON.stringify(r.to)}`);
    if (!(await ask.confirm('Replace them?', opts.yes))) {
      throw new CliError(
        ask.interactive
          ? 'Nothing was written.'
          : 'Nothing was written: the config already has other values there. Run again with --yes to replace them.',
      );
    }
  }
  if (model?.key) await client.call('models.setKey', { provider: model.model.provider, apiKey: model.key });
  if (plan.entries.length > 0) {
    await client.call('config.setMany', { entries: plan.entries, baseHash: config.hash });
    console.log(`Saved to ${config.file}.`);
  }

  if (opts.link !== false) {
    const code = await link(client, opts.account, mode, timeoutMs);
    if (code !== 0) return code;
  }
  console.log(doneSentence(mode, plan.owner));
  return 0;
}

async function askOwner(ask: Asker, given: string | undefined): Promise<string> {
  const question =
    'Your phone number, with country code — enter the phone you will message from (e.g. +15551234567):';
  for (;;) {
    const typed = await ask.text(question, '--owner', given);
    const phone = normalizePhone(typed);
    if (phone.ok) return phone.e164;
    if (given !== undefined || !ask.interactive) throw new CliError(`--owner: ${phone.error}`);
    console.log(phone.error);
  }
}

const MODEL_FLAGS = ['providerPreset', 'provider', 'api', 'baseUrl', 'model'] as const;

/** The model answers (null when the step is skipped or an existing model is kept), tested unless told not to. */
async function askModel(
  client: ControlClient,
  ask: Asker,
  opts: OnboardOptions,
  current: SetupCurrent,
): Promise<{ model: SetupModel; key?: string } | null> {
  const configured = typeof current.model === 'string' ? current.model : current.model?.primary;
  const flagged = MODEL_FLAGS.some((f) => opts[f] !== undefined);
  if (opts.skipModel) return null;
  if (!flagged && configured) {
    if (
      !ask.interactive ||
      !(await ask.confirm(`A model is configured (${configured}). Change it?`, undefined))
    ) {
      return null;
    }
  }
  const presetId = await ask.choose(
    'Which model provider?',
    '--provider-preset',
    opts.providerPreset ?? (opts.baseUrl !== undefined ? 'custom' : undefined),
    PRESETS.map((p) => ({ value: p.id, label: p.label })),
  );
  const preset = PRESETS.find((p) => p.id === presetId)!;
  const api = (await ask.text(
    'API (openai-completions or anthropic-messages):',
    '--api',
    opts.api,
    preset.api,
  )) as ModelApi;
  if (!APIS.includes(api))
    throw new CliError(`--api must be one of ${APIS.join(', ')} (got ${JSON.stringify(api)}).`);
  const baseUrl = await ask.text('Base URL:', '--base-url', opts.baseUrl, preset.baseUrl || undefined);
  const modelId = await ask.text(`Model id (e.g. ${preset.modelHint}):`, '--model', opts.model);
  const provider = opts.provider ?? preset.provider;
  const model: SetupModel = { preset: preset.id, provider, api, baseUrl, model: modelId };
  let key = opts.apiKey;
  if (opts.apiKeyEnv !== undefined) {
    key = process.env[opts.apiKeyEnv];
    if (!key)
      throw new CliError(`--api-key-env: the environment variable ${opts.apiKeyEnv} is not set or empty.`);
  }
  if (key === undefined && (preset.needsKey || ask.interactive)) {
    key = await ask.secret(
      `API key for ${provider} (typed without echo; Enter to keep the stored one or none):`,
    );
  }
  // The plan's checks run now, so a bad address is reported before any request is made.
  const problem = checkModel(model);
  if (problem) throw new CliError(problem);
  if (opts.skipModelTest) {
    console.log('Model test skipped (--skip-model-test): the model is saved without a test request.');
    return { model, key };
  }
  console.log(`Testing ${provider}/${modelId} with a real request…`);
  const tested = await client.call(
    'models.test',
    {
      draft: {
        api,
        baseUrl: baseUrl.trim(),
        model: modelId.trim(),
        provider,
        ...(key ? { apiKey: key } : {}),
      },
    },
    { timeoutMs: 90_000 },
  );
  if (tested.ok) {
    console.log(`Model test passed: ${tested.message}`);
    return { model, key };
  }
  console.error(`Model test failed: ${tested.message}`);
  if (await ask.confirm('Save this model anyway, untested?', undefined)) return { model, key };
  throw new CliError(
    'Nothing was written. Fix the model answers and run again, or add --skip-model-test to save it untested.',
  );
}

async function link(client: ControlClient, account: string | undefined, mode: SetupMode, timeoutMs: number) {
  const { accounts, defaultAccount } = await client.call('channels.status');
  const target = accounts.find((a) => a.accountId === (account ?? defaultAccount));
  if (target?.linked) {
    console.log(
      `WhatsApp is already linked (account "${target.accountId}"${target.number ? `, ${target.number}` : ''}).`,
    );
    return 0;
  }
  console.log(
    mode === 'personal'
      ? 'Now link your own WhatsApp: on your phone open WhatsApp → Settings → Linked devices → Link a device.'
      : 'Now link the assistant’s phone: on the phone with the dedicated number open WhatsApp → Settings → Linked devices → Link a device. ' +
          'No number yet? A local eSIM or prepaid SIM works best (it only has to receive one SMS); avoid VoIP and free SMS services.',
  );
  return loginWithQr(client, { account, timeoutMs });
}
