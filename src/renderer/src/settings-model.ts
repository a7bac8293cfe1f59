// Pure decisions behind the Settings editor: which issues an error carries, what to do when the file changes on
// disk, and where an issue's line/column sits in the text.
import type { ConfigIssue } from '../../shared/contract';
import type { ApiError } from '../../shared/result';

function isIssue(value: unknown): value is ConfigIssue {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ConfigIssue).path === 'string' &&
    typeof (value as ConfigIssue).message === 'string'
  );
}

/**
 * The issues behind a failed save or validate: `details.errors` (or `details` itself) when it lists issues,
 * otherwise the error's own message as one issue about the whole file.
 */
export function issuesFromError(error: ApiError): ConfigIssue[] {
  const details = error.details as { errors?: unknown; issues?: unknown } | unknown[] | undefined;
  const candidates = Array.isArray(details) ? details : (details?.errors ?? details?.issues);
  if (Array.isArray(candidates)) {
    const issues = candidates.filter(isIssue);
    if (issues.length > 0) return issues;
  }
  return [{ path: '', message: error.message }];
}

export type ExternalChangeAction = 'ignore' | 'reload' | 'notify' | 'defer';

/**
 * The config file changed (config.changed). Same hash as the editor's base: nothing to do. A save in flight:
 * decide after it answers (the event may be our own write). No unsaved edits: reload. Unsaved edits: never
 * clobber them, tell the user.
 */
export function onExternalChange(
  editor: { baseHash: string | null; dirty: boolean; saving: boolean },
  hash: string,
): ExternalChangeAction {
  if (editor.saving) return 'defer';
  if (editor.baseHash === hash) return 'ignore';
  return editor.dirty ? 'notify' : 'reload';
}

/** "channels.whatsapp.dmPolicy" or "(whole file)", plus "line 3, column 7" when known. */
export function describeIssueLocation(issue: ConfigIssue): string {
  const where = issue.path === '' ? '(whole file)' : issue.path;
  if (issue.line === undefined) return where;
  return issue.column === undefined
    ? `${where} · line ${issue.line}`
    : `${where} · line ${issue.line}, column ${issue.column}`;
}

/** The character offset of a 1-based line and column in `text`, clamped to the text. */
export function offsetOf(text: string, line: number, column = 1): number {
  let offset = 0;
  for (let current = 1; current < line; current++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  const lineEnd = text.indexOf('\n', offset);
  const end = lineEnd < 0 ? text.length : lineEnd;
  return Math.min(offset + Math.max(column - 1, 0), end);
}
