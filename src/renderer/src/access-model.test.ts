import { describe, expect, it } from 'vitest';
import {
  effectiveValues,
  emojiProblem,
  fieldPath,
  formProblems,
  groupKeyProblem,
  listWarnings,
  normalizePhone,
  readChannel,
  scopePath,
  senderEntryProblem,
} from './access-model';

describe('scopes and key paths', () => {
  it('addresses the channel and accounts the way the gateway parses key paths', () => {
    expect(scopePath({ kind: 'channel' })).toBe('channels.whatsapp');
    expect(fieldPath({ kind: 'account', id: 'work' }, 'dmPolicy')).toBe(
      'channels.whatsapp.accounts.work.dmPolicy',
    );
    // A numeric id would read as an array index unquoted.
    expect(fieldPath({ kind: 'account', id: '42' }, 'ackEmoji')).toBe(
      'channels.whatsapp.accounts["42"].ackReaction.emoji',
    );
  });
});

describe('reading the channel', () => {
  it('takes the edited keys of the channel and of each account, ignoring what has the wrong type', () => {
    const { channel, accounts } = readChannel({
      dmPolicy: 'pairing',
      allowFrom: ['+15551234567'],
      groupPolicy: 'allowlist',
      selfChatMode: false,
      sendReadReceipts: true,
      groups: { '120363000000000001@g.us': { requireMention: false }, '*': {} },
      ackReaction: { emoji: '👀', direct: true, group: 'mentions' },
      textChunkLimit: 4000,
      accounts: { work: { dmPolicy: 'allowlist', allowFrom: 'nope', ackReaction: { group: 'never' } } },
    });
    expect(channel).toEqual({
      dmPolicy: 'pairing',
      allowFrom: ['+15551234567'],
      groupPolicy: 'allowlist',
      selfChatMode: false,
      sendReadReceipts: true,
      groups: { '120363000000000001@g.us': { requireMention: false }, '*': {} },
      ackEmoji: '👀',
      ackDirect: true,
      ackGroup: 'mentions',
    });
    expect(accounts).toEqual({ work: { dmPolicy: 'allowlist', ackGroup: 'never' } });
    expect(readChannel(undefined)).toEqual({ channel: {}, accounts: {} });
  });

  it('lets an account override the channel key by key', () => {
    expect(
      effectiveValues({ dmPolicy: 'allowlist' }, { dmPolicy: 'pairing', allowFrom: ['+15551234567'] }),
    ).toEqual({ dmPolicy: 'allowlist', allowFrom: ['+15551234567'] });
  });
});

describe('checking entries', () => {
  it('normalizes pasted numbers and accepts E.164 or "*"', () => {
    expect(normalizePhone(' +1 (555) 123-4567 ')).toBe('+15551234567');
    expect(normalizePhone('0044 20 7946 0018')).toBe('+442079460018');
    expect(senderEntryProblem('+15551234567')).toBeNull();
    expect(senderEntryProblem('*')).toBeNull();
    expect(senderEntryProblem('15551234567')).toContain('Start with +');
    expect(senderEntryProblem('+0123456789')).toContain('E.164');
    expect(senderEntryProblem('+123')).toContain('E.164');
    expect(senderEntryProblem('')).toContain('Enter');
  });

  it('warns that "*" means everyone, and about duplicates', () => {
    expect(listWarnings(['+15551234567'], 'dm')).toEqual([]);
    expect(listWarnings(['*'], 'dm')).toEqual([
      '"*" means everyone: any WhatsApp user can write to the assistant.',
    ]);
    const warnings = listWarnings(['*', '+15551234567', '+15551234567'], 'group');
    expect(warnings[0]).toBe('Listed more than once: +15551234567.');
    expect(warnings).toContain('With "*" in the list, the other entries make no difference.');
  });

  it('accepts group JIDs or "*"', () => {
    expect(groupKeyProblem('120363012345678901@g.us')).toBeNull();
    expect(groupKeyProblem('15551234567-1600000000@g.us')).toBeNull();
    expect(groupKeyProblem('*')).toBeNull();
    expect(groupKeyProblem('family')).toContain('group JID');
    expect(groupKeyProblem('15551234567@s.whatsapp.net')).toContain('group JID');
  });

  it('takes one emoji, or nothing to turn the reaction off', () => {
    for (const ok of ['', '👀', '✅', '📨', '👍🏽', '🇳🇱', '1️⃣', '👩‍💻']) expect(emojiProblem(ok), ok).toBeNull();
    expect(emojiProblem('ok')).toContain('one emoji');
    expect(emojiProblem('👀 ')).toContain('one emoji');
    expect(emojiProblem('👀✅')).toContain('single emoji');
  });
});

describe('form problems', () => {
  it('names the field whose entry is invalid', () => {
    expect(formProblems({ allowFrom: ['+15551234567', 'abc'] }, null)).toEqual({
      allowFrom: 'Start with + and the country code, like +15551234567.',
    });
    expect(formProblems({ groups: { nope: {} } }, null).groups).toContain('"nope"');
    expect(formProblems({ ackEmoji: 'yes' }, null).ackEmoji).toContain('one emoji');
  });

  it('applies the dmPolicy rules to the allowFrom that applies, inherited or own', () => {
    expect(formProblems({ dmPolicy: 'open', allowFrom: ['+15551234567'] }, null).allowFrom).toContain('"*"');
    expect(formProblems({ dmPolicy: 'open', allowFrom: ['*'] }, null)).toEqual({});
    expect(formProblems({ dmPolicy: 'allowlist', allowFrom: [] }, null).allowFrom).toContain('at least one');
    expect(formProblems({ dmPolicy: 'allowlist' }, { allowFrom: ['+15551234567'] })).toEqual({});
    expect(formProblems({ dmPolicy: 'allowlist' }, { dmPolicy: 'pairing' }).allowFrom).toContain(
      'at least one',
    );
    expect(formProblems({ dmPolicy: 'pairing', allowFrom: [] }, null)).toEqual({});
  });
});
