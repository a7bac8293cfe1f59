// The config methods of the control API against a real gateway process on 127.0.0.1 and a real file: secrets never come
// back out (masked, and kept on save), several keys change in one write, and a JSON5 slip is explained.
import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnGateway, type GatewayProcess } from './support/cli';
import { makeTestEnv, waitFor, type TestEnv } from './support/env';
import { openRaw, type RawClient } from './support/ws-client';

const TOKEN = 'tok-0123456789abcdef-control';
const API_KEY = 'sk-live-do-not-leak-42';
const MASK = '__OPENCLAW_REDACTED__';

let t: TestEnv;
let gw: GatewayProcess;
let client: RawClient;

const fileText = (logFile: string) => `{
  // test config
  logging: { file: ${JSON.stringify(logFile)} },
  gateway: {
    auth: { token: '${TOKEN}' }, // the control token
  },
  // kept for the reference product; a model API key lives here
  models: { providers: { openai: { apiKey: "${API_KEY}", baseUrl: 'https://api.example/v1' } } },
  channels: { whatsapp: { dmPolicy: 'pairing', historyLimit: 7 } },
}
`;

beforeEach(async () => {
  t = await makeTestEnv();
  await t.writeConfig(fileText(t.logFile));
  gw = await spawnGateway(t.env);
  client = await connect();
});

afterEach(async () => {
  client.close();
  await gw.interrupt();
  await t.cleanup();
});

async function connect(): Promise<RawClient> {
  const c = await openRaw(t.port);
  expect(await c.request('connect', { token: TOKEN })).toMatchObject({ ok: true });
  return c;
}

async function call(method: string, params?: unknown): Promise<Record<string, unknown>> {
  const res = await client.request(method, params);
  // Whatever a config method answers, neither secret is in it.
  expect(JSON.stringify(res)).not.toContain(TOKEN);
  expect(JSON.stringify(res)).not.toContain(API_KEY);
  return res;
}

const valueOf = (res: Record<string, unknown>) => res.value as Record<string, unknown>;

describe('secrets through the control API', () => {
  it('config.get masks secrets in the raw text (comments kept) and in the values, whole or by path', async () => {
    const got = valueOf(await call('config.get'));
    expect(got.raw).toBe(fileText(t.logFile).replace(TOKEN, MASK).replace(API_KEY, MASK));
    const value = got.value as { gateway: { auth: { token: string } }; models: unknown };
    expect(value.gateway.auth.token).toBe(MASK);
    expect(value.models).toEqual({
      providers: {
        openai: { api: 'openai-completions', apiKey: MASK, baseUrl: 'https://api.example/v1', models: [] },
      },
    });
    expect(valueOf(await call('config.get', { path: 'gateway.auth.token' })).value).toBe(MASK);
    expect(valueOf(await call('config.get', { path: 'gateway.auth' })).value).toEqual({ token: MASK });
    expect(valueOf(await call('config.get', { path: 'models.providers.openai.apiKey' })).value).toBe(MASK);
  });

  it('saving the masked text from the editor keeps the stored secrets and the edit', async () => {
    const { raw, hash } = valueOf(await call('config.get')) as { raw: string; hash: string };
    const edited = raw.replace('historyLimit: 7', 'historyLimit: 8');
    expect(valueOf(await call('config.validate', { raw: edited }))).toMatchObject({
      valid: true,
      errors: [],
    });
    expect(await call('config.apply', { raw: edited, baseHash: hash })).toMatchObject({ ok: true });

    expect(await readFile(t.configPath, 'utf8')).toBe(
      fileText(t.logFile).replace('historyLimit: 7', 'historyLimit: 8'),
    );
    expect(valueOf(await call('config.get', { path: 'channels.whatsapp.historyLimit' })).value).toBe(8);
    // The stored token still signs a client in: it was kept, not replaced by the mask.
    (await connect()).close();
    // Setting a secret to the mask is the same as leaving it alone.
    await call('config.set', { path: 'gateway.auth.token', value: MASK });
    expect(await readFile(t.configPath, 'utf8')).toContain(`token: '${TOKEN}'`);
  });

  it('a mask anywhere but at a secret key is refused, naming the key path, and nothing is written', async () => {
    const before = await readFile(t.configPath, 'utf8');
    const { raw } = valueOf(await call('config.get')) as { raw: string };
    const edited = raw.replace("dmPolicy: 'pairing'", `dmPolicy: 'pairing', messagePrefix: '${MASK}'`);
    const res = await call('config.apply', { raw: edited });
    expect(res).toMatchObject({
      ok: false,
      error: {
        code: 'config.invalid',
        message: expect.stringMatching(
          /^channels\.whatsapp\.messagePrefix: __OPENCLAW_REDACTED__ stands for a hidden secret/,
        ),
      },
    });
    const check = valueOf(await call('config.validate', { raw: edited }));
    expect(check).toMatchObject({
      valid: false,
      errors: [{ path: 'channels.whatsapp.messagePrefix', line: 9 }],
    });
    expect(await readFile(t.configPath, 'utf8')).toBe(before);
  });

  it('an invalid secret is reported without its value', async () => {
    const res = await call('config.set', { path: 'gateway.auth.token', value: 'short-secret' });
    expect(res).toMatchObject({ ok: false, error: { code: 'config.invalid' } });
    expect(JSON.stringify(res)).not.toContain('short-secret');
  });
});

