// Media URLs against a real HTTP server on loopback. Loopback is itself a refused address, so these tests allow
// private networks except where the refusal is what is tested.
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchUrl } from './fetch-url';
import { isPrivateAddress, prepareMedia, type PrepareOptions } from './index';
import { jpeg, pdf, rejection } from './test-fixtures';

let server: Server;
let base: string;
let dir: string;
let small: Buffer;
const closed: string[] = [];
const hanging = new Set<ServerResponse>();

const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  '/photo.jpg': (_req, res) => res.writeHead(200, { 'content-type': 'image/jpeg' }).end(small),
  '/report': (_req, res) =>
    res.writeHead(200, { 'content-disposition': 'attachment; filename="Q3 report.pdf"' }).end(pdf()),
  '/missing': (_req, res) => res.writeHead(404).end('no'),
  '/broken': (_req, res) => res.writeHead(500).end('oops'),
  '/declared-big': (_req, res) => res.writeHead(200, { 'content-length': String(10_000_000) }).end(),
  '/endless': (req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    const chunk = Buffer.alloc(64 * 1024, 7);
    const pump = () => {
      while (res.write(chunk));
    };
    res.on('drain', pump);
    req.socket.once('close', () => closed.push('/endless'));
    pump();
  },
  '/silent': (_req, res) => void hanging.add(res),
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'openclaw-media-url-'));
  small = await jpeg(320, 240);
  server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    const hops = /^\/hop\/(\d+)$/.exec(url.pathname);
    if (url.pathname === '/to-private') {
      res
        .writeHead(302, { location: `http://127.0.0.2:${(server.address() as AddressInfo).port}/photo.jpg` })
        .end();
      return;
    }
    if (hops) {
      const n = Number(hops[1]);
      res.writeHead(302, { location: n > 0 ? `/hop/${n - 1}` : '/photo.jpg' }).end();
      return;
    }
    const route = routes[url.pathname];
    if (route) route(req, res);
    else res.writeHead(404).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const res of hanging) res.destroy();
  server.closeAllConnections();
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

const allowed = (extra: Partial<PrepareOptions> = {}): PrepareOptions => ({
  maxBytes: 1024 * 1024,
  dir,
  allowPrivateNetwork: true,
  ...extra,
});

describe('media from http(s) URLs', () => {
  it('downloads an image and takes its type from the bytes', async () => {
    const media = await prepareMedia(`${base}/photo.jpg`, allowed());
    expect(media).toMatchObject({ kind: 'image', mimetype: 'image/jpeg', bytes: small.length });
  });

  it('names a document after the Content-Disposition file name', async () => {
    const media = await prepareMedia(`${base}/report`, allowed());
    expect(media).toMatchObject({ kind: 'document', mimetype: 'application/pdf', fileName: 'Q3 report.pdf' });
  });

  it('follows up to 5 redirects and refuses a sixth', async () => {
    expect((await prepareMedia(`${base}/hop/4`, allowed())).mimetype).toBe('image/jpeg');
    const err = await rejection(prepareMedia(`${base}/hop/5`, allowed()));
    expect(err.code).toBe('unreachable');
    expect(err.message).toBe(`${base}/hop/5 redirects more than 5 times`);
  });

  it('refuses loopback and private addresses unless allowed, written in the URL or resolved from a name', async () => {
    const port = (server.address() as AddressInfo).port;
    for (const url of [
      `${base}/photo.jpg`,
      `http://localhost:${port}/photo.jpg`,
      `http://[::1]:${port}/photo.jpg`,
      `http://2130706433:${port}/photo.jpg`,
      'http://169.254.169.254/latest/meta-data/',
      'http://192.168.1.1/',
    ]) {
      const err = await rejection(prepareMedia(url, allowed({ allowPrivateNetwork: false })));
      expect(err.code, url).toBe('refused_address');
      expect(err.message).toMatch(
        /a loopback or private address; media URLs must be public unless private networks are allowed/,
      );
    }
  });

  it('checks every redirect hop again: a public URL that redirects to a private address is refused', async () => {
    // For this test only, the server's own address counts as public, so the first hop is allowed.
    const isPrivate = (address: string) => address !== '127.0.0.1' && isPrivateAddress(address);
    const caps = { maxBytes: 1024 * 1024, imageMaxBytes: 1024 * 1024, isPrivate };
    expect((await fetchUrl(`${base}/hop/1`, caps)).data.equals(small)).toBe(true);
    const err = await rejection(fetchUrl(`${base}/to-private`, caps));
    expect(err.code).toBe('refused_address');
    expect(err.message).toMatch(/^http:\/\/127\.0\.0\.2:\d+\/photo\.jpg resolves to 127\.0\.0\.2/);
  });

  it('cuts a download off at the cap while it streams, and closes the connection', async () => {
    const err = await rejection(prepareMedia(`${base}/endless`, allowed({ maxBytes: 256 * 1024 })));
    expect(err.code).toBe('too_large');
    expect(err.message).toBe(`${base}/endless is over the 256 KB limit (download stopped there)`);
    await expect.poll(() => closed).toContain('/endless');
  });

  it('refuses a body whose declared length is over the cap before reading it', async () => {
    const err = await rejection(prepareMedia(`${base}/declared-big`, allowed()));
    expect(err.message).toBe(`${base}/declared-big is 9.5 MB, over the 1 MB limit`);
  });

  it('gives up on a server that does not answer, saying so', async () => {
    const err = await rejection(prepareMedia(`${base}/silent`, allowed({ timeoutMs: 300 })));
    expect([err.code, err.message]).toEqual(['unreachable', `${base}/silent did not answer in time`]);
  });

  it('reports HTTP errors, refused connections and unknown hosts as the source and the reason', async () => {
    const missing = await rejection(prepareMedia(`${base}/missing`, allowed()));
    expect([missing.code, missing.message]).toEqual([
      'not_found',
      `${base}/missing answered HTTP 404 Not Found`,
    ]);
    const broken = await rejection(prepareMedia(`${base}/broken`, allowed()));
    expect(broken.code).toBe('unreachable');
    const idle = createServer();
    idle.listen(0, '127.0.0.1');
    await once(idle, 'listening');
    const port = (idle.address() as AddressInfo).port;
    idle.close();
    const refused = await rejection(prepareMedia(`http://127.0.0.1:${port}/a.jpg`, allowed()));
    expect(refused.message).toBe(`http://127.0.0.1:${port}/a.jpg is unreachable: ECONNREFUSED`);
    const unknown = await rejection(prepareMedia('http://no-such-host.invalid/a.jpg', allowed()));
    expect(unknown.code).toBe('unreachable');
    expect(unknown.message).toMatch(/^http:\/\/no-such-host\.invalid\/a\.jpg is unreachable/);
  });

  it('never shows credentials or query strings from the URL in an error', async () => {
    const err = await rejection(prepareMedia(`http://user:secret@127.0.0.1:1/a.jpg?token=abc`, allowed()));
    expect(err.message).not.toMatch(/secret|token|abc/);
  });
});
