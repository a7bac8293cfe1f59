import { BufferJSON, initAuthCreds, type AuthenticationCreds } from '@whiskeysockets/baileys';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CredsFile, CredsUnreadableError, missingIdentity, parseCreds, serializeCreds } from './creds-file';
import { linkedCreds, memoryLogger } from './test-support';

let root: string;
let dir: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'openclaw-creds-'));
  dir = path.join(root, 'credentials', 'whatsapp', 'default');
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const mode = (p: string) => fs.statSync(p).mode & 0o777;
const read = (p: string) => JSON.parse(fs.readFileSync(p, 'utf8'), BufferJSON.reviver) as AuthenticationCreds;
const linked = (n: number): AuthenticationCreds =>
  linkedCreds(`1555000${n}:1@s.whatsapp.net`, { nextPreKeyId: n });

describe('CredsFile.save', () => {
  it('serializes concurrent saves: the last call wins, files are 0600 in a 0700 dir, the backup parses', async () => {
    const { log } = memoryLogger();
    const file = new CredsFile(dir, log);
    const all = Array.from({ length: 50 }, (_, i) => linked(i + 1));
    const saves: Promise<void>[] = [];
    for (const [i, creds] of all.entries()) {
      saves.push(file.save(creds));
      // Spread over several event-loop turns so new saves arrive while earlier writes are mid-flight.
      if (i % 7 === 0) await new Promise((r) => setImmediate(r));
    }
    await Promise.all(saves);

    expect(read(file.file).nextPreKeyId).toBe(50);
    expect(read(file.file).me?.id).toBe('155500050:1@s.whatsapp.net');
    expect(fs.readFileSync(file.backup, 'utf8')).toBe(fs.readFileSync(file.file, 'utf8'));
    expect(mode(file.file)).toBe(0o600);
    expect(mode(file.backup)).toBe(0o600);
    expect(mode(dir)).toBe(0o700);
    // Buffers survive the round trip.
    expect(read(file.file).noiseKey.private).toEqual(Buffer.from(all[49]!.noiseKey.private));
    // No temp files left behind.
    expect(fs.readdirSync(dir).sort()).toEqual(['creds.json', 'creds.json.bak']);
  });

  it('serializes across CredsFile objects for the same folder too', async () => {
    const a = new CredsFile(dir, memoryLogger().log);
    const b = new CredsFile(path.join(dir, '.', ''), memoryLogger().log);
    const saves: Promise<void>[] = [];
    for (let n = 1; n <= 20; n += 1) {
      saves.push((n % 2 ? a : b).save(linked(n)));
      if (n % 3 === 0) await new Promise((r) => setImmediate(r));
    }
    await Promise.all(saves);
    expect(read(a.file).nextPreKeyId).toBe(20);
    expect(read(a.backup).nextPreKeyId).toBe(20);
  });

  it('captures the creds at call time, not at write time (Baileys mutates the same object)', async () => {
    const file = new CredsFile(dir, memoryLogger().log);
    const creds = linked(1);
    const first = file.save(creds);
    creds.nextPreKeyId = 2;
    const second = file.save(creds);
    creds.nextPreKeyId = 3; // changed after the last save: must not be what lands
    await Promise.all([first, second]);
    expect(read(file.file).nextPreKeyId).toBe(2);
  });

  it('a failed write does not lose the content: flush() retries it, later saves still work', async () => {
    const file = new CredsFile(dir, memoryLogger().log);
    await file.save(linked(1));
    // A directory where creds.json should be makes the rename fail.
    fs.rmSync(file.file);
    fs.mkdirSync(file.file);
    await expect(file.save(linked(2))).rejects.toThrow();
    expect(read(file.backup).nextPreKeyId).toBe(1); // the backup was not touched by the failed write
    fs.rmdirSync(file.file);
    // flush() (shutdown) retries the content the failed write left behind.
    await file.flush();
    expect(read(file.file).nextPreKeyId).toBe(2);
    expect(read(file.backup).nextPreKeyId).toBe(2);
    await file.save(linked(3));
    expect(read(file.file).nextPreKeyId).toBe(3);
    expect(read(file.backup).nextPreKeyId).toBe(3);
  });
});

