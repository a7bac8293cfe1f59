import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GatewayError } from '../errors';
import {
  ConfigService,
  ConfigStartupError,
  LAST_GOOD_FILE,
  loadConfigFile,
  type ConfigChange,
} from './service';

const log = pino({ level: 'silent' });
let root: string;
let stateDir: string;
let configPath: string;
const open: ConfigService[] = [];

beforeEach(async () => {
  root = await fsp.mkdtemp(path.join(os.tmpdir(), 'oc-config-'));
  stateDir = path.join(root, 'state');
  configPath = path.join(root, 'etc', 'openclaw.json');
});
afterEach(async () => {
  for (const s of open.splice(0)) s.close();
  await fsp.rm(root, { recursive: true, force: true });
});

async function start(): Promise<ConfigService> {
  const s = await ConfigService.open({ configPath, stateDir, log });
  open.push(s);
  return s;
}
async function writeConfig(text: string): Promise<void> {
  await fsp.mkdir(path.dirname(configPath), { recursive: true });
  await fsp.writeFile(configPath, text);
}
const sha = (t: string): string => createHash('sha256').update(t).digest('hex');

/** Resolves with the first change matching `pred`; rejects after `ms` so a missing event fails fast. */
function nextChange(
  s: ConfigService,
  pred: (c: ConfigChange) => boolean = () => true,
  ms = 5000,
): Promise<ConfigChange> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error('no config change event'));
    }, ms);
    const off = s.onChange((c) => {
      if (!pred(c)) return;
      clearTimeout(timer);
      off();
      resolve(c);
    });
  });
}
async function caught(p: Promise<unknown>): Promise<GatewayError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  throw new Error('expected a GatewayError');
}

const GOOD = `// my config
{
  channels: {
    whatsapp: {
      dmPolicy: 'allowlist', // only these
      allowFrom: ['+15551234567'],
    },
  },
}
`;

describe('ConfigService.open', () => {
  it('treats a missing file as a valid empty config', async () => {
    const s = await start();
    expect(s.status()).toEqual({
      file: configPath,
      hash: '',
      valid: true,
      errors: [],
      warnings: [],
      usingLastGood: false,
    });
    expect(s.raw()).toBeNull();
    expect(s.config.channels.whatsapp.dmPolicy).toBe('pairing');
    expect(s.get('gateway.port')).toBe(18789);
    expect(s.get('channels.whatsapp.nope')).toBeUndefined();
  });

  it('loads a valid file and saves it as the last good config (0600)', async () => {
    await writeConfig(GOOD);
    const s = await start();
    expect(s.status()).toMatchObject({ valid: true, hash: sha(GOOD), usingLastGood: false });
    expect(s.get('channels.whatsapp.allowFrom[0]')).toBe('+15551234567');
    const lastGood = path.join(stateDir, LAST_GOOD_FILE);
    expect(JSON.parse(await fsp.readFile(lastGood, 'utf8'))).toMatchObject({ configPath, raw: GOOD });
    expect((await fsp.stat(lastGood)).mode & 0o777).toBe(0o600);
  });

  it('throws ConfigStartupError for an invalid file with no last good config', async () => {
    await writeConfig(`{ channels: { whatsapp: { dmPolicy: 'sometimes' } } }`);
    const err = await ConfigService.open({ configPath, stateDir, log }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigStartupError);
    const e = err as ConfigStartupError;
    expect(e.issues[0]?.path).toBe('channels.whatsapp.dmPolicy');
    expect(e.message).toBe(
      `the config at ${configPath} is invalid and there is no earlier valid config to fall back on:\n` +
        '  - channels.whatsapp.dmPolicy: must be one of "pairing", "allowlist", "open", "disabled" (got "sometimes") (line 1, column 27)',
    );
  });

  it('falls back to the last good config when the file is invalid', async () => {
    await writeConfig(GOOD);
    (await start()).close();
    await writeConfig(`{ channels: { whatsapp: { dmPolicy: 'open' } } }`);
    const s = await start();
    expect(s.status()).toMatchObject({ valid: false, usingLastGood: true });
    expect(s.status().errors[0]?.path).toBe('channels.whatsapp.allowFrom');
    expect(s.config.channels.whatsapp.dmPolicy).toBe('allowlist');
  });

  it('ignores a last good config saved for another file', async () => {
    await writeConfig(GOOD);
    (await start()).close();
    const other = path.join(root, 'other.json');
    await fsp.writeFile(other, '{ broken');
    await expect(ConfigService.open({ configPath: other, stateDir, log })).rejects.toBeInstanceOf(
      ConfigStartupError,
    );
  });
});