describe('several keys in one write', () => {
  it('config.setMany changes dmPolicy and allowFrom together, keeping the other keys and comments', async () => {
    const before = await readFile(t.configPath, 'utf8');
    // One at a time, the first step alone would be invalid (allowlist with no senders).
    expect(
      await call('config.set', { path: 'channels.whatsapp.dmPolicy', value: 'allowlist' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'config.invalid' },
    });
    expect(await readFile(t.configPath, 'utf8')).toBe(before);

    const res = await call('config.setMany', {
      entries: [
        { path: 'channels.whatsapp.dmPolicy', value: 'allowlist' },
        { path: 'channels.whatsapp.allowFrom', value: ['+15551234567'] },
      ],
    });
    expect(res).toMatchObject({ ok: true, value: { valid: true } });
    const channel = valueOf(await call('config.get', { path: 'channels.whatsapp' })).value;
    expect(channel).toMatchObject({ dmPolicy: 'allowlist', allowFrom: ['+15551234567'], historyLimit: 7 });
    const text = await readFile(t.configPath, 'utf8');
    expect(text).toContain('// the control token');
    expect(text).toContain(`token: '${TOKEN}'`);
  });

  it('refuses an unknown key with the key meant, for set and setMany, and writes nothing', async () => {
    const before = await readFile(t.configPath, 'utf8');
    expect(await call('config.set', { path: 'channels.whatsap.dmPolicy', value: 'allowlist' })).toMatchObject(
      {
        ok: false,
        error: {
          code: 'config.path_invalid',
          message:
            'channels.whatsap.dmPolicy: "whatsap" is not a key of channels (did you mean channels.whatsapp.dmPolicy?)',
        },
      },
    );
    const many = await call('config.setMany', {
      entries: [
        { path: 'channels.whatsapp.allowFrom', value: ['+15551234567'] },
        { path: 'channels.whatsapp.dmPolicyy', value: 'allowlist' },
      ],
    });
    expect(many).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('(did you mean channels.whatsapp.dmPolicy?)') },
    });
    expect(await readFile(t.configPath, 'utf8')).toBe(before);
  });
});

describe('a JSON5 syntax error', () => {
  it('reaches config status, the UI and the logs with the line, a caret and the likely cause', async () => {
    await client.request('events.subscribe', { events: ['config.changed'] });
    const good = await readFile(t.configPath, 'utf8');
    // The comma after historyLimit's line is missing (line 9 ends without one, line 10 starts a new key).
    await t.writeConfig(
      good.replace(
        "channels: { whatsapp: { dmPolicy: 'pairing', historyLimit: 7 } },",
        "channels: { whatsapp: { dmPolicy: 'pairing', historyLimit: 7 } }\n  web: { enabled: true },",
      ),
    );
    const status = await waitFor(async () => {
      const health = valueOf(await call('health')) as { config: { valid: boolean; errors: unknown[] } };
      return health.config.valid ? undefined : health.config;
    }, 'the gateway to see the broken file');
    const [issue] = status.errors as Array<{ path: string; line: number; column: number; message: string }>;
    expect(issue).toMatchObject({ path: '', line: 10, column: 3 });
    expect(issue!.message.split('\n')).toEqual([
      'JSON5 syntax error: unexpected "w" — missing comma at the end of line 9?',
      "   9 |   channels: { whatsapp: { dmPolicy: 'pairing', historyLimit: 7 } }",
      '  10 |   web: { enabled: true },',
      '     |   ^',
    ]);
    expect(issue!.message).not.toMatch(/line 10/);

    const logged = await waitFor(async () => {
      const tail = valueOf(await call('logs.tail', { subsystem: 'config' })) as {
        entries: Array<{ msg: string }>;
      };
      return tail.entries.find((e) => e.msg.includes('missing comma'));
    }, 'the log line');
    expect(logged.msg).toContain(
      '(file): JSON5 syntax error: unexpected "w" — missing comma at the end of line 9? (line 10, column 3)',
    );
    expect(logged.msg).toContain('     |   ^');
  });
});
