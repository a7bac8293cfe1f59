// The run queue's light index against a real state.db: it must tell commands and media apart exactly as the full
// rows would (agent/queue.ts decides batches and the debounce from it), and the full rows come back for a run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isCommandRow } from '../../commands/queue-hooks';
import type { RawInbound } from '../../inbound/types';
import { openStore, type Store } from '../db';
import { handOff, insertInbox } from './inbox';
import { settleAccepted, unconsumedAccepted } from './sessions';
import { acceptedRows, waitingAccepted } from './waiting';

let dir: string;
let store: Store;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openclaw-waiting-'));
  store = openStore(path.join(dir, 'state.db'));
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

let n = 0;
function accept(meta: Record<string, unknown>): number {
  const raw = { accountId: 'default', id: `W${++n}`, chatJid: '1555@s.whatsapp.net' } as RawInbound;
  const inboxSeq = insertInbox(store.db, raw, 1000 + n)!;
  return handOff(store.db, {
    inboxSeq,
    account: 'default',
    chat: raw.chatJid,
    messageId: raw.id,
    agentId: 'main',
    sessionKey: 'agent:main:main',
    body: `body ${n}`,
    meta,
    now: 1000 + n,
  })!;
}

describe('the run queue index of waiting hand-offs', () => {
  it('tells commands and media apart exactly as the full rows do', () => {
    const metas: Array<Record<string, unknown>> = [
      { text: 'plain words', chatJid: '1555@s.whatsapp.net' },
      { text: '/status' },
      { text: ' \n/help\t' },
      { text: '/status please' },
      { text: 'see https://example.com/a/b' },
      { text: 'a photo', mediaPath: '/tmp/media/x.jpg', mediaType: 'image/jpeg' },
      { text: '', mediaType: 'audio/ogg' },
      { text: 'only a path', mediaPath: 'x.bin' },
      { text: 'the word "media" in quotes' },
      { text: 42 },
      {},
    ];
    for (const meta of metas) accept(meta);
    // A slash and a media key hidden behind JSON escapes, as another writer of the table might store them.
    const escaped = accept({});
    store.db
      .prepare('UPDATE accepted SET meta = ? WHERE seq = ?')
      .run('{"text":"\\u002fnew","\\u006dediaType":"image/png"}', escaped);

    const full = unconsumedAccepted(store.db, 100);
    const light = waitingAccepted(store.db, 100);
    expect(light.map((r) => r.seq)).toEqual(full.map((r) => r.seq));
    for (const [i, row] of full.entries()) {
      const w = light[i]!;
      expect(w).toMatchObject({
        account: row.account,
        chat: row.chat,
        agentId: row.agentId,
        sessionKey: row.sessionKey,
        acceptedAt: row.acceptedAt,
        media: row.meta.mediaPath !== undefined || row.meta.mediaType !== undefined,
      });
      expect({ seq: w.seq, command: isCommandRow(w) }).toEqual({ seq: row.seq, command: isCommandRow(row) });
      expect(w).not.toHaveProperty('body');
    }
    expect(light.filter(isCommandRow)).toHaveLength(3);
    expect(light.filter((r) => r.media)).toHaveLength(4);
    expect(waitingAccepted(store.db, 2, light[9]!.seq).map((r) => r.seq)).toEqual([light[10]!.seq, escaped]);
  });

  it('reads back the full rows of the seqs still waiting, oldest first', () => {
    const [a, b, c] = [
      accept({ text: 'a' }),
      accept({ text: 'b', mediaType: 'image/jpeg' }),
      accept({ text: 'c' }),
    ];
    settleAccepted(store.db, { acceptedSeq: b, sessionKey: 'agent:main:main', state: 'answered', now: 2000 });
    expect(acceptedRows(store.db, [c, b, a])).toEqual(unconsumedAccepted(store.db, 10));
    expect(acceptedRows(store.db, [c])[0]).toMatchObject({ seq: c, body: expect.stringMatching(/^body /) });
    expect(acceptedRows(store.db, [])).toEqual([]);
  });
});
