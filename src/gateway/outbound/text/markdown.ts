// Markdown (what models write) → WhatsApp's own formatting (what the phone renders). WhatsApp knows *bold*,
// _italic_, ~strike~, ```code``` and `inline code`, "> " quotes and "- " lists, but no headings, links or tables,
// so those are turned into text that still reads well. Code, fenced or inline, is never touched: a model's code
// sample must arrive byte for byte. Pure: no I/O, tested on its own.

const FENCE_RE = /^ {0,3}(`{3,}|~{3,})/;
const HEADING_RE = /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/;
const RULE_RE = /^ {0,3}(?:(?:\*\s*){3,}|(?:-\s*){3,}|(?:_\s*){3,})$/;
const SETEXT_RE = /^ {0,3}(?:=+|-+)\s*$/;
const LIST_OR_QUOTE_RE = /^\s*(?:[-*+>]|\d+[.)])\s/;
const TABLE_ROW_RE = /^\s*\|.*\|\s*$/;
const TABLE_SEPARATOR_RE = /^\s*\|(?:\s*:?-+:?\s*\|)+\s*$/;

// Placeholders keep code spans and URLs out of the emphasis rewrites (a URL with "__" or "~~" in it must survive).
// Private-use code points: a model does not write them, and they are removed from the input first just in case.
const HOLD_OPEN = '\uE000';
const HOLD_CLOSE = '\uE001';
const HOLD_RE = /\uE000(\d+)\uE001/g;

// A URL may hold one level of parentheses (Wikipedia's do); an optional "title" is dropped.
const URL_PART = String.raw`<?((?:[^\s()<>\[\]]|\([^\s()<>\[\]]*\))+)>?(?:\s+"[^"\n]{0,300}")?\s*`;
const IMAGE_RE = new RegExp(String.raw`!\[([^\[\]]*)\]\(\s*` + URL_PART + String.raw`\)`, 'g');
const LINK_RE = new RegExp(String.raw`\[([^\[\]]+)\]\(\s*` + URL_PART + String.raw`\)`, 'g');
/**
 * What every rewrite in inline() needs at least one of: a placeholder, a backtick, a bracket, an angle bracket, an
 * emphasis character or a URL. Most lines of a reply have none, and then the ten passes over them change nothing.
 */
const INLINE_WORK_RE = /[\uE000\uE001`[<*_~]|https?:\/\//i;

/** The text with Markdown rewritten into WhatsApp formatting; code blocks and inline code unchanged. */
export function markdownToWhatsApp(markdown: string): string {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  let fence: string | null = null;

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const opener = FENCE_RE.exec(line)?.[1];
    if (fence !== null) {
      out.push(line);
      // A fence closes with at least as many of the same character and nothing else on the line.
      if (opener && opener[0] === fence[0] && opener.length >= fence.length && line.trim() === opener) {
        fence = null;
      }
      continue;
    }
    if (opener) {
      fence = opener;
      out.push(line);
      continue;
    }
    if (TABLE_ROW_RE.test(line) && TABLE_SEPARATOR_RE.test(lines[i + 1] ?? '')) {
      let end = i + 2;
      while (end < lines.length && TABLE_ROW_RE.test(lines[end] as string)) end++;
      out.push(...tableAsList(lines.slice(i, end)));
      i = end - 1;
      continue;
    }
    // "Title" over a line of = or - is a heading too (setext style); a lone --- is a rule.
    if (line.trim() !== '' && !LIST_OR_QUOTE_RE.test(line) && SETEXT_RE.test(lines[i + 1] ?? '')) {
      out.push(headingLine(line));
      i++;
      continue;
    }
    if (RULE_RE.test(line)) continue;
    const heading = HEADING_RE.exec(line);
    if (heading) {
      out.push(headingLine(heading[1] as string));
      continue;
    }
    out.push(inline(line));
  }
  return collapseBlankLines(out);
}

/** A heading as one bold line; bold inside it is dropped, as the whole line is bold already. */
function headingLine(title: string): string {
  const text = inline(title.replace(/\*\*|__/g, '')).trim();
  return text ? `*${text}*` : '';
}

/** Emphasis, strike, links and images on one line outside code. */
function inline(line: string): string {
  if (!INLINE_WORK_RE.test(line)) return line;
  const held: string[] = [];
  const hold = (s: string): string => `${HOLD_OPEN}${held.push(s) - 1}${HOLD_CLOSE}`;
  let s = line.replace(/[\uE000\uE001]/g, '');

  // Inline code first: `a **b**` stays as written. A run of n backticks closes with exactly n.
  s = s.replace(/(`+)(?!`)([\s\S]*?[^`])\1(?!`)/g, (m) => hold(m));
  // Images and links: keep the words and the address, WhatsApp links a bare URL itself. The character classes
  // exclude the brackets that would start another link, so a line of unclosed brackets is scanned once, not once
  // per bracket (these lines can be 100,000 characters long).
  s = s.replace(IMAGE_RE, (_m, alt: string, url: string) =>
    alt.trim() ? `${alt.trim()} (${hold(url)})` : hold(url),
  );
  s = s.replace(LINK_RE, (_m, text: string, url: string) =>
    sameAddress(text, url) ? hold(url) : `${text} (${hold(url)})`,
  );
  s = s.replace(/<(https?:\/\/[^\s<>]+)>/g, (_m, url: string) => hold(url));
  s = s.replace(/https?:\/\/[^\s<>()]+/g, (url) => hold(url));

  // ***x*** is bold italic; do it before ** so the asterisks do not pair up wrongly.
  s = pairMarkers(s, '***', nonSpaceAfter, nonSpaceBefore, (x) => `*_${x}_*`);
  s = pairMarkers(s, '**', nonSpaceAfter, nonSpaceBefore, (x) => `*${x}*`);
  // __x__ only at word edges, so identifiers like __init__ inside a word are left alone.
  s = pairMarkers(
    s,
    '__',
    (t, at) => !isWord(t[at - 1]) && nonSpaceAfter(t, at, 2),
    (t, at) => nonSpaceBefore(t, at, 2) && !isWord(t[at + 2]),
    (x) => `*${x}*`,
  );
  s = pairMarkers(s, '~~', nonSpaceAfter, nonSpaceBefore, (x) => `~${x}~`);

  return s.replace(HOLD_RE, (_m, n: string) => held[Number(n)] as string);
}

type Edge = (text: string, at: number, width: number) => boolean;

const nonSpaceAfter: Edge = (t, at, width) => /\S/.test(t[at + width] ?? ' ');
const nonSpaceBefore: Edge = (t, at) => /\S/.test(t[at - 1] ?? ' ');
const isWord = (c: string | undefined): boolean => c !== undefined && /\w/.test(c);

/**
 * Each `marker`…`marker` span (non-empty, opener and closer accepted by the edge tests) rewritten by `wrap`, pairing
 * left to right with the nearest closer, as a lazy regex would; but in one pass: a regex retries from every opener
 * that has no closer, which is quadratic on a long line of unpaired markers.
 */
function pairMarkers(
  s: string,
  marker: string,
  opens: Edge,
  closes: Edge,
  wrap: (inner: string) => string,
): string {
  const w = marker.length;
  let out = '';
  let copied = 0;
  let from = 0;
  for (;;) {
    const open = s.indexOf(marker, from);
    if (open < 0) break;
    if (!opens(s, open, w)) {
      from = open + 1;
      continue;
    }
    let close = s.indexOf(marker, open + w + 1);
    while (close >= 0 && !closes(s, close, w)) close = s.indexOf(marker, close + 1);
    // No closer after this opener means none after any later one either.
    if (close < 0) break;
    out += s.slice(copied, open) + wrap(s.slice(open + w, close));
    copied = from = close + w;
  }
  return out + s.slice(copied);
}

function sameAddress(text: string, url: string): boolean {
  const bare = (u: string) =>
    u
      .trim()
      .replace(/^(?:https?:\/\/|mailto:)/i, '')
      .replace(/\/$/, '');
  return bare(text) === bare(url);
}

/** A table becomes one bullet per row: "- Header: cell, Header: cell" (WhatsApp has no tables). */
function tableAsList(rows: string[]): string[] {
  const cells = (row: string): string[] =>
    row
      .trim()
      .replace(/^\||\|$/g, '')
      .split(/(?<!\\)\|/)
      .map((c) => inline(c.trim().replace(/\\\|/g, '|')));
  const header = cells(rows[0] as string);
  const body = rows.slice(2).map(cells);
  if (body.length === 0) return [`- ${header.filter(Boolean).join(', ')}`];
  return body.map((row) => {
    const parts = row
      .map((cell, i) => {
        const name = header[i] ?? '';
        if (!cell) return '';
        return name ? `${name}: ${cell}` : cell;
      })
      .filter(Boolean);
    return `- ${parts.join(', ')}`;
  });
}

/** Runs of blank lines outside code become one blank line: a chat message has no use for vertical gaps. */
function collapseBlankLines(lines: string[]): string {
  const out: string[] = [];
  let fence: string | null = null;
  let blank = 0;
  for (const line of lines) {
    const opener = FENCE_RE.exec(line)?.[1];
    if (fence === null && line.trim() === '') {
      if (++blank > 1) continue;
      out.push('');
      continue;
    }
    blank = 0;
    out.push(line);
    if (fence === null && opener) fence = opener;
    else if (fence !== null && opener && opener[0] === fence[0] && line.trim() === opener) fence = null;
  }
  return out.join('\n').replace(/^\n+|\n+$/g, '');
}
