import { describe, expect, it } from 'vitest';
import type { ConfigIssue } from '../../shared/contract';
import type { OpenClawConfig } from './schema';
import { formatIssues, validateConfigText } from './validate';

function valid(raw: string | null): { config: OpenClawConfig; warnings: ConfigIssue[] } {
  const r = validateConfigText(raw);
  if (!r.ok) throw new Error(`expected valid, got ${JSON.stringify(r.errors)}`);
  return r;
}
function errors(raw: string): ConfigIssue[] {
  const r = validateConfigText(raw);
  if (r.ok) throw new Error('expected errors');
  return r.errors;
}
const wa = (body: string): string => `{ channels: { whatsapp: ${body} } }`;

describe('defaults', () => {
  // null is a missing file; an empty one is an error (file-faults.test.ts).
  it.each(['{}', null])('fills every default for %j', (raw) => {
    const { config, warnings } = valid(raw);
    expect(warnings).toEqual([]);
    const w = config.channels.whatsapp;
    expect(w).toMatchObject({
      enabled: true,
      configWrites: true,
      sendReadReceipts: true,
      dmPolicy: 'pairing',
      selfChatMode: false,
      groupPolicy: 'allowlist',
      textChunkLimit: 4000,
      chunkMode: 'length',
      ackReaction: { direct: true, group: 'mentions' },
      debounceMs: 0,
      accounts: {},
      mediaMaxMb: 50,
      actions: { reactions: true },
    });
    expect(w.allowFrom).toBeUndefined();
    expect(w.groups).toBeUndefined();
    expect(config.web).toEqual({
      enabled: true,
      heartbeatSeconds: 60,
      reconnect: { initialMs: 2000, maxMs: 30000, factor: 1.8, jitter: 0.25, maxAttempts: 12 },
    });
    expect(config.messages.groupChat.historyLimit).toBe(50);
    expect(config.agents.defaults).toEqual({
      mediaMaxMb: 5,
      mediaAllowPrivateNetwork: false,
      heartbeat: { every: '30m' },
      timeoutSeconds: 600,
      maxConcurrent: 4,
      bootstrapMaxChars: 20_000,
      typingIntervalSeconds: 6,
      maxTurns: 8,
      failureReply: 'Sorry, I could not answer just now. Please try again later.',
      pendingMaxAgeMinutes: 1440,
    });
    expect(config.models).toEqual({ providers: {} });
    expect(config.agents.list).toEqual([]);
    expect(config.bindings).toEqual([]);
    expect(config.session).toEqual({ scope: 'per-sender', dmScope: 'main', mainKey: 'main' });
    expect(config.commands.config).toBe(false);
    expect(config.logging).toEqual({
      level: 'info',
      file: '/tmp/openclaw/openclaw-YYYY-MM-DD.log',
      maxFiles: 14,
    });
    expect(config.gateway).toEqual({ port: 18789, auth: {} });
  });

  it('leaves per-account shared keys undefined so they inherit', () => {
    const { config } = valid(wa(`{ accounts: { work: { name: 'Work' } } }`));
    expect(config.channels.whatsapp.accounts.work).toEqual({ name: 'Work' });
  });

  it('accepts a full, realistic config', () => {
    const { config, warnings } = valid(`{
      identity: { name: 'Clawd' },
      channels: { whatsapp: {
        dmPolicy: 'allowlist', allowFrom: ['+15551234567'], selfChatMode: true,
        groups: { '*': { requireMention: true }, '120363012345678901@g.us': { requireMention: false } },
        dms: { '+15551234567': { historyLimit: 20 } },
        ackReaction: { emoji: '👀', group: 'always' },
        accounts: { work: { dmPolicy: 'open', allowFrom: ['*'], authDir: '~/wa-work', mediaMaxMb: 10 } },
        defaultAccount: 'work',
      } },
      web: { reconnect: { initialMs: 500, maxMs: 10000, factor: 2, jitter: 0, maxAttempts: 0 } },
      messages: { responsePrefix: '[bot]', groupChat: { mentionPatterns: ['@?clawd\\\\b'] } },
      agents: { defaults: { heartbeat: { every: '1h', target: 'last' } }, list: [{ id: 'main', default: true }, { id: 'kid', heartbeat: { every: '0' } }] },
      bindings: [{ agentId: 'kid', match: { channel: 'whatsapp', peer: { kind: 'dm', id: '+15557654321' } } }],
      gateway: { port: 19000, auth: { token: '0123456789abcdef0123' } },
    }`);
    expect(warnings).toEqual([]);
    expect(config.channels.whatsapp.ackReaction).toEqual({ emoji: '👀', direct: true, group: 'always' });
    expect(config.web.reconnect.maxAttempts).toBe(0);
    expect(config.gateway.port).toBe(19000);
  });
});

