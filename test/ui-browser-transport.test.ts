// The browser UI's own transport (ws-client plus ui-key) against a real gateway on 127.0.0.1: what the page does
// after the sign-in redirect, with the headers a browser adds (the cookie and our page's Origin).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startGateway, type Gateway } from '../src/gateway/gateway';
import { takeUiKey, type UiKeyPage } from '../src/renderer/src/api/ui-key';
import { createWsClient, type WebSocketCtor, type WsClient } from '../src/renderer/src/api/ws-client';
import { makeTestEnv, waitFor, type TestEnv } from './support/env';

let t: TestEnv;
let gw: Gateway;
const clients: WsClient[] = [];

beforeEach(async () => {
  t = await makeTestEnv();
  gw = await startGateway({ env: t.env, serveUi: false });
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await gw.stop();
  await t.cleanup();
});

/** Opens the one-time link: the cookie set, and where the redirect sends the page. */
async function openLink(): Promise<{ cookie: string; location: string }> {
  const res = await fetch(gw.uiLink().url, { redirect: 'manual' });
  expect(res.status).toBe(303);
  return { cookie: res.headers.get('set-cookie')!.split(';')[0]!, location: res.headers.get('location')! };
}

/** A page at `/` plus `hash`, with an in-memory localStorage. */
function page(hash: string, storage = new Map<string, string>()) {
  const replaced: string[] = [];
  const p: UiKeyPage = {
    location: { hash, pathname: '/', search: '' },
    history: { replaceState: (_data, _unused, url) => replaced.push(url) },
    localStorage: {
      getItem: (k) => storage.get(k) ?? null,
      setItem: (k, v) => void storage.set(k, v),
    },
  };
  return { p, replaced, storage };
}

/** The `ws` WebSocket with the headers Chromium sends from our page: the cookie and our Origin. */
function browserSocket(cookie: string): WebSocketCtor {
  const origin = `http://127.0.0.1:${t.port}`;
  return class extends WebSocket {
    constructor(url: string) {
      super(url, { headers: { Cookie: cookie, Origin: origin } });
    }
  } as unknown as WebSocketCtor;
}

function connect(cookie: string, uiKey: () => string | undefined): WsClient {
  const client = createWsClient({
    url: `ws://127.0.0.1:${t.port}/ws`,
    WebSocket: browserSocket(cookie),
    uiKey,
  });
  clients.push(client);
  return client;
}

describe('the browser transport', () => {
  it('keeps the key from the redirect, clears it from the address bar, and signs in with it', async () => {
    const { cookie, location } = await openLink();
    const { p, replaced, storage } = page(new URL(location, 'http://x').hash);
    const uiKey = takeUiKey(p);
    expect(replaced).toEqual(['/']);
    expect([...storage.values()]).toHaveLength(1);

    const client = connect(cookie, uiKey);
    await waitFor(() => client.getState().status === 'connected', 'the UI to connect');
    expect(await client.invoke('health', undefined)).toMatchObject({ ok: true, value: { port: t.port } });

    // A reload (no fragment any more) still finds the key.
    const reloaded = takeUiKey(page('#/settings', storage).p);
    const again = connect(cookie, reloaded);
    await waitFor(() => again.getState().status === 'connected', 'the reloaded UI to connect');
  });

  it('with the cookie but no key, the page is signed out for good', async () => {
    const { cookie } = await openLink();
    const client = connect(cookie, takeUiKey(page('').p));
    await waitFor(() => client.getState().status === 'unauthorized', 'the UI to be refused');
    expect(await client.invoke('health', undefined)).toMatchObject({ ok: false });
  });
});
