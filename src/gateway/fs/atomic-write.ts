// Crash-safe file replacement: readers see either the old file or the new one, never a torn write. The temp file
// lives in the target's directory because rename(2) is only atomic within one filesystem.
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';

export interface AtomicWriteOptions {
  /** File mode of the result; config and credentials hold secrets, hence the private default. */
  mode?: number;
}

/**
 * Creates `dir` (and parents) with mode 0700 when missing, and tightens an existing directory we own to 0700.
 * A directory owned by someone else (say /tmp) is left alone: changing it is not ours to do.
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
  if (process.platform === 'win32') return;
  const st = await fsp.stat(dir);
  const ownUid = typeof process.getuid === 'function' ? process.getuid() : st.uid;
  if (st.uid === ownUid && (st.mode & 0o077) !== 0) await fsp.chmod(dir, 0o700);
}

/** Replace `file` with `data`: temp file → fsync → rename over the target → fsync the directory. */
export async function writeFileAtomic(
  file: string,
  data: string | Buffer,
  opts: AtomicWriteOptions = {},
): Promise<void> {
  const mode = opts.mode ?? 0o600;
  // Write through a symlink (e.g. a dotfiles manager's link) instead of replacing the link with a plain file.
  const target = await realTarget(path.resolve(file));
  const dir = path.dirname(target);
  await fsp.mkdir(dir, { recursive: true, mode: 0o700 });

  const tmp = path.join(
    dir,
    `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(tmp, 'wx', mode);
    // The umask may have stripped bits from the requested mode; set it exactly.
    await handle.chmod(mode);
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fsp.rename(tmp, target);
  } catch (err) {
    if (handle) await handle.close().catch(() => undefined);
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
  await syncDir(dir);
}

async function realTarget(file: string): Promise<string> {
  try {
    return await fsp.realpath(file);
  } catch {
    return file;
  }
}

// Makes the rename itself durable. Some platforms (Windows, some network filesystems) cannot open or fsync a
// directory; the data is already safely renamed there, so that is not worth failing the write for.
async function syncDir(dir: string): Promise<void> {
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(dir, 'r');
    await handle.sync();
  } catch {
    // see above
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
