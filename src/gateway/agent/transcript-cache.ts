// A session's transcript as the runs read it, kept parsed between runs. Every message of a chat starts a run that
// needs the same earlier turns plus the two or three the previous run added; reading and JSON-parsing hundreds of
// rows each time cost more than the rest of the agent. A cached copy is checked against the index on every use
// (reset point, first and newest turn), so whoever writes or prunes turns (runs, /new, sessions.reset, the sweeper)
// never has to tell the cache: a changed reset or a pruned start reads afresh, newer turns are read and appended.
import type Database from 'better-sqlite3';
import { historyTurns, transcriptHead, type StoredTurn } from '../store/queries/sessions';

/** Sessions kept per database, least recently used dropped first. */
export const CACHE_SESSIONS = 128;
/** Characters of turn text kept in all, so a few huge transcripts cannot hold much memory. */
export const CACHE_CHARS = 4_000_000;

interface Entry {
  resetAfter: number;
  /** The newest turn of the session when last read (possibly before the reset point); null for none. */
  last: number | null;
  /** The user-turn bound it was read with; undefined = every turn up to the row cap. */
  userTurns: number | undefined;
  turns: StoredTurn[];
  chars: number;
}

interface Cache {
  entries: Map<string, Entry>;
  chars: number;
}

const caches = new WeakMap<Database.Database, Cache>();

const charsOf = (turns: readonly StoredTurn[]): number =>
  turns.reduce((n, t) => n + t.text.length + (t.toolCalls ? JSON.stringify(t.toolCalls).length : 0), 0);

/** Keeps the newest `cap` turns, and only from the newest `userTurns` user turns on. */
function trim(turns: StoredTurn[], cap: number, userTurns: number | undefined): StoredTurn[] {
  let from = Math.max(0, turns.length - cap);
  if (userTurns !== undefined) {
    let seen = 0;
    let start = turns.length;
    for (let i = turns.length - 1; i >= from && seen < userTurns; i--) {
      if (turns[i]!.role === 'user') {
        seen++;
        start = i;
      }
    }
    // Fewer user turns than the bound: everything from the cap on, as the query would return.
    from = seen < userTurns ? from : start;
  }
  return from === 0 ? turns : turns.slice(from);
}

function cacheOf(db: Database.Database): Cache {
  let c = caches.get(db);
  if (!c) {
    c = { entries: new Map(), chars: 0 };
    caches.set(db, c);
  }
  return c;
}

function drop(c: Cache, key: string): void {
  const e = c.entries.get(key);
  if (!e) return;
  c.chars -= e.chars;
  c.entries.delete(key);
}

/**
 * What historyTurns(db, key, cap, { userTurns }) returns, from the cache when it is current. The result is shared:
 * callers must not change it.
 */
export function transcript(
  db: Database.Database,
  key: string,
  cap: number,
  userTurns: number | undefined,
): readonly StoredTurn[] {
  if (userTurns === 0) return [];
  // Inside a transaction the rows may still be rolled back: read through, remember nothing.
  if (db.inTransaction) return historyTurns(db, key, cap, { userTurns });
  const c = cacheOf(db);
  const head = transcriptHead(db, key);
  const hit = c.entries.get(key);
  drop(c, key);
  let turns: StoredTurn[];
  const usable =
    hit !== undefined &&
    hit.resetAfter === head.resetAfter &&
    (hit.userTurns === undefined || (userTurns !== undefined && userTurns <= hit.userTurns)) &&
    (hit.last ?? 0) <= (head.last ?? 0) &&
    // A cached first turn older than the table's first: turns were pruned under it.
    (hit.turns.length === 0 || (head.first !== null && hit.turns[0]!.seq >= head.first));
  if (usable) {
    turns =
      head.last === hit.last
        ? hit.turns
        : trim(
            [...hit.turns, ...historyTurns(db, key, cap, { userTurns, afterSeq: hit.last ?? 0 })],
            cap,
            userTurns,
          );
    if (userTurns !== undefined && hit.userTurns !== userTurns) turns = trim(turns, cap, userTurns);
  } else {
    turns = historyTurns(db, key, cap, { userTurns });
  }
  const chars = charsOf(turns);
  if (chars <= CACHE_CHARS) {
    c.entries.set(key, { resetAfter: head.resetAfter, last: head.last, userTurns, turns, chars });
    c.chars += chars;
    for (const [k] of c.entries) {
      if (c.entries.size <= CACHE_SESSIONS && c.chars <= CACHE_CHARS) break;
      drop(c, k);
    }
  }
  return turns;
}

/** Sessions and characters held for a database (for tests of the bounds). */
export function transcriptCacheSize(db: Database.Database): { sessions: number; chars: number } {
  const c = caches.get(db);
  return { sessions: c?.entries.size ?? 0, chars: c?.chars ?? 0 };
}
