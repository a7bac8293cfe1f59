import { afterEach, describe, expect, it, vi } from 'vitest';
import { markdownToWhatsApp as wa } from './markdown';

describe('markdownToWhatsApp', () => {
  it('turns bold and strike into WhatsApp markers', () => {
    expect(wa('a **bold** and __also bold__ word')).toBe('a *bold* and *also bold* word');
    expect(wa('~~gone~~ now')).toBe('~gone~ now');
    expect(wa('***both***')).toBe('*_both_*');
  });

  it('pairs markers left to right and leaves unpaired ones as written', () => {
    expect(wa('**a** ** b ** **c')).toBe('*a* ** b ** **c');
    expect(wa('~~a~~b~~')).toBe('~a~b~~');
    const unpaired = '**a '.repeat(5000).trim();
    expect(wa(unpaired)).toBe(unpaired);
    expect(wa('['.repeat(5000))).toBe('['.repeat(5000));
  });

  it('leaves single * and _ alone (already WhatsApp bold and italic)', () => {
    expect(wa('*keep* _this_ 2 * 3')).toBe('*keep* _this_ 2 * 3');
    expect(wa('call __init__ or my__var__x')).toBe('call *init* or my__var__x');
    expect(wa('snake_case_name and a__b')).toBe('snake_case_name and a__b');
  });

  it('makes headings bold lines, without doubling the markers of a bold heading', () => {
    expect(wa('# Title\ntext\n### **Sub** ###')).toBe('*Title*\ntext\n*Sub*');
    expect(wa('#hashtag is not a heading')).toBe('#hashtag is not a heading');
    expect(wa('Title\n=====\nSub **x**\n---\ntext')).toBe('*Title*\n*Sub x*\ntext');
    expect(wa('- item\n---\nafter')).toBe('- item\nafter');
  });

  it('writes links and images as words plus address, or the address alone', () => {
    expect(wa('see [the docs](https://example.com/a_b__c__d) now')).toBe(
      'see the docs (https://example.com/a_b__c__d) now',
    );
    expect(wa('[https://example.com](https://example.com/)')).toBe('https://example.com/');
    expect(wa('![a cat](https://x.test/cat.png "title")')).toBe('a cat (https://x.test/cat.png)');
    expect(wa('![](https://x.test/cat.png)')).toBe('https://x.test/cat.png');
    expect(wa('<https://x.test/~~a~~>')).toBe('https://x.test/~~a~~');
    expect(wa('[Foo](https://en.wikipedia.org/wiki/Foo_(bar))')).toBe(
      'Foo (https://en.wikipedia.org/wiki/Foo_(bar))',
    );
    expect(wa('[a]( [b](c) [[x]](y)')).toBe('[a]( b (c) [[x]](y)');
  });

  it('never touches code, fenced or inline', () => {
    const fenced = '```ts\nconst a = **b** ~~c~~;\n# not a heading\n\n\n\n[x](y)\n```';
    expect(wa(`before **b**\n${fenced}\nafter ~~s~~`)).toBe(`before *b*\n${fenced}\nafter ~s~`);
    expect(wa('use `**raw**` and ``a ` b **c**``, then **bold**')).toBe(
      'use `**raw**` and ``a ` b **c**``, then *bold*',
    );
    expect(wa('~~~\n**kept**\n~~~\n**changed**')).toBe('~~~\n**kept**\n~~~\n*changed*');
  });

  it('removes horizontal rules and collapses runs of blank lines', () => {
    expect(wa('one\n\n---\n\ntwo\n\n\n\n\nthree\n* * *')).toBe('one\n\ntwo\n\nthree');
    expect(wa('\n\nlead and trail\n\n')).toBe('lead and trail');
  });

  it('turns a table into one bullet per row, header names beside the cells', () => {
    const table = [
      'Prices:',
      '| Fruit | Price |',
      '|:------|------:|',
      '| Apple | **1 €** |',
      '| Pear  |       |',
      '| a\\|b | 2 |',
      'done',
    ].join('\n');
    expect(wa(table)).toBe(
      ['Prices:', '- Fruit: Apple, Price: *1 €*', '- Fruit: Pear', '- Fruit: a|b, Price: 2', 'done'].join(
        '\n',
      ),
    );
    expect(wa('| only | header |\n|---|---|')).toBe('- only, header');
    // Without a separator row it is not a table.
    expect(wa('| a | b |')).toBe('| a | b |');
  });

  it('keeps list markers and quotes, which WhatsApp renders itself', () => {
    expect(wa('- one\n* two\n> quoted **x**')).toBe('- one\n* two\n> quoted *x*');
  });

  it('normalises CRLF line ends', () => {
    expect(wa('a\r\n\r\n\r\n\r\nb')).toBe('a\n\nb');
  });
});

describe('markdownToWhatsApp on lines with nothing to rewrite', () => {
  afterEach(() => vi.restoreAllMocks());

  // Most of a reply is plain prose; its lines are returned as they are instead of going through every inline pass.
  it('makes no inline rewrite pass over a plain line, and still rewrites each kind of markup', () => {
    const replace = vi.spyOn(String.prototype, 'replace');
    expect(wa('bench 12: plain words, digits (and parentheses) - ok?')).toBe(
      'bench 12: plain words, digits (and parentheses) - ok?',
    );
    // Only the whole text's CRLF normalisation and the final trim of blank lines.
    expect(replace).toHaveBeenCalledTimes(2);
    replace.mockRestore();

    expect(wa('a `x **y**` b')).toBe('a `x **y**` b');
    expect(wa('see [docs](https://example.com/a__b__c) now')).toBe(
      'see docs (https://example.com/a__b__c) now',
    );
    expect(wa('<https://example.com/x~~y~~>')).toBe('https://example.com/x~~y~~');
    expect(wa('go https://example.com/__a__ **b**')).toBe('go https://example.com/__a__ *b*');
    expect(wa('x \uE000 0\uE001 **y**')).toBe('x  0 *y*');
    expect(wa('__a__ ~~b~~ ***c***')).toBe('*a* ~b~ *_c_*');
    expect(wa('![](https://example.com/i.png)')).toBe('https://example.com/i.png');
  });
});
