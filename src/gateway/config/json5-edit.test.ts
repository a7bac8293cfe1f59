import JSON5 from 'json5';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors';
import { setInText, unsetInText } from './json5-edit';
import type { KeySegment } from './key-path';

const FILE = `// OpenClaw config — hand written
{
  /* WhatsApp */
  channels: {
    whatsapp: {
      dmPolicy: 'pairing', // who may DM the assistant
      allowFrom: ['+15551234567', "+15557654321",],
      groupPolicy: "allowlist",
      textChunkLimit: 0x10, // hex is fine in JSON5
    },
  },
  web: { enabled: true, heartbeatSeconds: +60 },
  odd: { 'quoted key': "a \\"string\\" with // not a comment", inf: Infinity, nan: NaN, neg: -.5 },
  // the end
}
`;

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof GatewayError ? err.code : 'not-a-gateway-error';
  }
  return undefined;
}

/** What the edit should do to the parsed object, done the plain JS way. */
function setPlain(obj: unknown, segs: KeySegment[], value: unknown): unknown {
  const copy = structuredClone(obj) as Record<string, unknown>;
  let node: Record<string, unknown> = copy;
  segs.forEach((seg, i) => {
    if (i === segs.length - 1) node[String(seg)] = value;
    else {
      node[String(seg)] ??= typeof segs[i + 1] === 'number' ? [] : {};
      node = node[String(seg)] as Record<string, unknown>;
    }
  });
  return copy;
}

function unsetPlain(obj: unknown, segs: KeySegment[]): unknown {
  const copy = structuredClone(obj) as Record<string, unknown>;
  let node: unknown = copy;
  for (const seg of segs.slice(0, -1)) node = (node as Record<string, unknown> | undefined)?.[String(seg)];
  const last = segs[segs.length - 1] as KeySegment;
  if (Array.isArray(node)) node.splice(Number(last), 1);
  else if (node && typeof node === 'object') delete (node as Record<string, unknown>)[String(last)];
  return copy;
}

const COMMENTS = [
  '// OpenClaw config — hand written',
  '/* WhatsApp */',
  '// who may DM the assistant',
  '// hex is fine in JSON5',
  '// the end',
];

