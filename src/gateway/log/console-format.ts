// One short human line per entry for `openclaw gateway run` in a terminal; the JSON file stays the full record.
import type { LogEntry } from '../../shared/contract';

const MAX_VALUE = 200;

/** `withDate` prefixes the local date, for reading lines of other days (`openclaw logs`). */
export function formatConsoleLine(entry: LogEntry, opts: { withDate?: boolean } = {}): string {
  const d = new Date(entry.time);
  const pad = (n: number) => String(n).padStart(2, '0');
  const day = opts.withDate ? `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` : '';
  const clock = `${day}${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  let line = `${clock} ${entry.level.padEnd(5)} ${entry.subsystem} ${oneLine(entry.msg)}`;
  for (const [key, value] of Object.entries(entry.fields ?? {})) line += ` ${key}=${formatValue(value)}`;
  return `${line}\n`;
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : truncate(JSON.stringify(value));
  if (value === null || typeof value !== 'object') return String(value);
  // pino's error serializer output: the message is what a person scanning a terminal needs; the stack is in the file.
  const err = value as { type?: unknown; message?: unknown; stack?: unknown };
  if (typeof err.message === 'string' && typeof err.stack === 'string') {
    const type = typeof err.type === 'string' ? `${err.type}: ` : '';
    return truncate(JSON.stringify(type + err.message));
  }
  return truncate(JSON.stringify(value) ?? String(value));
}

function truncate(text: string): string {
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

function oneLine(text: string): string {
  return text.replace(/\r?\n/g, '\\n');
}
