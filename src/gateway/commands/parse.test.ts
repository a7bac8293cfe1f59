import { describe, expect, it } from 'vitest';
import { parseChatCommand, parseConfigCommand, parseConfigValue } from './parse';

describe('parseChatCommand', () => {
  it('knows each command only as a whole message', () => {
    expect(parseChatCommand('/status')).toEqual({ name: 'status', args: '' });
    expect(parseChatCommand('  /HELP \n')).toEqual({ name: 'help', args: '' });
    expect(parseChatCommand('/new')).toEqual({ name: 'new', args: '' });
    expect(parseChatCommand('/reset')).toEqual({ name: 'reset', args: '' });
    expect(parseChatCommand('/config set a.b=1')).toEqual({ name: 'config', args: 'set a.b=1' });
    expect(parseChatCommand('/config')).toEqual({ name: 'config', args: '' });
    expect(parseChatCommand('/activation always')).toEqual({ name: 'activation', args: 'always' });
  });

  it('leaves ordinary text, unknown commands and argument-taking mistakes to the model', () => {
    expect(parseChatCommand('what does /status do?')).toBeNull();
    expect(parseChatCommand('/status please')).toBeNull();
    expect(parseChatCommand('/newest')).toBeNull();
    expect(parseChatCommand('/weather')).toBeNull();
    expect(parseChatCommand('')).toBeNull();
    expect(parseChatCommand(undefined)).toBeNull();
  });
});

describe('parseConfigCommand', () => {
  it('reads show, get, set and unset', () => {
    expect(parseConfigCommand('')).toEqual({ op: 'show' });
    expect(parseConfigCommand('show channels.whatsapp')).toEqual({ op: 'show', path: 'channels.whatsapp' });
    expect(parseConfigCommand('GET commands.config')).toEqual({ op: 'show', path: 'commands.config' });
    expect(parseConfigCommand('set channels.whatsapp.dmPolicy=allowlist')).toEqual({
      op: 'set',
      path: 'channels.whatsapp.dmPolicy',
      value: 'allowlist',
    });
    expect(parseConfigCommand('set a.b = {"x": [1, 2]}')).toEqual({
      op: 'set',
      path: 'a.b',
      value: { x: [1, 2] },
    });
    expect(parseConfigCommand('set messages.responsePrefix=a=b')).toMatchObject({ value: 'a=b' });
    expect(parseConfigCommand('unset messages.responsePrefix')).toEqual({
      op: 'unset',
      path: 'messages.responsePrefix',
    });
  });

  it('refuses a set without "=", a get or unset without a path, and unknown actions, saying how', () => {
    expect(parseConfigCommand('set channels.whatsapp.dmPolicy allowlist')).toMatchObject({
      op: 'invalid',
      message: expect.stringMatching(/the = is required/),
    });
    expect(parseConfigCommand('set =1')).toMatchObject({ op: 'invalid' });
    expect(parseConfigCommand('get')).toMatchObject({
      op: 'invalid',
      message: expect.stringMatching(/get <path>/),
    });
    expect(parseConfigCommand('unset')).toMatchObject({ op: 'invalid' });
    expect(parseConfigCommand('delete x')).toMatchObject({
      op: 'invalid',
      message: expect.stringMatching(/Unknown \/config action "delete"/),
    });
    expect(parseConfigCommand('set a.b={oops')).toMatchObject({
      op: 'invalid',
      message: expect.stringMatching(/^a\.b: the value is not valid JSON/),
    });
  });
});

describe('parseConfigValue', () => {
  it('reads JSON, booleans, null, numbers, quoted strings, else the text itself', () => {
    expect(parseConfigValue('["+15551234567"]')).toEqual({ value: ['+15551234567'] });
    expect(parseConfigValue('{"a":1}')).toEqual({ value: { a: 1 } });
    expect(parseConfigValue('true')).toEqual({ value: true });
    expect(parseConfigValue('false')).toEqual({ value: false });
    expect(parseConfigValue('null')).toEqual({ value: null });
    expect(parseConfigValue('42')).toEqual({ value: 42 });
    expect(parseConfigValue('-1.5')).toEqual({ value: -1.5 });
    expect(parseConfigValue('"42"')).toEqual({ value: '42' });
    expect(parseConfigValue('"a \\"b\\""')).toEqual({ value: 'a "b"' });
    expect(parseConfigValue("'[bot]'")).toEqual({ value: '[bot]' });
    expect(parseConfigValue(' allowlist ')).toEqual({ value: 'allowlist' });
    expect(parseConfigValue('+15551234567')).toEqual({ value: '+15551234567' });
    expect(parseConfigValue('')).toEqual({ value: '' });
    expect(parseConfigValue('[1,')).toMatchObject({ error: expect.stringMatching(/not valid JSON/) });
  });
});
