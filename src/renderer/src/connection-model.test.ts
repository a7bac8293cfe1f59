import { describe, expect, it } from 'vitest';
import { isOnline, offlineNotice } from './connection-model';

const NOW = 1_000_000;

describe('isOnline', () => {
  it('is true only over a live connection', () => {
    expect(isOnline({ status: 'connected', serverVersion: '1' })).toBe(true);
    expect(isOnline({ status: 'connecting', attempt: 1 })).toBe(false);
    expect(isOnline({ status: 'disconnected', reason: 'x', retryAt: NOW })).toBe(false);
    expect(isOnline({ status: 'closed' })).toBe(false);
    expect(isOnline({ status: 'unauthorized', error: { code: 'auth.missing_token', message: '' } })).toBe(
      false,
    );
  });
});

describe('offlineNotice', () => {
  it('says the gateway is not running and that the page reconnects, with the countdown', () => {
    const notice = offlineNotice(
      { status: 'disconnected', reason: 'cannot reach the gateway', retryAt: NOW + 4200 },
      NOW,
    );
    expect(notice?.title).toBe('Gateway not running or unreachable — reconnecting in 5 s');
    expect(notice?.detail).toMatch(/Buttons that need the gateway are off/);
    expect(offlineNotice({ status: 'disconnected', reason: '', retryAt: NOW - 10 }, NOW)?.title).toBe(
      'Gateway not running or unreachable — reconnecting…',
    );
  });

  it('stays up while a retry is under way, but not for the page’s first connection', () => {
    expect(offlineNotice({ status: 'connecting', attempt: 3 }, NOW)?.title).toBe(
      'Gateway not running or unreachable — reconnecting…',
    );
    expect(offlineNotice({ status: 'connecting', attempt: 1 }, NOW)).toBeNull();
  });

  it('is absent while connected or signed out, and tells to reload once the client has closed', () => {
    expect(offlineNotice({ status: 'connected', serverVersion: null }, NOW)).toBeNull();
    expect(
      offlineNotice({ status: 'unauthorized', error: { code: 'auth.invalid_token', message: '' } }, NOW),
    ).toBeNull();
    expect(offlineNotice({ status: 'closed' }, NOW)?.detail).toMatch(/Reload the page/);
  });
});
