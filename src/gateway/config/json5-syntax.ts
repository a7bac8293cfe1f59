// A JSON5 syntax error as a person needs it: the source line with a caret under the fault, and the likely cause.
// json5 reports where parsing stopped, which for the commonest slip (a missing comma) is the start of the line
// after the real fault, so the hint points back at the line that needs the fix.
import { maskSecretsInLine } from './secrets';

export interface SyntaxFault {
  line: number;
  column: number;
  /** One sentence without the position (the issue carries that); the excerpt follows on later lines. */
  message: string;
}

/** `reason` is json5's text without its "JSON5:" prefix and trailing position, e.g. `invalid character 'a'`. */
export function describeSyntaxError(text: string, line: number, column: number, reason: string): SyntaxFault {
  const lines = text.split(/\r\n|\r|\n/);
  let at = { line: Math.max(1, line), column: Math.max(1, column) };
  // json5 puts a stray newline at column 0 of the next line; the fault is the end of the line before it.
  if (column <= 0 && line > 1) at = { line: line - 1, column: (lines[line - 2] ?? '').length + 1 };
  const found = /^invalid character '(.*)'$/.exec(reason)?.[1];
  const what =
    reason === 'invalid end of input'
      ? 'the file ends too early'
      : found === '\\n' || found === '\\r' || (column <= 0 && found !== undefined)
        ? 'unexpected end of line'
        : found !== undefined
          ? `unexpected ${JSON.stringify(unescapeJson5Char(found))}`
          : reason;
  const hint = likelyCause(lines, at, reason, found);
  return {
    ...at,
    message: `JSON5 syntax error: ${what}${hint ? ` — ${hint}` : ''}\n${excerpt(lines, at)}`,
  };
}

function unescapeJson5Char(s: string): string {
  return s.startsWith('\\') ? ({ '\\"': '"', "\\'": "'", '\\t': '\t', '\\\\': '\\' }[s] ?? s) : s;
}

function likelyCause(
  lines: readonly string[],
  at: { line: number; column: number },
  reason: string,
  found: string | undefined,
): string | undefined {
  if (reason === 'invalid end of input') return 'a closing } or ] is missing, or a string is not closed?';
  const current = lines[at.line - 1] ?? '';
  const before = code(current.slice(0, at.column - 1)).trimEnd();
  if (found === '=') return 'use ":" between a key and its value';
  if (found === ',' && /[,[{]$/.test(before)) return 'a comma with nothing before it (two commas in a row?)';
  if (found === '\\n' || found === '\\r') return 'text values need quotes, like "allowlist"?';
  // The fault starts a new entry: a value ended just before it, with no comma in between.
  if (endsValue(before)) return 'missing comma before it?';
  if (before === '') {
    for (let n = at.line - 1; n >= 1; n--) {
      const prev = code(lines[n - 1] ?? '').trimEnd();
      if (prev === '') continue;
      return endsValue(prev) ? `missing comma at the end of line ${n}?` : undefined;
    }
  }
  return undefined;
}

/** True when text ends with something that completes a value: a quote, a digit, a literal, } or ]. */
function endsValue(text: string): boolean {
  return /(["'}\]]|\b(true|false|null|Infinity|NaN)|[0-9a-fA-F.])$/.test(text) && !/[:,[{]$/.test(text);
}

/** A line without its `//` comment; `//` inside a string (a URL) is text, not a comment. */
function code(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '/' && line[i + 1] === '/') {
      return line.slice(0, i);
    }
  }
  return line;
}

/** The line before (for context), the faulty line, and a caret under the column; secrets on them masked. */
function excerpt(lines: readonly string[], at: { line: number; column: number }): string {
  const width = String(at.line).length;
  const gutter = (n: number | '') => `  ${String(n).padStart(width)} | `;
  const out: string[] = [];
  if (at.line > 1) out.push(gutter(at.line - 1) + clip(maskSecretsInLine(lines[at.line - 2] ?? ''), 0));
  const line = lines[at.line - 1] ?? '';
  // Masking changes lengths, so the caret is placed by the masked text before the column.
  const before = maskSecretsInLine(line.slice(0, at.column - 1));
  // A long (minified) line is shown around the fault, so the caret stays on screen.
  const from = before.length > MAX_EXCERPT / 2 ? before.length - MAX_EXCERPT / 4 : 0;
  out.push(gutter(at.line) + clip(maskSecretsInLine(line), from));
  out.push(`${gutter('')}${from > 0 ? ' ' : ''}${before.slice(from).replace(/[^\t]/g, ' ')}^`);
  return out.join('\n');
}

const MAX_EXCERPT = 160;
function clip(s: string, from: number): string {
  const end = from + MAX_EXCERPT;
  return `${from > 0 ? '…' : ''}${s.slice(from, end)}${s.length > end ? '…' : ''}`;
}
