import { describe, expect, it } from 'vitest';
import type { ApprovedSender, PairingRequest } from '../../shared/contract';
import {
  applyPairingEvent,
  applyPairingList,
  approvedNewestFirst,
  deepLinkTarget,
  EMPTY_PAIRING,
  livePending,
  senderLabel,
  showsAccounts,
} from './pairing-model';

const NOW = Date.parse('2025-03-01T12:00:00Z');
const at = (minutes: number) => new Date(NOW + minutes * 60_000).toISOString();
const request = (code: string, createdMin: number, over: Partial<PairingRequest> = {}): PairingRequest => ({
  accountId: 'default',
  sender: '+15551230000',
  code,
  createdAt: at(createdMin),
  expiresAt: at(createdMin + 60),
  ...over,
});
const approved = (sender: string, min: number, accountId = 'default'): ApprovedSender => ({
  accountId,
  sender,
  approvedAt: at(min),
  via: 'pairing',
});

describe('pairing state', () => {
  it('takes events as they come and drops a list answer an event overtook', () => {
    const first = { pending: [request('AAAA2222', -5)], approved: [] };
    const second = { pending: [], approved: [approved('+15551230000', 0)] };
    let state = applyPairingList(EMPTY_PAIRING, first, 0);
    expect(state).toMatchObject({ loaded: true, pending: first.pending, seq: 0 });

    const requestedAt = state.seq;
    state = applyPairingEvent(state, second);
    expect(state.seq).toBe(1);
    // The list was asked for before the event: it is older than what the event said.
    state = applyPairingList(state, first, requestedAt);
    expect(state.pending).toEqual([]);
    expect(state.approved).toEqual(second.approved);
    // Asked for after the event: it is taken.
    state = applyPairingList(state, first, state.seq);
    expect(state.pending).toEqual(first.pending);
  });

  it('clears an earlier error once a snapshot arrives', () => {
    const failed = { ...EMPTY_PAIRING, error: { code: 'control.internal' as const, message: 'x' } };
    expect(applyPairingEvent(failed, { pending: [], approved: [] }).error).toBeNull();
    expect(applyPairingList(failed, { pending: [], approved: [] }, 0).error).toBeNull();
  });
});

describe('what the Pairing screen lists', () => {
  it('hides expired requests the moment they expire and lists the newest first', () => {
    const old = request('OLDD2222', -61);
    const a = request('AAAA2222', -30);
    const b = request('BBBB2222', -2);
    expect(livePending([old, a, b], NOW).map((r) => r.code)).toEqual(['BBBB2222', 'AAAA2222']);
    expect(livePending([a], Date.parse(a.expiresAt))).toEqual([]);
  });

  it('lists approved senders newest first and labels senders by name when known', () => {
    expect(approvedNewestFirst([approved('+1', -10), approved('+2', -1)]).map((a) => a.sender)).toEqual([
      '+2',
      '+1',
    ]);
    expect(senderLabel({ sender: '+15551234567', name: ' Alice ' })).toBe('Alice (+15551234567)');
    expect(senderLabel({ sender: '+15551234567' })).toBe('+15551234567');
  });

  it('shows account ids only when there is more than one account', () => {
    expect(showsAccounts({ pending: [request('A', 0)], approved: [approved('+1', 0)] })).toBe(false);
    expect(showsAccounts({ pending: [request('A', 0)], approved: [approved('+1', 0, 'work')] })).toBe(true);
  });
});

describe('deep links', () => {
  const state = { loaded: true, pending: [request('AAAA2222', -5), request('EXPD2222', -70)] };

  it('points at a pending request, optionally of one account', () => {
    expect(deepLinkTarget('AAAA2222', null, state, NOW)).toEqual({
      kind: 'pending',
      key: 'default:AAAA2222',
    });
    expect(deepLinkTarget('AAAA2222', 'default', state, NOW)).toEqual({
      kind: 'pending',
      key: 'default:AAAA2222',
    });
    expect(deepLinkTarget('AAAA2222', 'work', state, NOW)).toEqual({ kind: 'gone', code: 'AAAA2222' });
  });

  it('tells an expired request from one that is no longer listed', () => {
    expect(deepLinkTarget('EXPD2222', null, state, NOW)).toEqual({ kind: 'expired', code: 'EXPD2222' });
    expect(deepLinkTarget('ZZZZ2222', null, state, NOW)).toEqual({ kind: 'gone', code: 'ZZZZ2222' });
  });

  it('says nothing before the first snapshot or without a code', () => {
    expect(deepLinkTarget('AAAA2222', null, { ...state, loaded: false }, NOW)).toEqual({ kind: 'none' });
    expect(deepLinkTarget(null, null, state, NOW)).toEqual({ kind: 'none' });
  });
});
