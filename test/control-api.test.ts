// The control API end to end: a real gateway on a real 127.0.0.1 port, a real WebSocket client, a real file.
import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../src/gateway/gateway';
import { tokenFilePath } from '../src/gateway/control/token';
import { makeTestEnv, waitFor, type TestEnv } from './support/env';
import { openRaw, type RawClient } from './support/ws-client';

let t: TestEnv;
let gw: Gateway;
let token: string;

beforeEach(async () => {
  t = await makeTestEnv();
  gw = await startGateway({ env: t.env, serveUi: false });
  token = (await readFile(tokenFilePath(t.stateDir), 'utf8')).trim();
});

afterEach(async () => {
  await gw.stop();
  await t.cleanup();
});

async function authed(): Promise<RawClient> {
  const c = await openRaw(t.port);
  const res = await c.request('connect', { token });
  expect(res.ok).toBe(true);
  return c;
}

function httpGet(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: t.port, path, headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('authentication', () => {
  it('refuses a connect without a token and closes the socket', async () => {
    const c = await openRaw(t.port);
    const res = await c.request('connect', {});
    expect(res).toMatchObject({ ok: false, error: { code: 'auth.missing_token' } });
    expect(await c.closed).toBe(4401);
  });

  it('refuses a wrong token', async () => {
    const c = await openRaw(t.port);
    const res = await c.request('connect', { token: token.slice(0, -2) + 'xx' });
    expect(res).toMatchObject({ ok: false, error: { code: 'auth.invalid_token' } });
    expect(await c.closed).toBe(4401);
  });

  it('refuses any method before connect, and changes nothing', async () => {
    const before = await readFile(t.configPath, 'utf8');
    const c = await openRaw(t.port);
    const res = await c.request('config.set', { path: 'web.enabled', value: false });
    expect(res).toMatchObject({ ok: false, error: { code: 'auth.missing_token' } });
    expect(await readFile(t.configPath, 'utf8')).toBe(before);
  });

  it('stores a generated token with mode 0600', async () => {
    const { stat } = await import('node:fs/promises');
    expect((await stat(tokenFilePath(t.stateDir))).mode & 0o777).toBe(0o600);
    expect(token.length).toBeGreaterThanOrEqual(32);
  });

  it('refuses WebSocket upgrades from a foreign origin', async () => {
    await expect(openRaw(t.port, { Origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
  });

  it('signs a browser in once per one-time link, by cookie plus the session key', async () => {
    const { url } = gw.uiLink();
    const path = new URL(url).pathname + new URL(url).search;
    const first = await httpGet(path, { Host: `127.0.0.1:${t.port}` });
    expect(first.status).toBe(303);
    const cookie = String((first.headers['set-cookie'] as string[])[0]).split(';')[0]!;
    expect(String((first.headers['set-cookie'] as string[])[0])).toMatch(/HttpOnly; SameSite=Strict/);
    const uiKey = /^\/#ui-key=([\w-]+)$/.exec(String(first.headers.location))?.[1];
    expect(uiKey).toBeDefined();
    expect((await httpGet(path, { Host: `127.0.0.1:${t.port}` })).status).toBe(403);

    const c = await openRaw(t.port, { Cookie: cookie, Origin: `http://127.0.0.1:${t.port}` });
    expect(await c.request('connect', { uiKey })).toMatchObject({ ok: true });
    expect(await c.request('health')).toMatchObject({ ok: true, value: { port: t.port } });
    c.close();
  });

  it('answers HTTP only for loopback host names', async () => {
    expect((await httpGet('/healthz', { Host: 'evil.example' })).status).toBe(421);
    expect((await httpGet('/healthz', { Host: `localhost:${t.port}` })).status).toBe(200);
  });

  it('listens on 127.0.0.1 only', async () => {
    // /proc/net/tcp lists listening sockets (state 0A) with hex local addresses: 0100007F is 127.0.0.1.
    const table = await readFile('/proc/net/tcp', 'utf8').catch(() => '');
    const tcp6 = await readFile('/proc/net/tcp6', 'utf8').catch(() => '');
    const hexPort = t.port.toString(16).toUpperCase().padStart(4, '0');
    const listening = (text: string) =>
      text
        .split('\n')
        .filter((l) => l.split(/\s+/)[4] === '0A' && l.split(/\s+/)[2]?.endsWith(`:${hexPort}`))
        .map((l) => l.split(/\s+/)[2]);
    expect(listening(table)).toEqual([`0100007F:${hexPort}`]);
    expect(listening(tcp6)).toEqual([]);
  });
});

describe('methods', () => {
  it('answers an unknown method with a coded error', async () => {
    const c = await authed();
    expect(await c.request('config.explode', {})).toMatchObject({
      ok: false,
      error: { code: 'control.unknown_method' },
    });
    c.close();
  });

  it('answers a bad payload with a coded error and changes nothing', async () => {
    const before = await readFile(t.configPath, 'utf8');
    const c = await authed();
    const res = await c.request('config.set', { path: 42, value: 'x' });
    expect(res).toMatchObject({ ok: false, error: { code: 'control.invalid_params' } });
    expect(String((res.error as { message: string }).message)).toContain('params.path');
    expect(await c.request('logs.tail', { limit: -1 })).toMatchObject({
      ok: false,
      error: { code: 'control.invalid_params' },
    });
    expect(await c.sendRaw('not json')).toMatchObject({
      ok: false,
      error: { code: 'control.invalid_frame' },
    });
    expect(await readFile(t.configPath, 'utf8')).toBe(before);
    c.close();
  });

  it('reports health', async () => {
    const c = await authed();
    const res = await c.request('health');
    expect(res).toMatchObject({
      ok: true,
      value: { pid: process.pid, port: t.port, config: { valid: true, file: t.configPath } },
    });
    c.close();
  });

  it('refuses an allowlist without entries, then accepts it once allowFrom has one; subscribers see config.changed', async () => {
    const watcher = await authed();
    expect(await watcher.request('events.subscribe', { events: ['config.changed'] })).toMatchObject({
      ok: true,
    });
    const c = await authed();
    const before = await readFile(t.configPath, 'utf8');

    const refused = await c.request('config.set', { path: 'channels.whatsapp.dmPolicy', value: 'allowlist' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'config.invalid' } });
    expect(JSON.stringify(refused.error)).toContain('channels.whatsapp.allowFrom');
    expect(await readFile(t.configPath, 'utf8')).toBe(before);

    const changed = watcher.nextEvent('config.changed');
    expect(
      await c.request('config.set', { path: 'channels.whatsapp.allowFrom', value: ['+15551234567'] }),
    ).toMatchObject({ ok: true });
    expect(await changed).toMatchObject({ source: 'control', valid: true });
    expect(
      await c.request('config.set', { path: 'channels.whatsapp.dmPolicy', value: 'allowlist' }),
    ).toMatchObject({ ok: true });

    const text = await readFile(t.configPath, 'utf8');
    expect(text).toContain('// test config');
    expect(text).toContain('allowlist');
    expect(await c.request('config.get', { path: 'channels.whatsapp.dmPolicy' })).toMatchObject({
      ok: true,
      value: { value: 'allowlist' },
    });
    watcher.close();
    c.close();
  });

  it('hot-reloads a valid edit and keeps the last good config after an invalid one', async () => {
    const c = await authed();
    await c.request('events.subscribe', { events: ['config.changed'] });

    let changed = c.nextEvent('config.changed', (p) => (p as { source: string }).source === 'file');
    await t.writeConfig(`{ logging: { file: ${JSON.stringify(t.logFile)} }, web: { heartbeatSeconds: 30 } }`);
    expect(await changed).toMatchObject({ valid: true });
    expect(await c.request('config.get', { path: 'web.heartbeatSeconds' })).toMatchObject({
      value: { value: 30 },
    });

    changed = c.nextEvent('config.changed', (p) => (p as { source: string }).source === 'file');
    await t.writeConfig(
      `{ logging: { file: ${JSON.stringify(t.logFile)} }, web: { heartbeatSeconds: 5 }, channels: { whatsapp: { dmPolicy: "sometimes" } } }`,
    );
    expect(await changed).toMatchObject({ valid: false, usingLastGood: true });
    const health = (await c.request('health')) as { value: { config: { errors: Array<{ path: string }> } } };
    expect(health.value.config.errors.map((e) => e.path)).toContain('channels.whatsapp.dmPolicy');
    expect(await c.request('config.get', { path: 'web.heartbeatSeconds' })).toMatchObject({
      value: { value: 30 },
    });
    c.close();
  });

  it('tails logs and pushes new lines to subscribers only', async () => {
    const sub = await authed();
    const other = await authed();
    await sub.request('events.subscribe', { events: ['log'] });
    const tail = (await sub.request('logs.tail', { subsystem: 'gateway' })) as {
      value: { entries: Array<{ msg: string }> };
    };
    expect(tail.value.entries.map((e) => e.msg)).toContain('gateway started');

    const next = sub.nextEvent('log', (p) => (p as { subsystem: string }).subsystem === 'config');
    await t.writeConfig(
      `{ logging: { file: ${JSON.stringify(t.logFile)} }, web: { heartbeatSeconds: "x" } }`,
    );
    expect(await next).toMatchObject({ subsystem: 'config' });
    expect(other.events.filter((e) => e.event === 'log')).toEqual([]);
    expect(await sub.request('events.subscribe', { events: ['nope'] })).toMatchObject({
      ok: false,
      error: { code: 'control.invalid_params' },
    });
    sub.close();
    other.close();
  });

  it('never leaks the token into logs', async () => {
    const c = await authed();
    await c.request('connect', { token });
    await gw.stop();
    const { readdir } = await import('node:fs/promises');
    const { dirname, join } = await import('node:path');
    const dir = dirname(t.logFile);
    const files = await readdir(dir);
    const text = (await Promise.all(files.map((f) => readFile(join(dir, f), 'utf8')))).join('');
    expect(text).toContain('gateway started');
    expect(text).not.toContain(token);
  });
});

describe('shutdown', () => {
  it('closes clients and frees the port', async () => {
    const c = await authed();
    await gw.stop();
    expect(await c.closed).toBe(1001);
    const { createServer } = await import('node:net');
    await waitFor(
      () =>
        new Promise<boolean>((resolve) => {
          const s = createServer();
          s.once('error', () => resolve(false));
          s.listen(t.port, '127.0.0.1', () => s.close(() => resolve(true)));
        }),
      'the port to be free',
    );
  });
});
