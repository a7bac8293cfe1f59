// The HTTP side of the control server: the built UI as static files with a strict CSP, `/login` to redeem a
// one-time link, `/healthz` so `openclaw doctor` can tell our gateway from another program on the port, and
// `/metrics` for Prometheus (only with the gateway token as a bearer token).
// Requests must name a loopback host, which stops DNS-rebinding pages from reaching the API. `/login` hands the
// session key to our page in the redirect's URL fragment: browsers never send a fragment to any server, and only
// a page of our origin (port included) sees it, unlike the cookie, which goes to every port of 127.0.0.1.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { UI_CSP } from '../../shared/csp';
import { UI_KEY_FRAGMENT } from '../../shared/protocol';
import { NOTICE_CSS, NOTICE_CSS_PATH, noticePage } from './notice-page';
import type { UiAuth } from './ui-auth';
import type { MetricsEndpoint } from '../metrics/wire';
import { tokensEqual } from './token';

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

const HTML_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Content-Security-Policy': UI_CSP,
};

const USED_LINK_PAGE = noticePage('This sign-in link no longer works', [
  'Each link printed by OpenClaw opens the UI in one browser, once, within 10 minutes. This one was already used or has expired.',
  'For a new link, run `openclaw dashboard` in a terminal on the computer where the gateway runs and open the link it prints. Or use the OpenClaw desktop app.',
]);

export function isLoopbackHost(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}` || host === `[::1]:${port}`;
}

export function createHttpHandler(opts: {
  uiDir: string | null;
  port: () => number;
  auth: UiAuth;
  /** GET /metrics for Prometheus, behind the gateway token. */
  metrics?: MetricsEndpoint | null;
}) {
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
    if (url.pathname === '/metrics' && opts.metrics) {
      await serveMetrics(opts.metrics, req, res, base);
      return;
    }
    if (url.pathname === NOTICE_CSS_PATH) {
      res.writeHead(200, { ...base, 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : NOTICE_CSS);
      return;
    }
    if (url.pathname === '/login') {
      const code = url.searchParams.get('code') ?? '';
      // Link previews and scanners look with HEAD; only opening the link (GET) may use it up.
      if (req.method === 'HEAD') {
        res.writeHead(opts.auth.isCodeValid(code) ? 200 : 403, { ...base, ...HTML_HEADERS }).end();
        return;
      }
      const signIn = opts.auth.redeem(code);
      if (!signIn) {
        res.writeHead(403, { ...base, ...HTML_HEADERS });
        res.end(USED_LINK_PAGE);
        return;
      }
      res.writeHead(303, {
        ...base,
        Location: `/#${UI_KEY_FRAGMENT}=${signIn.key}`,
        'Set-Cookie': opts.auth.cookieFor(signIn.session),
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

/** Scrapers send the gateway token as a bearer token; the browser UI's cookie does not open this. */
async function serveMetrics(
  metrics: MetricsEndpoint,
  req: IncomingMessage,
  res: ServerResponse,
  base: Record<string, string>,
): Promise<void> {
  const given = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
  if (given === undefined || !tokensEqual(given, metrics.token)) {
    res.writeHead(401, {
      ...base,
      'Content-Type': 'text/plain; charset=utf-8',
      'WWW-Authenticate': 'Bearer realm="openclaw-gateway"',
    });
    res.end(
      given === undefined
        ? 'GET /metrics needs the gateway token: send "Authorization: Bearer <token>".\n'
        : 'The token does not match this gateway’s token.\n',
    );
    return;
  }
  const { contentType, body } = await metrics.render();
  res.writeHead(200, { ...base, 'Content-Type': contentType, 'Cache-Control': 'no-store' });
  res.end(req.method === 'HEAD' ? undefined : body);
}
