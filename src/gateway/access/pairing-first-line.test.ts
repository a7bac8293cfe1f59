// The line a pairing request shows the owner: what the sender wrote, cut to its first line, bounded and stripped
// of characters that could disguise it; kept with the request in state.db (also in a database from before the
// column existed) and carried by pairing.list and the pairing.requested event.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PairingRequest } from '../../shared/contract';
import { migrate } from '../store/migrate';
import { MIGRATIONS } from '../store/migrations/index';
import { openStore, type Store } from '../store/db';
import { PairingService } from './pairing-service';
import { FIRST_LINE_MAX, firstLineOf, listPairing, requestPairing } from './pairing-store';

const T0 = Date.parse('2025-03-01T10:00:00.000Z');
const ALICE = '+15550100001';
const BOB = '+15550100002';

let dir: string;
let store: Store;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-pairing-line-'));
  store = openStore(path.join(dir, 'state.db'));
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const ask = (db: Database.Database, sender: string, text?: string, now = T0) =>
  requestPairing(db, { account: 'default', sender, chat: `${sender.slice(1)}@s.whatsapp.net`, text, now });

describe('firstLineOf', () => {
  it('takes the first non-blank line, trimmed, with runs of spaces and tabs collapsed', () => {
    expect(firstLineOf('  Hi,\tit’s   Anna from the gym  \nsecond line\nthird')).toBe(
      'Hi, it’s Anna from the gym',
    );
    expect(firstLineOf('\n\r\n   \nafter blank lines\r\nnext')).toBe('after blank lines');
    expect(firstLineOf('<media:image> look at this')).toBe('<media:image> look at this');
  });

  it('drops control and bidirectional-override characters that could disguise the text', () => {
    expect(firstLineOf('pay\u001b[31m now\u0007')).toBe('pay [31m now');
    expect(firstLineOf('invoice \u202Efdp.exe\u202C ok')).toBe('invoice fdp.exe ok');
    expect(firstLineOf('a\u0000b\u009bc')).toBe('a b c');
  });

  it(`caps the line at ${FIRST_LINE_MAX} characters with an ellipsis, never cutting an emoji in half`, () => {
    const long = '👋'.repeat(FIRST_LINE_MAX + 10);
    const cut = firstLineOf(long)!;
    expect(Array.from(cut)).toHaveLength(FIRST_LINE_MAX);
    expect(cut.endsWith('👋…')).toBe(true);
    const exact = 'x'.repeat(FIRST_LINE_MAX);
    expect(firstLineOf(exact)).toBe(exact);
    expect(firstLineOf(`${exact}y`)).toBe(`${'x'.repeat(FIRST_LINE_MAX - 1)}…`);
  });

  it('is null when nothing readable is left', () => {
    expect(firstLineOf('')).toBeNull();
    expect(firstLineOf(' \n\t\n\u0007')).toBeNull();
  });
});

describe('the first line in the store', () => {
  it('is stored when the request is created and listed with it; writing again keeps the line that asked', () => {
    const created = ask(store.db, ALICE, 'Hello, I am Alice\nplease let me in');
    expect(created).toMatchObject({ kind: 'created', request: { firstLine: 'Hello, I am Alice' } });
    const again = ask(store.db, ALICE, 'anyone there?');
    expect(again).toMatchObject({ kind: 'existing', request: { firstLine: 'Hello, I am Alice' } });
    const [listed] = listPairing(store.db, { now: T0 }).pending;
    expect(listed).toMatchObject({ sender: ALICE, firstLine: 'Hello, I am Alice' });
  });

  it('is left out when the sender wrote nothing readable', () => {
    expect(ask(store.db, BOB, '   ').kind).toBe('created');
    expect(listPairing(store.db, { now: T0 }).pending[0]).not.toHaveProperty('firstLine');
  });

  it('survives the upgrade of a database from before the column: old requests list without a line', () => {
    const db = new Database(path.join(dir, 'old.db'));
    try {
      migrate(db, MIGRATIONS.slice(0, 3));
      db.prepare(
        `INSERT INTO pairing_requests (account, sender, code, name, chat, created_at, expires_at)
         VALUES ('default', ?, 'ABCD2345', 'Alice', 'x@s.whatsapp.net', ?, ?)`,
      ).run(ALICE, T0, T0 + 3_600_000);
      migrate(db);
      const [old] = listPairing(db, { now: T0 }).pending;
      expect(old).toMatchObject({ sender: ALICE, code: 'ABCD2345', name: 'Alice' });
      expect(old).not.toHaveProperty('firstLine');
      // The sender writes again: their request gets the line it lacked, and keeps its code.
      expect(ask(db, ALICE, 'me again')).toMatchObject({
        kind: 'existing',
        request: { code: 'ABCD2345', firstLine: 'me again' },
      });
    } finally {
      db.close();
    }
  });
});

describe('PairingService.request', () => {
  it('announces the new request with its first line (what the tray notification shows)', () => {
    const events: Array<{ event: string; payload: unknown }> = [];
    const service = new PairingService({
      db: store.db,
      log: pino({ level: 'silent' }),
      now: () => T0,
      emit: (event, payload) => events.push({ event, payload }),
      confirm: async () => false,
      defaultAccount: () => 'default',
    });
    service.request({ account: 'default', sender: ALICE, chat: 'a@s.whatsapp.net', text: '<media:image>' });
    const requested = events.find((e) => e.event === 'pairing.requested')?.payload as PairingRequest;
    expect(requested).toMatchObject({ sender: ALICE, firstLine: '<media:image>' });
    expect(requested).not.toHaveProperty('chat');
  });
});
