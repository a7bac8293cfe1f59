// The gateway's one logging pipeline. pino serializes each line once; our destination then censors secrets, writes
// the JSON to the daily file, keeps a LogEntry in a ring for `logs.tail` and the UI, prints a short line to the
// console when asked, and tells subscribers. Everything runs on the calling thread: no worker transports, so
// shutdown has nothing to drain and tests see lines the moment they are logged.
import { pino, type Logger } from 'pino';
import type { LogEntry, LogLevel } from '../../shared/contract';
import { formatConsoleLine } from './console-format';
import { DEFAULT_LOG_FILE } from '../config/paths';
import { DailyFile } from './daily-file';
import { DEFAULT_MAX_FILES } from './log-folder';
import { LEVEL_VALUES, parseLine, toEntry, type ParsedLine } from './entry';
import { CENSOR, PINO_REDACT_PATHS, redactKeysDeep, SecretScrubber } from './redact';
import { Ring } from './ring';

export { ROOT_SUBSYSTEM } from './entry';
export const DEFAULT_LEVEL: LogLevel = 'info';
export const DEFAULT_RING_SIZE = 2000;
export const DEFAULT_TAIL_LIMIT = 200;
/** Subsystem of the hub's own notices (the log file became unwritable, or writable again). */
export const LOG_SUBSYSTEM = 'log';

export interface LogHubOptions {
  /** Path template; the literal YYYY-MM-DD becomes the local date of each line. */
  file?: string;
  level?: LogLevel;
  /** Human-readable copy of each line (e.g. process.stdout for `openclaw gateway run`); none when null. */
  console?: NodeJS.WritableStream | null;
  /** Defaults to, and then follows, `level`. */
  consoleLevel?: LogLevel;
  ringSize?: number;
  now?: () => Date;
  /** Per-user folder for the log when the configured folder or file is refused (see log-folder.ts). */
  fallbackDir?: string;
  /** Daily files kept (`logging.maxFiles`). */
  maxFiles?: number;
}

export interface TailOptions {
  limit?: number;
  subsystem?: string;
  minLevel?: LogLevel;
}

export interface LogHub {
  readonly root: Logger;
  /** A logger whose every line carries `{ subsystem }`. */
  child(subsystem: string): Logger;
  /** Recent entries, oldest first, newest last. */
  tail(opts?: TailOptions): LogEntry[];
  /** Called for each entry at or above `level`; returns the unsubscribe function. */
  onEntry(listener: (entry: LogEntry) => void): () => void;
  /** Censors this exact value anywhere in later lines. */
  addSecret(value: string): void;
  /** Hot reload: an absent key keeps its setting, a key given as undefined returns to its default. */
  configure(opts: { file?: string; level?: LogLevel; consoleLevel?: LogLevel; maxFiles?: number }): void;
  /** Today's resolved log file path (the fallback one while the configured one is refused). */
  currentFile(): string;
  /** Why the log file cannot be written right now, or null when it can. */
  fileError(): string | null;
  flush(): Promise<void>;
  close(): Promise<void>;
}

const DRAIN_WAIT_MS = 1000;

