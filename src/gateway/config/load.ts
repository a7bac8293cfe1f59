// Reading the config file and the saved "last good" copy, shared by the running gateway (ConfigService) and the
// CLI, which validates files without a gateway.
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { ConfigIssue } from '../../shared/contract';
import { ensurePrivateDir, writeFileAtomic } from '../fs/atomic-write';
import type { OpenClawConfig } from './schema';
import { formatIssues, validateConfigText, type ConfigValidation } from './validate';

export const LAST_GOOD_FILE = 'config-last-good.json';

/** Thrown by ConfigService.open when the file is invalid and no earlier valid config exists to run on. */
export class ConfigStartupError extends Error {
  constructor(
    readonly file: string,
    readonly issues: ConfigIssue[],
  ) {
    super(
      `the config at ${file} is invalid and there is no earlier valid config to fall back on:\n${formatIssues(issues)}`,
    );
    this.name = 'ConfigStartupError';
  }
}

/** sha256 hex of the file text; '' stands for "no file". */
export const sha256 = (text: string | null): string =>
  text === null ? '' : createHash('sha256').update(text).digest('hex');

/** The file's text, or null when it does not exist (other read errors are thrown). */
export async function readText(file: string): Promise<string | null> {
  try {
    return await fsp.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Reads and validates a config file without a running gateway (CLI `config validate`, `doctor`). */
export async function loadConfigFile(
  configPath: string,
): Promise<{ raw: string | null; result: ConfigValidation }> {
  let raw: string | null;
  try {
    raw = await readText(configPath);
  } catch (err) {
    const message = `cannot read ${configPath}: ${(err as Error).message}`;
    return { raw: null, result: { ok: false, errors: [{ path: '', message }], warnings: [] } };
  }
  return { raw, result: validateConfigText(raw ?? '') };
}

interface LastGoodRecord {
  configPath: string;
  raw: string;
  savedAt: string;
}

export async function writeLastGood(stateDir: string, configPath: string, raw: string): Promise<void> {
  const record: LastGoodRecord = { configPath, raw, savedAt: new Date().toISOString() };
  await ensurePrivateDir(stateDir);
  await writeFileAtomic(path.join(stateDir, LAST_GOOD_FILE), JSON.stringify(record), { mode: 0o600 });
}

/** The saved last valid config for `configPath`, if there is one that still validates. */
export async function readLastGood(
  stateDir: string,
  configPath: string,
  log: Logger,
): Promise<{ raw: string; savedAt: string; config: OpenClawConfig } | undefined> {
  let record: Partial<LastGoodRecord>;
  try {
    const text = await readText(path.join(stateDir, LAST_GOOD_FILE));
    if (text === null) return undefined;
    record = JSON.parse(text) as Partial<LastGoodRecord>;
  } catch (err) {
    log.warn({ err }, 'the saved last valid config is unreadable; ignoring it');
    return undefined;
  }
  // Saved for another file (OPENCLAW_CONFIG_PATH changed): not a fallback for this one.
  if (record.configPath !== configPath || typeof record.raw !== 'string') return undefined;
  // Re-check it: a newer version of this program may have tightened the schema since it was saved.
  const result = validateConfigText(record.raw);
  if (!result.ok) return undefined;
  return { raw: record.raw, savedAt: String(record.savedAt ?? 'an earlier run'), config: result.config };
}
