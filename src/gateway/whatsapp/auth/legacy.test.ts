import { useMultiFileAuthState, type SignalDataSet } from '@whiskeysockets/baileys';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Contact, Phone, Sim } from '../../../../e2e/wa-sim/index';
import { defaultAuthDir } from '../../config/account';
import { openAuthState } from './auth-state';
import { CredsFile } from './creds-file';
import { KEY_TYPES, sqliteKeyStore, type KeyType } from './key-store';
import { migrateLegacyCredentials, parseLegacyKeyFileName } from './legacy';
import {
  awkwardKeys,
  keySamples,
  linkedCreds,
  linkByQr,
  memoryLogger,
  reconnect,
  startTrustedSim,
  tempState,
  type TempState,
} from './test-support';

let t: TempState;
let credentialsDir: string;
let authDir: string;
const migrate = (log = memoryLogger().log) =>
  migrateLegacyCredentials({ credentialsDir, accountId: 'default', authDir, db: t.store.db, log });
const countKeys = () => t.store.db.prepare('SELECT count(*) FROM wa_keys').pluck().get() as number;
const legacyDirs = () => fs.readdirSync(credentialsDir).filter((n) => n.startsWith('legacy-'));

function setUp(): void {
  t = tempState('openclaw-legacy-');
  credentialsDir = path.join(t.stateDir, 'credentials');
  authDir = defaultAuthDir(t.stateDir, 'default');
}

/** Writes an old install: Baileys' own multi-file store in credentials/, plus the files that are not its. */
async function writeOldInstall(keys: SignalDataSet): Promise<void> {
  const old = await useMultiFileAuthState(credentialsDir);
  Object.assign(old.state.creds, linkedCreds('15550003333:4@s.whatsapp.net'));
  await old.saveCreds();
  await old.state.keys.set(keys);
  fs.writeFileSync(path.join(credentialsDir, 'oauth.json'), '{"token":"not whatsapp"}');
  fs.mkdirSync(path.join(credentialsDir, 'whatsapp', 'work'), { recursive: true });
  fs.writeFileSync(path.join(credentialsDir, 'whatsapp', 'work', 'creds.json'), 'another account');
  fs.writeFileSync(path.join(credentialsDir, 'notes.txt'), 'not ours');
}

function allSamples(): SignalDataSet {
  const data: Record<string, Record<string, unknown>> = {};
  const samples = keySamples();
  for (const type of KEY_TYPES) data[type] = { [samples[type].id]: samples[type].value };
  for (const [type, entries] of Object.entries(awkwardKeys())) Object.assign(data[type]!, entries);
  return data as SignalDataSet;
}

describe('parseLegacyKeyFileName', () => {
  it('undoes useMultiFileAuthState’s file name escaping per key type', () => {
    expect(parseLegacyKeyFileName('pre-key-1.json')).toEqual({ type: 'pre-key', id: '1' });
    expect(parseLegacyKeyFileName('session-99887766_1.3.json')).toEqual({
      type: 'session',
      id: '99887766_1.3',
    });
    expect(parseLegacyKeyFileName('sender-key-1555-1600@g.us--1555--0.json')).toEqual({
      type: 'sender-key',
      id: '1555-1600@g.us::1555::0',
    });
    expect(parseLegacyKeyFileName('sender-key-memory-1555-1600@g.us.json')).toEqual({
      type: 'sender-key-memory',
      id: '1555-1600@g.us',
    });
    expect(parseLegacyKeyFileName('app-state-sync-key-AA__B+.json')).toEqual({
      type: 'app-state-sync-key',
      id: 'AA/B+',
    });
    expect(parseLegacyKeyFileName('tctoken-__index.json')).toEqual({ type: 'tctoken', id: '__index' });
    for (const name of ['creds.json', 'oauth.json', 'pre-key-.json', 'session-1.0.txt', 'foo-1.json']) {
      expect(parseLegacyKeyFileName(name)).toBeNull();
    }
  });
});

