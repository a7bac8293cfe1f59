// Comment-preserving edits of JSON5 text: `config set` and `config unset` touch only the bytes of the one
// value they change, so people's comments, ordering and formatting elsewhere in openclaw.json survive.
import JSON5 from 'json5';
import { GatewayError } from '../errors';
import { formatKeyPath, getAtPath, type KeySegment } from './key-path';
import {
  detectStyle,
  formatKey,
  lineIndent,
  lineStart,
  nest,
  serialize,
  startsLine,
  type Style,
} from './json5-format';
import { findMember, scanJson5, toIndex, type ContainerNode, type Entry, type JNode } from './json5-scan';

interface Edit {
  start: number;
  end: number;
  text: string;
}

function pathError(message: string): GatewayError {
  return new GatewayError('config.path_invalid', message);
}

/** Sets the value at `segments`, creating missing parent objects; array index == length appends. */
export function setInText(raw: string, segments: readonly KeySegment[], value: unknown): string {
  if (segments.length === 0) throw pathError('a key path is required');
  const text = raw ?? '';
  const root = scanJson5(text);
  const style = detectStyle(text, root);
  let out: string;

  if (!root) {
    // Blank or comments only: keep what is there and add the object after it.
    const body = serialize(nest(segments, value), '', style);
    const sep = text === '' || /[\r\n]$/.test(text) ? '' : style.eol;
    out = `${text}${sep}${body}${style.eol}`;
  } else {
    if (root.kind !== 'object') throw notAnObject();
    out = applyEdits(text, planSet(text, root, segments, value, style));
  }

  const parsed = JSON5.parse(out) as unknown;
  if (
    JSON.stringify(getAtPath(parsed, segments)) !== JSON.stringify(JSON5.parse(serialize(value, '', style)))
  ) {
    throw new GatewayError(
      'config.write_failed',
      `could not place the value at ${formatKeyPath(segments)} in the file`,
    );
  }
  return out;
}

/** Removes the property (or array element) at `segments` with its comma; a missing path leaves the text as is. */
export function unsetInText(raw: string, segments: readonly KeySegment[]): string {
  if (segments.length === 0) throw pathError('a key path is required');
  let text = raw ?? '';
  // Duplicate keys are legal JSON5; remove every copy so the key is really gone.
  for (let guard = 0; guard < 1000; guard++) {
    const root = scanJson5(text);
    if (!root) return text;
    if (root.kind !== 'object') throw notAnObject();
    const parent = walk(root, segments.slice(0, -1));
    if (!parent || parent.kind === 'scalar') return text;
    const last = segments[segments.length - 1] as KeySegment;
    if (parent.kind === 'array') {
      const index = toIndex(last) ?? -1;
      return index >= 0 && index < parent.entries.length
        ? applyEdits(text, planRemove(text, parent, index))
        : text;
    }
    const index = parent.entries.lastIndexOf(findMember(parent, String(last)) as Entry);
    if (index < 0) return text;
    text = applyEdits(text, planRemove(text, parent, index));
  }
  return text;
}

function notAnObject(): GatewayError {
  return new GatewayError('config.invalid', 'the config file must hold an object ({ … }) at the top level');
}

function walk(root: JNode, segments: readonly KeySegment[]): JNode | undefined {
  let node: JNode = root;
  for (const seg of segments) {
    if (node.kind === 'scalar') return undefined;
    const entry: Entry | undefined =
      node.kind === 'object' ? findMember(node, String(seg)) : node.entries[toIndex(seg) ?? -1];
    if (!entry) return undefined;
    node = entry.value;
  }
  return node;
}

function planSet(
  text: string,
  root: ContainerNode,
  segments: readonly KeySegment[],
  value: unknown,
  style: Style,
): Edit[] {
  let node: JNode = root;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i] as KeySegment;
    const here = formatKeyPath(segments.slice(0, i)) || 'the top level';
    if (node.kind === 'scalar') {
      throw pathError(
        `${here} holds a single value, not an object, so it cannot have ${JSON.stringify(String(seg))}`,
      );
    }
    const rest = segments.slice(i + 1);
    if (node.kind === 'object') {
      const entry = findMember(node, String(seg));
      if (!entry) {
        const key = String(seg);
        const make = (indent: string, compact?: boolean): string =>
          `${formatKey(key, style)}: ${serialize(nest(rest, value), indent, style, compact)}`;
        return planInsert(text, node, make, style);
      }
      node = entry.value;
    } else {
      const idx = toIndex(seg);
      if (idx === undefined)
        throw pathError(`${here} is a list; use a number index instead of ${JSON.stringify(seg)}`);
      if (idx === node.entries.length) {
        return planInsert(
          text,
          node,
          (indent, compact) => serialize(nest(rest, value), indent, style, compact),
          style,
        );
      }
      const entry: Entry | undefined = node.entries[idx];
      if (!entry) throw pathError(`${here} has ${node.entries.length} items; index ${idx} is past the end`);
      node = entry.value;
    }
  }
  // A value that sat on one line stays on one line when it still fits.
  const compact = serialize(value, '', style, true);
  const oneLine = !/[\r\n]/.test(text.slice(node.start, node.end)) && compact.length <= 80;
  const replacement = oneLine ? compact : serialize(value, lineIndent(text, node.start), style);
  return [{ start: node.start, end: node.end, text: replacement }];
}

