import type { ConfigIssue } from '../shared/contract';

export function formatIssue(issue: ConfigIssue): string {
  const where =
    issue.line !== undefined
      ? ` (line ${issue.line}${issue.column !== undefined ? `, column ${issue.column}` : ''})`
      : '';
  return `${issue.path || '(file)'}: ${issue.message}${where}`;
}

export function printIssues(issues: ConfigIssue[], print: (line: string) => void, indent = '  '): void {
  for (const issue of issues) print(`${indent}${formatIssue(issue)}`);
}

export function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const parts = [d && `${d}d`, h && `${h}h`, m && `${m}m`, `${s % 60}s`].filter(Boolean);
  return parts.slice(0, 3).join(' ');
}

/** Strings print bare; everything else as indented JSON. */
export function formatValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}
