// A bound on nesting, checked before anything recursive sees the text: json5 itself parses any depth, but the
// scanner, the schema and the editors that run after it recurse, and a file nested thousands of levels deep
// would overflow the stack instead of getting an error that says where.

/** Far more than any real config needs (the deepest keys are about eight levels down). */
export const MAX_NESTING = 100;

/**
 * Where `text` first opens an object or list deeper than MAX_NESTING, or undefined. A flat pass over the
 * characters (strings and comments skipped), so it cannot overflow however deep the text goes.
 */
export function nestingFault(text: string): { line: number; column: number; message: string } | undefined {
  let depth = 0;
  for (let p = 0; p < text.length; p++) {
    const c = text[p];
    if (c === '"' || c === "'") {
      for (p++; p < text.length && text[p] !== c; p++) if (text[p] === '\\') p++;
    } else if (c === '/' && text[p + 1] === '/') {
      while (p + 1 < text.length && text[p + 1] !== '\n') p++;
    } else if (c === '/' && text[p + 1] === '*') {
      const close = text.indexOf('*/', p + 2);
      p = close < 0 ? text.length : close + 1;
    } else if (c === '{' || c === '[') {
      if (++depth > MAX_NESTING) {
        const before = text.slice(0, p);
        const lineStart = before.lastIndexOf('\n') + 1;
        return {
          line: before.split('\n').length,
          column: p - lineStart + 1,
          message: `objects and lists are nested more than ${MAX_NESTING} levels deep here; a config never needs that many`,
        };
      }
    } else if (c === '}' || c === ']') {
      depth--;
    }
  }
  return undefined;
}

/** Whether a value (one to be written into the file) nests objects and lists deeper than `max`; no recursion. */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > max) return true;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}
