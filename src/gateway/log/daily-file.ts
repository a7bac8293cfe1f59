// The log file for the local day a line was written on. Writes are synchronous (as pino's default destination
// is), so a crash loses nothing and shutdown has nothing to drain. The day window of the open file is cached, so
// the per-line rotation check is two number comparisons. A folder or file that is not safely ours (log-folder.ts)
// sends the day's lines to the per-user fallback folder instead; each open also prunes old daily files.
import fs from 'node:fs';
import path from 'node:path';
import { resolveLogFile } from '../config/paths';
import {
  checkLogFile,
  DEFAULT_MAX_FILES,
  fallbackFile,
  prepareLogFolder,
  pruneDailyFiles,
  refusalOf,
} from './log-folder';

/** After a failed open, how long to wait before trying again within the same day. */
const RETRY_MS = 60_000;
const OPEN_FLAGS =
  fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT | (fs.constants.O_NOFOLLOW ?? 0);

/** Called when the file becomes unusable (a sentence) or usable again (null). */
export type ProblemListener = (problem: string | null, file: string) => void;

export interface DailyFileOptions {
  /** Per-user folder used when the configured folder or file is refused (not ours, or a symbolic link). */
  fallbackDir?: string;
  /** Daily files kept in the folder written to; older ones of ours are deleted when a file is opened. */
  maxFiles?: number;
  /** Told once per refused path and reason, with the fallback now in use. */
  onNotice?: (message: string) => void;
}

export class DailyFile {
  private fd: number | null = null;
  /** The configured path for the open day; `openPath` differs from it when the fallback is in use. */
  private wantedPath = '';
  private openPath = '';
  private maxFiles: number;
  private readonly said = new Set<string>();
  private dayStart = 0;
  private dayEnd = 0;
  private problemText: string | null = null;
  private retryAt = 0;
  private closed = false;

  constructor(
    private template: string,
    private readonly onProblem: ProblemListener = () => {},
    private readonly opts: DailyFileOptions = {},
  ) {
    this.maxFiles = opts.maxFiles ?? DEFAULT_MAX_FILES;
  }

  /** Where lines of `at` go: the configured file, or its fallback while the configured one is refused. */
  currentPath(at: number): string {
    const wanted = this.pathFor(at);
    const fellBack = this.opts.fallbackDir !== undefined && this.openPath !== this.wantedPath;
    return fellBack ? fallbackFile(wanted, this.opts.fallbackDir!) : wanted;
  }

  setMaxFiles(maxFiles: number): void {
    if (maxFiles === this.maxFiles) return;
    this.maxFiles = maxFiles;
    if (this.fd !== null) this.prune();
  }

  pathFor(at: number): string {
    return resolveLogFile(this.template, new Date(at));
  }

  problem(): string | null {
    return this.problemText;
  }

  /** Switches to a new template; opens right away so a bad path is reported now rather than at the next line. */
  setTemplate(template: string, at: number): void {
    if (template === this.template) return;
    this.template = template;
    this.release();
    this.retryAt = 0;
    this.open(at);
  }

  write(line: string, at: number): void {
    if (this.closed) return;
    const sameDay = at >= this.dayStart && at < this.dayEnd;
    if (this.fd === null || !sameDay) {
      // A failed open is retried on a new day (new path) or after a pause, not on every line.
      if (this.fd === null && this.problemText !== null && sameDay && at < this.retryAt) return;
      this.open(at);
    }
    if (this.fd === null) return;
    try {
      const buf = Buffer.from(line);
      for (let off = 0; off < buf.length;) off += fs.writeSync(this.fd, buf, off);
    } catch (err) {
      this.release();
      this.fail(`cannot write log file ${this.openPath}: ${reason(err)}`, at);
    }
  }

  /** Opens the file for `at` now (the hub does this at start so a bad path shows up before the first line). */
  open(at: number): void {
    if (this.closed) return;
    const d = new Date(at);
    this.dayStart = new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
    this.dayEnd = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime();
    const file = this.pathFor(at);
    if (this.fd !== null && file === this.wantedPath) return; // a template without a date: same file every day
    this.release();
    this.wantedPath = file;
    this.openPath = file;
    try {
      this.fd = openSafely(file);
    } catch (err) {
      const refusal = refusalOf(err, file);
      if (!refusal || !this.opts.fallbackDir) {
        this.fail(`cannot open log file ${file}: ${refusal?.reason ?? reason(err)}`, at);
        return;
      }
      this.openPath = fallbackFile(file, this.opts.fallbackDir);
      try {
        this.fd = openSafely(this.openPath);
      } catch (fallbackErr) {
        this.fail(`cannot open log file ${this.openPath} (${refusal.message}): ${reason(fallbackErr)}`, at);
        return;
      }
      this.sayOnce(refusal.message, `${refusal.message}; writing logs to ${this.openPath} instead`);
    }
    this.prune();
    if (this.problemText !== null) {
      this.problemText = null;
      this.onProblem(null, file);
    }
  }

  close(): void {
    this.closed = true;
    this.release();
  }

  /** Once per refused path and reason: the fallback file's name changes daily, the news does not. */
  private sayOnce(key: string, message: string): void {
    if (this.said.has(key)) return;
    this.said.add(key);
    this.opts.onNotice?.(message);
  }

  private prune(): void {
    try {
      pruneDailyFiles(this.template, this.openPath, this.maxFiles);
    } catch {
      // An unreadable folder listing only means old files stay; the log itself is fine.
    }
  }

  private fail(problem: string, at: number): void {
    this.retryAt = at + RETRY_MS;
    const changed = problem !== this.problemText;
    this.problemText = problem;
    if (changed) this.onProblem(problem, this.openPath);
  }

  private release(): void {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    try {
      fs.closeSync(fd);
    } catch {
      // Already closed or the disk vanished: either way the handle is gone.
    }
  }
}

/** Opens (creating 0600) a log file in a folder of ours, refusing symbolic links and other owners' files. */
function openSafely(file: string): number {
  prepareLogFolder(path.dirname(file));
  // O_NOFOLLOW: a symbolic link planted at the file's name fails the open (ELOOP) instead of being followed.
  const fd = fs.openSync(file, OPEN_FLAGS, 0o600);
  checkLogFile(fd, file);
  tighten(fd);
  return fd;
}

function tighten(fd: number): void {
  try {
    fs.fchmodSync(fd, 0o600);
  } catch {
    // A file we may append to but not chmod (another owner): leave its mode alone.
  }
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