describe('migrateLegacyCredentials', () => {
  beforeEach(setUp);
  afterEach(() => t.cleanup());

  it('returns none when there is no old creds.json', async () => {
    expect(await migrate()).toBe('none');
    fs.mkdirSync(credentialsDir, { recursive: true });
    fs.writeFileSync(path.join(credentialsDir, 'oauth.json'), '{}');
    expect(await migrate()).toBe('none');
    expect(fs.readdirSync(credentialsDir)).toEqual(['oauth.json']);
  });

  it('imports every key so Baileys finds it under its original id, and moves only Baileys’ files', async () => {
    const data = allSamples();
    await writeOldInstall(data);
    const oldFiles = fs.readdirSync(credentialsDir).filter((n) => n.endsWith('.json') && n !== 'oauth.json');
    // What the old store returns for every key, read before its files move away.
    const old = await useMultiFileAuthState(credentialsDir);
    const want: Array<[KeyType, string[], Record<string, unknown>]> = [];
    for (const [type, entries] of Object.entries(data) as [KeyType, Record<string, unknown>][]) {
      const ids = Object.keys(entries);
      want.push([type, ids, await old.state.keys.get(type, ids)]);
    }

    expect(await migrate()).toBe('migrated');

    // Every key reads back through the SQLite store exactly as the old store returned it.
    const store = sqliteKeyStore(t.store.db, 'default');
    for (const [type, ids, values] of want) {
      expect(Object.keys(values).sort(), type).toEqual([...ids].sort());
      expect(await store.get(type, ids), type).toEqual(values);
    }
    const keys = want.reduce((n, [, ids]) => n + ids.length, 0);
    expect(countKeys()).toBe(keys);

    // creds now live in the account folder; the old files sit in legacy-*/; the rest is untouched.
    expect((await new CredsFile(authDir, memoryLogger().log).load())?.me?.id).toBe(
      '15550003333:4@s.whatsapp.net',
    );
    const [legacy] = legacyDirs();
    expect(fs.readdirSync(path.join(credentialsDir, legacy!)).sort()).toEqual(oldFiles.sort());
    expect(fs.readdirSync(credentialsDir).sort()).toEqual([legacy, 'notes.txt', 'oauth.json', 'whatsapp']);
    expect(fs.readFileSync(path.join(credentialsDir, 'oauth.json'), 'utf8')).toBe('{"token":"not whatsapp"}');
    expect(fs.readFileSync(path.join(credentialsDir, 'whatsapp', 'work', 'creds.json'), 'utf8')).toBe(
      'another account',
    );

    expect(await migrate()).toBe('none'); // nothing left to do on the next start
  });

  it('skips (and says why) when the account already has creds; nothing is moved or imported', async () => {
    await writeOldInstall(allSamples());
    await new CredsFile(authDir, memoryLogger().log).save(linkedCreds('15550004444:1@s.whatsapp.net'));
    const before = fs.readdirSync(credentialsDir).sort();
    const { log, lines } = memoryLogger();

    expect(await migrate(log)).toBe('skipped');
    expect(fs.readdirSync(credentialsDir).sort()).toEqual(before);
    expect(countKeys()).toBe(0);
    expect(lines().find((l) => l.level === 40)?.msg).toMatch(/already has its own/);
  });

  it('finishes a migration that stopped after writing creds.json', async () => {
    await writeOldInstall(allSamples());
    // As if a crash hit right after the import: the account has the very same creds.
    fs.mkdirSync(authDir, { recursive: true });
    fs.copyFileSync(path.join(credentialsDir, 'creds.json'), path.join(authDir, 'creds.json'));

    expect(await migrate()).toBe('migrated');
    expect(fs.existsSync(path.join(credentialsDir, 'creds.json'))).toBe(false);
    expect(legacyDirs()).toHaveLength(1);
  });

  it('an account whose authDir is credentials/ itself keeps its creds.json there; only keys move', async () => {
    await writeOldInstall(allSamples());
    const creds = fs.readFileSync(path.join(credentialsDir, 'creds.json'), 'utf8');
    authDir = credentialsDir;

    expect(await migrate()).toBe('migrated');
    expect(fs.readFileSync(path.join(credentialsDir, 'creds.json'), 'utf8')).toBe(creds);
    expect(countKeys()).toBeGreaterThan(0);
    const [legacy] = legacyDirs();
    expect(fs.readdirSync(path.join(credentialsDir, legacy!))).not.toContain('creds.json');
    expect(await migrate()).toBe('none');
  });

  it('skips a torn key file but keeps it with the others; unparsable old creds migrate nothing', async () => {
    await writeOldInstall({ 'pre-key': { '1': { public: new Uint8Array(1), private: new Uint8Array(1) } } });
    fs.writeFileSync(path.join(credentialsDir, 'session-1555.0.json'), '{"type":"Buf');
    expect(await migrate()).toBe('migrated');
    expect(countKeys()).toBe(1);
    const [legacy] = legacyDirs();
    expect(fs.readFileSync(path.join(credentialsDir, legacy!, 'session-1555.0.json'), 'utf8')).toBe(
      '{"type":"Buf',
    );

    t.cleanup();
    setUp();
    await writeOldInstall({});
    fs.writeFileSync(path.join(credentialsDir, 'creds.json'), '');
    expect(await migrate()).toBe('none');
    expect(fs.readFileSync(path.join(credentialsDir, 'creds.json'), 'utf8')).toBe('');
    expect(fs.existsSync(authDir)).toBe(false);
  });
});