describe('errors name the key path', () => {
  it('reports JSON5 syntax errors with line and column, the source line and a caret', () => {
    expect(errors('{\n  a: 1,\n  b: x x\n}')).toEqual([
      {
        path: '',
        line: 3,
        column: 6,
        message: 'JSON5 syntax error: unexpected "x"\n  2 |   a: 1,\n  3 |   b: x x\n    |      ^',
      },
    ]);
    const [eof] = errors('{\n  a: 1,\n');
    expect(eof).toMatchObject({ line: 3, column: 1 });
    expect(eof?.message).toMatch(
      /^JSON5 syntax error: the file ends too early — a closing } or ] is missing/,
    );
  });

  it('points a missing comma at the line that needs it, with the position said once', () => {
    const text = [
      '{',
      '  channels: {',
      '    whatsapp: {',
      "      dmPolicy: 'allowlist' // only me",
      "      allowFrom: ['+15551234567'],",
      '    },',
      '  },',
      '}',
    ].join('\n');
    const [e] = errors(text);
    expect(e).toMatchObject({ path: '', line: 5, column: 7 });
    expect(e?.message.split('\n')).toEqual([
      'JSON5 syntax error: unexpected "a" — missing comma at the end of line 4?',
      "  4 |       dmPolicy: 'allowlist' // only me",
      "  5 |       allowFrom: ['+15551234567'],",
      '    |       ^',
    ]);
    // Logs and the CLI print the position once, on the first line, and the excerpt below it.
    const printed = formatIssues([e!], '');
    expect(printed.split('\n')[0]).toBe(
      '(file): JSON5 syntax error: unexpected "a" — missing comma at the end of line 4? (line 5, column 7)',
    );
    expect(printed.match(/line 5/g)).toHaveLength(1);
    // On one line too: `{ a: 1 b: 2 }`.
    expect(errors('{ a: 1 b: 2 }')[0]?.message).toMatch(
      /^JSON5 syntax error: unexpected "b" — missing comma before it\?/,
    );
  });

  it('never shows a secret in the excerpt of a syntax error', () => {
    const [e] = errors(`{\n  gateway: { auth: { token: 'abcdefabcdefabcdefabcdef' } } x\n}`);
    expect(e?.message).not.toContain('abcdef');
    expect(e?.message.split('\n').slice(1)).toEqual([
      '  1 | {',
      "  2 |   gateway: { auth: { token: '__OPENCLAW_REDACTED__' } } x",
      '    |                                                         ^',
    ]);
  });

  it('requires an object at the top level', () => {
    expect(errors('[1, 2]')[0]?.message).toContain('must be an object');
    expect(errors('null')[0]?.path).toBe('');
  });

  it('lists the allowed values of an enum', () => {
    expect(errors(wa(`{ dmPolicy: 'sometimes' }`))).toEqual([
      {
        path: 'channels.whatsapp.dmPolicy',
        message: 'must be one of "pairing", "allowlist", "open", "disabled" (got "sometimes")',
        line: 1,
        column: 27,
      },
    ]);
  });

  it('warns about unknown keys inside a section, naming the key meant, without stopping', () => {
    const r = validateConfigText(wa(`{\n dmPolicyy: 'open' }`));
    expect(r.ok).toBe(true);
    expect(r.warnings).toEqual([
      {
        path: 'channels.whatsapp.dmPolicyy',
        message: 'unknown key "dmPolicyy" (did you mean "dmPolicy"?); it is ignored',
        line: 2,
        column: 2,
      },
    ]);
    expect(valid(`{ web: { reconnect: { maxTries: 3 } } }`).warnings).toMatchObject([
      { path: 'web.reconnect.maxTries', message: 'unknown key "maxTries"; it is ignored' },
    ]);
    expect(valid(wa(`{ accounts: { a: { mediaMaxMB: 3 } } }`)).warnings[0]?.message).toContain(
      'did you mean "mediaMaxMb"?',
    );
    expect(valid(`{ channels: { whatsap: { dmPolicy: 'allowlist' } } }`).warnings).toMatchObject([
      { path: 'channels.whatsap', message: expect.stringContaining('(did you mean "whatsapp"?)') },
    ]);
    // An unknown key next to a real error: the error stops the file, the unknown key stays a warning.
    const both = validateConfigText(wa(`{ dmPolicy: 'x', allowFrum: [] }`));
    expect(both.ok).toBe(false);
    expect(both.warnings.map((w) => w.path)).toEqual(['channels.whatsapp.allowFrum']);
  });

  it('refuses allowlist with no senders, at the allowFrom path', () => {
    expect(errors(wa(`{ dmPolicy: 'allowlist' }`))).toMatchObject([
      {
        path: 'channels.whatsapp.allowFrom',
        message:
          'channels.whatsapp.dmPolicy="allowlist" requires channels.whatsapp.allowFrom to contain at least one sender ID',
      },
    ]);
    expect(errors(wa(`{ dmPolicy: 'allowlist', allowFrom: [] }`))[0]?.path).toBe(
      'channels.whatsapp.allowFrom',
    );
  });

  it('refuses open without "*"', () => {
    expect(errors(wa(`{ dmPolicy: 'open', allowFrom: ['+15551234567'] }`))).toMatchObject([
      {
        path: 'channels.whatsapp.allowFrom',
        message: 'channels.whatsapp.dmPolicy="open" requires channels.whatsapp.allowFrom to include "*"',
      },
    ]);
    expect(valid(wa(`{ dmPolicy: 'open', allowFrom: ['*'] }`)).config.channels.whatsapp.dmPolicy).toBe(
      'open',
    );
  });

  it('refuses allowFrom entries that are not E.164 or "*", at their index', () => {
    expect(errors(wa(`{ allowFrom: ['+15551234567', '*', 'abc'] }`))).toMatchObject([
      {
        path: 'channels.whatsapp.allowFrom.2',
        message: '"abc" is not a phone number in E.164 form (like +15551234567) or "*"',
      },
    ]);
    expect(errors(wa(`{ groupAllowFrom: ['15551234567'] }`))[0]?.path).toBe(
      'channels.whatsapp.groupAllowFrom.0',
    );
    // An invalid entry never widens access: the whole config is refused.
    expect(validateConfigText(wa(`{ dmPolicy: 'open', allowFrom: ['all'] }`)).ok).toBe(false);
  });

  it('checks each account against its resolved view', () => {
    expect(
      errors(wa(`{ accounts: { work: { dmPolicy: 'open', allowFrom: ['+15551234567'] } } }`)),
    ).toMatchObject([
      {
        path: 'channels.whatsapp.accounts.work.allowFrom',
        message:
          'channels.whatsapp.accounts.work.dmPolicy="open" requires channels.whatsapp.accounts.work.allowFrom (or channels.whatsapp.allowFrom) to include "*"',
      },
    ]);
    expect(errors(wa(`{ accounts: { work: { dmPolicy: 'allowlist' } } }`))).toMatchObject([
      {
        path: 'channels.whatsapp.accounts.work.allowFrom',
        message:
          'channels.whatsapp.accounts.work.dmPolicy="allowlist" requires channels.whatsapp.accounts.work.allowFrom (or channels.whatsapp.allowFrom) to contain at least one sender ID',
      },
    ]);
    // Inheriting the channel's allowFrom satisfies the account's policy.
    valid(wa(`{ allowFrom: ['+15551234567'], accounts: { work: { dmPolicy: 'allowlist' } } }`));
    expect(errors(wa(`{ accounts: { work: { dmPolicy: 'sometimes' } } }`))[0]?.path).toBe(
      'channels.whatsapp.accounts.work.dmPolicy',
    );
    expect(errors(wa(`{ accounts: { work: { allowFrom: ['x'] } } }`))[0]?.path).toBe(
      'channels.whatsapp.accounts.work.allowFrom.0',
    );
  });

  it('checks account ids, defaultAccount, dms keys and group keys', () => {
    expect(errors(wa(`{ accounts: { 'bad id': {} } }`))[0]).toMatchObject({
      path: 'channels.whatsapp.accounts["bad id"]',
      message: expect.stringContaining('account id "bad id"'),
    });
    expect(errors(wa(`{ accounts: { a: {} }, defaultAccount: 'b' }`))).toMatchObject([
      {
        path: 'channels.whatsapp.defaultAccount',
        message: '"b" is not a configured account (configured: a)',
      },
    ]);
    expect(errors(wa(`{ dms: { '555': { historyLimit: 3 } } }`))[0]?.path).toBe(
      'channels.whatsapp.dms["555"]',
    );
    expect(errors(wa(`{ groups: { 'family': {} } }`))[0]?.path).toBe('channels.whatsapp.groups.family');
  });

  it('checks numbers, regexes, durations and references between sections', () => {
    expect(errors(`{ web: { reconnect: { initialMs: 100 } } }`)[0]).toMatchObject({
      path: 'web.reconnect.initialMs',
      message: 'must be at least 250 (got 100)',
    });
    expect(errors(`{ web: { reconnect: { initialMs: 5000, maxMs: 1000 } } }`)[0]?.path).toBe(
      'web.reconnect.maxMs',
    );
    expect(errors(`{ web: { reconnect: { factor: 20 } } }`)[0]?.message).toBe('must be at most 10 (got 20)');
    expect(errors(`{ messages: { groupChat: { mentionPatterns: ['ok', '(unclosed'] } } }`)[0]).toMatchObject({
      path: 'messages.groupChat.mentionPatterns.1',
      message: expect.stringContaining('is not a valid regular expression'),
    });
    expect(errors(`{ agents: { defaults: { heartbeat: { every: 'often' } } } }`)[0]?.path).toBe(
      'agents.defaults.heartbeat.every',
    );
    expect(errors(`{ agents: { list: [{ id: 'a' }, { id: 'b' }, { id: 'a' }] } }`)).toMatchObject([
      { path: 'agents.list.2.id', message: 'agent id "a" is already used by agents.list.0' },
    ]);
    expect(
      errors(
        `{ agents: { list: [{ id: 'a' }] }, bindings: [{ agentId: 'zz', match: { channel: 'whatsapp' } }] }`,
      )[0]?.path,
    ).toBe('bindings.0.agentId');
    expect(
      errors(
        `{ bindings: [{ agentId: 'main', match: { channel: 'whatsapp', peer: { kind: 'dm', id: 'bob' } } }] }`,
      )[0]?.path,
    ).toBe('bindings.0.match.peer.id');
    expect(errors(`{ gateway: { port: 70000 } }`)[0]?.path).toBe('gateway.port');
    // A secret is never echoed back in a message.
    expect(errors(`{ gateway: { auth: { token: 'short' } } }`)[0]?.message).toBe(
      'must be at least 16 characters long (the value is hidden)',
    );
    expect(errors(`{ agents: { list: [{ name: 'x' }] } }`)[0]).toMatchObject({
      path: 'agents.list.0.id',
      message: 'is required',
    });
    expect(errors(`{ channels: { whatsapp: { textChunkLimit: 'big' } } }`)[0]?.message).toBe(
      'must be a number (got "big")',
    );
  });
});

