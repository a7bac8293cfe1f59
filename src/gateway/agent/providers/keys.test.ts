import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogHub } from '../../log/hub';
import { envVarFor, hostOf, KeyStore } from './keys';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keys-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const openai = { api: 'openai-completions' as const, baseUrl: 'https://api.openai.com/v1' };

describe('which environment variable a provider reads', () => {
  it.each([
    ['openai', openai, 'OPENAI_API_KEY'],
    ['gpt', openai, 'OPENAI_API_KEY'],
    [
      'anthropic',
      { api: 'anthropic-messages' as const, baseUrl: 'https://api.anthropic.com' },
      'ANTHROPIC_API_KEY',
    ],
    [
      'openrouter',
      { api: 'openai-completions' as const, baseUrl: 'https://example.test/v1' },
      'OPENROUTER_API_KEY',
    ],
    [
      'or',
      { api: 'openai-completions' as const, baseUrl: 'https://openrouter.ai/api/v1' },
      'OPENROUTER_API_KEY',
    ],
    ['ollama', { api: 'openai-completions' as const, baseUrl: 'http://127.0.0.1:11434/v1' }, undefined],
  ])('%s → %s', (id, p, v) => {
    expect(envVarFor(id, p)).toBe(v);
  });

  it('parses each base URL once, however many requests ask (and a bad one is still no host)', () => {
    const Real = globalThis.URL;
    let parsed = 0;
    globalThis.URL = class extends Real {
      constructor(...args: ConstructorParameters<typeof URL>) {
        super(...args);
        parsed++;
      }
    };
    try {
      const p = { api: 'openai-completions' as const, baseUrl: 'https://parse-once.openrouter.ai/v1' };
      for (let i = 0; i < 100; i++) expect(envVarFor('custom', p)).toBe('OPENROUTER_API_KEY');
      expect(parsed).toBeLessThanOrEqual(1);
      expect(envVarFor('custom', { api: 'openai-completions', baseUrl: 'not a url' })).toBeUndefined();
      expect(hostOf('not a url')).toBe('');
      expect(hostOf('HTTPS://API.OpenAI.com/v1')).toBe('api.openai.com');
    } finally {
      globalThis.URL = Real;
    }
  });
});

describe('key resolution order', () => {
  it('config, then the credentials file, then the environment; none for a local server', async () => {
    const env = { OPENAI_API_KEY: 'sk-from-env', MY_KEY: 'sk-from-ref' };
    const keys = new KeyStore(dir, env);
    expect(keys.resolve('openai', openai)).toEqual({
      key: 'sk-from-env',
      source: 'env',
      envVar: 'OPENAI_API_KEY',
    });
    expect(await keys.setKey('openai', 'sk-stored')).toBe(true);
    expect(keys.resolve('openai', openai)).toMatchObject({ key: 'sk-stored', source: 'credentials' });
    expect(keys.resolve('openai', { ...openai, apiKey: 'sk-literal' })).toMatchObject({
      key: 'sk-literal',
      source: 'config',
    });
    expect(keys.resolve('openai', { ...openai, apiKey: '${MY_KEY}' })).toMatchObject({
      key: 'sk-from-ref',
      source: 'env',
    });
    // A reference to an unset variable falls through to the next source instead of sending "${NOPE}".
    expect(keys.resolve('openai', { ...openai, apiKey: '${NOPE}' })).toMatchObject({ key: 'sk-stored' });
    expect(
      keys.resolve('ollama', { api: 'openai-completions', baseUrl: 'http://127.0.0.1:11434/v1' }),
    ).toEqual({
      source: 'none',
    });
  });

  it('writes the credentials file with mode 0600 and "" removes a key', async () => {
    const keys = new KeyStore(dir, {});
    await keys.setKey('openai', 'sk-one');
    const st = fs.statSync(keys.file);
    expect(st.mode & 0o777).toBe(0o600);
    expect(JSON.parse(fs.readFileSync(keys.file, 'utf8'))).toEqual({
      version: 1,
      keys: { openai: 'sk-one' },
    });
    // A fresh store (another process) reads what was written.
    expect(new KeyStore(dir, {}).resolve('openai', openai)).toMatchObject({
      key: 'sk-one',
      source: 'credentials',
    });
    expect(await keys.setKey('openai', '')).toBe(false);
    expect(keys.resolve('openai', openai).source).toBe('none');
  });

  it('a damaged credentials file is reported without quoting it, and other sources still work', () => {
    fs.mkdirSync(path.join(dir, 'credentials'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'credentials', 'models.json'), '{ "keys": sk-broken-secret');
    const keys = new KeyStore(dir, { OPENAI_API_KEY: 'sk-env' });
    expect(keys.resolve('openai', openai)).toMatchObject({ key: 'sk-env', source: 'env' });
    expect(keys.fileError).toMatch(/models\.json is not a model credentials file/);
    expect(keys.fileError).not.toContain('sk-broken');
  });
});

describe('log redaction of provider key headers', () => {
  it('censors x-api-key, api-key and authorization in request headers at any depth', async () => {
    const file = path.join(dir, 'log-YYYY-MM-DD.log');
    const hub = createLogHub({ file });
    hub.child('agent/providers').warn(
      {
        req: {
          headers: {
            'x-api-key': 'sk-ant-hidden',
            'api-key': 'azure-hidden',
            Authorization: 'Bearer sk-b',
          },
        },
      },
      'request failed',
    );
    await hub.close();
    const text = fs.readFileSync(hub.currentFile(), 'utf8');
    expect(text).toContain('request failed');
    expect(text).not.toMatch(/sk-ant-hidden|azure-hidden|sk-b\b/);
  });
});
