// The HTTP side of the control server: the built UI as static files with a strict CSP, `/login` to redeem a
// one-time link, and `/healthz` so `openclaw doctor` can tell our gateway from another program on the port.
// Requests must name a loopback host, which stops DNS-rebinding pages from reaching the API.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { UI_CSP } from '../../shared/csp';
import type { UiAuth } from './ui-auth';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

export function isLoopbackHost(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}` || host === `[::1]:${port}`;
}

export function createHttpHandler(opts: { uiDir: string | null; port: () => number; auth: UiAuth }) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const base = {
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
    };
    if (!isLoopbackHost(req.headers.host, opts.port())) {
      res
        .writeHead(421, { ...base, 'Content-Type': 'text/plain' })
        .end('This gateway answers only on 127.0.0.1.\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...base, Allow: 'GET, HEAD' }).end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/healthz') {
      res.writeHead(200, { ...base, 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      res.end(JSON.stringify({ service: 'openclaw-gateway' }));
      return;
    }
    if (url.pathname === '/login') {
      const session = opts.auth.redeem(url.searchParams.get('code') ?? '');
      if (!session) {
        res.writeHead(403, {
          ...base,
          'Content-Type': 'text/plain; charset=utf-8',
          'Cache-Control': 'no-store',
        });
        res.end(
          'This sign-in link is unknown, already used or expired.\nRun `openclaw dashboard` for a new one.\n',
        );
        return;
      }
      res.writeHead(303, {
        ...base,
        Location: '/',
        'Set-Cookie': opts.auth.cookieFor(session),
        'Cache-Control': 'no-store',
      });
      res.end();
      return;
    }
    await serveStatic(opts.uiDir, url.pathname, req, res, base);
  };
}

async function serveStatic(
  uiDir: string | null,
  pathname: string,
  req: IncomingMessage,
  res: ServerResponse,
  base: Record<string, string>,
): Promise<void> {
  if (!uiDir) {
    res.writeHead(503, { ...base, 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('The UI is not built. Run `npm run build`, then restart the gateway.\n');
    return;
  }
  let relative: string;
  try {
    relative = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, '');
  } catch {
    res.writeHead(400, base).end();
    return;
  }
  // Unknown paths fall back to index.html so client-side routes survive a reload.
  let file = join(uiDir, relative || 'index.html');
  if (file !== uiDir && !file.startsWith(uiDir + sep)) {
    res.writeHead(404, base).end();
    return;
  }
  let info = await stat(file).catch(() => null);
  if (!info?.isFile()) {
    file = join(uiDir, 'index.html');
    info = await stat(file).catch(() => null);
    if (!info?.isFile()) {
      res.writeHead(404, base).end();
      return;
    }
  }
  const isHtml = extname(file) === '.html';
  res.writeHead(200, {
    ...base,
    'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
    'Content-Length': info.size,
    'Cache-Control': isHtml ? 'no-store' : 'public, max-age=3600',
    ...(isHtml ? { 'Content-Security-Policy': UI_CSP } : {}),
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}
