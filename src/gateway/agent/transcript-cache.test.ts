// The transcript a run reads, against a real state.db file: the DM history limit is applied in the query, and the
// parsed copy kept between runs always equals a fresh read, whoever wrote, reset or pruned meanwhile.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store/db';
import { ensureSession, historyTurns, insertTurn, pruneAgent, resetSession } from '../store/queries/sessions';
import { CACHE_CHARS, CACHE_SESSIONS, transcript, transcriptCacheSize } from './transcript-cache';

let dir: string;
let store: Store;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openclaw-transcript-'));
  store = openStore(path.join(dir, 'state.db'));
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Stores `n` exchanges (user, assistant with a tool call, tool result, assistant) at time `at`. */
function exchanges(key: string, n: number, at = 1000, text = 'hello'): void {
  const db = store.db;
  ensureSession(db, { key, agentId: 'main', label: key, now: at });
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      insertTurn(db, key, { role: 'user', text: `${text} ${i}`, messageIds: [`M${i}`] }, at);
      insertTurn(
        db,
        key,
        { role: 'assistant', text: '', toolCalls: [{ id: `c${i}`, name: 'whatsapp', arguments: '{}' }] },
        at,
      );
      insertTurn(db, key, { role: 'tool', text: 'Done', toolCallId: `c${i}`, toolName: 'whatsapp' }, at);
      insertTurn(db, key, { role: 'assistant', text: `answer ${i}` }, at);
    }
  })();
}

const fresh = (key: string, userTurns?: number) => historyTurns(store.db, key, 400, { userTurns });

describe('historyTurns with a user-turn bound', () => {
  it('reads only from the newest N user turns on, whole exchanges, not the 400 newest rows', () => {
    exchanges('s', 300);
    const turns = historyTurns(store.db, 's', 400, { userTurns: 3 });
    expect(turns).toHaveLength(12);
    expect(turns[0]).toMatchObject({ role: 'user', text: 'hello 297' });
    expect(turns.at(-1)).toMatchObject({ role: 'assistant', text: 'answer 299' });
    expect(historyTurns(store.db, 's', 400, { userTurns: 0 })).toEqual([]);
    // More user turns asked for than stored since the reset: everything since the reset.
    resetSession(store.db, 's', 2000);
    exchanges('s', 2);
    expect(historyTurns(store.db, 's', 400, { userTurns: 5 }).map((t) => t.text)).toEqual([
      'hello 0',
      '',
      'Done',
      'answer 0',
      'hello 1',
      '',
      'Done',
      'answer 1',
    ]);
  });
});

describe('transcript cache', () => {
  it('equals a fresh read after appends, a reset, a changed limit and pruning, and is reused when nothing changed', () => {
    exchanges('s', 5);
    const first = transcript(store.db, 's', 400, undefined);
    expect(first).toEqual(fresh('s'));
    expect(transcript(store.db, 's', 400, undefined)).toBe(first);

    exchanges('s', 2, 1000, 'later');
    expect(transcript(store.db, 's', 400, undefined)).toEqual(fresh('s'));
    expect(transcript(store.db, 's', 400, 2)).toEqual(fresh('s', 2));
    exchanges('s', 1, 1000, 'more');
    expect(transcript(store.db, 's', 400, 2)).toEqual(fresh('s', 2));
    // A wider limit than the copy was read with reads again.
    expect(transcript(store.db, 's', 400, 6)).toEqual(fresh('s', 6));

    resetSession(store.db, 's', 3000);
    expect(transcript(store.db, 's', 400, 6)).toEqual([]);
    exchanges('s', 1, 5000, 'after reset');
    expect(transcript(store.db, 's', 400, 6)).toEqual(fresh('s', 6));
    expect(fresh('s', 6)[0]).toMatchObject({ text: 'after reset 0' });

    // Pruning removes old turns under the cached copy.
    exchanges('t', 3, 1000);
    exchanges('t', 1, 9000, 'recent');
    expect(transcript(store.db, 't', 400, undefined)).toHaveLength(16);
    pruneAgent(store.db, 10_000, 5000);
    expect(transcript(store.db, 't', 400, undefined)).toEqual(fresh('t'));
    expect(fresh('t')).toHaveLength(4);
  });

  it('keeps the newest rows when more than the cap arrived since the last read', () => {
    exchanges('s', 10);
    transcript(store.db, 's', 40, undefined);
    exchanges('s', 20, 1000, 'burst');
    const turns = transcript(store.db, 's', 40, undefined);
    expect(turns).toEqual(historyTurns(store.db, 's', 40));
    expect(turns).toHaveLength(40);
  });

  it('remembers nothing read inside a transaction that then rolls back', () => {
    exchanges('s', 1);
    transcript(store.db, 's', 400, undefined);
    expect(() =>
      store.db.transaction(() => {
        insertTurn(store.db, 's', { role: 'user', text: 'phantom' }, 1000);
        expect(transcript(store.db, 's', 400, undefined).at(-1)).toMatchObject({ text: 'phantom' });
        throw new Error('roll back');
      })(),
    ).toThrow('roll back');
    insertTurn(store.db, 's', { role: 'user', text: 'real' }, 1000);
    const turns = transcript(store.db, 's', 400, undefined);
    expect(turns.map((t) => t.text)).toEqual(['hello 0', '', 'Done', 'answer 0', 'real']);
    expect(turns).toEqual(fresh('s'));
  });

  it('is bounded in sessions and in characters', () => {
    for (let i = 0; i < CACHE_SESSIONS + 20; i++) {
      exchanges(`s${i}`, 1);
      transcript(store.db, `s${i}`, 400, undefined);
    }
    expect(transcriptCacheSize(store.db).sessions).toBe(CACHE_SESSIONS);
    const big = 'x'.repeat(Math.ceil(CACHE_CHARS / 3));
    for (let i = 0; i < 4; i++) {
      exchanges(`big${i}`, 1, 1000, big);
      expect(transcript(store.db, `big${i}`, 400, undefined)).toEqual(fresh(`big${i}`));
    }
    expect(transcriptCacheSize(store.db).chars).toBeLessThanOrEqual(CACHE_CHARS);
    // A transcript larger than the whole budget is read but not kept.
    exchanges('huge', 1, 1000, 'y'.repeat(CACHE_CHARS + 1));
    expect(transcript(store.db, 'huge', 400, undefined)).toEqual(fresh('huge'));
    expect(transcriptCacheSize(store.db).chars).toBeLessThanOrEqual(CACHE_CHARS);
  });
});
