import { describe, expect, it } from 'vitest';
import { ackReactionFor, type AckReactionConfig, type AckReactionContext } from './ack-reaction';

const E = '👀';
const dm: AckReactionContext = { isGroup: false, mentioned: false, activation: 'mention' };
const group = (mentioned: boolean, activation: 'mention' | 'always'): AckReactionContext => ({
  isGroup: true,
  mentioned,
  activation,
});

describe('ack reaction', () => {
  it.each<[string, AckReactionConfig]>([
    ['missing', {}],
    ['empty', { emoji: '' }],
    ['blank', { emoji: '  ' }],
    ['empty even with everything on', { emoji: '', direct: true, group: 'always' }],
  ])('is off when the emoji is %s', (_label, cfg) => {
    expect(ackReactionFor(cfg, dm)).toBeNull();
    expect(ackReactionFor(cfg, group(true, 'always'))).toBeNull();
  });

  it.each<[boolean | undefined, string | null]>([
    [undefined, E],
    [true, E],
    [false, null],
  ])('direct chats with direct=%s → %s', (direct, expected) => {
    expect(ackReactionFor({ emoji: E, direct }, dm)).toBe(expected);
    // Being "mentioned" in a DM changes nothing.
    expect(ackReactionFor({ emoji: E, direct }, { ...dm, mentioned: true })).toBe(expected);
  });

  type GroupMode = AckReactionConfig['group'];
  it.each<[GroupMode, boolean, 'mention' | 'always', string | null]>([
    ['always', false, 'mention', E],
    ['always', true, 'mention', E],
    ['always', false, 'always', E],
    ['always', true, 'always', E],
    ['never', false, 'mention', null],
    ['never', true, 'mention', null],
    ['never', false, 'always', null],
    ['never', true, 'always', null],
    ['mentions', false, 'mention', null],
    ['mentions', true, 'mention', E],
    ['mentions', false, 'always', E],
    ['mentions', true, 'always', E],
    [undefined, false, 'mention', null],
    [undefined, true, 'mention', E],
    [undefined, false, 'always', E],
  ])('groups with group=%s, mentioned=%s, activation=%s → %s', (mode, mentioned, activation, expected) => {
    expect(ackReactionFor({ emoji: E, group: mode }, group(mentioned, activation))).toBe(expected);
  });

  it('keeps group and direct settings independent', () => {
    expect(ackReactionFor({ emoji: E, direct: false, group: 'always' }, group(false, 'mention'))).toBe(E);
    expect(ackReactionFor({ emoji: E, direct: true, group: 'never' }, dm)).toBe(E);
  });

  it('sends the emoji without surrounding whitespace', () => {
    expect(ackReactionFor({ emoji: ' ✅ ' }, dm)).toBe('✅');
  });
});
