import { describe, expect, it } from 'vitest';
import { decideGroup, type Activation, type GroupInput, type GroupPolicy } from './group-policy';

const G = '120363012345678901@g.us';
const OTHER = '120363099999999999@g.us';
const alice = '+15551234567';
const bob = '+15559876543';

type Groups = GroupInput['groups'];
const LISTED: Groups = { [G]: {} };
const WILDCARD: Groups = { '*': {} };
const ELSEWHERE: Groups = { [OTHER]: {} };

const outcome = (input: Partial<GroupInput> & { groupPolicy: GroupPolicy }) => {
  const d = decideGroup({ groupJid: G, sender: { e164: alice }, ...input });
  return d.action === 'consider' ? d.activation : 'reject';
};

describe('group policy × group listing', () => {
  it.each<[GroupPolicy, string, Groups, string]>([
    ['disabled', 'listed', LISTED, 'reject'],
    ['disabled', 'wildcard', WILDCARD, 'reject'],
    ['disabled', 'unlisted', ELSEWHERE, 'reject'],
    ['disabled', 'no groups', undefined, 'reject'],
    ['allowlist', 'listed', LISTED, 'mention'],
    ['allowlist', 'wildcard', WILDCARD, 'mention'],
    ['allowlist', 'unlisted', ELSEWHERE, 'reject'],
    ['allowlist', 'no groups', undefined, 'reject'],
    ['allowlist', 'empty groups', {}, 'reject'],
    ['open', 'listed', LISTED, 'mention'],
    ['open', 'wildcard', WILDCARD, 'mention'],
    ['open', 'unlisted', ELSEWHERE, 'mention'],
    ['open', 'no groups', undefined, 'mention'],
  ])('%s, group %s → %s', (groupPolicy, _label, groups, expected) => {
    expect(outcome({ groupPolicy, groups })).toBe(expected);
  });

  it('names the group it refuses, and the policy that refused', () => {
    expect(decideGroup({ groupJid: G, sender: { e164: alice }, groupPolicy: 'allowlist' })).toEqual({
      action: 'reject',
      reason: `group ${G} is not listed in groups (groupPolicy "allowlist")`,
    });
    const disabled = decideGroup({ groupJid: G, sender: { e164: alice }, groupPolicy: 'disabled' });
    expect(disabled.action === 'reject' && disabled.reason).toContain('disabled');
  });

  it('does not treat inherited object keys as configured groups', () => {
    const d = decideGroup({
      groupJid: 'constructor',
      sender: { e164: alice },
      groupPolicy: 'allowlist',
      groups: {},
    });
    expect(d.action).toBe('reject');
  });
});

describe('sender allowlist (groupAllowFrom)', () => {
  it.each<[string, readonly string[] | undefined, string | null, string]>([
    ['unset', undefined, alice, 'mention'],
    ['unset', undefined, null, 'mention'],
    ['empty', [], alice, 'mention'],
    ['empty', [], null, 'mention'],
    ['listed', [alice], alice, 'mention'],
    ['not listed', [alice], bob, 'reject'],
    ['unknown sender', [alice], null, 'reject'],
    ['wildcard', ['*'], bob, 'mention'],
    ['wildcard, unknown sender', ['*'], null, 'reject'],
    ['mixed', [bob, '*'], alice, 'mention'],
  ])('%s %j, sender %s → %s', (_label, groupAllowFrom, e164, expected) => {
    for (const groupPolicy of ['open', 'allowlist'] as const) {
      const d = decideGroup({ groupJid: G, sender: { e164 }, groupPolicy, groups: LISTED, groupAllowFrom });
      expect(d.action === 'consider' ? d.activation : 'reject').toBe(expected);
    }
  });

  it('checks the group before the sender, and disabled before both', () => {
    const base = { groupJid: G, sender: { e164: bob }, groupAllowFrom: [alice] };
    const unlisted = decideGroup({ ...base, groupPolicy: 'allowlist', groups: ELSEWHERE });
    expect(unlisted.action === 'reject' && unlisted.reason).toContain(G);
    const wrongSender = decideGroup({ ...base, groupPolicy: 'allowlist', groups: LISTED });
    expect(wrongSender).toEqual({ action: 'reject', reason: `${bob} is not in groupAllowFrom` });
    const disabled = decideGroup({
      ...base,
      sender: { e164: alice },
      groupPolicy: 'disabled',
      groups: LISTED,
    });
    expect(disabled.action).toBe('reject');
  });

  it('says when the sender is unknown rather than blaming a number', () => {
    const d = decideGroup({
      groupJid: G,
      sender: { e164: null },
      groupPolicy: 'open',
      groupAllowFrom: ['*'],
    });
    expect(d.action === 'reject' && d.reason).toMatch(/unknown/);
  });
});

describe('activation', () => {
  const ALL_DEFAULTS: Groups = { '*': { requireMention: true } };
  it.each<[string, Groups, Activation | undefined, Activation]>([
    ['default, nothing set', WILDCARD, undefined, 'mention'],
    ['group requireMention true', { [G]: { requireMention: true } }, undefined, 'mention'],
    ['group requireMention false', { [G]: { requireMention: false } }, undefined, 'always'],
    ['wildcard requireMention false', { '*': { requireMention: false } }, undefined, 'always'],
    ['wildcard requireMention true', ALL_DEFAULTS, undefined, 'mention'],
    [
      'group overrides wildcard (false over true)',
      { '*': { requireMention: true }, [G]: { requireMention: false } },
      undefined,
      'always',
    ],
    [
      'group overrides wildcard (true over false)',
      { '*': { requireMention: false }, [G]: { requireMention: true } },
      undefined,
      'mention',
    ],
    [
      'group entry without a value falls back to wildcard',
      { '*': { requireMention: false }, [G]: {} },
      undefined,
      'always',
    ],
    [
      'another group’s setting does not apply',
      { '*': {}, [OTHER]: { requireMention: false } },
      undefined,
      'mention',
    ],
    ['stored always beats requireMention true', { [G]: { requireMention: true } }, 'always', 'always'],
    ['stored mention beats requireMention false', { [G]: { requireMention: false } }, 'mention', 'mention'],
    ['stored always with nothing configured', WILDCARD, 'always', 'always'],
  ])('%s → %s', (_label, groups, storedActivation, expected) => {
    for (const groupPolicy of ['open', 'allowlist'] as const)
      expect(outcome({ groupPolicy, groups, storedActivation })).toBe(expected);
  });

  it('uses the activation in open mode even for groups with no entry', () => {
    expect(outcome({ groupPolicy: 'open' })).toBe('mention');
    expect(outcome({ groupPolicy: 'open', storedActivation: 'always' })).toBe('always');
    expect(outcome({ groupPolicy: 'open', groups: { '*': { requireMention: false } } })).toBe('always');
  });

  it('never lets a stored activation reopen a rejected group or sender', () => {
    expect(outcome({ groupPolicy: 'disabled', groups: LISTED, storedActivation: 'always' })).toBe('reject');
    expect(outcome({ groupPolicy: 'allowlist', groups: ELSEWHERE, storedActivation: 'always' })).toBe(
      'reject',
    );
    expect(outcome({ groupPolicy: 'open', groupAllowFrom: [bob], storedActivation: 'always' })).toBe(
      'reject',
    );
  });
});
