import { describe, expect, it } from 'vitest';
import type { PairingRequest } from '../shared/contract';
import {
  actionIntent,
  clickIntent,
  failureNotification,
  livePending,
  nextExpiryIn,
  pairingHash,
  requestNotification,
  staleKeys,
  supportsActions,
} from './pairing-notify';

const NOW = Date.parse('2025-03-01T12:00:00Z');
const request = (code: string, createdMin: number, over: Partial<PairingRequest> = {}): PairingRequest => ({
  accountId: 'default',
  sender: '+15551234567',
  name: 'Alice',
  code,
  createdAt: new Date(NOW + createdMin * 60_000).toISOString(),
  expiresAt: new Date(NOW + (createdMin + 60) * 60_000).toISOString(),
  ...over,
});

describe('the notification for a new request', () => {
  it('has an Approve button on macOS', () => {
    expect(requestNotification(request('ABCD2345', 0), 'darwin', NOW)).toEqual({
      key: 'default:ABCD2345',
      title: 'New pairing request',
      body: 'Alice (+15551234567) wants to talk to the assistant. Code ABCD2345. Expires in 60 min.',
      actions: ['Approve'],
    });
  });

  it('has no buttons elsewhere and says a click opens the request', () => {
    for (const platform of ['win32', 'linux'] as const) {
      const spec = requestNotification(request('ABCD2345', -15, { name: undefined }), platform, NOW);
      expect(spec.actions).toEqual([]);
      expect(spec.body).toBe(
        '+15551234567 wants to talk to the assistant. Code ABCD2345. Expires in 45 min. Click to review it in OpenClaw.',
      );
    }
    expect(supportsActions('darwin')).toBe(true);
    expect(supportsActions('linux')).toBe(false);
  });

  it('says what the sender wrote (its first line), so the owner does not approve blind', () => {
    const r = request('ABCD2345', 0, { firstLine: 'Hi, it’s Anna from the gym' });
    expect(requestNotification(r, 'darwin', NOW).body).toBe(
      'Alice (+15551234567) wants to talk to the assistant. They wrote: “Hi, it’s Anna from the gym” Code ABCD2345. Expires in 60 min.',
    );
    expect(livePending([r], NOW)[0]).toMatchObject({
      code: 'ABCD2345',
      firstLine: 'Hi, it’s Anna from the gym',
    });
  });

  it('approves on the button and opens the window on that request on a click', () => {
    const r = request('ABCD2345', 0, { accountId: 'work' });
    expect(actionIntent(r, 0)).toEqual({ kind: 'approve', accountId: 'work', code: 'ABCD2345' });
    expect(clickIntent(r)).toEqual({ kind: 'open', hash: '#/pairing?account=work&code=ABCD2345' });
    expect(actionIntent(r, 3)).toEqual(clickIntent(r));
    expect(pairingHash(r)).toBe('#/pairing?account=work&code=ABCD2345');
  });

  it('says why an approval failed', () => {
    expect(failureNotification('approve', request('ABCD2345', 0), 'unknown code')).toEqual({
      key: 'failure:default:ABCD2345',
      title: 'Could not approve the pairing request',
      body: 'Code ABCD2345: unknown code',
      actions: [],
    });
  });
});

describe('keeping the tray and notifications current', () => {
  it('lists live requests newest first and knows when the next one expires', () => {
    const pending = [request('OLDD2222', -70), request('AAAA2222', -30), request('BBBB2222', -5)];
    expect(livePending(pending, NOW).map((r) => r.code)).toEqual(['BBBB2222', 'AAAA2222']);
    expect(livePending(pending, NOW)[0]).toEqual({
      accountId: 'default',
      sender: '+15551234567',
      name: 'Alice',
      code: 'BBBB2222',
    });
    expect(nextExpiryIn(pending, NOW)).toBe(30 * 60_000);
    expect(nextExpiryIn([request('OLDD2222', -70)], NOW)).toBeNull();
  });

  it('finds notifications whose request is no longer waiting', () => {
    const live = livePending([request('AAAA2222', -1)], NOW);
    expect(staleKeys(['default:AAAA2222', 'default:GONE2222'], live)).toEqual(['default:GONE2222']);
  });
});
