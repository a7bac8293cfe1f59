#!/usr/bin/env node
// The CLI is bundled into out/main/cli.js by `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../out/main/cli.js', import.meta.url));
if (!existsSync(cli)) {
  console.error('openclaw: the CLI is not built yet. Run `npm run build` in the project folder first.');
  process.exit(1);
}
await import(cli);
