import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../config/schema';
import { isMentioned, mentionPatternsFor, type MentionInput } from './mentions';

const PN = '15550001111@s.whatsapp.net';
const LID = '123456789012345@lid';
const self = { pn: PN, lid: LID };

const check = (over: Partial<MentionInput>) =>
  isMentioned({ mentions: [], quotedFromMe: false, self, patterns: [], selfChatMode: false, ...over });

describe('mention by JID', () => {
  it.each([
    ['phone-number JID', PN],
    ['phone-number JID with device suffix', '15550001111:4@s.whatsapp.net'],
    ['legacy c.us JID', '15550001111@c.us'],
    ['LID', LID],
    ['LID with device suffix', '123456789012345:12@lid'],
    ['LID with agent and device parts', '123456789012345_1:12@lid'],
    ['server part in upper case', '15550001111@S.WHATSAPP.NET'],
  ])('%s', (_label, jid) => {
    expect(check({ mentions: ['19998887777@s.whatsapp.net', jid] })).toEqual({ mentioned: true, by: 'jid' });
  });

  it.each([
    ['someone else', '19998887777@s.whatsapp.net'],
    ['someone else’s LID', '999999999999999@lid'],
    ['our number in the LID space', '15550001111@lid'],
    ['our LID in the phone-number space', '123456789012345@s.whatsapp.net'],
    ['a prefix of our number', '1555000111@s.whatsapp.net'],
    ['an empty JID', ''],
    ['a JID with no user', '@s.whatsapp.net'],
  ])('not %s', (_label, jid) => {
    expect(check({ mentions: [jid] })).toEqual({ mentioned: false });
  });

  it('accepts our own identity in device or E.164 form', () => {
    const mentions = ['15550001111@s.whatsapp.net'];
    expect(check({ mentions, self: { pn: '15550001111:7@s.whatsapp.net', lid: null } }).mentioned).toBe(true);
    expect(check({ mentions, self: { pn: '+15550001111', lid: null } }).mentioned).toBe(true);
    expect(
      check({ mentions: ['123456789012345:3@lid'], self: { pn: null, lid: '123456789012345:9@lid' } }).by,
    ).toBe('jid');
  });

  it('cannot match a form of ourselves we do not know', () => {
    expect(check({ mentions: [LID], self: { pn: PN, lid: null } }).mentioned).toBe(false);
    expect(check({ mentions: [PN], self: { pn: null, lid: LID } }).mentioned).toBe(false);
    expect(check({ mentions: [PN, LID], self: { pn: null, lid: null } }).mentioned).toBe(false);
  });
});

describe('mention by pattern', () => {
  const patterns = ['\\bclaw(dy)?\\b', '^hey bot'];
  it.each([
    ['Clawdy, what time is it?', true],
    ['ask CLAW about it', true],
    ['Hey Bot are you there', true],
    ['clawing at the door', false],
    ['well hey bot', false],
  ])('%j → %s', (text, expected) => {
    const r = check({ text, patterns });
    expect(r.mentioned).toBe(expected);
    if (expected) expect(r.by).toBe('pattern');
  });

  it('needs text and patterns', () => {
    expect(check({ patterns }).mentioned).toBe(false);
    expect(check({ text: '', patterns }).mentioned).toBe(false);
    expect(check({ text: 'claw', patterns: [] }).mentioned).toBe(false);
  });

  it('skips a pattern that does not compile instead of throwing', () => {
    expect(() => check({ text: 'claw', patterns: ['(unclosed'] })).not.toThrow();
    expect(check({ text: 'claw', patterns: ['(unclosed'] }).mentioned).toBe(false);
    expect(check({ text: 'claw', patterns: ['(unclosed', 'claw'] }).by).toBe('pattern');
  });
});

describe('mention by reply', () => {
  it('counts a reply to one of our messages', () => {
    expect(check({ quotedFromMe: true, text: 'sure' })).toEqual({ mentioned: true, by: 'reply' });
  });

  it('reports the explicit mention first when several apply', () => {
    expect(check({ mentions: [PN], text: 'claw', patterns: ['claw'], quotedFromMe: true }).by).toBe('jid');
    expect(check({ text: 'claw', patterns: ['claw'], quotedFromMe: true }).by).toBe('pattern');
  });

  it('is nothing without any of the three', () => {
    expect(check({ text: 'just chatting', patterns: ['claw'] })).toEqual({ mentioned: false });
  });
});

describe('self-chat mode', () => {
  it('ignores mention JIDs', () => {
    expect(check({ selfChatMode: true, mentions: [PN, LID] })).toEqual({ mentioned: false });
  });

  it('still honours patterns and replies', () => {
    expect(check({ selfChatMode: true, mentions: [PN], text: 'claw?', patterns: ['claw'] }).by).toBe(
      'pattern',
    );
    expect(check({ selfChatMode: true, mentions: [PN], quotedFromMe: true }).by).toBe('reply');
  });
});

describe('mentionPatternsFor', () => {
  const cfg = ConfigSchema.parse({
    messages: { groupChat: { mentionPatterns: ['shared'] } },
    agents: {
      list: [
        { id: 'work', groupChat: { mentionPatterns: ['workbot'] } },
        { id: 'home' },
        { id: 'quiet', groupChat: { mentionPatterns: [] } },
      ],
    },
  });

  it('prefers the agent’s own patterns', () => {
    expect(mentionPatternsFor(cfg, 'work')).toEqual(['workbot']);
    expect(mentionPatternsFor(cfg, 'WORK')).toEqual(['workbot']);
  });

  it('falls back to messages.groupChat for agents without their own, and unknown agents', () => {
    expect(mentionPatternsFor(cfg, 'home')).toEqual(['shared']);
    expect(mentionPatternsFor(cfg, 'nobody')).toEqual(['shared']);
  });

  it('lets an agent switch patterns off with an empty list', () => {
    expect(mentionPatternsFor(cfg, 'quiet')).toEqual([]);
  });

  it('is empty when nothing is configured, and never hands out the config’s own array', () => {
    expect(mentionPatternsFor(ConfigSchema.parse({}), 'main')).toEqual([]);
    const patterns = mentionPatternsFor(cfg, 'work');
    patterns.push('mutated');
    expect(mentionPatternsFor(cfg, 'work')).toEqual(['workbot']);
  });
});
