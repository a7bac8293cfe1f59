import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeSafeStorage } from '../../test/support/fake-safe-storage';
import { KeyStore } from '../gateway/agent/providers/keys';
import { safeStorageCipher } from './safe-storage-keys';

const openai = { api: 'openai-completions' as const, baseUrl: 'https://api.openai.com/v1' };
let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'safe-keys-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
const fileText = () => fs.readFileSync(path.join(dir, 'credentials', 'models.json'), 'utf8');

describe('model keys sealed with safeStorage in the desktop app', () => {
  it('writes the same credentials file, marked encrypted, with no key in plain text, and reads it back', async () => {
    const storage = fakeSafeStorage();
    const keys = new KeyStore(dir, {}, safeStorageCipher(storage, 'linux') ?? undefined);
    await keys.setKey('openai', 'sk-desktop-secret');
    const onDisk = JSON.parse(fileText()) as {
      version: number;
      encrypted: string;
      keys: Record<string, string>;
    };
    expect(onDisk.version).toBe(1);
    expect(onDisk.encrypted).toBe('electron-safeStorage');
    expect(Object.keys(onDisk.keys)).toEqual(['openai']);
    expect(fileText()).not.toContain('sk-desktop-secret');
    expect(fs.statSync(path.join(dir, 'credentials', 'models.json')).mode & 0o777).toBe(0o600);
    // A fresh process with the same keychain opens it.
    const again = new KeyStore(dir, {}, safeStorageCipher(storage, 'linux') ?? undefined);
    expect(again.resolve('openai', openai)).toMatchObject({
      key: 'sk-desktop-secret',
      source: 'credentials',
    });
    expect(again.storedKeys()).toEqual(['sk-desktop-secret']);
    expect(again.fileError).toBeUndefined();
  });

  it('headless (no cipher) does not use sealed keys and says why; a plain file is read by the desktop app', async () => {
    await new KeyStore(dir, {}, safeStorageCipher(fakeSafeStorage(), 'darwin')!).setKey(
      'openai',
      'sk-sealed',
    );
    const headless = new KeyStore(dir, { OPENAI_API_KEY: 'sk-env' });
    expect(headless.resolve('openai', openai)).toMatchObject({ key: 'sk-env', source: 'env' });
    expect(headless.fileError).toMatch(
      /encrypted by electron-safeStorage, which only the OpenClaw desktop app/,
    );

    // The other way round: keys saved headless (plain, 0600) still work in the app, and are sealed on its next save.
    fs.rmSync(path.join(dir, 'credentials'), { recursive: true });
    await new KeyStore(dir, {}).setKey('openai', 'sk-plain');
    const desktop = new KeyStore(dir, {}, safeStorageCipher(fakeSafeStorage(), 'win32')!);
    expect(desktop.resolve('openai', openai).key).toBe('sk-plain');
    await desktop.setKey('anthropic', 'sk-ant');
    expect(fileText()).not.toContain('sk-plain');
    expect(desktop.resolve('openai', openai).key).toBe('sk-plain');
  });

  it('reports keys another keychain sealed without failing the others', async () => {
    await new KeyStore(dir, {}, safeStorageCipher(fakeSafeStorage(), 'darwin')!).setKey('openai', 'sk-a');
    const otherKeychain = new KeyStore(dir, {}, safeStorageCipher(fakeSafeStorage(), 'darwin')!);
    expect(otherKeychain.resolve('openai', openai).source).toBe('none');
    expect(otherKeychain.fileError).toMatch(/keys of openai could not be decrypted/);
  });

  it('keeps the 0600 file when safeStorage would protect nothing', () => {
    expect(safeStorageCipher(fakeSafeStorage({ available: false }), 'darwin')).toBeNull();
    expect(safeStorageCipher(fakeSafeStorage({ backend: 'basic_text' }), 'linux')).toBeNull();
    expect(safeStorageCipher(fakeSafeStorage({ backend: 'kwallet5' }), 'linux')?.name).toBe(
      'electron-safeStorage',
    );
  });
});