describe('an old install linked by Baileys’ own multi-file store, migrated, against the simulator', () => {
  let sim: Sim;
  let phone: Phone;
  let alice: Contact;
  beforeAll(async () => {
    sim = await startTrustedSim('legacy');
    phone = sim.phone('+15550004444', { name: 'Owner' });
    alice = sim.contact('+15558889999', { name: 'Alice' });
    setUp();
  });
  afterAll(async () => {
    await sim?.close();
    t?.cleanup();
  });

  it('keeps the link and the Signal sessions: no QR, and messages decrypt both ways', async () => {
    const old = await useMultiFileAuthState(credentialsDir);
    await linkByQr(sim, phone, old.state, old.saveCreds);
    const before = await reconnect(sim, old.state, old.saveCreds);
    const first = await alice.send(phone, 'before the upgrade');
    expect((await before.nextUpsert(first)).message?.conversation).toBe('before the upgrade');
    const sent = await before.client.sock.sendMessage(alice.jid, { text: 'reply before' });
    await alice.nextMessage((m) => m.id === sent!.key.id);
    await before.stop();
    fs.writeFileSync(path.join(credentialsDir, 'oauth.json'), '{"token":"not whatsapp"}');
    const oldFiles = fs.readdirSync(credentialsDir).filter((n) => n !== 'oauth.json');
    expect(oldFiles.some((n) => n.startsWith('session-'))).toBe(true);

    expect(await migrate()).toBe('migrated');
    const [legacy] = legacyDirs();
    expect(fs.readdirSync(path.join(credentialsDir, legacy!)).sort()).toEqual(oldFiles.sort());
    expect(fs.readdirSync(credentialsDir).sort()).toEqual([legacy, 'oauth.json', 'whatsapp']);
    expect(fs.readFileSync(path.join(credentialsDir, 'oauth.json'), 'utf8')).toBe('{"token":"not whatsapp"}');
    // The same bytes Baileys wrote: both sides serialize with BufferJSON.
    expect(fs.readFileSync(path.join(authDir, 'creds.json'), 'utf8')).toBe(
      fs.readFileSync(path.join(credentialsDir, legacy!, 'creds.json'), 'utf8'),
    );

    const auth = await openAuthState({
      accountId: 'default',
      authDir,
      db: t.store.db,
      log: memoryLogger().log,
    });
    expect(auth.isLinked()).toBe(true);
    const after = await reconnect(sim, auth.state, auth.saveCreds);
    expect(after.client.updates.some((u) => u.qr)).toBe(false);
    // Both directions reuse the sessions established before the upgrade, now read from SQLite.
    const second = await alice.send(phone, 'after the upgrade');
    expect((await after.nextUpsert(second)).message?.conversation).toBe('after the upgrade');
    const reply = await after.client.sock.sendMessage(alice.jid, { text: 'reply after' });
    const got = await alice.nextMessage((m) => m.id === reply!.key.id);
    expect(got.message.conversation ?? got.message.extendedTextMessage?.text).toBe('reply after');
    await after.stop();
  });
});