describe('warnings', () => {
  it('keeps unknown top-level keys and other channels, with a warning', () => {
    const { config, warnings } = valid(`{ meta: { v: 1 }, channels: { telegram: { botToken: 'x' } } }`);
    expect(warnings.map((w) => w.path)).toEqual(['meta', 'channels.telegram']);
    expect(warnings.every((w) => w.message.includes('not used by OpenClaw Desktop'))).toBe(true);
    expect((config as Record<string, unknown>).meta).toEqual({ v: 1 });
    expect((config.channels as Record<string, unknown>).telegram).toEqual({ botToken: 'x' });
  });

  it('warns about messages.messagePrefix and messages.ackReaction', () => {
    const { warnings } = valid(`{ messages: { messagePrefix: '[in]', ackReaction: '👀' } }`);
    expect(warnings).toMatchObject([
      { path: 'messages.messagePrefix', message: expect.stringContaining('deprecated') },
      { path: 'messages.ackReaction', message: expect.stringContaining('use channels.whatsapp.ackReaction') },
    ]);
  });

  it('still reports warnings next to errors', () => {
    const r = validateConfigText(`{ extra: 1, channels: { whatsapp: { dmPolicy: 'x' } } }`);
    expect(r.ok).toBe(false);
    expect(r.warnings.map((w) => w.path)).toEqual(['extra']);
  });
});