export function createLogHub(opts: LogHubOptions = {}): LogHub {
  const now = opts.now ?? (() => new Date());
  let level: LogLevel = opts.level ?? DEFAULT_LEVEL;
  let consoleLevel: LogLevel | undefined = opts.consoleLevel;
  let out = opts.console ?? null;
  const ring = new Ring<LogEntry>(opts.ringSize ?? DEFAULT_RING_SIZE);
  const listeners = new Set<(entry: LogEntry) => void>();
  const secrets = new SecretScrubber();
  let dispatching = false;
  let closed = false;

  // Notices about the file itself go around pino: the file may be what failed, and this must not recurse into
  // the destination. A fallback notice is written to the (fallback) file too, since it is open by then.
  const notice = (noticeLevel: 'info' | 'warn', msg: string, toFile = false) => {
    const time = now().getTime();
    const entry: LogEntry = {
      time,
      level: noticeLevel,
      subsystem: LOG_SUBSYSTEM,
      msg: secrets.scrubText(msg),
    };
    if (toFile && LEVEL_VALUES[noticeLevel] >= LEVEL_VALUES[level]) {
      const line = { level: LEVEL_VALUES[noticeLevel], time, subsystem: LOG_SUBSYSTEM, msg: entry.msg };
      file.write(`${JSON.stringify(line)}\n`, time);
    }
    publish(entry);
  };
  const file = new DailyFile(
    opts.file ?? DEFAULT_LOG_FILE,
    (problem, where) => notice(problem ? 'warn' : 'info', problem ?? `writing log file ${where} again`),
    {
      fallbackDir: opts.fallbackDir,
      maxFiles: opts.maxFiles,
      onNotice: (msg) => notice('warn', msg, true),
    },
  );

  const consoleStream = out;
  const onConsoleError = () => {
    // A closed terminal or pipe (EPIPE) must not take the gateway down; the file and ring carry on. The listener
    // stays attached: writes already issued can fail with more errors.
    out = null;
  };
  out?.on('error', onConsoleError);

  const effectiveConsoleLevel = () => consoleLevel ?? level;
  const rootLevel = (): LogLevel => {
    if (!out) return level;
    return LEVEL_VALUES[effectiveConsoleLevel()] < LEVEL_VALUES[level] ? effectiveConsoleLevel() : level;
  };

  const destination = {
    write(line: string) {
      if (!closed) accept(line);
    },
  };

  // Children read the level through the prototype chain, so setting root.level later reaches every child that
  // has not been given its own level.
  const root = pino(
    {
      level: rootLevel(),
      redact: { paths: [...PINO_REDACT_PATHS], censor: CENSOR },
      timestamp: () => `,"time":${now().getTime()}`,
    },
    destination,
  );

  file.open(now().getTime());

  function accept(raw: string): void {
    let text = secrets.empty ? raw : secrets.scrubText(raw);
    let line = parseLine(text);
    if (!line) {
      // Censoring cut through JSON syntax (a secret that also matched a number or a key): censor value by value.
      line = secrets.scrubDeep(
        parseLine(raw) ?? { level: 30, time: now().getTime(), msg: raw.trim() },
      ) as ParsedLine;
      text = `${JSON.stringify(line)}\n`;
    }
    if (redactKeysDeep(line)) text = `${JSON.stringify(line)}\n`;

    const value = typeof line.level === 'number' ? line.level : LEVEL_VALUES.info;
    const time = typeof line.time === 'number' ? line.time : now().getTime();
    const entry = toEntry(line, value, time);
    if (value >= LEVEL_VALUES[level]) {
      file.write(text, time);
      publish(entry, value);
    } else {
      writeConsole(entry, value);
    }
  }

  function publish(entry: LogEntry, value = LEVEL_VALUES[entry.level]): void {
    ring.push(entry);
    writeConsole(entry, value);
    // Lines logged by a listener still reach file, ring and console, but not listeners: that would loop forever.
    if (dispatching || listeners.size === 0) return;
    dispatching = true;
    try {
      for (const listener of listeners) {
        try {
          listener(entry);
        } catch {
          // A broken subscriber (say, a closed WebSocket) must not stop logging or the other subscribers.
        }
      }
    } finally {
      dispatching = false;
    }
  }

  function writeConsole(entry: LogEntry, value: number): void {
    if (!out || value < LEVEL_VALUES[effectiveConsoleLevel()]) return;
    try {
      out.write(formatConsoleLine(entry));
    } catch {
      out = null;
    }
  }

  return {
    root,
    child: (subsystem) => root.child({ subsystem }),

    tail({ limit = DEFAULT_TAIL_LIMIT, subsystem, minLevel } = {}) {
      const min = minLevel ? LEVEL_VALUES[minLevel] : 0;
      const picked: LogEntry[] = [];
      if (limit <= 0) return picked;
      for (const entry of ring.newestFirst()) {
        if (subsystem !== undefined && entry.subsystem !== subsystem) continue;
        if (LEVEL_VALUES[entry.level] < min) continue;
        picked.push(entry);
        if (picked.length >= limit) break;
      }
      return picked.reverse();
    },

    onEntry(listener) {
      const own = (entry: LogEntry) => listener(entry);
      listeners.add(own);
      return () => {
        listeners.delete(own);
      };
    },

    addSecret(value) {
      secrets.add(value);
    },

    configure(next) {
      if (closed) return;
      // A key given as undefined goes back to its default (a setting removed from the config); an absent key stays.
      if ('level' in next) level = next.level ?? DEFAULT_LEVEL;
      if ('consoleLevel' in next) consoleLevel = next.consoleLevel;
      root.level = rootLevel();
      if ('maxFiles' in next) file.setMaxFiles(next.maxFiles ?? DEFAULT_MAX_FILES);
      if ('file' in next) file.setTemplate(next.file ?? DEFAULT_LOG_FILE, now().getTime());
    },

    currentFile: () => file.currentPath(now().getTime()),
    fileError: () => file.problem(),

    flush,

    async close() {
      if (closed) return;
      await flush();
      closed = true;
      file.close();
      // Only detach from a healthy, drained stream; one that failed may still report errors for earlier writes.
      if (out && out === consoleStream && !(out as { writableLength?: number }).writableLength) {
        out.removeListener('error', onConsoleError);
      }
      out = null;
      listeners.clear();
    },
  };

  async function flush(): Promise<void> {
    // File writes are synchronous; only a console stream that is applying backpressure can hold lines back.
    const stream = out as (NodeJS.WritableStream & { writableNeedDrain?: boolean }) | null;
    if (!stream?.writableNeedDrain) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        stream.removeListener('drain', done);
        resolve();
      };
      const timer = setTimeout(done, DRAIN_WAIT_MS);
      stream.once('drain', done);
    });
  }
}
