// Prepared files are kept until their outbox item is long settled, then removed, so <state>/media/outbound/
// stays bounded. Pruning rides on preparation itself (at most once an hour per folder) instead of a timer: a
// gateway that sends no media has nothing to prune, and nothing is left running at shutdown.
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Far past any item still waiting: automatic replies expire after replyMaxAgeMinutes, and CLI and API sends
 * are never held. An item retried later than this fails with "the prepared media file … is gone". */
export const PREPARED_MAX_AGE_MS = 7 * 24 * 3600_000;
const PRUNE_EVERY_MS = 3600_000;
/** Folders remembered (one per account): the map stays bounded even with many accounts over time. */
const MAX_FOLDERS = 256;

const lastPruned = new Map<string, number>();

/** Removes files in `dir` older than `maxAgeMs`; returns how many. Missing folder: nothing to do. */
export async function pruneDir(
  dir: string,
  maxAgeMs = PREPARED_MAX_AGE_MS,
  now = Date.now(),
): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const path = join(dir, name);
    try {
      const st = await stat(path);
      if (st.isFile() && now - st.mtimeMs > maxAgeMs) {
        await rm(path, { force: true });
        removed += 1;
      }
    } catch {
      // Gone meanwhile, or unreadable: the next pass sees it again.
    }
  }
  return removed;
}

/** Prunes `dir` when it was not pruned in the last hour; never throws (pruning must not fail a send). */
export async function maybePrune(dir: string, now = Date.now()): Promise<number> {
  const last = lastPruned.get(dir);
  if (last !== undefined && now - last < PRUNE_EVERY_MS) return 0;
  lastPruned.delete(dir);
  lastPruned.set(dir, now);
  if (lastPruned.size > MAX_FOLDERS) lastPruned.delete(lastPruned.keys().next().value!);
  return pruneDir(dir, PREPARED_MAX_AGE_MS, now).catch(() => 0);
}
