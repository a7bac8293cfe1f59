// Secrets in openclaw.json never leave through the control API: values at secret keys are replaced by a mask in
// everything it returns, and a mask that comes back (the Settings editor saving the text it was shown) is swapped
// for the stored value before anything is written. Which keys are secret is declared once, below.
import JSON5 from 'json5';
import type { ConfigIssue } from '../../shared/contract';
import { GatewayError } from '../errors';
import { formatKeyPath, type KeySegment } from './key-path';
import { lineColumn, scanJson5, type JNode } from './json5-scan';

/** What a person sees instead of a secret; clearly not a real value, and refused anywhere but at a secret key. */
export const SECRET_MASK = '__OPENCLAW_REDACTED__';

/**
 * The secret keys: exact key paths, and key names that are secret at any depth (with anything below them). A name
 * also matches as the last words of a longer one, so `openaiApiKey`, `OPENAI_API_KEY` and `botToken` count, while
 * `maxTokens` does not.
 */
export const SECRET_KEYS = {
  paths: ['gateway.auth.token'],
  names: ['apiKey', 'token', 'password', 'secret'],
} as const;

const words = (key: string): string[] =>
  key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_.-]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());

const NAME_WORDS = SECRET_KEYS.names.map(words);

export function isSecretKeyName(key: string): boolean {
  const flat = key.toLowerCase().replace(/[_-]/g, '');
  const own = words(key);
  return NAME_WORDS.some(
    (name) =>
      flat === name.join('') ||
      (own.length >= name.length && name.every((w, i) => own[own.length - name.length + i] === w)),
  );
}

export function isSecretPath(segments: readonly KeySegment[]): boolean {
  if ((SECRET_KEYS.paths as readonly string[]).includes(formatKeyPath(segments))) return true;
  return segments.some((s) => typeof s === 'string' && isSecretKeyName(s));
}

// An empty string hides nothing, and showing it masked would suggest a secret is set.
const maskable = (v: unknown): boolean => (typeof v === 'string' && v !== '') || typeof v === 'number';

/** A copy of `value` (found at `at`) with every secret replaced by the mask. */
export function maskSecrets(value: unknown, at: readonly KeySegment[] = []): unknown {
  if (isSecretPath(at) && maskable(value)) return SECRET_MASK;
  if (Array.isArray(value)) return value.map((v, i) => maskSecrets(v, [...at, i]));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskSecrets(v, [...at, k])]));
  }
  return value;
}

// `key: value` as written in a line of JSON5 (or in a comment, where an old key is often kept).
const KEY_VALUE =
  /(["']?)([A-Za-z_$][\w$-]*)\1(\s*[:=]\s*)("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^\s,'"{}[\]/]+)/g;

/** Masks `secretKey: value` pairs in free text: comments, and lines of a file too broken to parse. */
export function maskSecretsInLine(text: string): string {
  const re = new RegExp(KEY_VALUE.source, 'g');
  let out = '';
  let done = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const [match, q = '', key = '', sep = '', value = ''] = m;
    if (!isSecretKeyName(key) || value === '""' || value === "''") {
      // `old: apiKey: 'sk-…'`: what looked like a value may be the next key, so look again right after this key.
      re.lastIndex = m.index + q.length * 2 + key.length;
      continue;
    }
    const quote = value.startsWith("'") ? "'" : value.startsWith('"') ? '"' : '';
    out += `${text.slice(done, m.index)}${q}${key}${q}${sep}${quote}${SECRET_MASK}${quote}`;
    done = m.index + match.length;
  }
  return out + text.slice(done);
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

function applyEdits(text: string, edits: Edit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start))
    out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** Every scalar of the tree with its key path. */
function scalars(node: JNode, at: KeySegment[], visit: (n: JNode, at: KeySegment[]) => void): void {
  if (node.kind === 'scalar') return visit(node, at);
  node.entries.forEach((e, i) =>
    scalars(e.value, [...at, node.kind === 'object' ? (e.key as string) : i], visit),
  );
}

/** Offsets of the comments in JSON5 text (strings skipped, so a URL's `//` is not a comment). */
function commentRanges(text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote || c === '\n') quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) {
      const close = text[i + 1] === '/' ? text.indexOf('\n', i) : text.indexOf('*/', i + 2);
      const end = close < 0 ? text.length : text[i + 1] === '/' ? close : close + 2;
      out.push([i, end]);
      i = end - 1;
    }
  }
  return out;
}

