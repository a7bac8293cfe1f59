// `openclaw logs`: recent lines from the running gateway, `--follow` for live ones. With no gateway running it
// reads today's log file instead (that is when logs matter most), and says so.
import { readFile } from 'node:fs/promises';
import { LOG_LEVELS, LogLevelSchema, type LogEntry, type LogLevel } from '../../shared/contract';
import { DEFAULT_LOG_FILE, resolveLogFile } from '../../gateway/config/paths';
import { loadConfigFile } from '../../gateway/config/service';
import { formatConsoleLine } from '../../gateway/log/console-format';
import { LEVEL_VALUES, parseLine, toEntry } from '../../gateway/log/entry';
import { logFallbackDir, readableLogFile } from '../../gateway/log/log-folder';
import { connectControl } from '../client';
import { CliError, GatewayNotRunningError } from '../errors';
import { locateGateway } from '../locate';

interface LogsOptions {
  follow?: boolean;
  subsystem?: string;
  lines?: string;
  level?: string;
  json?: boolean;
}

export async function logs(opts: LogsOptions): Promise<number> {
  const limit = opts.lines === undefined ? 100 : Number(opts.lines);
  if (!Number.isInteger(limit) || limit < 1 || limit > 5000) {
    throw new CliError(`--lines must be a whole number from 1 to 5000 (got ${JSON.stringify(opts.lines)})`);
  }
  const level = opts.level === undefined ? undefined : LogLevelSchema.safeParse(opts.level);
  if (level && !level.success)
    throw new CliError(`--level must be one of ${LOG_LEVELS.join(', ')} (got ${JSON.stringify(opts.level)})`);
  const minLevel = level?.data;
  const print = (entry: LogEntry) => console.log(opts.json ? JSON.stringify(entry) : formatEntry(entry));

  const where = await locateGateway();
  let client;
  try {
    client = await connectControl(where);
  } catch (err) {
    if (!(err instanceof GatewayNotRunningError)) throw err;
    if (opts.follow) throw err;
    return fromFile(where, { subsystem: opts.subsystem, minLevel, limit }, print);
  }
  try {
    const { entries } = await client.call('logs.tail', { limit, subsystem: opts.subsystem, minLevel });
    entries.forEach(print);
    if (!opts.follow) return 0;
    const matches = (e: LogEntry) =>
      (!opts.subsystem || e.subsystem === opts.subsystem) && (!minLevel || rank(e.level) >= rank(minLevel));
    await client.on('log', (entry) => matches(entry) && print(entry));
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      client.onClose(() => {
        console.error('The gateway closed the connection.');
        resolve();
      });
    });
    return 0;
  } finally {
    client.close();
  }
}

async function fromFile(
  { configPath, stateDir }: { configPath: string; stateDir: string },
  filter: { subsystem?: string; minLevel?: LogLevel; limit: number },
  print: (e: LogEntry) => void,
): Promise<number> {
  const { result } = await loadConfigFile(configPath);
  // Where the gateway wrote: the configured file, or its per-user fallback when that folder was refused.
  const configured = resolveLogFile(result.ok ? result.config.logging.file : DEFAULT_LOG_FILE);
  const file = readableLogFile(configured, logFallbackDir(stateDir));
  console.error(`(no gateway running; reading ${file})`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new CliError(`No gateway is running and there is no log file for today at ${file}.`);
  }
  const entries: LogEntry[] = [];
  for (const line of text.split('\n')) {
    const entry = entryFromLine(line);
    if (!entry) continue;
    if (filter.subsystem && entry.subsystem !== filter.subsystem) continue;
    if (filter.minLevel && rank(entry.level) < rank(filter.minLevel)) continue;
    entries.push(entry);
  }
  entries.slice(-filter.limit).forEach(print);
  return 0;
}

function entryFromLine(text: string): LogEntry | undefined {
  const line = parseLine(text);
  if (!line) return undefined;
  const level = typeof line.level === 'number' ? line.level : LEVEL_VALUES.info;
  const time = typeof line.time === 'number' ? line.time : Date.parse(String(line.time));
  return toEntry(line, level, time);
}

function rank(level: LogLevel): number {
  return LOG_LEVELS.indexOf(level);
}

export function formatEntry(e: LogEntry): string {
  return formatConsoleLine(e, { withDate: true }).trimEnd();
}
