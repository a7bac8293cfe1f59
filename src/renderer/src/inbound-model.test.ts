import { describe, expect, it } from 'vitest';
import type { AcceptedMessage } from '../../shared/contract';
import { fromLabel, matchesInbound, mergeMessages, newestFirst } from './inbound-model';

const message = (seq: number, over: Partial<AcceptedMessage> = {}): AcceptedMessage => ({
  seq,
  accountId: 'default',
  from: '+15551234567',
  chatType: 'dm',
  messageId: `m${seq}`,
  agentId: 'main',
  sessionKey: 'agent:main:main',
  body: `[WhatsApp +15551234567] hello ${seq}`,
  sender: { e164: '+15551234567', name: 'Alice' },
  acceptedAt: '2025-03-01T12:00:00.000Z',
  ...over,
});

describe('inbound model', () => {
  it('merges the recent list and live events by seq, without doubles, newest kept', () => {
    const live = [message(5), message(6)];
    const recent = [message(3), message(4), message(5)];
    expect(mergeMessages(live, recent).map((m) => m.seq)).toEqual([3, 4, 5, 6]);
    expect(mergeMessages([], [message(1), message(2), message(3)], 2).map((m) => m.seq)).toEqual([2, 3]);
    expect(newestFirst([message(1), message(2)]).map((m) => m.seq)).toEqual([2, 1]);
  });

  it('names the sender, and the group for group messages', () => {
    expect(fromLabel(message(1))).toBe('Alice (+15551234567)');
    expect(fromLabel(message(1, { sender: {} }))).toBe('+15551234567');
    expect(
      fromLabel(
        message(1, { chatType: 'group', from: '120363000000000001@g.us', sender: { e164: '+15557654321' } }),
      ),
    ).toBe('+15557654321 in 120363000000000001@g.us');
  });

  it('filters by account and by text in the sender or the body', () => {
    const m = message(1);
    expect(matchesInbound(m, { accountId: '', text: '' })).toBe(true);
    expect(matchesInbound(m, { accountId: 'work', text: '' })).toBe(false);
    expect(matchesInbound(m, { accountId: '', text: 'ALICE' })).toBe(true);
    expect(matchesInbound(m, { accountId: '', text: 'hello 1' })).toBe(true);
    expect(matchesInbound(m, { accountId: '', text: 'bob' })).toBe(false);
  });
});
