import { describe, expect, it } from 'vitest';
import type { ModelInfo } from '../../shared/contract-agent';
import {
  applyPreset,
  checkForm,
  EMPTY_FORM,
  formFromConfig,
  keyLine,
  saveEntries,
  splitRef,
  testDraft,
  type ModelConfigView,
} from './model-settings-model';

const none: ModelConfigView = { providers: {}, model: undefined };

describe('model settings', () => {
  it('fills API and address from a preset, keeping the model id and a typed key', () => {
    const form = applyPreset({ ...EMPTY_FORM, model: 'm1', key: 'sk-typed' }, 'anthropic');
    expect(form).toEqual({
      preset: 'anthropic',
      provider: 'anthropic',
      api: 'anthropic-messages',
      baseUrl: 'https://api.anthropic.com',
      model: 'm1',
      key: 'sk-typed',
    });
    expect(applyPreset(form, 'ollama')).toMatchObject({
      baseUrl: 'http://127.0.0.1:11434/v1',
      api: 'openai-completions',
    });
    expect(applyPreset(form, 'custom')).toMatchObject({ provider: 'custom', baseUrl: '' });
  });

  it('reads the configured primary back, recognising a preset or calling it custom', () => {
    expect(formFromConfig(none)).toEqual(EMPTY_FORM);
    const view: ModelConfigView = {
      providers: {
        openrouter: { api: 'openai-completions', baseUrl: 'https://openrouter.ai/api/v1' },
        sim: { api: 'openai-completions', baseUrl: 'http://127.0.0.1:4000/v1' },
      },
      model: { primary: 'openrouter/openai/gpt-4o-mini', fallbacks: [] },
    };
    expect(formFromConfig(view)).toMatchObject({ preset: 'openrouter', model: 'openai/gpt-4o-mini' });
    expect(formFromConfig({ ...view, model: 'sim/m' })).toMatchObject({
      preset: 'custom',
      provider: 'sim',
      baseUrl: 'http://127.0.0.1:4000/v1',
      model: 'm',
    });
    expect(splitRef('nomodel')).toBeNull();
  });

  it('names each field that is wrong', () => {
    const errors = checkForm({ ...EMPTY_FORM, provider: 'has space', baseUrl: 'ftp://x', model: ' ' });
    expect(Object.keys(errors).sort()).toEqual(['baseUrl', 'model', 'provider']);
    expect(checkForm({ ...EMPTY_FORM, model: 'gpt-4o-mini' })).toEqual({});
  });

  it("saves the provider's API, address and models and the primary, leaving its key and fallbacks alone", () => {
    const form = {
      ...applyPreset(EMPTY_FORM, 'custom'),
      baseUrl: 'http://127.0.0.1:4000/v1 ',
      model: 'm',
      key: 'sk-x',
    };
    expect(saveEntries(form, none)).toEqual([
      { path: 'models.providers.custom.api', value: 'openai-completions' },
      { path: 'models.providers.custom.baseUrl', value: 'http://127.0.0.1:4000/v1' },
      { path: 'models.providers.custom.models', value: [{ id: 'm' }] },
      { path: 'agents.defaults.model', value: 'custom/m' },
    ]);
    const view: ModelConfigView = {
      providers: { custom: { models: [{ id: 'other' }] } },
      model: { primary: 'custom/other', fallbacks: ['x/y'] },
    };
    const entries = saveEntries(form, view);
    expect(entries[2]).toEqual({
      path: 'models.providers.custom.models',
      value: [{ id: 'other' }, { id: 'm' }],
    });
    expect(entries[3]).toEqual({ path: 'agents.defaults.model.primary', value: 'custom/m' });
    expect(JSON.stringify(entries)).not.toContain('sk-x');
  });

  it('tests the unsaved form, with the typed key only when one was typed', () => {
    const form = { ...EMPTY_FORM, model: ' gpt-4o-mini ' };
    expect(testDraft(form)).toEqual({
      api: 'openai-completions',
      baseUrl: 'https://api.openai.com/v1',
      model: 'gpt-4o-mini',
      provider: 'openai',
    });
    expect(testDraft({ ...form, key: 'sk-1' }).apiKey).toBe('sk-1');
  });

  it('says where the key comes from, never what it is', () => {
    const info = (keySource: ModelInfo['keySource']): ModelInfo => ({
      ref: 'openai/gpt-4o-mini',
      provider: 'openai',
      api: 'openai-completions',
      input: ['text'],
      contextWindow: 1000,
      keySource,
      usedBy: [],
    });
    expect(keyLine([info('credentials')], 'openai')).toBe('A key is stored. Type a new one to replace it.');
    expect(keyLine([info('env')], 'openai')).toContain('environment');
    expect(keyLine([info('credentials')], 'anthropic')).toBe('No key is stored.');
  });
});
