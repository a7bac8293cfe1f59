import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors';
import { formatKeyPath, getAtPath, parseKeyPath } from './key-path';

describe('parseKeyPath', () => {
  it('parses dotted paths, indices and quoted keys', () => {
    expect(parseKeyPath('channels.whatsapp.dmPolicy')).toEqual(['channels', 'whatsapp', 'dmPolicy']);
    expect(parseKeyPath('agents.list[0].id')).toEqual(['agents', 'list', 0, 'id']);
    expect(parseKeyPath('channels.whatsapp.allowFrom.2')).toEqual(['channels', 'whatsapp', 'allowFrom', 2]);
    expect(parseKeyPath('channels.whatsapp.groups["120363@g.us"].requireMention')).toEqual([
      'channels',
      'whatsapp',
      'groups',
      '120363@g.us',
      'requireMention',
    ]);
    expect(parseKeyPath("channels.whatsapp.dms['+15551234567'].historyLimit")).toEqual([
      'channels',
      'whatsapp',
      'dms',
      '+15551234567',
      'historyLimit',
    ]);
    expect(parseKeyPath('accounts.work-2.name')).toEqual(['accounts', 'work-2', 'name']);
    expect(parseKeyPath('a["x\\"y"]')).toEqual(['a', 'x"y']);
    expect(parseKeyPath('a.007')).toEqual(['a', '007']);
  });

  it.each([
    ['', 'it is empty'],
    ['a..b', 'empty key'],
    ['a.', 'ends with a dot'],
    ['.a', 'empty key'],
    ['a[0', 'unclosed'],
    ['a["x', 'unterminated'],
    ['a["x"', 'expected "]"'],
    ['a[x]', 'must be an index'],
    ['a]b', 'needs quoting'],
    ['a b', 'needs quoting'],
    ['a[0]b', 'unexpected "b"'],
    ['a.__proto__.b', 'not allowed'],
  ])('rejects %j with a clear config.path_invalid error', (input, why) => {
    let caught: unknown;
    try {
      parseKeyPath(input);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(GatewayError);
    expect((caught as GatewayError).code).toBe('config.path_invalid');
    expect((caught as GatewayError).message).toContain(why);
  });
});

describe('formatKeyPath', () => {
  it('formats indices as dotted numbers and quotes keys that need it', () => {
    expect(formatKeyPath(['channels', 'whatsapp', 'allowFrom', 2])).toBe('channels.whatsapp.allowFrom.2');
    expect(formatKeyPath(['channels', 'whatsapp', 'groups', '120363@g.us', 'requireMention'])).toBe(
      'channels.whatsapp.groups["120363@g.us"].requireMention',
    );
    expect(formatKeyPath(['a', '2'])).toBe('a["2"]');
  });

  it('round-trips through parseKeyPath', () => {
    const paths = [
      ['a', 'b c', 0, 'd.e', 'x"y\n', '+1555'],
      ['agents', 'list', 3, 'id'],
      ['k', '10'],
    ];
    for (const segs of paths) expect(parseKeyPath(formatKeyPath(segs))).toEqual(segs);
  });
});

describe('getAtPath', () => {
  const obj = { a: { list: [{ id: 'x' }, { id: 'y' }], 'k.j': 1 } };
  it('reads nested values and returns undefined for missing paths', () => {
    expect(getAtPath(obj, ['a', 'list', 1, 'id'])).toBe('y');
    expect(getAtPath(obj, ['a', 'list', '0', 'id'])).toBe('x');
    expect(getAtPath(obj, ['a', 'k.j'])).toBe(1);
    expect(getAtPath(obj, ['a', 'list', 5])).toBeUndefined();
    expect(getAtPath(obj, ['a', 'nope', 'x'])).toBeUndefined();
    expect(getAtPath(obj, ['a', 'toString'])).toBeUndefined();
    expect(getAtPath(obj, [])).toBe(obj);
  });
});
