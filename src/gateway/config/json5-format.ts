// How new JSON5 text is written so it blends into an existing file: the file's indentation unit, key quoting,
// string quotes and line endings are detected and reused.
import { GatewayError } from '../errors';
import type { KeySegment } from './key-path';
import type { JNode } from './json5-scan';

export interface Style {
  eol: string;
  unit: string;
  /** Write identifier-like keys bare (the file already does) or quoted (plain JSON files, new files). */
  bareKeys: boolean;
  /** The quote the file mostly uses for strings. */
  quote: '"' | "'";
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function lineStart(text: string, pos: number): number {
  return Math.max(text.lastIndexOf('\n', pos - 1) + 1, 0);
}
export function lineIndent(text: string, pos: number): string {
  const ls = lineStart(text, pos);
  return /^[ \t]*/.exec(text.slice(ls, pos))?.[0] ?? '';
}
export function startsLine(text: string, pos: number): boolean {
  return /^[ \t]*$/.test(text.slice(lineStart(text, pos), pos));
}

export function detectStyle(text: string, root: JNode | null): Style {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  let unit = '  ';
  let bareKeys = false;
  let single = 0;
  let double = 0;
  if (root && root.kind === 'object') {
    const first = root.entries[0];
    if (first && startsLine(text, first.start)) {
      const ind = lineIndent(text, first.start).slice(lineIndent(text, root.start).length);
      if (ind) unit = ind;
    }
    const visit = (n: JNode): void => {
      if (n.kind === 'scalar') return;
      for (const e of n.entries) {
        if (e.quotedKey === false) bareKeys = true;
        const v = e.value;
        if (v.kind === 'scalar' && text[v.start] === "'") single++;
        else if (v.kind === 'scalar' && text[v.start] === '"') double++;
        else visit(v);
      }
    };
    visit(root);
  }
  return { eol, unit, bareKeys, quote: single > double ? "'" : '"' };
}

export function formatKey(key: string, style: Style): string {
  return style.bareKeys && IDENT.test(key) ? key : quoteString(key, style.quote);
}

function quoteString(s: string, quote: '"' | "'"): string {
  const json = JSON.stringify(s);
  if (quote === '"') return json;
  return `'${json.slice(1, -1).replaceAll('\\"', '"').replaceAll("'", "\\'")}'`;
}

/** The value to write for the rest of a path that does not exist yet: `[0]` starts a list, keys start objects. */
export function nest(rest: readonly KeySegment[], value: unknown): unknown {
  if (rest.length === 0) return value;
  const [head, ...tail] = rest as [KeySegment, ...KeySegment[]];
  if (typeof head === 'number') {
    if (head !== 0)
      throw new GatewayError('config.path_invalid', `cannot create a list starting at index ${head}; use 0`);
    return [nest(tail, value)];
  }
  return Object.fromEntries([[head, nest(tail, value)]]);
}

/**
 * JSON-shaped output indented from `indent`; short lists of plain values stay on one line, and `compact` puts
 * everything on one line (for containers written that way).
 */
export function serialize(value: unknown, indent: string, style: Style, compact = false): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return quoteString(value, style.quote);
    case 'boolean':
      return String(value);
    case 'number':
      return Number.isFinite(value)
        ? String(value)
        : Number.isNaN(value)
          ? 'NaN'
          : value > 0
            ? 'Infinity'
            : '-Infinity';
    case 'object':
      break;
    default:
      throw new GatewayError(
        'config.invalid',
        `cannot store a ${typeof value} in the config; use JSON values`,
      );
  }
  const inner = indent + style.unit;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const items = value.map((v) => serialize(v ?? null, inner, style, compact));
    const oneLine = `[${items.join(', ')}]`;
    if (compact) return oneLine;
    if (
      oneLine.length <= 80 &&
      !oneLine.includes('\n') &&
      value.every((v) => v === null || typeof v !== 'object')
    )
      return oneLine;
    return `[${style.eol}${items.map((s) => inner + s).join(`,${style.eol}`)}${style.eol}${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  if (compact)
    return `{ ${entries.map(([k, v]) => `${formatKey(k, style)}: ${serialize(v, '', style, true)}`).join(', ')} }`;
  const lines = entries.map(([k, v]) => `${inner}${formatKey(k, style)}: ${serialize(v, inner, style)}`);
  return `{${style.eol}${lines.join(`,${style.eol}`)}${style.eol}${indent}}`;
}
