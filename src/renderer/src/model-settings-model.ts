// Pure logic behind Settings → Model: presets that fill the API and address for the common providers, the form
// read back from the config, its checks, the config entries Save writes, and the draft the Test button sends. The
// API key never comes back from the gateway: the form only knows whether one is stored.
import type { ModelInfo } from '../../shared/contract-agent';
import { PRESETS, presetById, type ModelApi } from '../../shared/model-presets';

export type { ModelApi, ModelPreset } from '../../shared/model-presets';
export { PRESETS, presetById } from '../../shared/model-presets';

export interface ModelForm {
  preset: string;
  provider: string;
  api: ModelApi;
  baseUrl: string;
  model: string;
  /** Typed by the person, write-only: '' keeps what is stored. */
  key: string;
}

export const EMPTY_FORM: ModelForm = {
  preset: 'openai',
  provider: 'openai',
  api: 'openai-completions',
  baseUrl: 'https://api.openai.com/v1',
  model: '',
  key: '',
};

/** Picking a preset fills the provider, API and address; the model id and a typed key stay. */
export function applyPreset(form: ModelForm, presetId: string): ModelForm {
  const p = presetById(presetId);
  return { ...form, preset: p.id, provider: p.provider, api: p.api, baseUrl: p.baseUrl };
}

/** The bits of the config this section reads (config.get of `models.providers` and `agents.defaults.model`). */
export interface ModelConfigView {
  providers: Record<string, { api?: ModelApi; baseUrl?: string; models?: Array<{ id: string }> }>;
  model: string | { primary?: string; fallbacks?: string[] } | undefined;
}

/** "provider/model": the provider id is up to the first "/", the model id (which may hold "/") the rest. */
export function splitRef(ref: string): { provider: string; model: string } | null {
  const slash = ref.indexOf('/');
  if (slash <= 0 || slash === ref.length - 1) return null;
  return { provider: ref.slice(0, slash), model: ref.slice(slash + 1) };
}

export function primaryRef(model: ModelConfigView['model']): string | undefined {
  return typeof model === 'string' ? model : model?.primary;
}

/** The form for the configured primary model, or the empty form when none is set. */
export function formFromConfig(view: ModelConfigView): ModelForm {
  const ref = primaryRef(view.model);
  const parts = ref ? splitRef(ref) : null;
  if (!parts) return EMPTY_FORM;
  const provider = view.providers[parts.provider];
  const api = provider?.api ?? 'openai-completions';
  const baseUrl = provider?.baseUrl ?? '';
  const preset =
    PRESETS.find((p) => p.provider === parts.provider && p.baseUrl === baseUrl && p.api === api)?.id ??
    PRESETS.find((p) => p.baseUrl !== '' && p.baseUrl === baseUrl && p.api === api)?.id ??
    'custom';
  return { preset, provider: parts.provider, api, baseUrl, model: parts.model, key: '' };
}

export type FormErrors = Partial<Record<'provider' | 'baseUrl' | 'model', string>>;

const PROVIDER_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/i;

export function checkForm(form: ModelForm): FormErrors {
  const errors: FormErrors = {};
  if (!PROVIDER_ID.test(form.provider)) {
    errors.provider = 'A provider id of letters, digits, "-" or "_" (it names models.providers.<id>).';
  }
  const url = parseUrl(form.baseUrl);
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    errors.baseUrl = 'An http(s) address, like http://127.0.0.1:11434/v1.';
  }
  if (!form.model.trim()) errors.model = 'The model id, as the provider names it.';
  return errors;
}

function parseUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

export const hasErrors = (errors: FormErrors): boolean => Object.keys(errors).length > 0;

/**
 * What Save writes in one config.setMany: the provider's API and address (its other keys — apiKey, headers —
 * untouched), its model list with this model added, and the primary model. Fallbacks already set are kept.
 */
export function saveEntries(form: ModelForm, view: ModelConfigView): Array<{ path: string; value: unknown }> {
  const model = form.model.trim();
  const known = view.providers[form.provider]?.models ?? [];
  const models = known.some((m) => m.id === model) ? known : [...known, { id: model }];
  const ref = `${form.provider}/${model}`;
  const prefix = `models.providers.${form.provider}`;
  return [
    { path: `${prefix}.api`, value: form.api },
    { path: `${prefix}.baseUrl`, value: form.baseUrl.trim() },
    { path: `${prefix}.models`, value: models },
    typeof view.model === 'object' && view.model !== null
      ? { path: 'agents.defaults.model.primary', value: ref }
      : { path: 'agents.defaults.model', value: ref },
  ];
}

/** The unsaved provider the Test button asks about, with the typed key if any (else the gateway's stored one). */
export function testDraft(form: ModelForm): {
  api: ModelApi;
  baseUrl: string;
  model: string;
  provider: string;
  apiKey?: string;
} {
  return {
    api: form.api,
    baseUrl: form.baseUrl.trim(),
    model: form.model.trim(),
    provider: form.provider,
    ...(form.key ? { apiKey: form.key } : {}),
  };
}

/** Where this provider's key comes from, in words; never the key. */
export function keyLine(models: readonly ModelInfo[], provider: string): string {
  const source = models.find((m) => m.provider === provider)?.keySource;
  switch (source) {
    case 'credentials':
      return 'A key is stored. Type a new one to replace it.';
    case 'env':
      return 'The key comes from the environment. A key typed here is stored and used instead.';
    case 'config':
      return 'The key is in the config file. A key typed here is stored, but the config file’s key wins.';
    default:
      return 'No key is stored.';
  }
}
