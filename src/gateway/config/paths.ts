// Where the config and state live. OPENCLAW_STATE_DIR moves everything; OPENCLAW_CONFIG_PATH moves only the file.
import os from 'node:os';
import path from 'node:path';

export interface ResolvedPaths {
  /** Absolute state directory (credentials, database, last good config). */
  stateDir: string;
  /** Absolute path of openclaw.json. */
  configPath: string;
}

export const CONFIG_FILE_NAME = 'openclaw.json';
export const DEFAULT_LOG_FILE = '/tmp/openclaw/openclaw-YYYY-MM-DD.log';

/** Expands a leading `~` or `~/…` (shells do this, but values from env files and config do not get it). */
export function expandHome(p: string, home: string = os.homedir()): string {
  if (p === '~') return home;
  if (p.startsWith('~/') || p.startsWith('~\\')) return path.join(home, p.slice(2));
  return p;
}

export function resolvePaths(
  env: NodeJS.ProcessEnv = process.env,
  home: string = os.homedir(),
): ResolvedPaths {
  // An empty variable (`OPENCLAW_STATE_DIR= openclaw …`) means "unset", not "the current directory".
  const fromEnv = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v ? path.resolve(expandHome(v, home)) : undefined;
  };
  const stateFromEnv = fromEnv('OPENCLAW_STATE_DIR');
  const stateDir = stateFromEnv ?? path.resolve(home, '.openclaw');
  const configPath = fromEnv('OPENCLAW_CONFIG_PATH') ?? path.join(stateDir, CONFIG_FILE_NAME);
  return { stateDir, configPath };
}

/**
 * The log file for a given day: `YYYY-MM-DD` in the configured name becomes the local date. Kept out of the
 * parsed config on purpose so a long-running gateway can roll over to a new file at midnight.
 */
export function resolveLogFile(
  template: string,
  date: Date = new Date(),
  home: string = os.homedir(),
): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  return path.resolve(expandHome(template.replaceAll('YYYY-MM-DD', day), home));
}
