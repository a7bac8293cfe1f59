// Where the installed Electron's binary is, found without require('electron'): since Electron 42 that require
// downloads the binary when it is missing, which offline prints a stack trace and on a slow network stalls.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** `{ version, binary }` of node_modules/electron; binary is null when it was not downloaded; null when absent. */
export function installedElectron(root) {
  const dir = join(root, 'node_modules', 'electron');
  let version;
  try {
    ({ version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')));
  } catch {
    return null;
  }
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  let binary = null;
  try {
    const name = readFileSync(join(dir, 'path.txt'), 'utf8').trim();
    const full = override ? join(override, name) : join(dir, 'dist', name);
    if (existsSync(full)) binary = full;
  } catch {
    // No path.txt: the download was skipped or failed.
  }
  return { version, binary };
}
