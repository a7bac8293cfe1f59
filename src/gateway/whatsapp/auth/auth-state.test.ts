// The real Baileys client against the loopback simulator: a link made through openAuthState survives a restart
// (new auth state from the same folder and state.db) and a truncated creds.json, with no QR either time.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Contact, Phone, Sim } from '../../../../e2e/wa-sim/index';
import { defaultAuthDir } from '../../config/account';
import { openAuthState } from './auth-state';
import { sqliteKeyStore } from './key-store';
import {
  linkByQr,
  memoryLogger,
  reconnect,
  startTrustedSim,
  tempState,
  type TempState,
} from './test-support';

let sim: Sim;
let phone: Phone;
let alice: Contact;
let t: TempState;
let authDir: string;
const open = () => openAuthState({ accountId: 'default', authDir, db: t.store.db, log: memoryLogger().log });
const countKeys = (account: string) =>
  t.store.db.prepare('SELECT count(*) FROM wa_keys WHERE account = ?').pluck().get(account) as number;

beforeAll(async () => {
  sim = await startTrustedSim('auth-state');
  phone = sim.phone('+15550002222', { name: 'Owner' });
  alice = sim.contact('+15557654321', { name: 'Alice' });
  t = tempState();
  authDir = defaultAuthDir(t.stateDir, 'default');
});
afterAll(async () => {
  await sim?.close();
  t?.cleanup();
});

describe('openAuthState with the real Baileys client', () => {
  it('starts unlinked from fresh creds and writes nothing before Baileys asks', async () => {
    const auth = await open();
    expect(auth.isLinked()).toBe(false);
    expect(auth.authAgeMs()).toBeNull();
    expect(fs.existsSync(authDir)).toBe(false);
  });

  it('links by QR; the 515 restart and a later restart log in from disk without a QR', async () => {
    const first = await open();
    await linkByQr(sim, phone, first.state, first.saveCreds);
    expect(first.isLinked()).toBe(true);
    expect(fs.statSync(path.join(authDir, 'creds.json')).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(authDir).sort()).toEqual(['creds.json', 'creds.json.bak']);

    // The 515 restart, with everything re-read from disk.
    const second = await open();
    expect(second.isLinked()).toBe(true);
    expect(second.authAgeMs()).toBeGreaterThanOrEqual(0);
    const s2 = await reconnect(sim, second.state, second.saveCreds);
    expect(countKeys('default')).toBeGreaterThan(0); // the uploaded pre-keys went to SQLite, not to files
    await s2.settled();
    expect(fs.readdirSync(authDir).sort()).toEqual(['creds.json', 'creds.json.bak']);
    // A message through the stored keys: the contact's first message needs a pre-key from SQLite.
    const id = await alice.send(phone, 'hello after linking');
    expect((await s2.nextUpsert(id)).message?.conversation).toBe('hello after linking');
    await s2.stop();

    // A process restart: a new auth state from the same folder and database.
    const third = await open();
    const s3 = await reconnect(sim, third.state, third.saveCreds);
    expect(s3.client.updates.some((u) => u.qr)).toBe(false);
    const again = await alice.send(phone, 'and after a restart');
    expect((await s3.nextUpsert(again)).message?.conversation).toBe('and after a restart');
    await s3.stop();
  });

  it('a truncated creds.json is restored from the backup and still logs in without a QR', async () => {
    fs.truncateSync(path.join(authDir, 'creds.json'), 0);
    const auth = await open();
    expect(auth.isLinked()).toBe(true);
    expect(fs.statSync(path.join(authDir, 'creds.json')).size).toBeGreaterThan(0);
    const s = await reconnect(sim, auth.state, auth.saveCreds);
    expect(s.client.updates.some((u) => u.qr)).toBe(false);
    const id = await alice.send(phone, 'after the restore');
    expect((await s.nextUpsert(id)).message?.conversation).toBe('after the restore');
    await s.stop();
  });

  it('clear() removes this account’s creds and keys only, and keeps credentials/oauth.json', async () => {
    const oauth = path.join(t.stateDir, 'credentials', 'oauth.json');
    fs.writeFileSync(oauth, '{"token":"keep me"}');
    await sqliteKeyStore(t.store.db, 'work').set({ session: { x: new Uint8Array([1]) } });
    expect(countKeys('default')).toBeGreaterThan(0);

    const auth = await open();
    await auth.clear();
    expect(fs.existsSync(path.join(authDir, 'creds.json'))).toBe(false);
    expect(fs.existsSync(path.join(authDir, 'creds.json.bak'))).toBe(false);
    expect(countKeys('default')).toBe(0);
    expect(countKeys('work')).toBe(1);
    expect(fs.readFileSync(oauth, 'utf8')).toBe('{"token":"keep me"}');

    const after = await open();
    expect(after.isLinked()).toBe(false);
    expect(after.authAgeMs()).toBeNull();
  });
});
