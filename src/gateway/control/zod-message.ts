import type { z } from 'zod';

/** One readable line for a zod error: `params.path: expected string` (first few issues only). */
export function describeZodError(error: z.ZodError, root: string): string {
  const parts = error.issues.slice(0, 3).map((issue) => {
    const path = [root, ...issue.path.map(String)].join('.');
    return `${path}: ${issue.message}`;
  });
  const more = error.issues.length > 3 ? ` (and ${error.issues.length - 3} more)` : '';
  return parts.join('; ') + more;
}
