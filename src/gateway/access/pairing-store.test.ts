import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GatewayError } from '../errors';
import { openStore, type Store } from '../store/db';
import { PAIRING_ALPHABET } from './pairing-code';
import {
  approvePairing,
  denyPairing,
  expirePairing,
  importLegacyAllowFrom,
  isApproved,
  listPairing,
  MAX_PENDING_PER_ACCOUNT,
  PAIRING_TTL_MS,
  requestPairing,
  revokeSender,
} from './pairing-store';

const T0 = Date.parse('2025-03-01T10:00:00.000Z');
/** Who is approved on one account, as a set. */
const approvedOn = (db: Store['db'], account: string) =>
  new Set(listPairing(db, { account, now: T0 }).approved.map((a) => a.sender));
const ALICE = '+15550100001';
const BOB = '+15550100002';
const CAROL = '+15550100003';
const DAVE = '+15550100004';
const jid = (e164: string) => `${e164.slice(1)}@s.whatsapp.net`;

let dir: string;
let store: Store;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-pairing-'));
  store = openStore(path.join(dir, 'state.db'));
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function ask(sender: string, opts: { account?: string; now?: number; name?: string } = {}) {
  return requestPairing(store.db, {
    account: opts.account ?? 'default',
    sender,
    name: opts.name,
    chat: jid(sender),
    now: opts.now ?? T0,
  });
}

function codeOf(sender: string, account = 'default'): string {
  const r = ask(sender, { account });
  if (r.kind === 'cap') throw new Error('unexpected cap');
  return r.request.code;
}

function errorOf(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  throw new Error('expected a GatewayError');
}

describe('requestPairing', () => {
  it('issues an 8-character code that expires in an hour, and keeps the chat to answer on', () => {
    const r = ask(ALICE, { name: 'Alice' });
    expect(r.kind).toBe('created');
    if (r.kind !== 'created') return;
    expect(r.request.code).toMatch(new RegExp(`^[${PAIRING_ALPHABET}]{8}$`));
    expect(r.request).toMatchObject({
      accountId: 'default',
      sender: ALICE,
      name: 'Alice',
      chat: jid(ALICE),
      createdAt: new Date(T0).toISOString(),
      expiresAt: new Date(T0 + PAIRING_TTL_MS).toISOString(),
    });
  });

  it('returns the pending request again instead of a new code', () => {
    const first = ask(ALICE);
    const again = ask(ALICE, { now: T0 + 10 * 60_000, name: 'Alice' });
    expect(again.kind).toBe('existing');
    if (first.kind !== 'created' || again.kind !== 'existing') return;
    expect(again.request.code).toBe(first.request.code);
    expect(again.request.expiresAt).toBe(first.request.expiresAt);
    expect(again.request.name).toBe('Alice');
    expect(listPairing(store.db, { now: T0 }).pending).toHaveLength(1);
  });

  it(`refuses at ${MAX_PENDING_PER_ACCOUNT} pending requests per account, counting each account apart`, () => {
    expect([ask(ALICE), ask(BOB), ask(CAROL)].map((r) => r.kind)).toEqual(['created', 'created', 'created']);
    expect(ask(DAVE)).toEqual({ kind: 'cap', pending: 3 });
    expect(ask(ALICE).kind).toBe('existing');
    expect(ask(DAVE, { account: 'work' }).kind).toBe('created');
    expect(listPairing(store.db, { account: 'default', now: T0 }).pending.map((r) => r.sender)).toEqual([
      ALICE,
      BOB,
      CAROL,
    ]);
  });

  it('frees a slot when a request is approved', () => {
    const code = codeOf(ALICE);
    ask(BOB);
    ask(CAROL);
    approvePairing(store.db, { code, now: T0 });
    expect(ask(DAVE).kind).toBe('created');
  });

  it('drops requests after one hour (injected clock): the slot frees and the sender gets a new code', () => {
    const code = codeOf(ALICE);
    ask(BOB);
    ask(CAROL);
    expect(listPairing(store.db, { now: T0 + PAIRING_TTL_MS - 1 }).pending).toHaveLength(3);
    expect(ask(DAVE, { now: T0 + PAIRING_TTL_MS - 1 }).kind).toBe('cap');

    const later = T0 + PAIRING_TTL_MS;
    const fresh = ask(ALICE, { now: later });
    expect(fresh.kind).toBe('created');
    if (fresh.kind === 'created') expect(fresh.request.code).not.toBe(code);
    expect(listPairing(store.db, { now: later }).pending.map((r) => r.sender)).toEqual([ALICE]);
  });

  it('retries when a generated code is already pending, and stores codes in upper case', () => {
    const codes = ['AAAA2222', 'aaaa2222', 'bbbb3333'];
    const generate = () => codes.shift()!;
    const a = requestPairing(store.db, { account: 'default', sender: ALICE, chat: 'x', now: T0, generate });
    const b = requestPairing(store.db, { account: 'default', sender: BOB, chat: 'y', now: T0, generate });
    expect(a.kind === 'created' && a.request.code).toBe('AAAA2222');
    expect(b.kind === 'created' && b.request.code).toBe('BBBB3333');
    expect(() =>
      requestPairing(store.db, {
        account: 'w',
        sender: CAROL,
        chat: 'z',
        now: T0,
        generate: () => 'AAAA2222',
      }),
    ).toThrow(/no unused pairing code/);
  });
});

