import { describe, expect, it } from 'vitest';
import { closeOutcome, sentenceFor, unreachableReason } from './lifecycle';

/** What Baileys hands over when the WebSocket cannot connect: a 408 whose `data` is the socket's own error. */
function wsError(message: string, fields: { code?: string; syscall?: string }): Error {
  const cause = Object.assign(new Error(message), fields);
  return Object.assign(new Error(`WebSocket Error (${message})`), {
    output: { statusCode: 408 },
    data: cause,
  });
}

const refused = wsError('connect ECONNREFUSED 127.0.0.1:9', { code: 'ECONNREFUSED', syscall: 'connect' });

describe('unreachableReason', () => {
  it('names the host with its port and the network error, for WhatsApp and for the simulator', () => {
    expect(unreachableReason(refused, 'wss://web.whatsapp.com/ws/chat')).toBe(
      'Cannot reach WhatsApp (web.whatsapp.com:443): connect ECONNREFUSED',
    );
    const dns = wsError('getaddrinfo ENOTFOUND web.whatsapp.com', {
      code: 'ENOTFOUND',
      syscall: 'getaddrinfo',
    });
    expect(unreachableReason(dns, new URL('wss://web.whatsapp.com/ws/chat'))).toBe(
      'Cannot reach WhatsApp (web.whatsapp.com:443): getaddrinfo ENOTFOUND',
    );
    const hangUp = wsError('socket hang up', { code: 'ECONNRESET' });
    expect(unreachableReason(hangUp, 'ws://127.0.0.1:18790/ws/chat')).toBe(
      'Cannot reach WhatsApp (127.0.0.1:18790): socket hang up (ECONNRESET)',
    );
  });

  it('is null for closes that are not network failures', () => {
    const qrExpired = Object.assign(new Error('QR refs attempts ended'), { output: { statusCode: 408 } });
    expect(unreachableReason(qrExpired, 'wss://web.whatsapp.com/ws/chat')).toBeNull();
    expect(unreachableReason(undefined, 'wss://web.whatsapp.com/ws/chat')).toBeNull();
    const http = wsError('Unexpected server response: 502', {});
    expect(unreachableReason(http, 'wss://web.whatsapp.com/ws/chat')).toBeNull();
  });
});

describe('closeOutcome', () => {
  const unreachable = 'Cannot reach WhatsApp (web.whatsapp.com:443): connect ECONNREFUSED';

  it('linking against an unreachable WhatsApp stops with the network error, not a QR expiry', () => {
    expect(closeOutcome(408, { wasLinking: true, linked: false, qrShown: false, unreachable })).toEqual({
      kind: 'stop',
      state: 'unlinked',
      error: unreachable,
    });
  });

  it('a linked account that cannot reach WhatsApp retries, carrying the reason', () => {
    expect(closeOutcome(408, { wasLinking: false, linked: true, qrShown: false, unreachable })).toEqual({
      kind: 'retry',
      error: unreachable,
    });
  });

  it('a 408 is a QR expiry only when a QR was shown', () => {
    const shown = closeOutcome(408, { wasLinking: true, linked: false, qrShown: true });
    expect(shown).toMatchObject({ kind: 'stop', error: expect.stringMatching(/QR code expired/) });
    const none = closeOutcome(408, { wasLinking: true, linked: false, qrShown: false });
    expect(none).toMatchObject({ kind: 'stop', state: 'unlinked' });
    expect((none as { error: string }).error).not.toMatch(/QR code expired/);
  });
});

describe('sentenceFor', () => {
  const base = { accountId: 'default', attempts: 0, maxAttempts: 12, nextAttemptAt: null };

  it('an account that could not reach WhatsApp while linking says so once, with what to do', () => {
    const sentence = sentenceFor({
      ...base,
      state: 'unlinked',
      lastError: 'Cannot reach WhatsApp (web.whatsapp.com:443): connect ECONNREFUSED',
    });
    expect(sentence).toBe(
      'Not linked: Cannot reach WhatsApp (web.whatsapp.com:443): connect ECONNREFUSED. To link, run `openclaw channels login --account default` (or use the Link screen).',
    );
  });

  it('a linked account that cannot reach WhatsApp is reconnecting, with the reason', () => {
    const sentence = sentenceFor({
      ...base,
      state: 'reconnecting',
      attempts: 1,
      lastError: 'Cannot reach WhatsApp (web.whatsapp.com:443): connect ECONNREFUSED',
    });
    expect(sentence).toBe(
      'Connection lost (Cannot reach WhatsApp (web.whatsapp.com:443): connect ECONNREFUSED); reconnecting (attempt 1 of 12).',
    );
  });

  it('a degraded account says it will try again, when, and how to try now', () => {
    const sentence = sentenceFor({
      ...base,
      state: 'degraded',
      attempts: 12,
      lastError: 'Cannot reach WhatsApp (web.whatsapp.com:443): connect ECONNREFUSED',
      nextAttemptAt: Date.now() + 299_500,
    });
    expect(sentence).toBe(
      'Could not stay connected (Cannot reach WhatsApp (web.whatsapp.com:443): connect ECONNREFUSED) after 12 attempt(s); trying again in 5 min. Check the network, then run `openclaw channels reconnect --account default` (or Reconnect on the Accounts screen) to try now; `openclaw doctor` can help.',
    );
  });
});
