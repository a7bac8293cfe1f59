import { describe, expect, it } from 'vitest';
import { isOwner, parseActivationCommand } from './activation-command';

describe('parseActivationCommand', () => {
  it.each<[string | undefined, ReturnType<typeof parseActivationCommand>]>([
    ['/activation mention', 'mention'],
    ['/activation always', 'always'],
    ['  /activation always  ', 'always'],
    ['/activation   mention', 'mention'],
    ['/Activation always', 'always'],
    ['/ACTIVATION MENTION', 'mention'],
    ['/activation\talways', 'always'],
    ['/activation\nalways', 'always'],
  ])('%j → %s', (text, expected) => {
    expect(parseActivationCommand(text)).toBe(expected);
  });

  it.each([
    ['no argument', '/activation'],
    ['no argument, trailing spaces', '/activation   '],
    ['unknown mode', '/activation sometimes'],
    ['extra words after the mode', '/activation always please'],
    ['a second line of text', '/activation mention\nand also this'],
    ['two modes', '/activation always mention'],
    ['a mode glued to punctuation', '/activation always!'],
  ])('%s → invalid', (_label, text) => {
    expect(parseActivationCommand(text)).toBe('invalid');
  });

  it.each([
    ['undefined', undefined],
    ['empty', ''],
    ['whitespace', '   '],
    ['ordinary text', 'hello there'],
    ['the command mid-sentence', 'you can type /activation always'],
    ['the command after a mention', '@bot /activation always'],
    ['a longer command word', '/activations always'],
    ['a different command', '/status'],
    ['no slash', 'activation always'],
  ])('%s → not the command', (_label, text) => {
    expect(parseActivationCommand(text)).toBeNull();
  });
});

describe('isOwner', () => {
  const self = '+15550001111';
  const alice = '+15551234567';
  const bob = '+15559876543';

  it.each<[string, readonly string[] | undefined, string | null, boolean]>([
    ['listed number', [alice], alice, true],
    ['unlisted number', [alice], bob, false],
    ['linked number when allowFrom lists others', [alice], self, false],
    ['linked number when allowFrom is unset', undefined, self, true],
    ['linked number when allowFrom is empty', [], self, true],
    ['someone else when allowFrom is unset', undefined, alice, false],
    ['someone else when allowFrom is empty', [], alice, false],
    ['anyone when allowFrom is only "*"', ['*'], alice, false],
    ['linked number when allowFrom is only "*"', ['*'], self, true],
    ['listed number next to "*"', ['*', alice], alice, true],
    ['unlisted number next to "*"', ['*', alice], bob, false],
    ['linked number next to "*" and a listed number', ['*', alice], self, false],
    ['unknown sender with allowFrom', [alice], null, false],
    ['unknown sender with "*"', ['*'], null, false],
    ['unknown sender without allowFrom', undefined, null, false],
  ])('%s → %s', (_label, allowFrom, e164, expected) => {
    expect(isOwner({ e164 }, allowFrom, self)).toBe(expected);
  });

  it('has no owner at all when neither allowFrom nor the linked number is known', () => {
    expect(isOwner({ e164: alice }, undefined, null)).toBe(false);
    expect(isOwner({ e164: null }, undefined, null)).toBe(false);
  });
});
