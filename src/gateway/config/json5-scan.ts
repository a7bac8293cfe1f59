// A JSON5 scanner that records where each value sits in the source text, so edits can splice new text into
// exactly one place and leave every comment and blank line elsewhere untouched. The json5 package decides
// whether text is valid (and reports the line and column when it is not); this scanner only runs on text that
// package has accepted, so it can stay small.
import JSON5 from 'json5';
import { GatewayError } from '../errors';
import { nestingFault } from './json5-depth';
import type { KeySegment } from './key-path';

export interface ScalarNode {
  kind: 'scalar';
  start: number;
  end: number;
}
export interface ContainerNode {
  kind: 'object' | 'array';
  /** Offset of `{` / `[`. */
  start: number;
  /** Offset just past `}` / `]`. */
  end: number;
  entries: Entry[];
}
export type JNode = ScalarNode | ContainerNode;

export interface Entry {
  /** Decoded key (objects only). */
  key?: string;
  /** Whether the key was written in quotes (objects only). */
  quotedKey?: boolean;
  /** Offset of the key (objects) or the value (arrays). */
  start: number;
  value: JNode;
  /** Offset of the comma that follows this entry, if any. */
  comma?: number;
}

export type Json5ParseResult =
  | { ok: true; value: unknown; blank: boolean }
  /** `tooDeep`: not a syntax error but nesting past MAX_NESTING, and `reason` is the whole sentence. */
  | { ok: false; line: number; column: number; reason: string; tooDeep?: true };

