// `openclaw doctor`: the desktop app's better-sqlite3. The app loads a build for Electron's ABI from native/electron
// (scripts/rebuild-native.mjs writes it with a stamp of what it was built for). Under Node it cannot be loaded to
// test it, so the stamp is compared with the installed Electron and better-sqlite3: the same check the app makes at
// start, told before the app is opened.
import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ELECTRON_BINDING_FILE,
  ELECTRON_BINDING_STAMP,
  REBUILD_FOR_ELECTRON,
} from '../../gateway/store/native-binding';
import type { Outcome } from './doctor-whatsapp';

async function readJson(file: string): Promise<Record<string, unknown> | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );

/**
 * The app folder: OPENCLAW_APP_DIR, else the one this CLI runs from (walking up from src/cli/commands, or from
 * out/main when built, to the package.json).
 */
export async function appDir(env: NodeJS.ProcessEnv): Promise<string | null> {
  if (env.OPENCLAW_APP_DIR) return env.OPENCLAW_APP_DIR;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++, dir = dirname(dir)) {
    if ((await readJson(join(dir, 'package.json')))?.name === 'openclaw-desktop') return dir;
  }
  return null;
}

/** Nothing when this folder has no desktop app (a headless install without Electron). */
export async function checkElectronSqlite(env: NodeJS.ProcessEnv): Promise<Outcome[]> {
  const root = await appDir(env);
  if (!root) return [];
  const electron = (await readJson(join(root, 'node_modules', 'electron', 'package.json')))?.version;
  if (typeof electron !== 'string') return [];
  const sqlite = (await readJson(join(root, 'node_modules', 'better-sqlite3', 'package.json')))?.version;
  const stamp = await readJson(join(root, ELECTRON_BINDING_STAMP));
  const binding = join(root, ELECTRON_BINDING_FILE);
  if (stamp?.electron === electron && stamp.betterSqlite3 === sqlite && (await exists(binding))) {
    return [
      { ok: true, text: `better-sqlite3 is built for the desktop app's Electron ${electron}: ${binding}` },
    ];
  }
  const name = (
    await readFile(join(root, 'node_modules', 'electron', 'path.txt'), 'utf8').catch(() => '')
  ).trim();
  if (!name || !(await exists(join(root, 'node_modules', 'electron', 'dist', name)))) {
    return [
      {
        ok: true,
        text: `Desktop app: Electron ${electron}'s binary is not installed here (headless use), so it needs no better-sqlite3 build`,
      },
    ];
  }
  const why =
    typeof stamp?.electron === 'string'
      ? `it was built for Electron ${stamp.electron} with better-sqlite3 ${String(stamp.betterSqlite3)}`
      : `${binding} is missing`;
  return [
    {
      ok: false,
      text: `better-sqlite3 is not built for the desktop app's Electron ${electron} (${why}): the app will not start`,
      fix: `in ${root}, with internet access (it fetches Electron's headers): ${REBUILD_FOR_ELECTRON}`,
    },
  ];
}
