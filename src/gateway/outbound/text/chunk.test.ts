import { describe, expect, it } from 'vitest';
import { chunkText } from './chunk';

const words = (n: number, word = 'word'): string => Array.from({ length: n }, () => word).join(' ');

describe('chunkText length mode', () => {
  it('returns short text as one chunk and nothing for blank text', () => {
    expect(chunkText('hello', 4000, 'length')).toEqual(['hello']);
    expect(chunkText('  \n ', 4000, 'length')).toEqual([]);
  });

  it('breaks at the last newline in the window, before any space', () => {
    const text = `${'a'.repeat(10)} ${'b'.repeat(5)}\n${'c'.repeat(10)} d`;
    expect(chunkText(text, 25, 'length')).toEqual([
      `${'a'.repeat(10)} ${'b'.repeat(5)}`,
      `${'c'.repeat(10)} d`,
    ]);
  });

  it('breaks at the last whitespace when the window has no newline, then hard', () => {
    expect(chunkText('aaaa bbbb cccc', 10, 'length')).toEqual(['aaaa bbbb', 'cccc']);
    expect(chunkText('x'.repeat(25), 10, 'length')).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
  });

  it('takes a break right after the window (the chunk is then exactly the limit)', () => {
    expect(chunkText('aaaaaaaaaa bbb', 10, 'length')).toEqual(['aaaaaaaaaa', 'bbb']);
  });

  it('keeps every chunk within the limit and loses no word of 9,000 characters', () => {
    const text = words(1800, 'abcd'); // 8999 characters
    const chunks = chunkText(text, 4000, 'length');
    expect(chunks).toHaveLength(3);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(4000);
    expect(chunks.join(' ')).toBe(text);
  });

  it('never splits a surrogate pair on a hard cut', () => {
    const chunks = chunkText('a' + '😀'.repeat(10), 4, 'length');
    for (const c of chunks)
      expect(c).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    expect(chunks.join('')).toBe('a' + '😀'.repeat(10));
  });

  it('never splits a grapheme: an emoji with its skin tone or a family joined by ZWJ stays whole', () => {
    const family = '👩‍👩‍👧‍👦'; // 11 code units
    const thumbs = '👍🏽'; // 4 code units
    const text = `ab${family}${thumbs}${family}`;
    const chunks = chunkText(text, 12, 'length');
    expect(chunks).toEqual([`ab`, `${family}`, thumbs, family]);
    expect(chunkText('e\u0301'.repeat(6), 5, 'length')).toEqual([
      'e\u0301e\u0301',
      'e\u0301e\u0301',
      'e\u0301e\u0301',
    ]);
  });

  it('closes a code block cut in two and reopens it with its language in the next chunk', () => {
    const code = Array.from({ length: 40 }, (_, i) => `line ${i} of the code`).join('\n');
    const chunks = chunkText(`Here:\n\`\`\`ts\n${code}\n\`\`\`\nend`, 200, 'length');
    expect(chunks.length).toBeGreaterThan(2);
    for (const c of chunks) {
      expect(c.length).toBeLessThanOrEqual(200);
      expect((c.match(/^```/gm) ?? []).length % 2).toBe(0);
    }
    expect(chunks[1]?.startsWith('```ts\n')).toBe(true);
    const lines = chunks.join('\n').split('\n');
    for (let i = 0; i < 40; i++) expect(lines).toContain(`line ${i} of the code`);
  });

  it('makes progress on a code block with one long unbroken line', () => {
    const chunks = chunkText(`\`\`\`\n${'z'.repeat(500)}\n\`\`\``, 100, 'length');
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(100);
    expect(chunks.join('').replace(/[`\n]/g, '')).toBe('z'.repeat(500));
  });

  it('refuses a limit that is not a positive whole number, saying which value', () => {
    expect(() => chunkText('x', 0, 'length')).toThrow(/chunk limit .* \(got 0\)/);
    expect(() => chunkText('x', 2.5, 'newline')).toThrow(/got 2.5/);
  });
});

describe('chunkText newline mode', () => {
  it('packs whole paragraphs while they fit', () => {
    const p = (c: string) => c.repeat(30);
    const text = [p('a'), p('b'), p('c'), p('d')].join('\n\n');
    expect(chunkText(text, 70, 'newline')).toEqual([`${p('a')}\n\n${p('b')}`, `${p('c')}\n\n${p('d')}`]);
  });

  it('moves a paragraph whole to the next chunk where length mode would cut it between its lines', () => {
    const p1 = 'a'.repeat(20);
    const p2 = ['b'.repeat(15), 'c'.repeat(15), 'd'.repeat(15)].join('\n');
    expect(chunkText(`${p1}\n\n${p2}`, 60, 'length')).toEqual([
      `${p1}\n\n${'b'.repeat(15)}\n${'c'.repeat(15)}`,
      'd'.repeat(15),
    ]);
    expect(chunkText(`${p1}\n\n${p2}`, 60, 'newline')).toEqual([p1, p2]);
  });

  it('never splits inside a code fence, even at its blank lines', () => {
    const code = '```\nfirst\n\nsecond\n\nthird\n```';
    // Split at every blank line, "intro" would be packed with the block's first half.
    const chunks = chunkText(`intro\n\n${code}\n\noutro`, 30, 'newline');
    expect(chunks).toEqual(['intro', code, 'outro']);
  });

  it('falls back to length chunking for a paragraph over the limit', () => {
    const long = words(30); // 149 characters, one paragraph
    const chunks = chunkText(`short\n\n${long}\n\ntail`, 50, 'newline');
    expect(chunks[0]).toBe('short');
    expect(chunks.at(-1)).toBe('tail');
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(50);
    expect(chunks.slice(1, -1).join(' ')).toBe(long);
  });
});
