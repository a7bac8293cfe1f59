// Whether a log folder and file are safe to write, and which old daily files to delete. The default folder sits in
// the shared /tmp, so another local user could create `/tmp/openclaw` before us and read what we log (phone
// numbers, pairing codes), or plant a symbolic link there. A folder or file that is not ours, or is a symbolic
// link, is refused, and the caller writes to its per-user fallback instead (`<stateDir>/logs`).
import fs from 'node:fs';
import path from 'node:path';

/** Daily files kept by default (`logging.maxFiles`). */
export const DEFAULT_MAX_FILES = 14;

/** A folder or file the log must not go to; `reason` finishes "refused <path>: …". */
export class RefusedLogPath extends Error {
  override name = 'RefusedLogPath';
  constructor(
    readonly refused: string,
    readonly reason: string,
  ) {
    super(`refused ${refused}: ${reason}`);
  }
}

const ownUid = (): number | undefined => process.getuid?.();

/**
 * Makes `dir` (0700 when created) and checks it is ours and a real folder. An existing folder of ours that others
 * may write to is tightened to 0700; a shared one (sticky, like /tmp itself) cannot be, and is refused. Other
 * failures (a file where the folder should be, a read-only disk) throw as they are.
 */
export function prepareLogFolder(dir: string): void {
  fs.mkdirSync(path.dirname(dir), { recursive: true, mode: 0o700 });
  try {
    fs.mkdirSync(dir, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const st = fs.lstatSync(dir);
  if (st.isSymbolicLink()) throw new RefusedLogPath(dir, 'the folder is a symbolic link');
  if (!st.isDirectory()) throw new Error(`${dir} is not a folder`);
  const uid = ownUid();
  if (uid !== undefined && st.uid !== uid) {
    throw new RefusedLogPath(dir, `the folder belongs to another user (uid ${st.uid})`);
  }
  if (uid !== undefined && (st.mode & 0o022) !== 0) {
    if ((st.mode & 0o1000) !== 0)
      throw new RefusedLogPath(dir, 'the folder is shared (anyone may write to it)');
    fs.chmodSync(dir, 0o700);
  }
}

/** Checks a freshly opened log file: refused unless it is a regular file of ours (closes `fd` when refused). */
export function checkLogFile(fd: number, file: string): void {
  const st = fs.fstatSync(fd);
  const uid = ownUid();
  let reason: string | null = null;
  if (!st.isFile()) reason = 'it is not a regular file';
  else if (uid !== undefined && st.uid !== uid) reason = `the file belongs to another user (uid ${st.uid})`;
  if (reason === null) return;
  fs.closeSync(fd);
  throw new RefusedLogPath(file, reason);
}

/** An open failure that means "someone put a symbolic link here" (O_NOFOLLOW's ELOOP) becomes a refusal. */
export function refusalOf(err: unknown, file: string): RefusedLogPath | null {
  if (err instanceof RefusedLogPath) return err;
  if ((err as NodeJS.ErrnoException).code === 'ELOOP')
    return new RefusedLogPath(file, 'the file is a symbolic link');
  return null;
}

/** The per-user folder for logs whose configured place is refused; `OPENCLAW_STATE_DIR` moves it too. */
export function logFallbackDir(stateDir: string): string {
  return path.join(stateDir, 'logs');
}

/** Where a file goes when its folder is refused: the same name in the per-user fallback folder. */
export function fallbackFile(file: string, fallbackDir: string): string {
  return path.join(fallbackDir, path.basename(file));
}

/**
 * Our daily files in `dir` for a template whose file name holds the date, matched on the whole name, so nothing
 * else in the folder is ever touched. Null when the date is not in the file name (nothing to prune).
 */
function dailyPattern(template: string): RegExp | null {
  const name = path.basename(template);
  const at = name.indexOf('YYYY-MM-DD');
  if (at < 0) return null;
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escape(name.slice(0, at))}(\\d{4}-\\d{2}-\\d{2})${escape(name.slice(at + 10))}$`);
}

/**
 * Deletes our daily files in the folder of `current` beyond the newest `maxFiles` (by the date in their names;
 * `current` always stays). Only regular files of ours are deleted. Returns the deleted paths.
 */
export function pruneDailyFiles(template: string, current: string, maxFiles: number): string[] {
  const pattern = dailyPattern(template);
  if (!pattern) return [];
  const dir = path.dirname(current);
  const dated = fs
    .readdirSync(dir)
    .map((name) => ({ name, day: pattern.exec(name)?.[1] }))
    .filter(
      (f): f is { name: string; day: string } => f.day !== undefined && f.name !== path.basename(current),
    )
    .sort((a, b) => (a.day < b.day ? 1 : a.day > b.day ? -1 : 0));
  const removed: string[] = [];
  const uid = ownUid();
  for (const { name } of dated.slice(Math.max(0, maxFiles - 1))) {
    const file = path.join(dir, name);
    try {
      const st = fs.lstatSync(file);
      if (!st.isFile() || (uid !== undefined && st.uid !== uid)) continue;
      fs.unlinkSync(file);
      removed.push(file);
    } catch {
      // Gone already, or not ours to delete: retention is best effort and never stops logging.
    }
  }
  return removed;
}

/**
 * The file `openclaw logs` should read for `primary` when no gateway runs: the primary one when its folder and
 * file are safe and it exists, else the fallback copy when that exists (the gateway wrote there), else primary.
 */
export function readableLogFile(primary: string, fallbackDir: string): string {
  const fallback = fallbackFile(primary, fallbackDir);
  if (isSafeExisting(primary) || !fs.existsSync(fallback)) return primary;
  return fallback;
}

function isSafeExisting(file: string): boolean {
  const uid = ownUid();
  try {
    const dir = fs.lstatSync(path.dirname(file));
    const st = fs.lstatSync(file);
    const ours = (s: fs.Stats) => uid === undefined || s.uid === uid;
    return dir.isDirectory() && ours(dir) && st.isFile() && ours(st);
  } catch {
    return false;
  }
}
