import JSON5 from 'json5';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors';
import { getAtPath, type KeySegment } from './key-path';
import { SECRET_MASK, isSecretPath, maskSecrets, maskSecretsInText, restoreSecrets } from './secrets';

const FILE = `{
  // my config
  gateway: { auth: { token: 'tok-0123456789abcdef' }, port: 19000 },
  models: {
    providers: {
      openai: { apiKey: "sk-live-abc", baseUrl: 'https://api.example//v1' }, // the // in a URL stays
    },
  },
  channels: { telegram: { botToken: '123:ABC', enabled: true } },
  /* old: apiKey: 'sk-old-xyz' */
  agents: { defaults: { model: 'gpt', maxTokens: 4096 } },
  empty: { password: '' },
}
`;

const storedIn =
  (text: string) =>
  (at: KeySegment[]): unknown =>
    getAtPath(JSON5.parse(text), at);

function refusal(fn: () => unknown): { message: string; errors: Array<{ path: string; line?: number }> } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(GatewayError);
    const e = err as GatewayError;
    expect(e.code).toBe('config.invalid');
    return { message: e.message, errors: (e.details as { errors: [] }).errors };
  }
  throw new Error('expected a refusal');
}

describe('which keys are secret', () => {
  it.each([
    [['gateway', 'auth', 'token'], true],
    [['models', 'providers', 'openai', 'apiKey'], true],
    [['channels', 'telegram', 'botToken'], true],
    [['env', 'OPENAI_API_KEY'], true],
    [['x', 'password'], true],
    [['x', 'secret', 'nested'], true],
    [['agents', 'defaults', 'maxTokens'], false],
    [['channels', 'whatsapp', 'dmPolicy'], false],
    [['secretary'], false],
  ])('%j → %s', (path, secret) => {
    expect(isSecretPath(path)).toBe(secret);
  });
});

describe('masking', () => {
  it('masks values at secret keys, at any depth, and leaves the rest', () => {
    const masked = maskSecrets(JSON5.parse(FILE)) as Record<string, Record<string, unknown>>;
    expect(masked.gateway).toEqual({ auth: { token: SECRET_MASK }, port: 19000 });
    expect(JSON.stringify(masked)).not.toMatch(/tok-0123|sk-live|123:ABC/);
    expect(masked.agents).toEqual({ defaults: { model: 'gpt', maxTokens: 4096 } });
    expect(masked.empty).toEqual({ password: '' });
    // A value asked for by its own path is masked too.
    expect(maskSecrets('tok-0123456789abcdef', ['gateway', 'auth', 'token'])).toBe(SECRET_MASK);
  });

  it('masks the raw text and keeps every comment, quote style and line as it was', () => {
    const masked = maskSecretsInText(FILE);
    expect(masked).not.toMatch(/tok-0123|sk-live|123:ABC|sk-old/);
    expect(masked.split('\n')).toHaveLength(FILE.split('\n').length);
    expect(masked).toContain(`gateway: { auth: { token: '${SECRET_MASK}' }, port: 19000 },`);
    expect(masked).toContain(
      `openai: { apiKey: "${SECRET_MASK}", baseUrl: 'https://api.example//v1' }, // the // in a URL stays`,
    );
    expect(masked).toContain(`/* old: apiKey: '${SECRET_MASK}' */`);
    expect(masked).toContain('// my config');
    expect(masked).toContain("empty: { password: '' },");
  });

  it('masks a file too broken to parse, line by line', () => {
    const broken = `{\n  gateway: { auth: { token: "tok-0123456789abcdef" } }\n  oops\n`;
    expect(maskSecretsInText(broken)).toBe(`{\n  gateway: { auth: { token: "${SECRET_MASK}" } }\n  oops\n`);
  });
});

describe('restoring on save', () => {
  it('puts the stored secrets back where the masks are, with the edit around them kept', () => {
    const edited = maskSecretsInText(FILE).replace('port: 19000', 'port: 19001');
    const restored = restoreSecrets(edited, storedIn(FILE), FILE);
    expect(restored).toBe(FILE.replace('port: 19000', 'port: 19001'));
  });

  it('refuses the mask at a key that is not secret, naming the key path and line', () => {
    const edited = maskSecretsInText(FILE).replace("model: 'gpt'", `model: '${SECRET_MASK}'`);
    const r = refusal(() => restoreSecrets(edited, storedIn(FILE), FILE));
    expect(r.errors).toMatchObject([{ path: 'agents.defaults.model', line: 11 }]);
    expect(r.message).toMatch(/^agents\.defaults\.model: __OPENCLAW_REDACTED__ stands for a hidden secret/);
  });

  it('refuses the mask at a secret key that has no stored secret to keep', () => {
    const r = refusal(() =>
      restoreSecrets(`{ models: { x: { apiKey: '${SECRET_MASK}' } } }`, storedIn(FILE), FILE),
    );
    expect(r.errors).toMatchObject([{ path: 'models.x.apiKey' }]);
    expect(r.message).toContain('no secret is stored here to keep');
  });

  it('refuses the mask inside a longer value and in a comment that was changed', () => {
    expect(
      refusal(() =>
        restoreSecrets(`{ gateway: { auth: { token: 'x${SECRET_MASK}' } } }`, storedIn(FILE), FILE),
      ).errors,
    ).toMatchObject([{ path: 'gateway.auth.token' }]);
    const edited = maskSecretsInText(FILE).replace('/* old:', '/* older:');
    expect(refusal(() => restoreSecrets(edited, storedIn(FILE), FILE)).message).toContain(
      'a comment holds __OPENCLAW_REDACTED__ but was changed',
    );
  });

  it('leaves text without masks alone', () => {
    expect(restoreSecrets('{ a: 1 }', storedIn(FILE), FILE)).toBe('{ a: 1 }');
  });
});