describe('writes', () => {
  it('set: writes a valid change, keeps comments, emits "control"', async () => {
    await writeConfig(GOOD);
    const s = await start();
    const changed = nextChange(s);
    const status = await s.set('channels.whatsapp.allowFrom[1]', '+15557654321');
    const text = await fsp.readFile(configPath, 'utf8');
    expect(text).toContain('// my config');
    expect(text).toContain('// only these');
    expect(status).toMatchObject({ valid: true, hash: sha(text), usingLastGood: false });
    expect(s.get('channels.whatsapp.allowFrom')).toEqual(['+15551234567', '+15557654321']);
    expect((await changed).source).toBe('control');
    expect((await fsp.stat(configPath)).mode & 0o777).toBe(0o600);
  });

  it('set: an invalid result throws config.invalid and leaves the file byte-identical', async () => {
    await writeConfig(GOOD);
    const s = await start();
    const before = await fsp.readFile(configPath);
    const err = await caught(s.set('channels.whatsapp.dmPolicy', 'open'));
    expect(err.code).toBe('config.invalid');
    expect(err.message).toBe(
      'channels.whatsapp.allowFrom: channels.whatsapp.dmPolicy="open" requires channels.whatsapp.allowFrom to include "*"',
    );
    expect((err.details as { errors: unknown[] }).errors).toHaveLength(1);
    expect((await fsp.readFile(configPath)).equals(before)).toBe(true);
    expect(s.config.channels.whatsapp.dmPolicy).toBe('allowlist');

    const many = await caught(s.apply(`{ web: { heartbeatSeconds: 0, reconnect: { factor: 99 } } }`));
    expect(many.message).toMatch(/^web\.heartbeatSeconds: must be at least 1 \(got 0\) \(and 1 more\)$/);
    expect((await fsp.readFile(configPath)).equals(before)).toBe(true);
  });

  it('set: stores strings as strings and creates a missing file', async () => {
    const s = await start();
    await s.set('channels.whatsapp.allowFrom', ['+15551234567']);
    await s.set('channels.whatsapp.dmPolicy', 'allowlist');
    expect(s.get('channels.whatsapp.dmPolicy')).toBe('allowlist');
    expect(await fsp.readFile(configPath, 'utf8')).toContain('"dmPolicy": "allowlist"');
  });

  it('unset: removes a key, and is a no-op (no write) for a missing one', async () => {
    await writeConfig(GOOD);
    const s = await start();
    const err = await caught(s.unset('channels.whatsapp.allowFrom'));
    expect(err.code).toBe('config.invalid'); // allowlist needs senders
    await s.set('channels.whatsapp.dmPolicy', 'pairing');
    await s.unset('channels.whatsapp.allowFrom');
    expect(s.get('channels.whatsapp.allowFrom')).toBeUndefined();
    const text = await fsp.readFile(configPath, 'utf8');
    const mtime = (await fsp.stat(configPath)).mtimeMs;
    const status = await s.unset('web.reconnect.maxMs');
    expect(status.hash).toBe(sha(text));
    expect((await fsp.stat(configPath)).mtimeMs).toBe(mtime);
  });

  it('refuses a stale baseHash with config.conflict and accepts the current one', async () => {
    await writeConfig(GOOD);
    const s = await start();
    const { hash } = s.status();
    await fsp.writeFile(configPath, GOOD.replace('+15551234567', '+15550000000'));
    const err = await caught(s.set('web.enabled', false, hash));
    expect(err.code).toBe('config.conflict');
    expect(err.message).toBe('the config file changed since you loaded it; reload and try again');
    const fresh = sha(await fsp.readFile(configPath, 'utf8'));
    await s.set('web.enabled', false, fresh);
    expect(s.get('web.enabled')).toBe(false);
    expect(s.get('channels.whatsapp.allowFrom')).toEqual(['+15550000000']);
  });

  it('apply: replaces the whole file; malformed paths and syntax errors are coded', async () => {
    const s = await start();
    await s.apply('{ gateway: { port: 19999 } }');
    expect(s.get('gateway.port')).toBe(19999);
    expect((await caught(s.set('a..b', 1))).code).toBe('config.path_invalid');
    expect((await caught(s.apply('{ oops'))).code).toBe('config.invalid');
    await fsp.writeFile(configPath, '{ oops');
    expect((await caught(s.set('gateway.port', 1))).code).toBe('config.parse_error');
  });

  it('serializes concurrent writes', async () => {
    const s = await start();
    await Promise.all([
      s.set('gateway.port', 19001),
      s.set('web.heartbeatSeconds', 30),
      s.set('session.mainKey', 'home'),
    ]);
    expect(s.get('gateway.port')).toBe(19001);
    expect(s.get('web.heartbeatSeconds')).toBe(30);
    expect(s.get('session.mainKey')).toBe('home');
  });

  it('validate: checks given text or the file without writing', async () => {
    await writeConfig(GOOD);
    const s = await start();
    expect(await s.validate()).toEqual({ valid: true, errors: [], warnings: [] });
    const r = await s.validate(`{ channels: { whatsapp: { allowFrom: ['abc'] } } }`);
    expect(r.valid).toBe(false);
    expect(r.errors[0]?.path).toBe('channels.whatsapp.allowFrom.0');
    const loaded = await loadConfigFile(configPath);
    expect(loaded.raw).toBe(GOOD);
    expect(loaded.result.ok).toBe(true);
  });
});

