// Pure helpers behind the Logs screen: a bounded buffer, merging the initial tail with events that raced it,
// and the filters. Kept apart from React so they are tested under Node.
import type { LogEntry, LogLevel } from '../../shared/contract';

export const MAX_LOG_LINES = 2000;

// The contract's level order, restated so the UI bundle does not pull in zod for one array; the check below
// fails to compile if the contract gains a level this list lacks.
export const LEVELS = [
  'trace',
  'debug',
  'info',
  'warn',
  'error',
  'fatal',
] as const satisfies readonly LogLevel[];
const _allLevels: Exclude<LogLevel, (typeof LEVELS)[number]> extends never ? true : never = true;
void _allLevels;

/** `existing` followed by `incoming`, keeping only the newest `max` lines. */
export function appendBounded(existing: LogEntry[], incoming: LogEntry[], max = MAX_LOG_LINES): LogEntry[] {
  if (incoming.length === 0) return existing;
  const all = existing.concat(incoming);
  return all.length > max ? all.slice(all.length - max) : all;
}

const keyOf = (e: LogEntry) => `${e.time}\u0000${e.level}\u0000${e.subsystem}\u0000${e.msg}`;

/**
 * The tail answer followed by the live events that arrived while it was in flight, without the lines that are in
 * both (an event emitted just before the tail was read shows up in each).
 */
export function mergeTail(tail: LogEntry[], live: LogEntry[], max = MAX_LOG_LINES): LogEntry[] {
  const seen = new Set(tail.slice(-Math.max(live.length, 1) * 2).map(keyOf));
  const fresh = live.filter((e) => !seen.has(keyOf(e)));
  return appendBounded(tail.slice(-max), fresh, max);
}

export interface LogFilter {
  /** '' for all; otherwise the subsystem itself or any of its children (`whatsapp` matches `whatsapp/inbound`). */
  subsystem: string;
  /** Case-insensitive substring of the message, the subsystem or the fields. */
  text: string;
  minLevel: LogLevel;
}

export const NO_FILTER: LogFilter = { subsystem: '', text: '', minLevel: 'trace' };

export function levelRank(level: LogLevel): number {
  return LEVELS.indexOf(level);
}

export function matchesFilter(entry: LogEntry, filter: LogFilter): boolean {
  if (levelRank(entry.level) < levelRank(filter.minLevel)) return false;
  if (
    filter.subsystem &&
    entry.subsystem !== filter.subsystem &&
    !entry.subsystem.startsWith(`${filter.subsystem}/`)
  ) {
    return false;
  }
  const needle = filter.text.trim().toLowerCase();
  if (!needle) return true;
  return (
    entry.msg.toLowerCase().includes(needle) ||
    entry.subsystem.toLowerCase().includes(needle) ||
    (entry.fields !== undefined && fieldsText(entry.fields).toLowerCase().includes(needle))
  );
}

/** Every subsystem seen, with its parents (`whatsapp/inbound` also offers `whatsapp`), sorted. */
export function subsystemsOf(entries: LogEntry[], known: readonly string[] = []): string[] {
  const out = new Set(known);
  for (const { subsystem } of entries) {
    const parts = subsystem.split('/');
    for (let i = 1; i <= parts.length; i++) out.add(parts.slice(0, i).join('/'));
  }
  out.delete('');
  return [...out].sort();
}

/** HH:MM:SS.mmm in local time. */
export function formatLogTime(time: number): string {
  const d = new Date(time);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** The extra structured fields as one short line. */
export function fieldsText(fields: Record<string, unknown>, max = 300): string {
  const keys = Object.keys(fields);
  if (keys.length === 0) return '';
  let text: string;
  try {
    text = keys
      .map((k) => `${k}=${typeof fields[k] === 'string' ? fields[k] : JSON.stringify(fields[k])}`)
      .join(' ');
  } catch {
    text = keys.join(' ');
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

// Stable React keys for log lines: entries are immutable objects kept by reference, so a WeakMap numbers them
// once and trimming the buffer does not re-key (and re-mount) every row.
const rowIds = new WeakMap<LogEntry, number>();
let nextRowId = 1;

export function rowKey(entry: LogEntry): number {
  let id = rowIds.get(entry);
  if (id === undefined) {
    id = nextRowId++;
    rowIds.set(entry, id);
  }
  return id;
}
