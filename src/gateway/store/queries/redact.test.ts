// Scrubbing a typed secret from a real state.db file: the rows read back masked, and the file's bytes (the old
// versions of the pages included) no longer hold it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RawInbound } from '../../inbound/types';
import { openStore, type Store } from '../db';
import { handOff, insertInbox } from './inbox';
import { insertIntake } from './intake';
import { redactAccepted } from './redact';
import { settleAccepted } from './sessions';

const TEXT = '/config set models.providers.p.apiKey=sk-live-SECRET123';
let dir: string;
let file: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'openclaw-redact-'));
  file = join(dir, 'state.db');
  store = openStore(file, { checkpointInWorker: false });
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function accept(id: string, text: string): number {
  const raw = { accountId: 'default', id, chatJid: '1555@s.whatsapp.net', text } as RawInbound;
  const inboxSeq = insertInbox(store.db, raw, 1000)!;
  return handOff(store.db, {
    ...{ inboxSeq, account: 'default', chat: raw.chatJid, messageId: id, agentId: 'main' },
    sessionKey: 'agent:main:main',
    body: `[WhatsApp +1555] ${text}`,
    meta: { text },
    now: 1000,
  })!;
}

describe('redactAccepted', () => {
  it('masks the secret in the hand-off, the inbox row and the stored plaintext, and in the file', () => {
    // Neighbours on the same pages, so the rows are rewritten inside pages that stay in use.
    for (let i = 0; i < 20; i++) accept(`before-${i}`, `hello ${i} ${'x'.repeat(80)}`);
    const seq = accept('cmd', TEXT);
    const plaintext = Buffer.concat([Buffer.from([10, TEXT.length]), Buffer.from(TEXT), Buffer.from([2, 2])]);
    insertIntake(
      store.db,
      'default',
      { hash: Buffer.alloc(32, 7), messageId: 'cmd', node: null, plaintext },
      1000,
    );
    for (let i = 0; i < 5; i++) accept(`after-${i}`, `bye ${i}`);
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    expect(readFileSync(file).includes('SECRET123')).toBe(true);

    store.db
      .transaction(() =>
        settleAccepted(store.db, {
          ...{ acceptedSeq: seq, sessionKey: 'agent:main:main', state: 'answered', now: 2000 },
          redact: ['sk-live-SECRET123'],
        }),
      )
      .immediate();
    const masked = '/config set models.providers.p.apiKey=__OPENCLAW_REDACTED__';
    const row = store.db.prepare('SELECT body, meta FROM accepted WHERE seq = ?').get(seq) as {
      body: string;
      meta: string;
    };
    expect(row.body).toBe(`[WhatsApp +1555] ${masked}`);
    expect(JSON.parse(row.meta)).toEqual({ text: masked });
    const inbox = store.db.prepare(`SELECT raw FROM inbox WHERE message_id = 'cmd'`).get() as { raw: string };
    expect(JSON.parse(inbox.raw).text).toBe(masked);
    // Same length, so the protobuf around it still holds.
    const blob = store.db.prepare(`SELECT plaintext FROM wa_intake WHERE message_id = 'cmd'`).get() as {
      plaintext: Buffer;
    };
    expect(blob.plaintext.length).toBe(plaintext.length);
    expect(blob.plaintext.toString('latin1')).toContain('apiKey=*****************\u0002\u0002');

    store.db.pragma('wal_checkpoint(TRUNCATE)');
    expect(readFileSync(file).includes('SECRET123')).toBe(false);
  });

  it('changes nothing without secrets, and other messages keep their text', () => {
    const seq = accept('cmd', TEXT);
    const other = accept('other', 'sk-live-SECRET123 is my key');
    expect(redactAccepted(store.db, seq, [])).toBe(0);
    expect(redactAccepted(store.db, seq, ['sk-live-SECRET123'])).toBe(2);
    const meta = store.db.prepare('SELECT meta FROM accepted WHERE seq = ?').get(other) as { meta: string };
    expect(JSON.parse(meta.meta).text).toBe('sk-live-SECRET123 is my key');
  });
});
