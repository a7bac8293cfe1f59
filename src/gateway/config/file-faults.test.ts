// Files json5 would accept but a config must not: empty, duplicate keys, absurd nesting, bytes that are not UTF-8.
import { describe, expect, it } from 'vitest';
import { setInText } from './json5-edit';
import { MAX_NESTING } from './json5-depth';
import { decodeUtf8 } from './load';
import { formatIssue, validateConfigText } from './validate';

function errorsOf(raw: string | null) {
  const r = validateConfigText(raw);
  if (r.ok) throw new Error(`expected errors for ${JSON.stringify(raw)}`);
  return r.errors;
}

describe('an empty file', () => {
  it.each(['', '  \n', '// nothing yet\n', '/* all\n gone */'])('is an error for %j', (raw) => {
    expect(errorsOf(raw)).toEqual([
      { path: '', message: 'the config file is empty; a config that keeps every default is written {}' },
    ]);
  });

  it('is not to be confused with a missing file or {}, which mean the defaults', () => {
    expect(validateConfigText(null).ok).toBe(true);
    expect(validateConfigText('{}').ok).toBe(true);
  });
});

describe('duplicate keys', () => {
  it('names the key path and both lines, at the later one', () => {
    const raw = `{
  channels: {
    whatsapp: {
      dmPolicy: "open",
      allowFrom: ["*"],
      dmPolicy: "disabled",
    },
  },
}`;
    const [e, ...rest] = errorsOf(raw);
    expect(rest).toEqual([]);
    expect(e).toMatchObject({ path: 'channels.whatsapp.dmPolicy', line: 6, column: 7 });
    expect(formatIssue(e!)).toBe(
      'channels.whatsapp.dmPolicy: duplicate key "dmPolicy": it is set on line 4 and again on line 6; ' +
        'only one may be given (remove or merge the other) (line 6, column 7)',
    );
  });

  it('catches a second top-level block, quoted or not, and duplicates inside list items', () => {
    const raw = `{
  channels: { whatsapp: { dmPolicy: "open", allowFrom: ["*"] } },
  "channels": { whatsapp: {} },
  agents: { list: [{ id: "a", id: "b" }] },
}`;
    const issues = errorsOf(raw).map((e) => [e.path, e.line]);
    expect(issues).toEqual([
      ['channels', 3],
      ['agents.list.0.id', 4],
    ]);
  });

  it('leaves equal keys in different objects alone', () => {
    expect(
      validateConfigText('{ web: { enabled: true }, channels: { whatsapp: { enabled: true } } }').ok,
    ).toBe(true);
  });
});

describe('nesting', () => {
  const deep = (n: number) => `{ a: ${'['.repeat(n)}${']'.repeat(n)} }`;

  it(`refuses more than ${MAX_NESTING} levels with the place, never a stack overflow`, () => {
    expect(validateConfigText(deep(MAX_NESTING - 1)).ok).toBe(true);
    for (const n of [MAX_NESTING, 170_000]) {
      const [e, ...rest] = errorsOf(`\n${deep(n)}`);
      expect(rest).toEqual([]);
      expect(e).toEqual({
        path: '',
        line: 2,
        column: 6 + MAX_NESTING - 1,
        message: `objects and lists are nested more than ${MAX_NESTING} levels deep here; a config never needs that many`,
      });
    }
  });

  it('counts no brackets inside strings or comments', () => {
    const text = `{ // ${'['.repeat(500)}\n /* ${'{'.repeat(500)} */ x: "${'['.repeat(500)}" }`;
    expect(validateConfigText(text).ok).toBe(true);
  });

  it('is refused by an edit with a coded error, not a stack overflow', () => {
    expect(() => setInText(deep(170_000), ['gateway', 'port'], 1)).toThrow(
      expect.objectContaining({
        code: 'config.parse_error',
        message: expect.stringContaining('line 1, column'),
      }),
    );
  });
});

describe('UTF-8', () => {
  it('decodes valid text (a byte-order mark dropped)', () => {
    expect(decodeUtf8(Buffer.from('\uFEFF{ name: "Zoë ✓ 🦀" }'))).toEqual({ text: '{ name: "Zoë ✓ 🦀" }' });
  });

  it.each([
    ['a Latin-1 byte', Buffer.from([...Buffer.from('{\n  name: "Zo'), 0xeb, ...Buffer.from('",\n}')]), 0xeb],
    ['a cut-off sequence', Buffer.from([...Buffer.from('{\n  name: "Zo'), 0xe2, 0x82, 0x22, 0x7d]), 0xe2],
    ['a lone continuation byte', Buffer.from([...Buffer.from('{\n  name: "Zo'), 0x80, 0x22, 0x7d]), 0x80],
  ])('reports %s with its line, column and byte offset', (_what, bytes, byte) => {
    const decoded = decodeUtf8(bytes);
    expect(decoded).toEqual({
      issue: {
        path: '',
        line: 2,
        column: 12,
        message: `the file is not valid UTF-8: byte 0x${byte.toString(16).toUpperCase()} at byte offset 13 does not belong there (save the file as UTF-8)`,
      },
    });
  });
});
