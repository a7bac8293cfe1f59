import type { ConfigIssue } from '../shared/contract';
import { formatIssue } from '../gateway/config/validate';

// The gateway's own format, so the CLI, the logs and startup errors print an issue the same way.
export { formatIssue };

export function printIssues(issues: ConfigIssue[], print: (line: string) => void, indent = '  '): void {
  for (const issue of issues) print(`${indent}${formatIssue(issue).replaceAll('\n', `\n${indent}`)}`);
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
