import { describe, expect, it } from 'vitest';
import { defaultAccountId, listAccountIds, resolveAccount } from './account';
import type { OpenClawConfig } from './schema';
import { validateConfigText } from './validate';

function cfg(raw: string): OpenClawConfig {
  const r = validateConfigText(raw);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.config;
}
const STATE = '/var/lib/oc';

describe('account ids', () => {
  it('has the implicit "default" account when none is configured', () => {
    const c = cfg('{}');
    expect(listAccountIds(c)).toEqual(['default']);
    expect(defaultAccountId(c)).toBe('default');
  });

  it('sorts configured ids and picks default, then defaultAccount, then the first', () => {
    expect(listAccountIds(cfg(`{ channels: { whatsapp: { accounts: { zed: {}, alpha: {} } } } }`))).toEqual([
      'alpha',
      'zed',
    ]);
    expect(defaultAccountId(cfg(`{ channels: { whatsapp: { accounts: { zed: {}, alpha: {} } } } }`))).toBe(
      'alpha',
    );
    expect(
      defaultAccountId(
        cfg(`{ channels: { whatsapp: { accounts: { zed: {}, alpha: {} }, defaultAccount: 'zed' } } }`),
      ),
    ).toBe('zed');
    expect(
      defaultAccountId(
        cfg(`{ channels: { whatsapp: { accounts: { zed: {}, default: {} }, defaultAccount: 'zed' } } }`),
      ),
    ).toBe('default');
  });
});

describe('resolveAccount', () => {
  const c = cfg(`{
    messages: { messagePrefix: '[old]', responsePrefix: '[bot]' },
    channels: { whatsapp: {
      dmPolicy: 'allowlist', allowFrom: ['+15551234567'], textChunkLimit: 2000, mediaMaxMb: 20,
      ackReaction: { emoji: '👀', group: 'never' },
      accounts: {
        work: { dmPolicy: 'open', allowFrom: ['*'], sendReadReceipts: false, mediaMaxMb: 5,
                ackReaction: { emoji: '✅' }, authDir: '~/wa/work', name: 'Work', messagePrefix: '' },
        home: {},
      },
    } },
  }`);

  it('takes the account value first', () => {
    const work = resolveAccount(c, 'work', STATE);
    expect(work).toMatchObject({
      accountId: 'work',
      name: 'Work',
      dmPolicy: 'open',
      allowFrom: ['*'],
      sendReadReceipts: false,
      mediaMaxMb: 5,
      messagePrefix: '', // an empty string is a value, not "unset"
      configured: true,
    });
    expect(work.authDir).toMatch(/\/wa\/work$/);
    expect(work.authDir.startsWith('~')).toBe(false);
  });

  it('falls back to the channel, then the defaults', () => {
    const home = resolveAccount(c, 'home', STATE);
    expect(home).toMatchObject({
      dmPolicy: 'allowlist',
      allowFrom: ['+15551234567'],
      textChunkLimit: 2000,
      sendReadReceipts: true,
      groupPolicy: 'allowlist',
      chunkMode: 'length',
      mediaMaxMb: 20,
      messagePrefix: '[old]',
      responsePrefix: '[bot]',
      authDir: '/var/lib/oc/credentials/whatsapp/home',
      configured: true,
    });
    expect(home.name).toBeUndefined();
  });

  it('merges ackReaction field by field', () => {
    expect(resolveAccount(c, 'work', STATE).ackReaction).toEqual({
      emoji: '✅',
      direct: true,
      group: 'never',
    });
    expect(resolveAccount(c, 'home', STATE).ackReaction).toEqual({
      emoji: '👀',
      direct: true,
      group: 'never',
    });
  });

  it('resolves an unconfigured account from the channel alone', () => {
    const d = resolveAccount(cfg('{}'), 'default', STATE);
    expect(d).toMatchObject({ accountId: 'default', dmPolicy: 'pairing', mediaMaxMb: 50, configured: false });
    expect(d.authDir).toBe('/var/lib/oc/credentials/whatsapp/default');
    expect(resolveAccount(c, 'constructor', STATE).configured).toBe(false);
  });
});