function maskComments(text: string): Edit[] {
  return commentRanges(text).flatMap(([start, end]) => {
    const masked = maskSecretsInLine(text.slice(start, end));
    return masked === text.slice(start, end) ? [] : [{ start, end, text: masked }];
  });
}

/** The file's text with secret values masked; comments, order and formatting stay as they are. */
export function maskSecretsInText(raw: string): string {
  let root: JNode | null;
  try {
    root = scanJson5(raw);
  } catch {
    // Too broken to parse (being edited): mask whatever looks like a secret key and its value.
    return raw.split('\n').map(maskSecretsInLine).join('\n');
  }
  const edits = maskComments(raw);
  if (root) {
    scalars(root, [], (node, at) => {
      if (!isSecretPath(at)) return;
      const source = raw.slice(node.start, node.end);
      if (!maskable(JSON5.parse(source))) return;
      const quote = source.startsWith("'") ? "'" : '"';
      edits.push({ start: node.start, end: node.end, text: `${quote}${SECRET_MASK}${quote}` });
    });
  }
  return applyEdits(raw, edits);
}

const ALLOWED = `only a secret key (${SECRET_KEYS.paths.join(', ')}, or a key named ${SECRET_KEYS.names.join(', ')}) may hold it`;

/**
 * `next` with each mask at a secret key replaced by the stored value there (`stored`), and each masked comment by
 * the saved comment it came from (`storedText`). Any other mask is refused as config.invalid, naming where it is.
 */
export function restoreSecrets(
  next: string,
  stored: (at: KeySegment[]) => unknown,
  storedText: string | null,
): string {
  if (!next.includes(SECRET_MASK)) return next;
  let root: JNode | null;
  try {
    root = scanJson5(next);
  } catch {
    return next; // Validation reports the syntax error, and nothing is written.
  }
  const edits: Edit[] = [];
  const errors: ConfigIssue[] = [];
  const refuse = (at: number, path: string, message: string, text = next) =>
    errors.push({ path, message, ...lineColumn(text, at) });

  if (root) {
    scalars(root, [], (node, at) => {
      const source = next.slice(node.start, node.end);
      const value: unknown = JSON5.parse(source);
      if (typeof value !== 'string' || !value.includes(SECRET_MASK)) return;
      const path = formatKeyPath(at);
      if (value !== SECRET_MASK || !isSecretPath(at)) {
        return refuse(node.start, path, `${SECRET_MASK} stands for a hidden secret; ${ALLOWED}`);
      }
      const original = stored(at);
      if (!maskable(original)) {
        return refuse(
          node.start,
          path,
          `holds ${SECRET_MASK} but no secret is stored here to keep; type the value`,
        );
      }
      const quote = source.startsWith("'") ? "'" : '"';
      edits.push({ start: node.start, end: node.end, text: JSON5.stringify(original, { quote }) });
    });
  }

  const saved = new Map<string, string>();
  for (const [s, e] of commentRanges(storedText ?? '')) {
    const comment = (storedText ?? '').slice(s, e);
    saved.set(maskSecretsInLine(comment), comment);
  }
  for (const [start, end] of commentRanges(next)) {
    const comment = next.slice(start, end);
    if (!comment.includes(SECRET_MASK)) continue;
    const original = saved.get(comment);
    if (original !== undefined) edits.push({ start, end, text: original });
    else
      refuse(
        start,
        '',
        `a comment holds ${SECRET_MASK} but was changed; put the real value back or remove it`,
      );
  }

  const out = applyEdits(next, edits);
  if (errors.length === 0 && out.includes(SECRET_MASK)) {
    refuse(out.indexOf(SECRET_MASK), '', `${SECRET_MASK} stands for a hidden secret; ${ALLOWED}`, out);
  }
  if (errors.length > 0) {
    const [first] = errors;
    throw new GatewayError('config.invalid', `${first?.path || '(file)'}: ${first?.message}`, { errors });
  }
  return out;
}
