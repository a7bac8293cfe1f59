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

export interface LoadedConfigFile {
  /** The text (null: no file). Bytes that are not UTF-8 show as U+FFFD here, and `result` says where. */
  raw: string | null;
  result: ConfigValidation;
  /** Set when the file is not valid UTF-8: the text above is not what is on disk, so it must not be written back. */
  encodingError?: ConfigIssue;
  /** Set when the file exists but could not be read (permissions, a directory in its place). */
  readError?: string;
}

/** Reads and validates the config file: by the CLI without a gateway, and by the gateway on start and reload. */
export async function loadConfigFile(configPath: string): Promise<LoadedConfigFile> {
  let bytes: Buffer;
  try {
    bytes = await fsp.readFile(configPath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      return { raw: null, result: validateConfigText(null) };
    const message = `cannot read ${configPath}: ${(err as Error).message}`;
    return {
      raw: null,
      result: { ok: false, errors: [{ path: '', message }], warnings: [] },
      readError: message,
    };
  }
  const decoded = decodeUtf8(bytes);
  if ('text' in decoded) return { raw: decoded.text, result: validateConfigText(decoded.text) };
  const { issue } = decoded;
  return {
    raw: bytes.toString('utf8'),
    result: { ok: false, errors: [issue], warnings: [] },
    encodingError: issue,
  };
}

/**
 * Strict UTF-8: a lenient decode would turn a stray byte (a file saved as Latin-1) into U+FFFD inside a value,
 * and the file would pass as valid with a different value than the one written.
 */
export function decodeUtf8(bytes: Uint8Array): { text: string } | { issue: ConfigIssue } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes) };
  } catch {
    const offset = firstInvalidUtf8(bytes);
    const before = new TextDecoder('utf-8').decode(bytes.subarray(0, offset));
    const lineStart = before.lastIndexOf('\n') + 1;
    const byte = (bytes[offset] ?? 0).toString(16).toUpperCase().padStart(2, '0');
    return {
      issue: {
        path: '',
        message: `the file is not valid UTF-8: byte 0x${byte} at byte offset ${offset} does not belong there (save the file as UTF-8)`,
        line: before.split('\n').length,
        column: before.length - lineStart + 1,
      },
    };
  }
}

/** Offset of the first byte that starts no well-formed UTF-8 sequence (the bytes are known to be invalid). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  const strict = new TextDecoder('utf-8', { fatal: true });
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    const len =
      b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (len === 0 || i + len > bytes.length) return i;
    try {
      // Catches bad continuation bytes, overlong forms and surrogates within the sequence.
      strict.decode(bytes.subarray(i, i + len));
    } catch {
      return i;
    }
    i += len;
  }
  return bytes.length;
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
