// Text in, verdict out: JSON5 syntax, then the schema, then the cross-key rules. Every problem becomes a
// ConfigIssue with a dotted key path, a sentence a person can act on, and where possible its line and column.
import type { z } from 'zod';
import type { ConfigIssue } from '../../shared/contract';
import { formatKeyPath, parseKeyPath, type KeySegment } from './key-path';
import { duplicateKeyIssues } from './json5-duplicates';
import { locateInText, parseJson5 } from './json5-scan';
import { describeSyntaxError } from './json5-syntax';
import { checkRules, inputWarnings } from './rules';
import { ConfigSchema, type OpenClawConfig } from './schema';
import { isSecretPath } from './secrets';
import { findUnknownKeys } from './unknown-keys';

export type ConfigValidation =
  | { ok: true; config: OpenClawConfig; warnings: ConfigIssue[] }
  | { ok: false; errors: ConfigIssue[]; warnings: ConfigIssue[] };

/** `raw` null means there is no file: every default applies. */
export function validateConfigText(raw: string | null): ConfigValidation {
  if (raw === null) return validateConfigText('{}');
  const parsed = parseJson5(raw);
  if (!parsed.ok) {
    if (parsed.tooDeep) {
      const { line, column, reason: message } = parsed;
      return { ok: false, errors: [{ path: '', message, line, column }], warnings: [] };
    }
    // The position travels in line/column only: every surface prints those, so the message must not repeat it.
    const fault = describeSyntaxError(raw, parsed.line, parsed.column, parsed.reason);
    return { ok: false, errors: [{ path: '', ...fault }], warnings: [] };
  }
  if (parsed.blank) {
    // An editor's save caught half-way, or a truncated file, must not switch a running gateway to defaults.
    const message = 'the config file is empty; a config that keeps every default is written {}';
    return { ok: false, errors: [{ path: '', message }], warnings: [] };
  }
  const input = parsed.value;
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return {
      ok: false,
      errors: [
        {
          path: '',
          message: `the config must be an object ({ … }) at the top level (got ${describe(input)})`,
        },
      ],
      warnings: [],
    };
  }

  // Unknown keys are warnings, so the schema parses the file without them.
  const { unknown, known } = findUnknownKeys(input);
  const warnings = [...unknown.map((u) => u.issue), ...inputWarnings(input as Record<string, unknown>)];
  const result = ConfigSchema.safeParse(known, { reportInput: true });
  const duplicates = duplicateKeyIssues(raw);
  let errors: ConfigIssue[];
  if (!result.success) {
    errors = [...duplicates, ...result.error.issues.flatMap(toIssues)];
  } else if (duplicates.length > 0) {
    errors = duplicates;
  } else {
    const rules = checkRules(result.data);
    errors = rules.errors;
    warnings.push(...rules.warnings);
  }

  const located = (issues: ConfigIssue[]): ConfigIssue[] => issues.map((i) => withPosition(raw, i));
  if (errors.length > 0) return { ok: false, errors: located(errors), warnings: located(warnings) };
  return { ok: true, config: (result as { data: OpenClawConfig }).data, warnings: located(warnings) };
}

/** Lines for logs and error messages: `path: message (line L, column C)`, one per issue. */
export function formatIssues(issues: readonly ConfigIssue[], indent = '  - '): string {
  return issues.map((i) => `${indent}${formatIssue(i)}`).join('\n');
}

/** One issue as text; the CLI, the logs and startup errors all print it this way. */
export function formatIssue(issue: ConfigIssue): string {
  const where =
    issue.line !== undefined
      ? ` (line ${issue.line}${issue.column !== undefined ? `, column ${issue.column}` : ''})`
      : '';
  // A syntax error's message ends with its source excerpt: the position goes before that, on the first line.
  const [first, ...rest] = issue.message.split('\n');
  return [`${issue.path || '(file)'}: ${first}${where}`, ...rest].join('\n');
}

function withPosition(raw: string, issue: ConfigIssue): ConfigIssue {
  if (issue.line !== undefined) return issue;
  let segments: KeySegment[];
  try {
    // Every issue path was built by formatKeyPath, so it parses back to the same segments.
    segments = issue.path === '' ? [] : parseKeyPath(issue.path);
  } catch {
    return issue;
  }
  const pos = locateInText(raw, segments);
  return pos ? { ...issue, ...pos } : issue;
}

type ZodIssue = z.core.$ZodIssue;

function toIssues(issue: ZodIssue): ConfigIssue[] {
  const segments = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      path: formatKeyPath([...segments, key]),
      message: `unknown key ${JSON.stringify(key)}`,
    }));
  }
  return [{ path: formatKeyPath(segments), message: describeIssue(issue, isSecretPath(segments)) }];
}

function describeIssue(issue: ZodIssue, secret: boolean): string {
  const input = (issue as { input?: unknown }).input;
  // A value at a secret key is never echoed back: these messages reach the control API, the UI and the logs.
  const got = secret ? ' (the value is hidden)' : ` (got ${describe(input)})`;
  switch (issue.code) {
    case 'invalid_type':
      if (input === undefined) return 'is required';
      return `must be ${typeName(issue.expected)}${got}`;
    case 'invalid_value':
      if (issue.values.length === 1) return `must be ${quote(issue.values[0])}${got}`;
      return `must be one of ${issue.values.map(quote).join(', ')}${got}`;
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const bound = Number(small ? issue.minimum : issue.maximum);
      const op = small
        ? issue.inclusive
          ? 'at least'
          : 'greater than'
        : issue.inclusive
          ? 'at most'
          : 'less than';
      if (issue.origin === 'string') return `must be ${op} ${bound} characters long${got}`;
      if (issue.origin === 'array') return `must have ${op} ${bound} items`;
      return `must be ${op} ${bound}${got}`;
    }
    case 'invalid_key':
      // Record keys: the key schema's own message says what a key should look like.
      return issue.issues.map((i) => i.message).join('; ') || issue.message;
    default:
      return issue.message;
  }
}

function typeName(expected: string): string {
  switch (expected) {
    case 'int':
      return 'a whole number';
    case 'object':
      return 'an object ({ … })';
    case 'array':
      return 'a list ([ … ])';
    default:
      return `a ${expected}`;
  }
}

function quote(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
    case 'number':
    case 'boolean':
      return String(v);
    case 'object':
      return 'an object';
    default:
      return typeof v;
  }
}
