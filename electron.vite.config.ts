// Three builds: the main process (Electron entry plus the `openclaw` CLI, which shares the gateway code), the
// sandboxed preload (one self-contained CommonJS file, since a sandboxed preload cannot require packages), and
// the renderer (React, served from disk by Electron and over HTTP by the headless gateway).
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';
import type { Plugin } from 'vite';
import { metaPolicy, relax } from './src/main/csp';

const root = import.meta.dirname;

/**
 * The dev server only: Fast Refresh needs an inline script and Vite injects CSS as <style> tags, so the meta tag
 * gets the relaxed policy there. Built output keeps the strict one (csp.test.ts checks index.html).
 */
function devCsp(): Plugin {
  return {
    name: 'openclaw:dev-csp',
    apply: 'serve',
    transformIndexHtml: (html) => html.replace(metaPolicy(), relax(metaPolicy())),
  };
}

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      // Native modules (better-sqlite3) and every other dependency load from node_modules at run time.
      externalizeDeps: true,
      rolldownOptions: {
        input: {
          index: resolve(root, 'src/main/index.ts'),
          cli: resolve(root, 'src/cli/index.ts'),
        },
        output: { entryFileNames: '[name].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      // Sandboxed: everything but 'electron' is bundled into the one file.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src/renderer'),
    plugins: [react(), devCsp()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      // Served over HTTP by the headless gateway too; electron-vite leaves minification off by default.
      minify: true,
      rolldownOptions: { input: { index: resolve(root, 'src/renderer/index.html') } },
    },
  },
});