describe('setInText', () => {
  it('replaces an existing value in place and keeps every comment', () => {
    const out = setInText(FILE, ['channels', 'whatsapp', 'dmPolicy'], 'allowlist');
    for (const c of COMMENTS) expect(out).toContain(c);
    // The file mostly uses double quotes, so the new string does too.
    expect(out).toContain(`dmPolicy: "allowlist", // who may DM the assistant`);
    expect(JSON5.parse(out)).toEqual(
      setPlain(JSON5.parse(FILE), ['channels', 'whatsapp', 'dmPolicy'], 'allowlist'),
    );
    // Only that line changed.
    const changed = out.split('\n').filter((line, i) => line !== FILE.split('\n')[i]);
    expect(changed).toEqual([`      dmPolicy: "allowlist", // who may DM the assistant`]);
  });

  it('inserts a missing key next to its siblings with their indentation, creating parents', () => {
    const out = setInText(FILE, ['channels', 'whatsapp', 'ackReaction', 'emoji'], '👀');
    expect(out).toContain(`      textChunkLimit: 0x10, // hex is fine in JSON5
      ackReaction: {
        emoji: "👀"
      },
    },`);
    for (const c of COMMENTS) expect(out).toContain(c);
    expect(JSON5.parse(out)).toEqual(
      setPlain(JSON5.parse(FILE), ['channels', 'whatsapp', 'ackReaction', 'emoji'], '👀'),
    );
  });

  it('adds the comma the previous last entry needs, after its comment', () => {
    const raw = '{\n  a: 1 // first\n}\n';
    expect(setInText(raw, ['b'], true)).toBe('{\n  a: 1, // first\n  b: true\n}\n');
  });

  it("follows the file's quote style for new strings", () => {
    expect(setInText("{ a: 'x', b: 'y' }", ['c'], "it's")).toBe("{ a: 'x', b: 'y', c: 'it\\'s' }");
    expect(JSON5.parse(setInText("{ a: 'x', b: 'y' }", ['c'], 'say "hi" \\o/')).c).toBe('say "hi" \\o/');
  });

  it('keeps one-line objects on one line', () => {
    const out = setInText(FILE, ['web', 'reconnect'], { initialMs: 1000, maxMs: 5000 });
    expect(out).toContain(
      `web: { enabled: true, heartbeatSeconds: +60, reconnect: { initialMs: 1000, maxMs: 5000 } },`,
    );
  });

  it('quotes keys in files written as plain JSON', () => {
    const raw = '{\n    "channels": {}\n}';
    const out = setInText(raw, ['channels', 'whatsapp', 'allowFrom'], ['+15551234567']);
    expect(out).toBe(
      '{\n    "channels": {\n        "whatsapp": {\n            "allowFrom": ["+15551234567"]\n        }\n    }\n}',
    );
    expect(JSON.parse(out)).toEqual({ channels: { whatsapp: { allowFrom: ['+15551234567'] } } });
  });

  it('starts from {} for empty or comment-only text', () => {
    expect(JSON5.parse(setInText('', ['gateway', 'port'], 19000))).toEqual({ gateway: { port: 19000 } });
    expect(JSON5.parse(setInText('  \n', ['a'], 'x'))).toEqual({ a: 'x' });
    const out = setInText('// my settings\n', ['a'], 1);
    expect(out.startsWith('// my settings\n{')).toBe(true);
    expect(JSON5.parse(out)).toEqual({ a: 1 });
  });

  it('replaces and appends array elements', () => {
    const path = ['channels', 'whatsapp', 'allowFrom'];
    const replaced = setInText(FILE, [...path, 1], '+15550000000');
    expect(JSON5.parse(replaced).channels.whatsapp.allowFrom).toEqual(['+15551234567', '+15550000000']);
    const appended = setInText(FILE, [...path, 2], '*');
    expect(JSON5.parse(appended).channels.whatsapp.allowFrom).toEqual(['+15551234567', '+15557654321', '*']);
    expect(appended).toContain('// who may DM the assistant');
    expect(codeOf(() => setInText(FILE, [...path, 5], 'x'))).toBe('config.path_invalid');
    const created = setInText('{}', ['agents', 'list', 0, 'id'], 'main');
    expect(JSON5.parse(created)).toEqual({ agents: { list: [{ id: 'main' }] } });
  });

  it('treats keys with dots as single keys', () => {
    const out = setInText(FILE, ['channels', 'whatsapp', 'groups', '120363@g.us', 'requireMention'], false);
    expect(JSON5.parse(out).channels.whatsapp.groups).toEqual({ '120363@g.us': { requireMention: false } });
  });

  it('keeps CRLF line endings', () => {
    const raw = '{\r\n  a: 1,\r\n  b: 2\r\n}\r\n';
    const out = setInText(raw, ['c'], 3);
    expect(out).toBe('{\r\n  a: 1,\r\n  b: 2,\r\n  c: 3\r\n}\r\n');
    expect(unsetInText(out, ['b'])).toBe('{\r\n  a: 1,\r\n  c: 3\r\n}\r\n');
  });

  it('refuses unparseable text, non-object roots and paths through plain values', () => {
    let err: unknown;
    try {
      setInText('{\n  a: 1,\n  b: @\n}', ['a'], 2);
    } catch (e) {
      err = e;
    }
    expect((err as GatewayError).code).toBe('config.parse_error');
    expect((err as GatewayError).message).toBe(
      'the config file has a syntax error at line 3, column 6; fix it first (or use the Settings editor)',
    );
    expect(codeOf(() => setInText('[1]', ['a'], 1))).toBe('config.invalid');
    expect(codeOf(() => setInText(FILE, ['web', 'enabled', 'x'], 1))).toBe('config.path_invalid');
    expect(codeOf(() => setInText(FILE, [], 1))).toBe('config.path_invalid');
    expect(codeOf(() => setInText(FILE, ['a'], undefined))).toBe('config.invalid');
  });

  it('matches a plain-object edit for a batch of paths and values', () => {
    const cases: [KeySegment[], unknown][] = [
      [['odd', 'quoted key'], 'new'],
      [['odd', 'inf'], 1],
      [['odd', 'neg'], { deep: [1, { x: null }] }],
      [['web'], { enabled: false }],
      [['channels', 'telegram'], { botToken: 'x' }],
      [['channels', 'whatsapp', 'accounts', 'work', 'dmPolicy'], 'open'],
      [['session', 'mainKey'], 'it\'s "quoted" \\ and\nmultiline'],
      [['list'], []],
      [['obj'], {}],
    ];
    for (const [segs, value] of cases) {
      const out = setInText(FILE, segs, value);
      expect(JSON5.parse(out), segs.join('.')).toEqual(setPlain(JSON5.parse(FILE), segs, value));
      for (const c of COMMENTS) expect(out).toContain(c);
    }
  });
});

