// The browser UI's sign-in against a real `openclaw gateway run` process: the one-time link, the session cookie
// and the session key, what a leaked cookie is worth, idle sockets, and what a used link shows a person.
import { readFile } from 'node:fs/promises';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { UI_CSP } from '../src/shared/csp';
import { tokenFilePath } from '../src/gateway/control/token';
import { runCli, spawnGateway, type GatewayProcess } from './support/cli';
import { makeTestEnv, type TestEnv } from './support/env';
import { openRaw, type RawClient } from './support/ws-client';

let t: TestEnv;
let gw: GatewayProcess;
let token: string;
let admin: RawClient;

beforeAll(async () => {
  t = await makeTestEnv();
  gw = await spawnGateway(t.env);
  token = (await readFile(tokenFilePath(t.stateDir), 'utf8')).trim();
  admin = await openRaw(t.port);
  expect(await admin.request('connect', { token })).toMatchObject({ ok: true });
});

afterAll(async () => {
  admin?.close();
  if (gw && gw.child.exitCode === null) expect(await gw.interrupt()).toBe(0);
  await t?.cleanup();
});

interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function http(
  port: number,
  path: string,
  opts: { method?: string; headers?: Record<string, string> } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers: opts.headers },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** A fresh one-time link's path (`/login?code=…`), as `openclaw dashboard` would print it. */
async function freshLinkPath(): Promise<string> {
  const res = (await admin.request('ui.link')) as { value: { url: string } };
  const url = new URL(res.value.url);
  expect(url.host).toBe(`127.0.0.1:${t.port}`);
  return url.pathname + url.search;
}

/** Opens a link the way a browser does: the cookie it sets, and the key in the redirect's fragment. */
async function signIn(path: string): Promise<{ cookie: string; key: string | null }> {
  const res = await http(t.port, path);
  expect(res.status).toBe(303);
  const setCookie = res.headers['set-cookie']?.[0] ?? '';
  expect(setCookie).toMatch(/HttpOnly; SameSite=Strict/);
  const location = new URL(String(res.headers.location), `http://127.0.0.1:${t.port}`);
  expect(location.pathname).toBe('/');
  return { cookie: setCookie.split(';')[0]!, key: new URLSearchParams(location.hash.slice(1)).get('ui-key') };
}

/** Signs in and insists on the key: what our page needs besides the cookie. */
async function signInWithKey(path: string): Promise<{ cookie: string; key: string }> {
  const { cookie, key } = await signIn(path);
  expect(key?.length).toBeGreaterThanOrEqual(32);
  return { cookie, key: key! };
}

const ownOrigin = () => `http://127.0.0.1:${t.port}`;

/** What a socket with these upgrade headers gets for `connect`: refused at upgrade, or the connect answer. */
async function tryConnect(headers: Record<string, string>, params: unknown): Promise<string> {
  let c: RawClient;
  try {
    c = await openRaw(t.port, headers);
  } catch (err) {
    return `refused at upgrade: ${(err as Error).message}`;
  }
  const res = await c.request('connect', params);
  if (res.ok !== true) {
    expect(await c.closed).toBe(4401);
    return `refused: ${(res.error as { code: string }).code}`;
  }
  const health = await c.request('health');
  c.close();
  return health.ok === true ? 'signed in' : 'connected, but health failed';
}

