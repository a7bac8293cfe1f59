// A bench's child process runs as plain JavaScript, bundled once with esbuild (which tsx compiles with anyway):
// under `--import tsx` the TypeScript loader lives on a module-hooks thread with its own V8 heap (~55 MB of RSS
// that global.gc() never collects), and the gateway ships bundled too. Packages stay external, so the bundle sits
// under node_modules/.cache and resolves them like the sources do.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** Bundles `entry` (a bench/ file URL) into a temporary .mjs; `remove` deletes it. */
export async function bundleChild(entry: URL): Promise<{ file: string; remove(): Promise<void> }> {
  const cache = fileURLToPath(new URL('../../node_modules/.cache/', import.meta.url));
  await mkdir(cache, { recursive: true });
  const dir = await mkdtemp(join(cache, 'openclaw-bench-'));
  const source = fileURLToPath(entry);
  const file = join(dir, basename(source).replace(/\.ts$/, '.mjs'));
  await build({
    entryPoints: [source],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
  });
  return { file, remove: () => rm(dir, { recursive: true, force: true }) };
}
