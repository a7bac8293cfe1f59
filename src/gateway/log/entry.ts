// Turning a serialized pino line into the LogEntry the control API and the UI see.
import type { LogEntry, LogLevel } from '../../shared/contract';

/** Subsystem reported for lines logged on the root logger. */
export const ROOT_SUBSYSTEM = 'gateway';

export const LEVEL_VALUES: Record<LogLevel, number> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
};
const LEVEL_NAMES = new Map<number, LogLevel>(
  Object.entries(LEVEL_VALUES).map(([name, value]) => [value, name as LogLevel]),
);
/** Keys of a pino line that LogEntry carries elsewhere or that are the same on every line. */
const ENVELOPE_KEYS = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'subsystem']);
export type ParsedLine = Record<string, unknown>;

export function parseLine(text: string): ParsedLine | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as ParsedLine)
      : undefined;
  } catch {
    return undefined;
  }
}

export function toEntry(line: ParsedLine, value: number, time: number): LogEntry {
  const fields: Record<string, unknown> = {};
  let any = false;
  for (const key of Object.keys(line)) {
    if (ENVELOPE_KEYS.has(key)) continue;
    fields[key] = line[key];
    any = true;
  }
  const entry: LogEntry = {
    time,
    level: levelName(value),
    subsystem: typeof line.subsystem === 'string' && line.subsystem !== '' ? line.subsystem : ROOT_SUBSYSTEM,
    msg: typeof line.msg === 'string' ? line.msg : line.msg === undefined ? '' : String(line.msg),
  };
  if (any) entry.fields = fields;
  return entry;
}

function levelName(value: number): LogLevel {
  const exact = LEVEL_NAMES.get(value);
  if (exact) return exact;
  // A custom level value: report the nearest standard one below it.
  let best: LogLevel = 'trace';
  for (const [name, v] of Object.entries(LEVEL_VALUES)) if (v <= value) best = name as LogLevel;
  return best;
}