describe('watching the file', () => {
  it('picks up a valid external edit (emits "file")', async () => {
    await writeConfig(GOOD);
    const s = await start();
    await s.startWatching();
    const edited = `{ channels: { whatsapp: { dmPolicy: 'disabled' } } }`;
    const changed = nextChange(s, (c) => c.source === 'file' && c.hash === sha(edited));
    // Editors often save by writing a temp file and renaming it over the original.
    const tmp = `${configPath}.swp`;
    await fsp.writeFile(tmp, edited);
    await fsp.rename(tmp, configPath);
    const change = await changed;
    expect(change).toMatchObject({ source: 'file', valid: true, usingLastGood: false });
    expect(s.config.channels.whatsapp.dmPolicy).toBe('disabled');

    // The watcher keeps working after the inode changed.
    const second = `{ channels: { whatsapp: { dmPolicy: 'pairing' } } }`;
    const again = nextChange(s, (c) => c.source === 'file' && c.hash === sha(second));
    await fsp.writeFile(configPath, second);
    await again;
    expect(s.config.channels.whatsapp.dmPolicy).toBe('pairing');
  });

  it('keeps the last good config when an external edit is invalid', async () => {
    await writeConfig(GOOD);
    const s = await start();
    await s.startWatching();
    const broken = `{ channels: { whatsapp: { dmPolicy: 'sometimes' } } }`;
    const changed = nextChange(s, (c) => c.source === 'file' && c.hash === sha(broken));
    await fsp.writeFile(configPath, broken);
    const change = await changed;
    expect(change).toMatchObject({ valid: false, usingLastGood: true });
    expect(s.status().errors[0]?.path).toBe('channels.whatsapp.dmPolicy');
    expect(s.config.channels.whatsapp.dmPolicy).toBe('allowlist');

    // Fixing the file makes it effective again.
    const repaired = `{ channels: { whatsapp: { dmPolicy: 'disabled' } } }`;
    const fixed = nextChange(s, (c) => c.source === 'file' && c.hash === sha(repaired));
    await fsp.writeFile(configPath, repaired);
    expect(await fixed).toMatchObject({ usingLastGood: false });
    expect(s.config.channels.whatsapp.dmPolicy).toBe('disabled');
  });

  it('leaves the mode of an existing config directory alone', async () => {
    await writeConfig(GOOD);
    await fsp.chmod(path.dirname(configPath), 0o755);
    const s = await start();
    await s.startWatching();
    expect((await fsp.stat(path.dirname(configPath))).mode & 0o777).toBe(0o755);
  });

  it('does not report its own writes as file changes, and creates a missing directory', async () => {
    const s = await start();
    await s.startWatching();
    expect((await fsp.stat(path.dirname(configPath))).isDirectory()).toBe(true);
    const changes: ConfigChange[] = [];
    s.onChange((c) => changes.push(c));
    const own = await s.set('gateway.port', 19002);
    // A later external edit is seen; by then the watcher has also had the chance to report our own write.
    const text = '{ gateway: { port: 19003 } }';
    const external = nextChange(s, (c) => c.source === 'file' && c.hash === sha(text));
    await fsp.writeFile(configPath, text);
    await external;
    expect(changes[0]).toMatchObject({ source: 'control', hash: own.hash });
    expect(changes.filter((c) => c.source === 'file' && c.hash === own.hash)).toEqual([]);
    expect(s.get('gateway.port')).toBe(19003);
  });
});
