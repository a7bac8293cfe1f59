import { describe, expect, it } from 'vitest';
import type { OutboxItem } from '../../shared/contract';
import {
  canCancel,
  canRetry,
  chatLabel,
  counts,
  matchesFilter,
  mergeItems,
  originLabel,
} from './outbox-model';

const item = (seq: number, extra: Partial<OutboxItem> = {}): OutboxItem => ({
  seq,
  accountId: 'default',
  chat: '15551234567@s.whatsapp.net',
  messageId: `3EB0${seq}`,
  kind: 'text',
  origin: 'cli',
  state: 'pending',
  attempts: 0,
  createdAt: '2026-03-03T12:00:00.000Z',
  preview: `text ${seq}`,
  ...extra,
});

describe('mergeItems', () => {
  it('keeps one copy per seq, newest seq first, bounded', () => {
    const merged = mergeItems([item(1), item(2)], [item(3), item(2, { state: 'sent', attempts: 1 })], 2);
    expect(merged.map((i) => [i.seq, i.state])).toEqual([
      [3, 'pending'],
      [2, 'sent'],
    ]);
  });

  it('never moves a sent item back when an older snapshot crosses its event', () => {
    const sent = item(5, { state: 'sent', attempts: 1 });
    expect(mergeItems([sent], [item(5, { state: 'sending', attempts: 1 })])[0]!.state).toBe('sent');
    expect(
      mergeItems([item(5, { state: 'sending', attempts: 2 })], [item(5, { attempts: 1 })])[0]!.attempts,
    ).toBe(2);
  });

  it('shows a retried item as pending again', () => {
    const failed = item(7, { state: 'failed', attempts: 3, error: 'not on WhatsApp' });
    expect(mergeItems([failed], [item(7, { state: 'pending', attempts: 3 })])[0]!.state).toBe('pending');
  });
});

describe('filters and actions', () => {
  const all = (['pending', 'sending', 'sent', 'failed', 'expired', 'cancelled'] as const).map((state, i) =>
    item(i + 1, { state }),
  );
  it('sorts states into waiting, sent and problems', () => {
    const states = (f: Parameters<typeof matchesFilter>[1]) =>
      all.filter((i) => matchesFilter(i, f)).map((i) => i.state);
    expect(states('all')).toHaveLength(6);
    expect(states('waiting')).toEqual(['pending', 'sending']);
    expect(states('sent')).toEqual(['sent']);
    expect(states('problems')).toEqual(['failed', 'expired', 'cancelled']);
    expect(counts(all)).toEqual({ waiting: 2, problems: 2 });
  });

  it('offers retry for failed, expired or cancelled items and cancel for pending ones only', () => {
    expect(all.filter(canRetry).map((i) => i.state)).toEqual(['failed', 'expired', 'cancelled']);
    expect(all.filter(canCancel).map((i) => i.state)).toEqual(['pending']);
  });

  it('names chats and origins for people', () => {
    expect(chatLabel('15551234567@s.whatsapp.net')).toBe('+15551234567');
    expect(chatLabel('120363012345678901@g.us')).toBe('120363012345678901@g.us');
    expect(originLabel('auto')).toBe('automatic reply');
  });
});
