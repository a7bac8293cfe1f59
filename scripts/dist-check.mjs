// Before electron-builder packs the app: the desktop app opens its store with better-sqlite3 built for Electron
// (native/electron/, from scripts/rebuild-native.mjs), and the About screen needs the notices from `npm run build`.
// Without either the installer would build fine and the app would not work, so stop here and say what to do.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const missing = [
  [
    'native/electron/better_sqlite3.node',
    'run `npm run rebuild:electron` (needs Node >= 22.12, Electron’s binary and the internet)',
  ],
  ['out/renderer/THIRD_PARTY_NOTICES.json', 'run `npm run build`'],
].filter(([file]) => !existsSync(join(root, file)));
for (const [file, fix] of missing) process.stderr.write(`dist: ${file} is missing: ${fix}\n`);
process.exit(missing.length > 0 ? 1 : 0);
