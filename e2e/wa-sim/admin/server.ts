// The simulator's admin side for people and UI tests: a JSON API, an event stream and a small page, on
// 127.0.0.1 only. There is no auth, so the server defends against the browser being used against it instead:
// the Host header must name this server (DNS rebinding), POSTs must be JSON (an HTML form cannot send that
// cross-site without a CORS preflight, which is never granted), a foreign Origin is refused, bodies are capped.
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Sim } from '../index';
import type { Companion, Account } from '../server/model';
import type { Connection } from '../server/connection';
import { makeApi, type Handler } from './api';
import { EventHub } from './events';
import { Journal, e164Of } from './journal';
import { HttpError } from './schemas';

export interface AdminOptions {
  /** 0 (default) picks a free port. */
  port?: number;
}

export interface AdminServer {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  url: string;
  port: number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'";
const COMMON_HEADERS: Record<string, string> = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

const PAGE_FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
};

async function loadPage(): Promise<Map<string, { body: Buffer; type: string }>> {
  const page = new Map<string, { body: Buffer; type: string }>();
  for (const [path, { file, type }] of Object.entries(PAGE_FILES)) {
    page.set(path, { body: await readFile(new URL(`./page/${file}`, import.meta.url)), type });
  }
  return page;
}

function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}) {
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(status, {
    ...COMMON_HEADERS,
    ...extra,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(data.length),
  });
  res.end(data);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const tooLarge = () => new HttpError(413, `body larger than ${MAX_BODY_BYTES} bytes`);
    if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) return reject(tooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        chunks.length = 0;
        req.pause();
        reject(tooLarge());
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new HttpError(400, 'body: not valid JSON');
  }
}

export async function startAdmin(sim: Sim, opts: AdminOptions = {}): Promise<AdminServer> {
  const page = await loadPage();
  const hub = new EventHub();
  const journal = new Journal(sim.server, (m) => hub.broadcast('message', m));
  const api = makeApi(sim, journal);
  const knownPaths = new Set(Object.keys(api).map((k) => k.split(' ')[1]));
  let allowedHosts = new Set<string>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // DNS rebinding: a page on evil.example that resolves to 127.0.0.1 still sends its own name as Host.
    if (!allowedHosts.has(req.headers.host ?? '')) throw new HttpError(421, 'unexpected Host header');
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedHosts.has(origin.replace(/^http:\/\//, '')))
      throw new HttpError(403, 'cross-origin requests are not allowed');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';

    const asset = page.get(url.pathname);
    if (asset && (method === 'GET' || method === 'HEAD')) {
      res.writeHead(200, {
        ...COMMON_HEADERS,
        'content-type': asset.type,
        'content-length': String(asset.body.length),
      });
      res.end(method === 'HEAD' ? undefined : asset.body);
      return;
    }
    // Browsers ask for it unprompted; an empty answer keeps their consoles free of 404s.
    if (url.pathname === '/favicon.ico') return void res.writeHead(204, COMMON_HEADERS).end();
    if (url.pathname === '/api/events' && method === 'GET') {
      if (!hub.add(req, res, COMMON_HEADERS)) throw new HttpError(503, 'too many event streams');
      return;
    }
    const handler: Handler | undefined = api[`${method} ${url.pathname}`];
    if (!handler) {
      if (knownPaths.has(url.pathname)) throw new HttpError(405, `${method} not allowed on ${url.pathname}`);
      throw new HttpError(404, `no such endpoint: ${url.pathname}`);
    }
    let body: unknown;
    if (method === 'POST') {
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (type !== 'application/json') throw new HttpError(415, 'POST bodies must be application/json');
      body = parseJson(await readBody(req));
    }
    sendJson(res, 200, await handler({ body, query: url.searchParams }));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500;
      const message = err instanceof Error ? err.message : String(err);
      if (res.headersSent) return void res.destroy();
      // After refusing a body we did not read, close rather than drain an unbounded upload.
      sendJson(res, status, { error: message }, status === 413 ? { connection: 'close' } : {});
    });
  });

  // Live events from the server itself; messages come from the journal.
  const onLinked = (a: Account, c: Companion) => hub.broadcast('linked', deviceEvent(a, c));
  const onLogin = (a: Account, c: Companion) => hub.broadcast('login', deviceEvent(a, c));
  const onQrClient = (conn: Connection) => hub.broadcast('qr-client', { connection: conn.id });
  const onClose = (conn: Connection) =>
    hub.broadcast('close', {
      connection: conn.id,
      phone: conn.user ? `+${conn.user}` : undefined,
      device: conn.device ?? undefined,
    });
  const onDecryptError = (e: { id: string; jid: string; error: string }) => hub.broadcast('decrypt-error', e);
  const onQueueFull = (c: Companion, node: { tag: string }) =>
    hub.broadcast('queue-full', { device: c.device, tag: node.tag });
  const listeners = {
    linked: onLinked,
    login: onLogin,
    'qr-client': onQrClient,
    close: onClose,
    'decrypt-error': onDecryptError,
    'queue-full': onQueueFull,
  };
  for (const [event, fn] of Object.entries(listeners)) sim.server.on(event, fn);

  const stopObserving = () => {
    for (const [event, fn] of Object.entries(listeners)) sim.server.off(event, fn);
    journal.stop();
    hub.close();
  };

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    stopObserving();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);

  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close() {
      closing ??= (async () => {
        stopObserving();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        // Event streams and keep-alive sockets would otherwise hold close() open.
        server.closeAllConnections();
        await closed;
      })();
      return closing;
    },
  };
}

function deviceEvent(account: Account, companion: Companion) {
  return { phone: e164Of(account), device: companion.device, platform: companion.platform };
}
