// Splitting a reply into WhatsApp messages of at most `limit` characters (UTF-16 code units, what String.length
// counts). Two modes, as in the reference product: `length` fills each message and breaks at the last newline in
// the window, else the last whitespace, else hard; `newline` keeps blank-line paragraphs whole and packs as many
// as fit, never splitting inside a code fence, and falls back to `length` for a paragraph longer than the limit.
// When a cut has to fall inside a code block, the block is closed at the end of one message and reopened at the
// start of the next, so the phone still shows both halves as code.

export type ChunkMode = 'length' | 'newline';

const FENCE_RE = /^ {0,3}(`{3,}|~{3,})(.*)$/;
/** Below this a reopened fence could eat the whole window; such tiny limits get plain cuts. */
const MIN_LIMIT_FOR_FENCE_REPAIR = 64;

/** The text in order as chunks of at most `limit` characters; no chunk is empty or only whitespace. */
export function chunkText(text: string, limit: number, mode: ChunkMode): string[] {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`text chunk limit must be a whole number of characters ≥ 1 (got ${String(limit)})`);
  }
  const chunks = mode === 'newline' ? byParagraph(text, limit) : byLength(text, limit);
  return chunks.filter((c) => c.trim() !== '');
}

function byLength(text: string, limit: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    // A chunk that starts with a (reopened) fence line must carry more than that line, or nothing would advance.
    const first = rest.slice(0, rest.indexOf('\n') + 1 || rest.length);
    const min = FENCE_RE.test(first.trimEnd()) ? first.length - 1 : 0;
    let { chunk, next } = cut(rest, limit, min);
    const open = repairable(openFenceAtEnd(chunk), limit);
    if (open !== null) {
      const close = `\n${fenceMarker(open)}`;
      ({ chunk, next } = cut(rest, limit - close.length, min));
      // The shorter window may end before the fence opened; then the chunk needs no repair.
      if (openFenceAtEnd(chunk) !== null) {
        chunk = chunk.replace(/\n*$/, '') + close;
        next = `${open}\n${next}`;
      }
    }
    out.push(chunk.replace(/\s+$/, ''));
    rest = next;
  }
  out.push(rest);
  return out;
}

/** A fence is reopened in the next chunk only when its opening line leaves most of the window for content. */
function repairable(open: string | null, limit: number): string | null {
  if (open === null || limit < MIN_LIMIT_FOR_FENCE_REPAIR) return null;
  return open.length * 4 < limit ? open : null;
}

/**
 * One cut of at most `limit` characters: at the last newline, else the last whitespace, else hard. Breaks at or
 * before `min` are not taken.
 */
function cut(text: string, limit: number, min: number): { chunk: string; next: string } {
  const window = text.slice(0, limit + 1);
  // The character just past the window counts: a newline or space right there is a perfect break.
  const nl = window.lastIndexOf('\n');
  if (nl > min) return { chunk: text.slice(0, nl), next: text.slice(nl + 1).replace(/^\n+/, '') };
  const ws = lastWhitespace(window);
  if (ws > min) return { chunk: text.slice(0, ws), next: text.slice(ws + 1) };
  const at = hardCut(text, limit);
  return { chunk: text.slice(0, at), next: text.slice(at) };
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
/** How far around a cut the grapheme search looks; a cluster longer than this is cut inside it. */
const GRAPHEME_REACH = 128;

/**
 * A hard cut at or before `limit` that splits no grapheme (an emoji with its skin tone or ZWJ parts, a letter with
 * its accents): half of one renders as a broken glyph on the phone. Never splits a surrogate pair either way.
 */
function hardCut(text: string, limit: number): number {
  const base = Math.max(0, limit - GRAPHEME_REACH);
  let best = 0;
  for (const { index } of graphemes.segment(text.slice(base, limit + GRAPHEME_REACH))) {
    if (base + index > limit) break;
    best = base + index;
  }
  if (best > base || (base === 0 && best > 0)) return best;
  const code = text.charCodeAt(limit - 1);
  return limit > 1 && code >= 0xd800 && code <= 0xdbff ? limit - 1 : limit;
}

function lastWhitespace(s: string): number {
  for (let i = s.length - 1; i >= 0; i--) if (/\s/.test(s[i] as string)) return i;
  return -1;
}

/** The opening line of a code fence still open at the end of `text`, or null. */
function openFenceAtEnd(text: string): string | null {
  let open: string | null = null;
  for (const line of text.split('\n')) {
    const m = FENCE_RE.exec(line);
    if (!m) continue;
    const marker = m[1] as string;
    if (open === null) open = line.trim();
    else if (marker[0] === open[0] && marker.length >= fenceMarker(open).length && !(m[2] ?? '').trim()) {
      open = null;
    }
  }
  return open;
}

function fenceMarker(openLine: string): string {
  return /^(`+|~+)/.exec(openLine)?.[1] ?? '```';
}

/** Blank-line paragraphs, a code block counting as part of one paragraph however many blank lines it holds. */
function paragraphs(text: string): string[] {
  const out: string[] = [];
  let current: string[] = [];
  let fence: string | null = null;
  for (const line of text.split('\n')) {
    const m = FENCE_RE.exec(line);
    if (fence === null && line.trim() === '') {
      if (current.length > 0) out.push(current.join('\n'));
      current = [];
      continue;
    }
    current.push(line);
    if (!m) continue;
    const marker = m[1] as string;
    if (fence === null) fence = marker;
    else if (marker[0] === fence[0] && marker.length >= fence.length && !(m[2] ?? '').trim()) fence = null;
  }
  if (current.length > 0) out.push(current.join('\n'));
  return out;
}

function byParagraph(text: string, limit: number): string[] {
  const out: string[] = [];
  let packed = '';
  for (const para of paragraphs(text)) {
    const joined = packed ? `${packed}\n\n${para}` : para;
    if (joined.length <= limit) {
      packed = joined;
      continue;
    }
    if (packed) out.push(packed);
    packed = '';
    if (para.length <= limit) packed = para;
    else out.push(...byLength(para, limit));
  }
  if (packed) out.push(packed);
  return out;
}
