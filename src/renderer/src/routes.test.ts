import { describe, expect, it } from 'vitest';
import { accountFromHash, codeFromHash, hashFor, paramFromHash, routeFromHash } from './routes';

describe('routes', () => {
  it('reads the screen from the hash and falls back to Link', () => {
    expect(routeFromHash('#/logs')).toBe('logs');
    expect(routeFromHash('#settings')).toBe('settings');
    expect(routeFromHash('#/settings/extra')).toBe('settings');
    expect(routeFromHash('#/messages')).toBe('messages');
    expect(routeFromHash('#/outbox')).toBe('outbox');
    expect(routeFromHash('')).toBe('link');
    expect(routeFromHash('#/nope')).toBe('link');
    expect(hashFor('pairing')).toBe('#/pairing');
    expect(routeFromHash('#/setup')).toBe('setup');
    expect(routeFromHash('#/about')).toBe('about');
  });

  it('carries an account in the hash', () => {
    const hash = hashFor('link', { account: 'work_2' });
    expect(hash).toBe('#/link?account=work_2');
    expect(routeFromHash(hash)).toBe('link');
    expect(accountFromHash(hash)).toBe('work_2');
    expect(accountFromHash('#/link')).toBeNull();
    expect(accountFromHash('#/link?account=')).toBeNull();
    expect(hashFor('accounts', {})).toBe('#/accounts');
  });

  it('carries a pairing code (the deep link a notification opens)', () => {
    const hash = hashFor('pairing', { code: 'ABCD2345', account: 'work' });
    expect(hash).toBe('#/pairing?account=work&code=ABCD2345');
    expect(routeFromHash(hash)).toBe('pairing');
    expect(codeFromHash(hash)).toBe('ABCD2345');
    expect(accountFromHash(hash)).toBe('work');
    expect(codeFromHash('#/pairing?code=%20abcd2345')).toBe('ABCD2345');
    expect(codeFromHash('#/pairing?code=')).toBeNull();
    expect(codeFromHash('#/pairing')).toBeNull();
  });

  it('carries a session key, colons and plus sign intact', () => {
    const key = 'agent:main:whatsapp:dm:+15550100001';
    const hash = hashFor('conversations', { session: key });
    expect(routeFromHash(hash)).toBe('conversations');
    expect(paramFromHash(hash, 'session')).toBe(key);
  });
});
