// Key paths as people type them: `channels.whatsapp.dmPolicy`, `agents.list[0].id`, `agents.list.0.id`, and
// quoted brackets for keys that contain dots or other punctuation: `channels.whatsapp.groups["120363@g.us"]`.
import { GatewayError } from '../errors';

export type KeySegment = string | number;

// Segments that would reach into Object.prototype when used as property names.
const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);
const PLAIN_SEGMENT = /^[A-Za-z0-9_$-]+$/;
const INDEX = /^(0|[1-9]\d*)$/;

function invalid(input: string, why: string): GatewayError {
  return new GatewayError('config.path_invalid', `invalid key path ${JSON.stringify(input)}: ${why}`);
}

/** Canonical array indices become numbers so callers can tell `list.0` from a key named "00". */
function plainSegment(s: string): KeySegment {
  return INDEX.test(s) && s.length < 16 ? Number(s) : s;
}

export function parseKeyPath(input: string): KeySegment[] {
  const out: KeySegment[] = [];
  let i = 0;
  const n = input.length;
  if (n === 0) throw invalid(input, 'it is empty');

  while (i < n) {
    const ch = input[i];
    if (ch === '[') {
      const { segment, next } = readBracket(input, i);
      out.push(segment);
      i = next;
    } else {
      let j = i;
      while (j < n && input[j] !== '.' && input[j] !== '[') j++;
      const raw = input.slice(i, j);
      if (raw === '') throw invalid(input, `empty key at position ${i + 1}`);
      if (!PLAIN_SEGMENT.test(raw)) {
        throw invalid(input, `${JSON.stringify(raw)} needs quoting, like ["${raw.replaceAll('"', '\\"')}"]`);
      }
      out.push(plainSegment(raw));
      i = j;
    }
    // After a segment: end, a dot followed by another segment, or a bracket.
    if (i < n && input[i] === '.') {
      i++;
      if (i === n) throw invalid(input, 'it ends with a dot');
      if (input[i] === '.' || input[i] === '[') throw invalid(input, `empty key at position ${i + 1}`);
    } else if (i < n && input[i] !== '[') {
      throw invalid(input, `unexpected ${JSON.stringify(input[i])} at position ${i + 1}`);
    }
  }

  for (const seg of out) {
    if (typeof seg === 'string' && FORBIDDEN.has(seg))
      throw invalid(input, `${JSON.stringify(seg)} is not allowed`);
  }
  return out;
}

function readBracket(input: string, start: number): { segment: KeySegment; next: number } {
  let i = start + 1;
  const quoteChar = input[i];
  if (quoteChar === '"' || quoteChar === "'") {
    let value = '';
    i++;
    for (;;) {
      if (i >= input.length) throw invalid(input, `unterminated string starting at position ${start + 2}`);
      const c = input[i] as string;
      if (c === quoteChar) break;
      if (c === '\\') {
        const { text, length } = decodeEscape(input, i + 1);
        value += text;
        i += 1 + length;
      } else {
        value += c;
        i++;
      }
    }
    i++; // closing quote
    if (input[i] !== ']') throw invalid(input, `expected "]" at position ${i + 1}`);
    return { segment: value, next: i + 1 };
  }
  const close = input.indexOf(']', i);
  if (close < 0) throw invalid(input, `unclosed "[" at position ${start + 1}`);
  const body = input.slice(i, close).trim();
  if (!INDEX.test(body)) {
    throw invalid(
      input,
      `${JSON.stringify(body)} in brackets must be an index like [0] or a quoted key like ["a.b"]`,
    );
  }
  return { segment: Number(body), next: close + 1 };
}

const SIMPLE_ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  b: '\b',
  f: '\f',
  v: '\v',
  '0': '\0',
};

// JSON-style escapes, so that whatever formatKeyPath (JSON.stringify) quotes parses back to the same key.
function decodeEscape(input: string, at: number): { text: string; length: number } {
  const esc = input[at];
  if (esc === undefined) throw invalid(input, 'it ends inside an escape');
  if (esc === 'u' || esc === 'x') {
    const len = esc === 'u' ? 4 : 2;
    const hex = input.slice(at + 1, at + 1 + len);
    if (!/^[0-9a-f]+$/i.test(hex) || hex.length !== len)
      throw invalid(input, `bad \\${esc} escape at position ${at}`);
    return { text: String.fromCharCode(parseInt(hex, 16)), length: 1 + len };
  }
  return { text: SIMPLE_ESCAPES[esc] ?? esc, length: 1 };
}

/** The inverse of parseKeyPath; array indices as `.2`, the form config issues use. */
export function formatKeyPath(segments: readonly KeySegment[]): string {
  let out = '';
  for (const seg of segments) {
    if (typeof seg === 'number' || (PLAIN_SEGMENT.test(seg) && !INDEX.test(seg))) {
      out += out === '' ? String(seg) : `.${seg}`;
    } else {
      out += `[${JSON.stringify(seg)}]`;
    }
  }
  return out;
}

/** The value at `segments`, or undefined when any step is missing. Only own properties count. */
export function getAtPath(root: unknown, segments: readonly KeySegment[]): unknown {
  let node: unknown = root;
  for (const seg of segments) {
    if (Array.isArray(node)) {
      const idx = typeof seg === 'number' ? seg : INDEX.test(seg) ? Number(seg) : -1;
      if (idx < 0 || idx >= node.length) return undefined;
      node = node[idx];
    } else if (node !== null && typeof node === 'object') {
      const key = String(seg);
      if (!Object.prototype.hasOwnProperty.call(node, key)) return undefined;
      node = (node as Record<string, unknown>)[key];
    } else {
      return undefined;
    }
  }
  return node;
}
