// The `app://openclaw/…` scheme the desktop window loads the built UI from. A custom standard scheme gives the page a
// real origin (so 'self' in the CSP, fetch and the IPC sender check mean "our UI" and nothing else), where file://
// would make every file on disk the same origin. Only files under the renderer folder are served: Chromium already
// normalises `..` in standard URLs, but a request is checked again here, byte by byte, because the handler is the
// last line between a page and the user's disk. Free of Electron imports so it is tested under plain Node.
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import { UI_CSP } from '../shared/csp';

export const APP_SCHEME = 'app';
export const APP_HOST = 'openclaw';
/** The page the desktop window opens. */
export const APP_PAGE_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** What `protocol.registerSchemesAsPrivileged` needs before `ready`: a standard, secure origin that may use fetch. */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true },
} as const;

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export function mimeTypeFor(file: string): string {
  return MIME_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export type AppFile =
  { ok: true; path: string; mimeType: string } | { ok: false; status: 400 | 403 | 404; reason: string };

// Escapes that would name a separator, a dot segment or a NUL once decoded, and a literal backslash (Windows reads
// it as a separator). None occurs in a URL the built UI makes, so any of them is an attack or a bug.
const FORBIDDEN_RAW = /%2e|%2f|%5c|%00|\\/i;

/**
 * Maps a request URL to a file under `root` (the built renderer folder), or says why not. `root` must be absolute.
 * Refused: other schemes and hosts, dot segments, encoded separators/dots, backslashes, empty segments (`//etc`),
 * drive letters, and anything whose real path (symlinks followed) leaves `root`. Missing files and folders are 404.
 */
export async function resolveAppFile(rawUrl: string, root: string): Promise<AppFile> {
  const refuse = (status: 400 | 403 | 404, reason: string): AppFile => ({ ok: false, status, reason });
  const schemeEnd = rawUrl.indexOf('://');
  if (schemeEnd < 0 || rawUrl.slice(0, schemeEnd).toLowerCase() !== APP_SCHEME) {
    return refuse(400, `not an ${APP_SCHEME}:// URL`);
  }
  const afterHost = rawUrl.slice(schemeEnd + 3).split(/[?#]/)[0] ?? '';
  if (FORBIDDEN_RAW.test(afterHost)) return refuse(400, 'encoded or backslash path characters are refused');
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return refuse(400, 'malformed URL');
  }
  if (url.host.toLowerCase() !== APP_HOST) return refuse(403, `only ${APP_SCHEME}://${APP_HOST}/ is served`);
  // The raw path, as sent: URL parsing would already have folded `..` away, hiding that someone tried.
  const rawPath = afterHost.slice(afterHost.indexOf('/') < 0 ? afterHost.length : afterHost.indexOf('/'));
  const segments = rawPath === '' || rawPath === '/' ? ['index.html'] : rawPath.slice(1).split('/');
  for (const segment of segments) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return refuse(400, 'malformed percent-encoding');
    }
    if (decoded === '' || decoded === '.' || decoded === '..')
      return refuse(400, 'empty or dot path segment');
    if (/[/\\\0:]/.test(decoded)) return refuse(400, 'path segment with a separator, colon or NUL');
  }
  const decodedSegments = segments.map((s) => decodeURIComponent(s));
  const candidate = join(root, ...decodedSegments);
  let realRoot: string;
  let realFile: string;
  try {
    realRoot = await realpath(root);
  } catch {
    return refuse(404, 'the UI is not built');
  }
  try {
    realFile = await realpath(candidate);
  } catch {
    return refuse(404, 'no such file');
  }
  if (!realFile.startsWith(realRoot + sep)) return refuse(403, 'outside the UI folder');
  const info = await stat(realFile).catch(() => null);
  if (!info?.isFile()) return refuse(404, 'not a file');
  return { ok: true, path: realFile, mimeType: mimeTypeFor(realFile) };
}

/** The protocol handler's answer to one request: the file with its type (and our CSP on pages), or a bare status. */
export async function appProtocolResponse(rawUrl: string, root: string): Promise<Response> {
  const file = await resolveAppFile(rawUrl, root);
  if (!file.ok) {
    return new Response(`${file.status}: ${file.reason}\n`, {
      status: file.status,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' },
    });
  }
  const body = await readFile(file.path);
  const headers: Record<string, string> = {
    'Content-Type': file.mimeType,
    'X-Content-Type-Options': 'nosniff',
  };
  if (file.mimeType.startsWith('text/html')) headers['Content-Security-Policy'] = UI_CSP;
  return new Response(body, { status: 200, headers });
}