describe('browser sign-in (issue 9, item 4)', () => {
  let leak: Server;
  let leakPort: number;
  const leakedCookies: string[] = [];

  beforeAll(async () => {
    // Another service on 127.0.0.1: the browser sends it our cookie too, since cookies are not scoped by port.
    leak = createServer((req, res) => {
      if (req.headers.cookie) leakedCookies.push(req.headers.cookie);
      res.end('hello');
    });
    await new Promise<void>((resolve) => leak.listen(0, '127.0.0.1', resolve));
    leakPort = (leak.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => leak.close(() => resolve())));

  it('our own page signs in with the link: cookie plus the key from the fragment, from our origin', async () => {
    const { cookie, key } = await signInWithKey(await freshLinkPath());
    expect(await tryConnect({ Cookie: cookie, Origin: ownOrigin() }, { uiKey: key })).toBe('signed in');
    // The key is worthless without the cookie it was given with.
    expect(await tryConnect({ Origin: ownOrigin() }, { uiKey: key })).toBe('refused: auth.invalid_token');
  });

  it('a cookie leaked to another port of 127.0.0.1 opens nothing when replayed, with or without Origin', async () => {
    const { cookie } = await signIn(await freshLinkPath());
    // The browser visits the other service: it receives our session cookie.
    expect((await http(leakPort, '/', { headers: { Cookie: cookie } })).body).toBe('hello');
    const stolen = leakedCookies.at(-1)!;
    expect(stolen).toBe(cookie);

    expect(await tryConnect({ Cookie: stolen }, {})).toBe('refused: auth.missing_token');
    expect(await tryConnect({ Cookie: stolen, Origin: ownOrigin() }, {})).toBe('refused: auth.missing_token');
    expect(await tryConnect({ Cookie: stolen, Origin: `http://localhost:${t.port}` }, {})).toBe(
      'refused: auth.missing_token',
    );
    expect(await tryConnect({ Cookie: stolen, Origin: `http://127.0.0.1:${leakPort}` }, {})).toBe(
      'refused at upgrade: HTTP 403',
    );
    // Guessing the key does not help either.
    expect(await tryConnect({ Cookie: stolen, Origin: ownOrigin() }, { uiKey: 'x'.repeat(43) })).toBe(
      'refused: auth.invalid_token',
    );
  });

  it('even cookie and key together need our own origin: a replay without Origin is refused', async () => {
    const { cookie, key } = await signInWithKey(await freshLinkPath());
    expect(await tryConnect({ Cookie: cookie }, { uiKey: key })).toBe('refused: auth.invalid_token');
    expect(await tryConnect({ Cookie: cookie, Origin: `http://localhost:${t.port}` }, { uiKey: key })).toBe(
      'refused: auth.invalid_token',
    );
    expect(await tryConnect({ Cookie: cookie, Origin: ownOrigin() }, { uiKey: key })).toBe('signed in');
  });

  it('the CLI still signs in with the token alone', async () => {
    expect(await tryConnect({}, { token })).toBe('signed in');
    expect((await runCli(['status'], t.env)).code).toBe(0);
  });
});

describe('idle sockets (issue 9, item 6)', () => {
  it('a real client still connects while 64 idle sockets are open, and idle ones are closed', async () => {
    const idle = Array.from({ length: 64 }, () => new WebSocket(`ws://127.0.0.1:${t.port}/ws`));
    const closed = idle.map((s) => new Promise<void>((resolve) => s.once('close', () => resolve())));
    await Promise.all(
      idle.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.once('open', () => resolve());
            s.once('error', () => resolve());
          }),
      ),
    );

    expect(await tryConnect({}, { token })).toBe('signed in');
    const cli = await runCli(['status'], t.env);
    expect(cli.stdout).toMatch(/Gateway: running/);
    expect(cli.code).toBe(0);
    const { cookie, key } = await signInWithKey(await freshLinkPath());
    expect(await tryConnect({ Cookie: cookie, Origin: ownOrigin() }, { uiKey: key })).toBe('signed in');

    // None of them ever signs in: each is dropped for a newer one or at the end of its sign-in window.
    await Promise.all(closed);
    expect(idle.every((s) => s.readyState === WebSocket.CLOSED)).toBe(true);
  });
});

describe('the one-time link (issue 9, items 7 and 13)', () => {
  it('a HEAD request (a link preview) does not use the link up; opening it does', async () => {
    const path = await freshLinkPath();
    const head = await http(t.port, path, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers['set-cookie']).toBeUndefined();
    await signIn(path);
    expect((await http(t.port, path, { method: 'HEAD' })).status).toBe(403);
  });

  it('a used link answers with a styled page under the strict CSP that says how to get a new one', async () => {
    const path = await freshLinkPath();
    await signIn(path);
    const again = await http(t.port, path);
    expect(again.status).toBe(403);
    expect(again.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(again.headers['content-security-policy']).toBe(UI_CSP);
    expect(again.headers['set-cookie']).toBeUndefined();
    expect(again.body).toContain('<code>openclaw dashboard</code>');
    expect(again.body).toContain('desktop app');
    expect(again.body).not.toMatch(/<script|<style|style=/);

    const sheet = /<link rel="stylesheet" href="([^"]+)"/.exec(again.body)?.[1];
    expect(sheet).toBeDefined();
    const css = await http(t.port, sheet!);
    expect(css.status).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.body).toContain('.card');
  });
});
