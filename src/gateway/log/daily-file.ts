// The log file for the local day a line was written on. Writes are synchronous (as pino's default destination
// is), so a crash loses nothing and shutdown has nothing to drain. The day window of the open file is cached, so
// the per-line rotation check is two number comparisons.
import fs from 'node:fs';
import path from 'node:path';
import { resolveLogFile } from '../config/paths';

/** After a failed open, how long to wait before trying again within the same day. */
const RETRY_MS = 60_000;
const OPEN_FLAGS =
  fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT | (fs.constants.O_NOFOLLOW ?? 0);

/** Called when the file becomes unusable (a sentence) or usable again (null). */
export type ProblemListener = (problem: string | null, file: string) => void;

export class DailyFile {
  private fd: number | null = null;
  private openPath = '';
  private dayStart = 0;
  private dayEnd = 0;
  private problemText: string | null = null;
  private retryAt = 0;
  private closed = false;

  constructor(
    private template: string,
    private readonly onProblem: ProblemListener = () => {},
  ) {}

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
    if (this.fd !== null && file === this.openPath) return; // a template without a date: same file every day
    this.release();
    this.openPath = file;
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      // O_NOFOLLOW: the default directory is under the shared /tmp, where someone else could plant a symlink.
      this.fd = fs.openSync(file, OPEN_FLAGS, 0o600);
      tighten(this.fd);
    } catch (err) {
      this.fail(`cannot open log file ${file}: ${reason(err)}`, at);
      return;
    }
    if (this.problemText !== null) {
      this.problemText = null;
      this.onProblem(null, file);
    }
  }

  close(): void {
    this.closed = true;
    this.release();
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
