// Duplicate keys: json5 silently keeps the last of them, so an edit to the first one would have no effect and
// a second top-level block would discard the first. Every one is an error naming both lines.
import type { ConfigIssue } from '../../shared/contract';
import { formatKeyPath, type KeySegment } from './key-path';
import { lineColumn, scanJson5, type JNode } from './json5-scan';

/**
 * One issue per key written twice in the same object, at the later one, naming both lines. `text` must be
 * text that json5 parses and that is nested no deeper than MAX_NESTING (the walk below recurses).
 */
export function duplicateKeyIssues(text: string): ConfigIssue[] {
  let root: JNode | null;
  try {
    root = scanJson5(text);
  } catch {
    return []; // Text the scanner cannot follow gets its error from parsing, not from here.
  }
  const issues: ConfigIssue[] = [];
  const walk = (node: JNode, at: KeySegment[]): void => {
    if (node.kind === 'scalar') return;
    const first = new Map<string, number>();
    node.entries.forEach((entry, i) => {
      const key = node.kind === 'object' ? (entry.key ?? '') : i;
      if (typeof key === 'string') {
        const earlier = first.get(key);
        if (earlier === undefined) {
          first.set(key, entry.start);
        } else {
          const pos = lineColumn(text, entry.start);
          issues.push({
            path: formatKeyPath([...at, key]),
            message: `duplicate key ${JSON.stringify(key)}: it is set on line ${lineColumn(text, earlier).line} and again on line ${pos.line}; only one may be given (remove or merge the other)`,
            ...pos,
          });
        }
      }
      walk(entry.value, [...at, key]);
    });
  };
  if (root) walk(root, []);
  return issues;
}
