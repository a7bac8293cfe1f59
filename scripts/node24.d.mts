// Types for scripts/node24.mjs, which a test imports.
export declare const NODE24_PACKAGE: string;
export declare function node24Home(root: string, env: NodeJS.ProcessEnv): string;
export type Node24 =
  | { run: true; node: string; nodeDir: string; version: string }
  | { run: false; reason: string; count: 'skipped' | 'failed' };
export declare function findNode24(opts: {
  root: string;
  env: NodeJS.ProcessEnv;
  exists(path: string): boolean;
  version(node: string): string | null;
}): Node24;
export declare function recap(
  steps: ReadonlyArray<{ title: string; text: string }>,
  totals: { passed: number; failed: number; skipped: number },
): string[];
export declare function sqliteBindingFor(opts: {
  root: string;
  node: string;
  nodeDir: string;
  env: NodeJS.ProcessEnv;
}): { ok: true; binding: string; abi: string } | { ok: false; reason: string };
