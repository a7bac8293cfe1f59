#!/usr/bin/env node
// postinstall (and `npm run rebuild:electron`): builds better-sqlite3 for the desktop app's Electron into
// native/electron/, which src/main hands to better-sqlite3 as its nativeBinding. node_modules keeps the build for
// the Node that runs the CLI, the headless gateway and the tests: rebuilding it in place for Electron's ABI would
// break all three. Needs Electron's binary and headers (downloaded), so where they cannot be had this prints one
// line saying why and exits 0: it never fails an install. The app says so at start, and `openclaw doctor` too.
import {
  copyFileSync,
  cpSync,
  realpathSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installedElectron } from './electron-binary.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'native', 'electron');
const STAMP = join(OUT, 'built-for.json');
const forced = process.argv.includes('--force');

function skip(why) {
  console.log(`better-sqlite3 for Electron: skipped, ${why}`);
  process.exit(0);
}

/** @electron/rebuild 4 declares Node >= 22.12. */
function nodeAtLeast(major, minor) {
  const [a, b] = process.versions.node.split('.').map(Number);
  return a > major || (a === major && b >= minor);
}

if (process.env.OPENCLAW_SKIP_NATIVE_REBUILD === '1') skip('OPENCLAW_SKIP_NATIVE_REBUILD=1');
const electron = installedElectron(ROOT);
if (!electron)
  skip('electron is not installed (a production install: the packaged app carries its own build)');
if (!electron.binary) {
  skip(`Electron ${electron.version}'s binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD or offline)`);
}
if (!nodeAtLeast(22, 12)) skip(`@electron/rebuild needs Node >= 22.12 (this is ${process.versions.node})`);

// Anything unexpected from here on is reported in one line too: an install must not fail over the desktop build.
const app = realpathSync(mkdtempSync(join(tmpdir(), 'openclaw-electron-native-')));
try {
  await build(electron.version);
} catch (err) {
  const first = String(err?.message ?? err).split('\n')[0];
  console.log(
    `better-sqlite3 for Electron: not built (${first}); retry online with npm run rebuild:electron`,
  );
} finally {
  rmSync(app, { recursive: true, force: true });
}

async function build(electronVersion) {
  const sqliteDir = realpathSync(join(ROOT, 'node_modules', 'better-sqlite3'));
  const sqliteVersion = JSON.parse(readFileSync(join(sqliteDir, 'package.json'), 'utf8')).version;
  const wanted = { electron: electronVersion, betterSqlite3: sqliteVersion, arch: process.arch };
  const binding = join(OUT, 'better_sqlite3.node');
  if (
    !forced &&
    existsSync(binding) &&
    existsSync(STAMP) &&
    readFileSync(STAMP, 'utf8') === JSON.stringify(wanted)
  ) {
    console.log(
      `better-sqlite3 for Electron: skipped, already built for Electron ${electronVersion} (--force rebuilds)`,
    );
    return;
  }

  // @electron/rebuild rebuilds an app's node_modules in place, so it gets an app of its own: a copy of the package.
  const copy = join(app, 'node_modules', 'better-sqlite3');
  // A real copy (never a link to the package): the rebuild empties the build folder of what it is given.
  cpSync(sqliteDir, copy, {
    recursive: true,
    dereference: true,
    filter: (src) => src !== join(sqliteDir, 'build'),
  });
  if (realpathSync(copy) !== copy) throw new Error(`${copy} is not a copy of better-sqlite3`);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({
      name: 'openclaw-native',
      private: true,
      dependencies: { 'better-sqlite3': sqliteVersion },
    }),
  );
  const { rebuild } = await import('@electron/rebuild');
  await rebuild({ buildPath: app, electronVersion, onlyModules: ['better-sqlite3'], force: true });
  mkdirSync(OUT, { recursive: true });
  copyFileSync(join(copy, 'build', 'Release', 'better_sqlite3.node'), binding);
  writeFileSync(STAMP, JSON.stringify(wanted));
  console.log(`better-sqlite3 for Electron ${electronVersion}: built into ${binding}`);
}