describe('approve, deny, revoke', () => {
  it('approves a code typed in any case: the sender moves to approved_senders and the request goes', () => {
    const code = codeOf(ALICE);
    ask(BOB);
    const { request, approved } = approvePairing(store.db, {
      code: ` ${code.toLowerCase()} `,
      now: T0 + 5000,
    });
    expect(request).toMatchObject({ sender: ALICE, code, chat: jid(ALICE) });
    expect(approved).toEqual({
      accountId: 'default',
      sender: ALICE,
      approvedAt: new Date(T0 + 5000).toISOString(),
      via: 'pairing',
    });
    expect(isApproved(store.db, 'default', ALICE)).toBe(true);
    expect(isApproved(store.db, 'work', ALICE)).toBe(false);
    expect(approvedOn(store.db, 'default')).toEqual(new Set([ALICE]));
    expect(listPairing(store.db, { now: T0 }).pending.map((r) => r.sender)).toEqual([BOB]);
    expect(errorOf(() => approvePairing(store.db, { code, now: T0 })).code).toBe('pairing.code_unknown');
  });

  it('says a code is unknown in a sentence that tells what to do', () => {
    const err = errorOf(() => approvePairing(store.db, { code: 'zzzz9999', now: T0 }));
    expect(err.code).toBe('pairing.code_unknown');
    expect(err.message).toBe(
      'No pending pairing request has the code ZZZZ9999. Codes expire after 1 hour; list the pending ones with `openclaw pairing list whatsapp`.',
    );
  });

  it('refuses an expired code as expired (even before a sweep), then forgets it', () => {
    const code = codeOf(ALICE);
    const err = errorOf(() => approvePairing(store.db, { code, now: T0 + PAIRING_TTL_MS }));
    expect(err.code).toBe('pairing.code_expired');
    expect(err.message).toContain(`from ${ALICE}`);
    expect(isApproved(store.db, 'default', ALICE)).toBe(false);
    expect(errorOf(() => approvePairing(store.db, { code, now: T0 })).code).toBe('pairing.code_unknown');
  });

  it('requires the code to belong to the account given, and leaves it pending otherwise', () => {
    const code = codeOf(ALICE, 'work');
    const err = errorOf(() => approvePairing(store.db, { account: 'default', code, now: T0 }));
    expect(err.code).toBe('pairing.account_mismatch');
    expect(err.message).toBe(`The pairing code ${code} is for account "work", not "default".`);
    expect(errorOf(() => denyPairing(store.db, { account: 'default', code, now: T0 })).code).toBe(
      'pairing.account_mismatch',
    );
    expect(approvePairing(store.db, { account: 'work', code, now: T0 }).approved.accountId).toBe('work');
  });

  it('deny drops the request without approving; the code is gone afterwards', () => {
    const code = codeOf(ALICE);
    expect(denyPairing(store.db, { code: code.toLowerCase(), now: T0 })).toMatchObject({
      sender: ALICE,
      code,
    });
    expect(isApproved(store.db, 'default', ALICE)).toBe(false);
    expect(listPairing(store.db, { now: T0 }).pending).toEqual([]);
    expect(errorOf(() => denyPairing(store.db, { code, now: T0 })).code).toBe('pairing.code_unknown');
  });

  it('revoke removes an approved sender once', () => {
    approvePairing(store.db, { code: codeOf(ALICE), now: T0 });
    expect(revokeSender(store.db, { account: 'work', sender: ALICE })).toBe(false);
    expect(revokeSender(store.db, { account: 'default', sender: ALICE })).toBe(true);
    expect(revokeSender(store.db, { account: 'default', sender: ALICE })).toBe(false);
    expect(isApproved(store.db, 'default', ALICE)).toBe(false);
  });
});

describe('listPairing and expirePairing', () => {
  it('lists per account or all, without the chat JID, expired ones dropped first', () => {
    ask(ALICE, { name: 'Alice' });
    ask(BOB, { account: 'work', now: T0 + 1000 });
    approvePairing(store.db, { code: codeOf(CAROL), now: T0 });
    const all = listPairing(store.db, { now: T0 + 2000 });
    expect(all.pending.map((r) => [r.accountId, r.sender])).toEqual([
      ['default', ALICE],
      ['work', BOB],
    ]);
    expect(all.pending[0]).not.toHaveProperty('chat');
    expect(all.approved).toEqual([expect.objectContaining({ sender: CAROL, via: 'pairing' })]);
    expect(listPairing(store.db, { account: 'work', now: T0 }).approved).toEqual([]);
    expect(listPairing(store.db, { now: T0 + PAIRING_TTL_MS }).pending.map((r) => r.sender)).toEqual([BOB]);
    expect(store.db.prepare('SELECT count(*) FROM pairing_requests').pluck().get()).toBe(1);
  });

  it('expirePairing deletes exactly the requests whose hour is up', () => {
    ask(ALICE);
    ask(BOB, { now: T0 + 60_000 });
    expect(expirePairing(store.db, T0 + PAIRING_TTL_MS - 1)).toBe(0);
    expect(expirePairing(store.db, T0 + PAIRING_TTL_MS)).toBe(1);
    expect(expirePairing(store.db, T0 + PAIRING_TTL_MS + 60_000)).toBe(1);
  });
});

