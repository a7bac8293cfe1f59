// Before the gateway starts in Electron: better-sqlite3 must load a build for Electron's ABI (node_modules holds
// the build for the Node that runs the CLI and tests). When it cannot, the user gets one dialog that says what is
// wrong and what to do, instead of a gateway that fails on its first database call.
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ELECTRON_BINDING_FILE, REBUILD_FOR_ELECTRON } from '../gateway/store/native-binding';

export interface SqliteRuntime {
  /** Where the Electron build belongs. */
  bindingPath: string;
  /** Whether it was there (when not, better-sqlite3's own build was tried and failed). */
  bindingFound: boolean;
  electronVersion: string;
  /** process.versions.modules: the ABI a native module must be built for. */
  abi: string;
  /** A packaged release (its build ships inside) rather than a source checkout. */
  packaged: boolean;
}

/**
 * The Electron build in the app's folder. Native modules cannot load from inside app.asar, so a packaged app keeps
 * it in app.asar.unpacked.
 */
export function electronBindingPath(appPath: string): string {
  return join(appPath, ELECTRON_BINDING_FILE).replace(/app\.asar(?=[\\/])/, 'app.asar.unpacked');
}

/** The dialog for a build that does not load: what failed, why, and the fix. */
export function sqliteLoadProblem(err: unknown, rt: SqliteRuntime): { title: string; message: string } {
  // Node's ABI message spans several lines with the module versions on the later ones.
  const detail = (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').trim();
  const code = (err as { code?: string } | null)?.code;
  const builtFor = /NODE_MODULE_VERSION (\d+)/.exec(detail)?.[1];
  let what: string;
  if (!rt.bindingFound || code === 'MODULE_NOT_FOUND' || /cannot find module/i.test(detail)) {
    what = `It has not been built for Electron ${rt.electronVersion}: ${rt.bindingPath} is missing.`;
  } else if (builtFor && builtFor !== rt.abi) {
    what =
      `${rt.bindingPath} was built for another runtime (module version ${builtFor}); ` +
      `Electron ${rt.electronVersion} needs module version ${rt.abi}.`;
  } else {
    what = `${rt.bindingPath} does not load: ${detail}`;
  }
  const fix = rt.packaged
    ? 'Fix: reinstall OpenClaw from a release for this system (the build ships inside the app).'
    : `Fix: in the app's folder, with internet access, run \`${REBUILD_FOR_ELECTRON}\` ` +
      "(it fetches Electron's headers and builds the module into native/electron/), then start OpenClaw again.";
  return {
    title: 'OpenClaw cannot open its database',
    message:
      `The database module (better-sqlite3) does not load in the desktop app. ${what}\n\n${fix}\n\n` +
      'Meanwhile the headless gateway works: `openclaw gateway run`.',
  };
}

/**
 * Loads better-sqlite3 from `bindingPath` when that file exists (else from its own build, e.g. one rebuilt in place
 * by a packager) and returns the build that loaded, or the error.
 */
export function loadSqlite(
  bindingPath: string,
): { ok: true; binding: string | undefined } | { ok: false; found: boolean; error: unknown } {
  const found = existsSync(bindingPath);
  const binding = found ? bindingPath : undefined;
  try {
    new Database(':memory:', binding === undefined ? {} : { nativeBinding: binding }).close();
    return { ok: true, binding };
  } catch (error) {
    return { ok: false, found, error };
  }
}
