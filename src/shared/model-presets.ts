// The model providers people pick from, shared by Settings → Model, the Setup screen and `openclaw onboard`: each
// preset fills the wire format and address so that only the model id (and a key) remain to be typed.
export type ModelApi = 'openai-completions' | 'anthropic-messages';

export interface ModelPreset {
  id: string;
  label: string;
  /** The provider id it is saved under (models.providers.<id>). */
  provider: string;
  api: ModelApi;
  baseUrl: string;
  /** A sensible model id, shown as the placeholder. */
  modelHint: string;
  /** Local servers take no key. */
  needsKey: boolean;
}

export const PRESETS: readonly ModelPreset[] = [
  {
    id: 'anthropic',
    label: 'Anthropic',
    provider: 'anthropic',
    api: 'anthropic-messages',
    baseUrl: 'https://api.anthropic.com',
    modelHint: 'claude-sonnet-4-5',
    needsKey: true,
  },
  {
    id: 'openai',
    label: 'OpenAI',
    provider: 'openai',
    api: 'openai-completions',
    baseUrl: 'https://api.openai.com/v1',
    modelHint: 'gpt-4o-mini',
    needsKey: true,
  },
  {
    id: 'openrouter',
    label: 'OpenRouter',
    provider: 'openrouter',
    api: 'openai-completions',
    baseUrl: 'https://openrouter.ai/api/v1',
    modelHint: 'openai/gpt-4o-mini',
    needsKey: true,
  },
  {
    id: 'ollama',
    label: 'Ollama',
    provider: 'ollama',
    api: 'openai-completions',
    baseUrl: 'http://127.0.0.1:11434/v1',
    modelHint: 'llama3.2',
    needsKey: false,
  },
  {
    id: 'lmstudio',
    label: 'LM Studio',
    provider: 'lmstudio',
    api: 'openai-completions',
    baseUrl: 'http://127.0.0.1:1234/v1',
    modelHint: 'qwen2.5-7b-instruct',
    needsKey: false,
  },
  {
    id: 'custom',
    label: 'Custom (OpenAI-compatible)',
    provider: 'custom',
    api: 'openai-completions',
    baseUrl: '',
    modelHint: 'model id as the server names it',
    needsKey: false,
  },
];

export function presetById(id: string): ModelPreset {
  return PRESETS.find((p) => p.id === id) ?? PRESETS[PRESETS.length - 1]!;
}