/** Adds an entry at the end of a container, laid out like its siblings (one per line, or all on one line). */
function planInsert(
  text: string,
  node: ContainerNode,
  entry: (indent: string, compact?: boolean) => string,
  style: Style,
): Edit[] {
  const open = node.start;
  const close = node.end - 1;
  const baseIndent = lineIndent(text, open);
  const last = node.entries[node.entries.length - 1];

  if (!last) {
    const child = baseIndent + style.unit;
    const inner = text.slice(open + 1, close);
    if (/^\s*$/.test(inner)) {
      const body = entry(child);
      if (node.kind === 'array' && !body.includes('\n')) return [{ start: open + 1, end: close, text: body }];
      return [{ start: open + 1, end: close, text: `${style.eol}${child}${body}${style.eol}${baseIndent}` }];
    }
    // Only comments inside: keep them above the new entry.
    const closeLine = lineStart(text, close);
    if (/^[ \t]*$/.test(text.slice(closeLine, close))) {
      return [{ start: closeLine, end: closeLine, text: `${child}${entry(child)}${style.eol}` }];
    }
    return [
      { start: close, end: close, text: `${style.eol}${child}${entry(child)}${style.eol}${baseIndent}` },
    ];
  }

  const first = node.entries[0] as Entry;
  const multiline = /[\r\n]/.test(text.slice(open + 1, first.start));
  if (!multiline) {
    return last.comma === undefined
      ? [{ start: last.value.end, end: last.value.end, text: `, ${entry('', true)}` }]
      : [{ start: last.comma + 1, end: last.comma + 1, text: ` ${entry('', true)},` }];
  }
  const child = startsLine(text, last.start) ? lineIndent(text, last.start) : baseIndent + style.unit;
  // After the last entry's same-line comment, which belongs to that entry.
  const at = endOfLineTrivia(text, last.comma === undefined ? last.value.end : last.comma + 1);
  const edits: Edit[] = [
    { start: at, end: at, text: `${style.eol}${child}${entry(child)}${last.comma === undefined ? '' : ','}` },
  ];
  if (last.comma === undefined) edits.push({ start: last.value.end, end: last.value.end, text: ',' });
  return edits;
}

/** Removal of entry `index` with its comma and, when it sits alone on its lines, the whole line. */
function planRemove(text: string, node: ContainerNode, index: number): Edit[] {
  const entry = node.entries[index] as Entry;
  const ls = lineStart(text, entry.start);
  const alone = startsLine(text, entry.start);
  let edits: Edit[];

  if (entry.comma !== undefined) {
    const lineEnd = endOfLineTrivia(text, entry.comma + 1);
    if (alone && atLineEnd(text, lineEnd)) {
      edits = [{ start: ls, end: afterNewline(text, lineEnd), text: '' }];
    } else {
      edits = [{ start: entry.start, end: skipSpaces(text, entry.comma + 1), text: '' }];
    }
  } else if (index > 0) {
    const prevComma = (node.entries[index - 1] as Entry).comma as number;
    if (alone) {
      const nl = ls > 0 && text[ls - 2] === '\r' ? ls - 2 : Math.max(ls - 1, 0);
      edits = [
        { start: nl, end: endOfLineTrivia(text, entry.value.end), text: '' },
        { start: prevComma, end: prevComma + 1, text: '' },
      ];
    } else {
      edits = [{ start: prevComma, end: entry.value.end, text: '' }];
    }
  } else {
    const lineEnd = endOfLineTrivia(text, entry.value.end);
    edits =
      alone && atLineEnd(text, lineEnd)
        ? [{ start: ls, end: afterNewline(text, lineEnd), text: '' }]
        : [{ start: entry.start, end: entry.value.end, text: '' }];
  }

  if (node.entries.length === 1) {
    // Nothing but whitespace left inside: collapse to `{}` / `[]`.
    const inner = applyEdits(text, edits).slice(node.start + 1, node.end - 1 - removedLength(edits));
    if (/^\s*$/.test(inner)) return [{ start: node.start + 1, end: node.end - 1, text: '' }];
  }
  return edits;
}

function removedLength(edits: Edit[]): number {
  return edits.reduce((n, e) => n + (e.end - e.start) - e.text.length, 0);
}

function applyEdits(text: string, edits: Edit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start))
    out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

// ---- layout helpers ---------------------------------------------------------------------------------------------

function skipSpaces(text: string, pos: number): number {
  let p = pos;
  while (text[p] === ' ' || text[p] === '\t') p++;
  return p;
}
function atLineEnd(text: string, pos: number): boolean {
  return pos >= text.length || text[pos] === '\n' || text[pos] === '\r';
}
function afterNewline(text: string, pos: number): number {
  if (text[pos] === '\r' && text[pos + 1] === '\n') return pos + 2;
  return pos < text.length ? pos + 1 : pos;
}
/** Skips spaces and comments that end on the same line; stops at a newline or anything else. */
function endOfLineTrivia(text: string, pos: number): number {
  let p = skipSpaces(text, pos);
  for (;;) {
    if (text.startsWith('//', p)) {
      while (p < text.length && text[p] !== '\n' && text[p] !== '\r') p++;
      return p;
    }
    if (text.startsWith('/*', p)) {
      const close = text.indexOf('*/', p + 2);
      if (close < 0 || /[\r\n]/.test(text.slice(p, close))) return p;
      p = skipSpaces(text, close + 2);
      continue;
    }
    return p;
  }
}
