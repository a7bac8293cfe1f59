import { describe, expect, it } from 'vitest';
import { formatGroupContext, historyLimitFor } from './group-history';

const env = (body: string) => `[WhatsApp 120363012345678901@g.us 2026-01-13T07:45Z] ${body}`;

describe('formatGroupContext', () => {
  it('is just the current envelope when nothing is pending', () => {
    expect(formatGroupContext({ history: [], current: env('bot, summarize? [from: Alice]') })).toBe(
      env('bot, summarize? [from: Alice]'),
    );
  });

  it('puts pending envelopes above the current one under the two headers', () => {
    const text = formatGroupContext({
      history: [env('lunch at 1? [from: Bob (+15559876543)]'), env('same')],
      current: env('bot, book it [from: Alice]'),
    });
    expect(text).toBe(
      [
        '[Chat messages since your last reply - for context]',
        env('lunch at 1? [from: Bob (+15559876543)]'),
        env('same'),
        '',
        '[Current message - respond to this]',
        env('bot, book it [from: Alice]'),
      ].join('\n'),
    );
  });
});

describe('historyLimitFor', () => {
  it.each<[number | undefined, number, number]>([
    [undefined, 50, 50],
    [20, 50, 20],
    [0, 50, 0],
    [undefined, 0, 0],
    [100, 0, 100],
  ])('account %s, messages %s → %s', (own, global, expected) => {
    expect(historyLimitFor({ historyLimit: own }, global)).toBe(expected);
  });
});