describe('importLegacyAllowFrom', () => {
  function logger() {
    const lines: Array<Record<string, unknown>> = [];
    const log = pino({ level: 'debug' }, { write: (l: string) => void lines.push(JSON.parse(l)) });
    return { log, lines };
  }
  const creds = () => path.join(dir, 'credentials');
  const write = (name: string, text: string) => {
    fs.mkdirSync(creds(), { recursive: true });
    fs.writeFileSync(path.join(creds(), name), text);
  };
  const run = (accountId: string, isDefault: boolean, log = logger().log) =>
    importLegacyAllowFrom(store.db, { credentialsDir: creds(), accountId, isDefault, now: T0, log });

  it('imports valid numbers from both shapes, once, and logs each skipped entry with its reason', () => {
    write(
      'whatsapp-default-allowFrom.json',
      JSON.stringify({
        version: 1,
        allowFrom: [ALICE, '*', 15550100009, 'whatsapp:+1 555-010-0002', 'hello'],
      }),
    );
    write('whatsapp-allowFrom.json', JSON.stringify([CAROL, ALICE, '15550100005', '']));
    const { log, lines } = logger();
    const result = run('default', true, log);
    expect(result.imported).toEqual([ALICE, BOB, CAROL]);
    expect(result.alreadyApproved).toEqual([ALICE]);
    expect(result.skipped.map((s) => [s.entry, s.reason])).toEqual([
      ['*', 'the wildcard "*" is not a sender; it is not imported as an approval'],
      [15550100009, 'not a string (number)'],
      ['hello', 'not a phone number in E.164 form (like +15551234567)'],
      ['15550100005', 'no "+" and country code, so the number is ambiguous'],
      ['', 'empty'],
    ]);
    expect(approvedOn(store.db, 'default')).toEqual(new Set([ALICE, BOB, CAROL]));
    expect(listPairing(store.db, { now: T0 }).approved.every((a) => a.via === 'import')).toBe(true);
    const warnings = lines.filter((l) => l.level === 40).map((l) => l.msg);
    expect(warnings).toHaveLength(5);
    expect(warnings[0]).toBe(
      'skipped an entry of whatsapp-default-allowFrom.json: the wildcard "*" is not a sender; it is not imported as an approval',
    );
    expect(lines.filter((l) => l.level === 30).map((l) => l.msg)).toEqual([
      'imported 2 approved sender(s) for account "default" from whatsapp-default-allowFrom.json',
      'imported 1 approved sender(s) for account "default" from whatsapp-allowFrom.json',
    ]);

    // Once: a sender revoked here stays revoked although the old file still lists them.
    revokeSender(store.db, { account: 'default', sender: ALICE });
    expect(run('default', true)).toEqual({ files: [], imported: [], alreadyApproved: [], skipped: [] });
    expect(isApproved(store.db, 'default', ALICE)).toBe(false);
  });

  it('reads the unnamed legacy file only for the default account', () => {
    write('whatsapp-allowFrom.json', JSON.stringify([ALICE]));
    write('whatsapp-work-allowFrom.json', JSON.stringify({ allowFrom: [BOB] }));
    expect(run('work', false).imported).toEqual([BOB]);
    expect(approvedOn(store.db, 'work')).toEqual(new Set([BOB]));
    expect(run('default', true).imported).toEqual([ALICE]);
  });

  it('leaves a broken or missing file unmarked, so fixing it and starting again imports it', () => {
    expect(run('default', true).files).toEqual([]);
    write('whatsapp-default-allowFrom.json', '{ not json');
    const { log, lines } = logger();
    expect(run('default', true, log).files).toEqual([]);
    expect(lines.map((l) => l.msg)).toContain('the legacy allowFrom file is not valid JSON; not imported');
    write('whatsapp-default-allowFrom.json', JSON.stringify({ numbers: [ALICE] }));
    expect(run('default', true).files).toEqual([]);
    write('whatsapp-default-allowFrom.json', JSON.stringify({ allowFrom: [ALICE] }));
    expect(run('default', true).imported).toEqual([ALICE]);
  });

  it('never replaces an approval from pairing', () => {
    approvePairing(store.db, { code: codeOf(ALICE), now: T0 - 1000 });
    write('whatsapp-default-allowFrom.json', JSON.stringify([ALICE]));
    expect(run('default', true)).toMatchObject({ imported: [], alreadyApproved: [ALICE] });
    expect(listPairing(store.db, { now: T0 }).approved).toEqual([
      expect.objectContaining({ via: 'pairing' }),
    ]);
  });
});
