import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogHub, type LogHub } from './hub';
import { CENSOR, redactKeysDeep, SecretScrubber } from './redact';
import { readJsonLines, recorder, tempDir } from './test-helpers';

let tmp: ReturnType<typeof tempDir>;
let hub: LogHub;
let out: ReturnType<typeof recorder>;
beforeEach(() => {
  tmp = tempDir();
  out = recorder();
  hub = createLogHub({ file: path.join(tmp.dir, 'openclaw-YYYY-MM-DD.log'), console: out.stream });
});
afterEach(async () => {
  await hub.close();
  tmp.remove();
});

/** Every place a line ends up: the file, the ring (as JSON) and the console. */
function everywhere(): string[] {
  return [fs.readFileSync(hub.currentFile(), 'utf8'), JSON.stringify(hub.tail()), out.text()];
}

describe('redaction by key', () => {
  it('censors secret keys at the top level and at any depth, in file, ring and console', () => {
    const log = hub.child('whatsapp/account');
    log.info(
      {
        token: 'tok-top',
        creds: { noiseKey: { private: 'nk-private' } },
        req: {
          headers: { Authorization: 'Bearer hdr-secret', cookie: 'sid=cookie-secret', 'x-ok': 'visible' },
        },
        deep: { a: { b: { c: { d: { password: 'pw-deep' } } } } },
        list: [{ apiKey: 'key-in-array' }],
        phone: '+15550001',
      },
      'connecting',
    );
    for (const text of everywhere()) {
      for (const leaked of [
        'tok-top',
        'nk-private',
        'hdr-secret',
        'cookie-secret',
        'pw-deep',
        'key-in-array',
      ]) {
        expect(text).not.toContain(leaked);
      }
      expect(text).toContain(CENSOR);
      expect(text).toContain('+15550001');
    }
    const [line] = readJsonLines(hub.currentFile());
    expect(line).toMatchObject({
      token: CENSOR,
      creds: CENSOR,
      req: { headers: { Authorization: CENSOR, cookie: CENSOR, 'x-ok': 'visible' } },
      deep: { a: { b: { c: { d: { password: CENSOR } } } } },
      list: [{ apiKey: CENSOR }],
    });
    expect(hub.tail()[0]?.fields).toMatchObject({ token: CENSOR, creds: CENSOR });
  });

  it('censors secret keys inside serialized errors and child bindings', () => {
    const err = Object.assign(new Error('request failed'), {
      config: { headers: { authorization: 'Bearer in-error' } },
    });
    hub.child('agent').child({ accessToken: 'bound-token' }).error({ err }, 'provider call failed');
    for (const text of everywhere()) {
      expect(text).not.toContain('in-error');
      expect(text).not.toContain('bound-token');
    }
    expect(readJsonLines(hub.currentFile())[0]).toMatchObject({ err: { message: 'request failed' } });
  });
});

describe('redaction of Signal key material', () => {
  it('censors Signal key fields and any bytes a logger is handed, at any depth', () => {
    const privKey = Buffer.from('a1'.repeat(32), 'hex');
    hub.child('whatsapp').info(
      {
        session: {
          currentRatchet: { rootKey: 'root-b64', ephemeralKeyPair: { privKey } },
          registrationId: 7,
        },
        chain: [{ chainKey: { key: 'chain-b64' } }],
        media: { mediaKey: 'media-b64', bytes: Buffer.from([1, 2, 3]) },
        frames: [Buffer.alloc(4)],
        jid: '1555@s.whatsapp.net',
      },
      'session replaced',
    );
    for (const text of everywhere()) {
      for (const leaked of ['root-b64', 'chain-b64', 'media-b64', '"data":[', '161,161,161']) {
        expect(text).not.toContain(leaked);
      }
      expect(text).toContain('1555@s.whatsapp.net');
    }
    expect(readJsonLines(hub.currentFile())[0]).toMatchObject({
      session: { currentRatchet: { rootKey: CENSOR, ephemeralKeyPair: CENSOR }, registrationId: CENSOR },
      chain: [{ chainKey: CENSOR }],
      media: { mediaKey: CENSOR, bytes: '<redacted 3 bytes>' },
      frames: ['<redacted 4 bytes>'],
    });
  });
});

describe('redaction by value (addSecret)', () => {
  it('censors a registered value anywhere: message, fields, nested strings', () => {
    const secret = 'gw-9f8e7d6c5b4a';
    hub.addSecret(secret);
    hub
      .child('control')
      .warn(
        { url: `ws://127.0.0.1:18789/?auth=${secret}`, nested: { note: `x${secret}y` } },
        `client presented ${secret}`,
      );
    for (const text of everywhere()) expect(text).not.toContain(secret);
    expect(hub.tail()[0]).toMatchObject({
      msg: `client presented ${CENSOR}`,
      fields: { url: `ws://127.0.0.1:18789/?auth=${CENSOR}`, nested: { note: `x${CENSOR}y` } },
    });
  });

  it('censors values that JSON escapes (quotes, backslashes)', () => {
    const secret = 'pa"ss\\word-77';
    hub.addSecret(secret);
    hub.root.info({ value: secret }, `m ${secret}`);
    const [line] = readJsonLines(hub.currentFile());
    expect(line).toMatchObject({ value: CENSOR, msg: `m ${CENSOR}` });
    expect(JSON.stringify(hub.tail())).not.toContain('word-77');
    expect(out.text()).not.toContain('word-77');
  });

  it('keeps the line valid JSON when a secret also matches part of a number', () => {
    hub.addSecret('5551234');
    hub.root.info({ count: 5551234 }, 'code 5551234');
    const [line] = readJsonLines(hub.currentFile());
    expect(line).toMatchObject({ msg: `code ${CENSOR}` });
    expect(hub.tail()[0]?.msg).toBe(`code ${CENSOR}`);
  });

  it('applies to child loggers created before the secret was added', () => {
    const log = hub.child('whatsapp/outbound');
    hub.addSecret('late-secret-value');
    log.info('sending late-secret-value');
    for (const text of everywhere()) expect(text).not.toContain('late-secret-value');
  });
});

describe('redact helpers', () => {
  it('redactKeysDeep matches whole keys case-insensitively and reports changes', () => {
    const value = { TOKEN: 'a', tokenCount: 3, arr: [{ Secret: 'b' }], fine: { x: 1 } };
    expect(redactKeysDeep(value)).toBe(true);
    expect(value).toEqual({ TOKEN: CENSOR, tokenCount: 3, arr: [{ Secret: CENSOR }], fine: { x: 1 } });
    expect(redactKeysDeep(value)).toBe(false);
    expect(redactKeysDeep('plain')).toBe(false);
  });

  it('SecretScrubber refuses values too short to be secrets and prefers the longest match', () => {
    const s = new SecretScrubber();
    expect(s.add('')).toBe(false);
    expect(s.add('abc')).toBe(false);
    expect(s.empty).toBe(true);
    expect(s.add('abcd')).toBe(true);
    expect(s.add('abcd-efgh')).toBe(true);
    expect(s.scrubText('x abcd-efgh abcd')).toBe(`x ${CENSOR} ${CENSOR}`);
  });
});