const SCALAR_STOP = /[\s,:\]}/[{]/;

/** True for text holding nothing but whitespace and comments; such a file counts as `{}`. */
export function isBlankJson5(text: string): boolean {
  return skipTrivia(text, 0) >= text.length;
}

/** json5's parse with its error turned into data: `{ line, column, reason }` instead of a thrown message. */
export function parseJson5(text: string): Json5ParseResult {
  if (isBlankJson5(text)) return { ok: true, value: undefined, blank: true };
  const deep = nestingFault(text);
  if (deep) return { ok: false, line: deep.line, column: deep.column, reason: deep.message, tooDeep: true };
  try {
    return { ok: true, value: JSON5.parse(text), blank: false };
  } catch (err) {
    const e = err as SyntaxError & { lineNumber?: number; columnNumber?: number };
    const reason = e.message.replace(/^JSON5:\s*/, '').replace(/\s+at \d+:\d+$/, '');
    return { ok: false, line: e.lineNumber ?? 1, column: e.columnNumber ?? 1, reason };
  }
}

/** The source tree of `text` (null when blank); throws config.parse_error naming the line and column. */
export function scanJson5(text: string): ContainerNode | ScalarNode | null {
  const parsed = parseJson5(text);
  if (!parsed.ok && parsed.tooDeep) {
    throw new GatewayError(
      'config.parse_error',
      `the config file cannot be edited: at line ${parsed.line}, column ${parsed.column} ${parsed.reason}`,
      { line: parsed.line, column: parsed.column, reason: parsed.reason },
    );
  }
  if (!parsed.ok) {
    throw new GatewayError(
      'config.parse_error',
      `the config file has a syntax error at line ${parsed.line}, column ${parsed.column}; fix it first (or use the Settings editor)`,
      { line: parsed.line, column: parsed.column, reason: parsed.reason },
    );
  }
  if (parsed.blank) return null;
  const scanner = new Scanner(text);
  const root = scanner.value(skipTrivia(text, 0));
  if (skipTrivia(text, root.end) !== text.length) scanner.fail(root.end);
  return root;
}

/** Skips whitespace and comments from `pos`; returns the offset of the next meaningful character. */
export function skipTrivia(text: string, pos: number): number {
  let p = pos;
  for (;;) {
    const ch = text[p];
    if (ch === undefined) return p;
    if (/\s/.test(ch)) {
      p++;
    } else if (ch === '/' && text[p + 1] === '/') {
      while (
        p < text.length &&
        text[p] !== '\n' &&
        text[p] !== '\r' &&
        text[p] !== '\u2028' &&
        text[p] !== '\u2029'
      )
        p++;
    } else if (ch === '/' && text[p + 1] === '*') {
      const close = text.indexOf('*/', p + 2);
      // An unterminated comment is not trivia: leave it for json5 to report.
      if (close < 0) return p;
      p = close + 2;
    } else {
      return p;
    }
  }
}

class Scanner {
  constructor(private readonly text: string) {}

  fail(at: number): never {
    // Only reachable if json5 accepted something this scanner does not understand.
    const { line, column } = lineColumn(this.text, at);
    throw new GatewayError(
      'config.parse_error',
      `could not edit the config file: unexpected text at line ${line}, column ${column}`,
    );
  }

  value(at: number): JNode {
    const ch = this.text[at];
    if (ch === '{' || ch === '[') return this.container(at, ch === '{' ? 'object' : 'array');
    if (ch === '"' || ch === "'") return { kind: 'scalar', start: at, end: this.stringEnd(at) };
    let p = at;
    while (p < this.text.length && !SCALAR_STOP.test(this.text[p] as string)) p++;
    if (p === at) this.fail(at);
    return { kind: 'scalar', start: at, end: p };
  }

  private container(at: number, kind: 'object' | 'array'): ContainerNode {
    const closeCh = kind === 'object' ? '}' : ']';
    const entries: Entry[] = [];
    let p = skipTrivia(this.text, at + 1);
    while (this.text[p] !== closeCh) {
      const entryStart = p;
      const entry: Entry = kind === 'object' ? this.member(p) : { start: p, value: this.value(p) };
      entries.push(entry);
      p = skipTrivia(this.text, entry.value.end);
      if (this.text[p] === ',') {
        entry.comma = p;
        p = skipTrivia(this.text, p + 1);
      } else if (this.text[p] !== closeCh) {
        this.fail(p);
      }
      if (p <= entryStart) this.fail(p);
    }
    return { kind, start: at, end: p + 1, entries };
  }

  private member(at: number): Entry {
    const ch = this.text[at];
    let keyEnd: number;
    let key: string;
    const quoted = ch === '"' || ch === "'";
    if (quoted) {
      keyEnd = this.stringEnd(at);
      key = JSON5.parse(this.text.slice(at, keyEnd)) as string;
    } else {
      keyEnd = at;
      while (keyEnd < this.text.length && !/[\s:/]/.test(this.text[keyEnd] as string)) keyEnd++;
      const src = this.text.slice(at, keyEnd);
      // Identifier keys may contain \u escapes; let json5 decode those rare ones.
      key = src.includes('\\') ? (Object.keys(JSON5.parse(`{${src}:0}`) as object)[0] ?? src) : src;
    }
    const colon = skipTrivia(this.text, keyEnd);
    if (this.text[colon] !== ':') this.fail(colon);
    const value = this.value(skipTrivia(this.text, colon + 1));
    return { key, quotedKey: quoted, start: at, value };
  }

  private stringEnd(at: number): number {
    const q = this.text[at];
    let p = at + 1;
    while (p < this.text.length) {
      const c = this.text[p];
      if (c === '\\') p += 2;
      else if (c === q) return p + 1;
      else p++;
    }
    return this.fail(at);
  }
}

/** 1-based line and column of an offset (columns in UTF-16 units, as editors count them). */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** The last entry with `key` (json5 keeps the last of duplicate keys, so that is the one in effect). */
export function findMember(node: ContainerNode, key: string): Entry | undefined {
  for (let i = node.entries.length - 1; i >= 0; i--) {
    const e = node.entries[i] as Entry;
    if (e.key === key) return e;
  }
  return undefined;
}

export function toIndex(seg: KeySegment): number | undefined {
  if (typeof seg === 'number') return seg;
  return /^(0|[1-9]\d*)$/.test(seg) ? Number(seg) : undefined;
}

/**
 * Where a key path points in the text, for issue line/column: the deepest existing entry along the path
 * (its key for object members). Undefined when the text does not scan or is blank.
 */
export function locateInText(
  text: string,
  segments: readonly KeySegment[],
): { line: number; column: number } | undefined {
  let root: JNode | null;
  try {
    root = scanJson5(text);
  } catch {
    return undefined;
  }
  if (!root) return undefined;
  let node: JNode = root;
  let at = root.start;
  for (const seg of segments) {
    if (node.kind === 'scalar') break;
    let entry: Entry | undefined;
    if (node.kind === 'object') {
      entry = findMember(node, String(seg));
    } else {
      const idx = toIndex(seg);
      entry = idx === undefined ? undefined : node.entries[idx];
    }
    if (!entry) break;
    at = entry.start;
    node = entry.value;
  }
  return lineColumn(text, at);
}
