import { describe, expect, it } from 'vitest';
import {
  doneSentence,
  normalizePhone,
  planSetup,
  setupCurrentFrom,
  type SetupAnswers,
  type SetupCurrent,
} from './setup-plan';

const model = {
  preset: 'openai',
  provider: 'openai',
  api: 'openai-completions' as const,
  baseUrl: 'https://api.openai.com/v1',
  model: 'gpt-4o-mini',
};
const fresh: SetupCurrent = { dmPolicy: 'pairing', selfChatMode: false, providers: {}, model: undefined };

function plan(answers: Partial<SetupAnswers>, current: SetupCurrent = fresh) {
  const result = planSetup({ mode: 'dedicated', owner: '+15551234567', model, ...answers }, current);
  if (!result.ok) throw new Error(result.error);
  return result.plan;
}

describe('normalizePhone', () => {
  it('drops spaces, dashes, dots and parentheses and turns a leading 00 into +', () => {
    expect(normalizePhone(' +1 (555) 123-4567 ')).toEqual({ ok: true, e164: '+15551234567' });
    expect(normalizePhone('0044 20.7946.0000')).toEqual({ ok: true, e164: '+442079460000' });
  });

  it('refuses a number without a country code, with letters, or of the wrong length, saying why', () => {
    const noCode = normalizePhone('555 123 4567');
    expect(noCode.ok).toBe(false);
    expect(!noCode.ok && noCode.error).toMatch(/no country code/);
    expect(normalizePhone('+1555abc4567')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/digits/),
    });
    expect(normalizePhone('+12')).toMatchObject({ ok: false, error: expect.stringMatching(/7 to 15/) });
    expect(normalizePhone('+0123456789')).toMatchObject({ ok: false });
    expect(normalizePhone('')).toMatchObject({ ok: false, error: expect.stringMatching(/country code/) });
  });
});

describe('planSetup', () => {
  it('dedicated on a fresh config: owner allowed, pairing kept as the default, self-chat off, the model set', () => {
    const p = plan({ owner: '+1 555-123-4567' });
    expect(p.owner).toBe('+15551234567');
    expect(p.entries).toEqual([
      { path: 'channels.whatsapp.allowFrom', value: ['+15551234567'] },
      { path: 'models.providers.openai.api', value: 'openai-completions' },
      { path: 'models.providers.openai.baseUrl', value: 'https://api.openai.com/v1' },
      { path: 'models.providers.openai.models', value: [{ id: 'gpt-4o-mini' }] },
      { path: 'agents.defaults.model', value: 'openai/gpt-4o-mini' },
    ]);
    expect(p.replaces).toEqual([]);
    expect(p.summary.join('\n')).toMatch(/add \+15551234567/);
    expect(p.summary.join('\n')).toMatch(/Model: openai\/gpt-4o-mini/);
  });

  it('dedicated with "open" adds "*" and the chosen policy', () => {
    const p = plan({ dmPolicy: 'open' });
    expect(p.entries).toContainEqual({ path: 'channels.whatsapp.dmPolicy', value: 'open' });
    expect(p.entries).toContainEqual({ path: 'channels.whatsapp.allowFrom', value: ['+15551234567', '*'] });
  });

  it('personal: self-chat on, allowlist, the owner merged into the entries already there', () => {
    const p = plan(
      { mode: 'personal', owner: '0015551234567', model: null },
      { ...fresh, allowFrom: ['+4915112345678'] },
    );
    expect(p.entries).toEqual([
      { path: 'channels.whatsapp.selfChatMode', value: true },
      { path: 'channels.whatsapp.dmPolicy', value: 'allowlist' },
      { path: 'channels.whatsapp.allowFrom', value: ['+4915112345678', '+15551234567'] },
    ]);
    expect(p.replaces).toEqual([]);
    expect(p.summary[0]).toMatch(/message yourself/);
  });

  it('lists each value set earlier that it would replace, and writes nothing twice', () => {
    const current: SetupCurrent = {
      dmPolicy: 'open',
      selfChatMode: true,
      allowFrom: ['*', '+15551234567'],
      providers: {
        openai: { api: 'openai-completions', baseUrl: 'http://127.0.0.1:9/v1', models: [{ id: 'x' }] },
      },
      model: { primary: 'openai/x', fallbacks: ['other/y'] },
    };
    const p = plan({ dmPolicy: 'allowlist' }, current);
    expect(p.replaces).toEqual([
      { path: 'channels.whatsapp.selfChatMode', from: true, to: false },
      { path: 'channels.whatsapp.dmPolicy', from: 'open', to: 'allowlist' },
      {
        path: 'models.providers.openai.baseUrl',
        from: 'http://127.0.0.1:9/v1',
        to: 'https://api.openai.com/v1',
      },
      { path: 'agents.defaults.model.primary', from: 'openai/x', to: 'openai/gpt-4o-mini' },
    ]);
    // The owner is already allowed and the api is unchanged: no entry for either; the fallbacks stay.
    expect(p.entries.map((e) => e.path)).not.toContain('channels.whatsapp.allowFrom');
    expect(p.entries.map((e) => e.path)).not.toContain('models.providers.openai.api');
    expect(p.entries).toContainEqual({
      path: 'models.providers.openai.models',
      value: [{ id: 'x' }, { id: 'gpt-4o-mini' }],
    });
  });

  it('refuses bad answers naming the answer', () => {
    expect(planSetup({ mode: 'dedicated', owner: '12345', model: null }, fresh)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^owner: .*country code/),
    });
    expect(
      planSetup({ mode: 'personal', owner: '+15551234567', dmPolicy: 'open', model: null }, fresh),
    ).toMatchObject({
      ok: false,
      error: expect.stringMatching(/personal mode always uses dmPolicy "allowlist"/),
    });
    expect(
      planSetup({ mode: 'dedicated', owner: '+15551234567', model: { ...model, baseUrl: 'ftp://x' } }, fresh),
    ).toMatchObject({ ok: false, error: expect.stringMatching(/base URL/) });
    expect(planSetup({ mode: 'sideways' as never, owner: '+15551234567', model: null }, fresh)).toMatchObject(
      { ok: false, error: expect.stringMatching(/mode must be/) },
    );
  });
});

describe('setupCurrentFrom', () => {
  it('reads the channel, providers and model from an effective config, tolerating missing parts', () => {
    expect(
      setupCurrentFrom({
        channels: { whatsapp: { dmPolicy: 'open', selfChatMode: false, allowFrom: ['*'] } },
        models: { providers: { p: { api: 'openai-completions', baseUrl: 'http://x', models: [] } } },
        agents: { defaults: { model: 'p/m' } },
      }),
    ).toEqual({
      dmPolicy: 'open',
      selfChatMode: false,
      allowFrom: ['*'],
      providers: { p: { api: 'openai-completions', baseUrl: 'http://x', models: [] } },
      model: 'p/m',
    });
    expect(setupCurrentFrom(undefined)).toEqual({ providers: {} });
  });

  it('says the last words per mode', () => {
    expect(doneSentence('personal', '+15551234567')).toMatch(/^Done\. Send yourself a message/);
    expect(doneSentence('dedicated', '+15551234567')).toMatch(
      /^Done\. Message the assistant from your phone/,
    );
  });
});