describe('unsetInText', () => {
  it('removes a property with its comma and keeps every comment', () => {
    const out = unsetInText(FILE, ['channels', 'whatsapp', 'dmPolicy']);
    expect(out).not.toContain('dmPolicy');
    expect(out).not.toContain('who may DM the assistant'); // the removed line's own comment goes with it
    for (const c of COMMENTS.filter((c) => !c.includes('who may DM'))) expect(out).toContain(c);
    expect(JSON5.parse(out)).toEqual(unsetPlain(JSON5.parse(FILE), ['channels', 'whatsapp', 'dmPolicy']));
  });

  it('removes the last property and the comma before it', () => {
    const raw = '{\n  a: 1, // about a\n  b: 2 // about b\n}\n';
    expect(unsetInText(raw, ['b'])).toBe('{\n  a: 1 // about a\n}\n');
    expect(unsetInText(raw, ['a'])).toBe('{\n  b: 2 // about b\n}\n');
  });

  it('cleans up one-line objects and arrays', () => {
    expect(unsetInText('{a: 1, b: 2, c: 3}', ['b'])).toBe('{a: 1, c: 3}');
    expect(unsetInText('{a: 1, b: 2, c: 3}', ['c'])).toBe('{a: 1, b: 2}');
    expect(unsetInText('{a: 1, b: 2, c: 3}', ['a'])).toBe('{b: 2, c: 3}');
    expect(unsetInText('{x: { a: 1 }}', ['x', 'a'])).toBe('{x: {}}');
    expect(unsetInText('{x: [1, 2, 3]}', ['x', 1])).toBe('{x: [1, 3]}');
  });

  it('collapses an object left empty', () => {
    expect(unsetInText('{\n  a: {\n    b: 1,\n  },\n}', ['a', 'b'])).toBe('{\n  a: {},\n}');
  });

  it('is a no-op for missing keys', () => {
    for (const segs of [
      ['nope'],
      ['channels', 'nope', 'x'],
      ['web', 'enabled', 'x'],
      ['channels', 'whatsapp', 'allowFrom', 9],
    ]) {
      expect(unsetInText(FILE, segs)).toBe(FILE);
    }
    expect(unsetInText('', ['a'])).toBe('');
  });

  it('removes every copy of a duplicated key', () => {
    const out = unsetInText('{\n  a: 1,\n  b: 2,\n  a: 3\n}', ['a']);
    expect(JSON5.parse(out)).toEqual({ b: 2 });
  });

  it('matches a plain-object delete for a batch of paths', () => {
    const paths: KeySegment[][] = [
      ['channels'],
      ['channels', 'whatsapp', 'textChunkLimit'],
      ['channels', 'whatsapp', 'allowFrom', 0],
      ['channels', 'whatsapp', 'allowFrom', 1],
      ['web', 'heartbeatSeconds'],
      ['odd', 'quoted key'],
      ['odd'],
    ];
    for (const segs of paths) {
      const out = unsetInText(FILE, segs);
      expect(JSON5.parse(out), segs.join('.')).toEqual(unsetPlain(JSON5.parse(FILE), segs));
      expect(out).toContain('// OpenClaw config — hand written');
      expect(out).toContain('// the end');
    }
  });
});
