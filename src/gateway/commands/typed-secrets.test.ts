import { describe, expect, it } from 'vitest';
import { maskTypedSecrets, typedSecrets } from './typed-secrets';

describe('typedSecrets', () => {
  it('finds the value of a /config set at a secret key, as typed and as parsed', () => {
    expect(typedSecrets('/config set models.providers.p.apiKey=sk-live-1')).toEqual(['sk-live-1']);
    expect(typedSecrets('/config set gateway.auth.token = "tok 1"')).toEqual(['"tok 1"', 'tok 1']);
    expect(typedSecrets('/CONFIG SET channels.whatsapp.password=12345')).toEqual(['12345']);
  });

  it('finds secrets inside an object value, and only those', () => {
    expect(
      typedSecrets('/config set models.providers.q={"baseUrl":"http://x/v1","apiKey":"sk-obj-1"}'),
    ).toEqual(['sk-obj-1']);
  });

  it('finds the value even when the command is refused as invalid', () => {
    expect(typedSecrets('/config set gateway.auth.token={"broken')).toEqual(['{"broken']);
  });

  it('finds nothing in other messages', () => {
    for (const text of [
      '/config set channels.whatsapp.dmPolicy=open',
      '/config get models.providers.p.apiKey',
      '/config unset models.providers.p.apiKey',
      'my apiKey=sk-live-1',
      '/status',
      '',
    ])
      expect(typedSecrets(text), text).toEqual([]);
  });

  it('masks them in a message body (the envelope around it kept)', () => {
    const text = '/config set gateway.auth.token="tok 1"';
    expect(maskTypedSecrets(`[WhatsApp +1555] ${text}`, typedSecrets(text))).toBe(
      '[WhatsApp +1555] /config set gateway.auth.token=__OPENCLAW_REDACTED__',
    );
  });
});