describe('CredsFile.load', () => {
  it('returns null when neither creds.json nor the backup exists, and writes nothing', async () => {
    const file = new CredsFile(dir, memoryLogger().log);
    expect(await file.load()).toBeNull();
    expect(fs.existsSync(dir)).toBe(false);
  });

  for (const [what, damage] of [
    ['truncated to 0 bytes', ''],
    ['garbage', '{"noiseKey": {"private": {"type":"Buf'],
    ['valid JSON that is not creds', '{}'],
    ['creds without the account identity (me)', serializeCreds(initAuthCreds())],
  ] as const) {
    it(`restores a creds.json that is ${what} from the backup, rewriting creds.json`, async () => {
      const { log, lines } = memoryLogger();
      const file = new CredsFile(dir, log);
      await file.save(linked(7));
      fs.writeFileSync(file.file, damage);

      const creds = await new CredsFile(dir, log).load();
      expect(creds?.me?.id).toBe('15550007:1@s.whatsapp.net');
      expect(read(file.file).nextPreKeyId).toBe(7);
      expect(mode(file.file)).toBe(0o600);
      const warn = lines().find((l) => l.level === 40);
      expect(warn?.msg).toMatch(/restoring WhatsApp credentials from creds\.json\.bak/);
    });
  }

  it('restores a missing creds.json from the backup', async () => {
    const file = new CredsFile(dir, memoryLogger().log);
    await file.save(linked(8));
    fs.rmSync(file.file);
    expect((await file.load())?.nextPreKeyId).toBe(8);
    expect(read(file.file).nextPreKeyId).toBe(8);
  });

  it('never lets a corrupt backup overwrite a good creds.json', async () => {
    const file = new CredsFile(dir, memoryLogger().log);
    await file.save(linked(9));
    const good = fs.readFileSync(file.file, 'utf8');
    fs.writeFileSync(file.backup, 'not json at all');

    expect((await file.load())?.nextPreKeyId).toBe(9);
    expect(fs.readFileSync(file.file, 'utf8')).toBe(good);
    // The good copy replaces the damaged backup, in the file's write lane (load does not wait for it).
    await file.flush();
    expect(fs.readFileSync(file.backup, 'utf8')).toBe(good);
  });

  it('when both are damaged: returns null, logs an error, and leaves both files as they are', async () => {
    const { log, lines } = memoryLogger();
    const file = new CredsFile(dir, log);
    await file.save(linked(1));
    fs.writeFileSync(file.file, '');
    fs.writeFileSync(file.backup, '{"half');

    expect(await file.load()).toBeNull();
    expect(fs.readFileSync(file.file, 'utf8')).toBe('');
    expect(fs.readFileSync(file.backup, 'utf8')).toBe('{"half');
    expect(lines().some((l) => l.level === 50)).toBe(true);
  });

  it('when neither copy is a complete identity: null, and `problem` says what each file lacks', async () => {
    const file = new CredsFile(dir, memoryLogger().log);
    await file.save(linked(1));
    const { me: _me, ...noMe } = linked(2);
    fs.writeFileSync(file.file, serializeCreds(noMe as AuthenticationCreds));
    fs.rmSync(file.backup);

    expect(await file.load()).toBeNull();
    expect(file.problem).toBe('creds.json has no account identity (me.id); creds.json.bak is missing');
  });

  it('an account folder that cannot be read throws CredsUnreadableError naming the path and code', async () => {
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    // Root reads through any mode bits, so a file where the folder belongs is what makes it unreadable here.
    fs.writeFileSync(dir, 'not a folder');
    const file = new CredsFile(dir, memoryLogger().log);
    const err = await file.load().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CredsUnreadableError);
    expect((err as Error).message).toBe(`cannot read ${file.file}: ENOTDIR`);
    expect(fs.readFileSync(dir, 'utf8')).toBe('not a folder');
  });

  it('a load queued behind saves sees their result (no restore from a stale backup mid-write)', async () => {
    const file = new CredsFile(dir, memoryLogger().log);
    const saves = [1, 2, 3].map((n) => file.save(linked(n)));
    const loaded = await file.load();
    await Promise.all(saves);
    expect(loaded?.nextPreKeyId).toBe(3);
  });
});

describe('CredsFile.remove', () => {
  it('waits for pending saves, then deletes creds.json and the backup only', async () => {
    const file = new CredsFile(dir, memoryLogger().log);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'other.txt'), 'kept');
    const save = file.save(linked(1));
    await file.remove();
    await save;
    expect(fs.readdirSync(dir)).toEqual(['other.txt']);
    expect(await file.load()).toBeNull();
  });
});

describe('missingIdentity', () => {
  it('names every part a linked device needs that is absent', () => {
    expect(missingIdentity(linked(1))).toEqual([]);
    expect(missingIdentity(initAuthCreds())).toEqual([
      'account identity (me.id)',
      'signed device identity (account)',
    ]);
    const { signedPreKey: _s, registrationId: _r, ...rest } = linked(1);
    expect(missingIdentity(rest as AuthenticationCreds)).toEqual(['signedPreKey', 'registrationId']);
  });
});

describe('parseCreds', () => {
  it('accepts what serializeCreds writes and rejects non-creds', () => {
    const creds = initAuthCreds();
    expect(parseCreds(serializeCreds(creds))?.registrationId).toBe(creds.registrationId);
    expect(parseCreds('null')).toBeNull();
    expect(parseCreds('[]')).toBeNull();
    expect(parseCreds('{"noiseKey":{}}')).toBeNull();
  });
});

describe('CredsFile: unchanged content', () => {
  it('a save of what is already on disk writes nothing; a change is written', async () => {
    const file = new CredsFile(dir, memoryLogger().log);
    await file.save(linked(11));
    const before = fs.statSync(file.file);
    const again = new CredsFile(dir, memoryLogger().log);
    const loaded = (await again.load())!;
    await again.save(loaded);
    await file.save(loaded);
    expect(fs.statSync(file.file).ino).toBe(before.ino);
    await again.save({ ...loaded, nextPreKeyId: 12 });
    expect(fs.statSync(file.file).ino).not.toBe(before.ino);
    expect(read(file.file).nextPreKeyId).toBe(12);
  });
});
