// Loopback stand-in for WhatsApp's media CDN (mmg.whatsapp.net and the upload hosts from `media_conn`).
//
// Baileys uploads with `https.request` to `https://${hostname}${MEDIA_PATH_MAP[type]}/${token}?auth=…&token=…`
// and downloads with global fetch from `https://${host}${directPath}`, where host comes from the message's
// `url` field. Both are hard-wired to https, so this host must speak TLS: it makes a throwaway self-signed
// certificate for 127.0.0.1/localhost at startup. Callers trust it explicitly (`ca` for an https.Agent, or
// `caFile` for NODE_EXTRA_CA_CERTS in a child process) instead of turning certificate checks off.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MEDIA_PATH_MAP } from '@whiskeysockets/baileys';
import type { BinaryNode } from '@whiskeysockets/baileys';
import type { SimMediaType } from './crypto.js';

export interface MediaHostOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Largest single blob accepted (default 64 MiB); bigger uploads get 413. */
  maxItemBytes?: number;
  /** Cap on everything held in memory (default 256 MiB); uploads past it get 413. */
  maxTotalBytes?: number;
}

export interface StoredUpload {
  /** The direct path the blob is served under (what Baileys puts in the message's `directPath`). */
  path: string;
  bytes: Buffer;
  /** Baileys' media type, recovered from the upload path (`image` also covers stickers and link thumbnails). */
  mediaType: string;
}

export interface MediaHost {
  /** `127.0.0.1:PORT`: Baileys builds `https://${hostname}…`, so this is what `media_conn` must advertise. */
  hostname: string;
  /** `https://127.0.0.1:PORT` */
  url: string;
  /** Upload auth token; Baileys sends it back as `?auth=`. */
  auth: string;
  /** PEM of the self-signed certificate, for `new https.Agent({ ca })` (Baileys' `fetchAgent`). */
  ca: string;
  /** The same PEM on disk until close, for `NODE_EXTRA_CA_CERTS` in a process that runs Baileys. */
  caFile: string;
  /** Stores simulator-originated (already encrypted) media and returns the fields its message must carry. */
  put(bytes: Buffer, mediaType: SimMediaType): { url: string; directPath: string };
  /** Looks a blob up by direct path or full URL (query string ignored). */
  get(directPathOrUrl: string): Buffer | undefined;
  /** Blobs the client uploaded, oldest first. */
  uploads(): StoredUpload[];
  /** The `<media_conn>` child of the answer to Baileys' `w:m` media_conn IQ. */
  mediaConnNode(ttlSeconds?: number): BinaryNode;
  close(): Promise<void>;
}

const MiB = 1024 * 1024;
const execFileAsync = promisify(execFile);

// Upload path prefix -> Baileys media type. Several types share a prefix; the first listed wins, which for
// '/mms/image' is 'image'.
const UPLOAD_PREFIXES = new Map<string, string>();
for (const [type, prefix] of Object.entries(MEDIA_PATH_MAP)) {
  if (!UPLOAD_PREFIXES.has(prefix)) UPLOAD_PREFIXES.set(prefix, type);
}

/** A certificate usable for both `127.0.0.1` (what Baileys dials) and `localhost`, valid for two days. */
async function makeCertificate(dir: string): Promise<{ key: string; cert: string; certFile: string }> {
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  const args =
    'req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=wa-sim-media';
  const san = 'subjectAltName=IP:127.0.0.1,DNS:localhost';
  const argv = [...args.split(' '), '-addext', san, '-keyout', keyFile, '-out', certFile];
  await execFileAsync('/usr/bin/openssl', argv, { timeout: 15_000 });
  const [key, cert] = await Promise.all([readFile(keyFile, 'utf8'), readFile(certFile, 'utf8')]);
  // The private key is only needed in memory; the certificate stays for NODE_EXTRA_CA_CERTS users.
  await rm(keyFile, { force: true });
  return { key, cert, certFile };
}

/** A path shaped like WhatsApp's (`/v/t62.…/….enc?ccb=…&oh=…&oe=…`), unique per blob. */
function newDirectPath(): string {
  const id = `${randomBytes(8).readBigUInt64BE() % 10n ** 17n}_${randomBytes(6).readUIntBE(0, 6)}`;
  const oe = Math.floor(Date.now() / 1000 + 30 * 86_400)
    .toString(16)
    .toUpperCase();
  return `/v/t62.7118-24/${id}_n.enc?ccb=11-4&oh=01_${randomBytes(24).toString('base64url')}&oe=${oe}&_nc_sid=5e03e0`;
}

const pathOf = (directPathOrUrl: string): string =>
  new URL(directPathOrUrl, 'https://placeholder.invalid').pathname;

function sendJson(res: ServerResponse, status: number, body: unknown, close = false): void {
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': data.length,
    ...(close ? { connection: 'close' } : {}),
  });
  res.end(data);
}

export async function startMediaHost(options: MediaHostOptions = {}): Promise<MediaHost> {
  const maxItemBytes = options.maxItemBytes ?? 64 * MiB;
  const maxTotalBytes = options.maxTotalBytes ?? 256 * MiB;
  const dir = await mkdtemp(join(tmpdir(), 'wa-sim-media-'));
  let tls: Awaited<ReturnType<typeof makeCertificate>>;
  try {
    tls = await makeCertificate(dir);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }

  // Served blobs keyed by pathname; a Map keeps insertion order for uploads().
  const blobs = new Map<
    string,
    { directPath: string; bytes: Buffer; mediaType: string; uploaded: boolean }
  >();
  let totalBytes = 0;
  // Base64 with '+', '/' and '=' on purpose: it exercises Baileys' encodeURIComponent of the token.
  const auth = randomBytes(30).toString('base64');
  let hostname = '';

  const store = (
    bytes: Buffer,
    mediaType: string,
    uploaded: boolean,
  ): { url: string; directPath: string } => {
    const directPath = newDirectPath();
    blobs.set(pathOf(directPath), { directPath, bytes, mediaType, uploaded });
    totalBytes += bytes.length;
    // WhatsApp's upload answer has `mms3=true` on the full URL only; Baileys keeps both fields as given.
    return { url: `https://${hostname}${directPath}&mms3=true`, directPath };
  };

  const handleUpload = (req: IncomingMessage, res: ServerResponse, url: URL): void => {
    const slash = url.pathname.lastIndexOf('/');
    const mediaType = UPLOAD_PREFIXES.get(url.pathname.slice(0, slash));
    const token = url.pathname.slice(slash + 1);
    if (mediaType === undefined || token === '') {
      req.resume();
      return sendJson(res, 404, { error: 'unknown upload path' });
    }
    if (url.searchParams.get('auth') !== auth) {
      req.resume();
      return sendJson(res, 401, { error: 'bad auth' });
    }
    const room = Math.min(maxItemBytes, maxTotalBytes - totalBytes);
    const declared = Number(req.headers['content-length'] ?? 0);
    // Connection: close on refusals: the client may still be streaming a body we will not read.
    const refuse = (): void => sendJson(res, 413, { error: 'too large' }, true);
    if (declared > room) {
      req.resume();
      return refuse();
    }
    const chunks: Buffer[] = [];
    let received = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      received += chunk.length;
      if (received > room) {
        refused = true;
        chunks.length = 0;
        refuse();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (refused) return;
      const bytes = Buffer.concat(chunks);
      // Baileys names the blob by its encrypted SHA-256 (base64url, unpadded): checking it catches a
      // truncated or mangled upload here rather than as a confusing decrypt failure later.
      const digest = createHash('sha256').update(bytes).digest('base64url');
      if (digest !== token || url.searchParams.get('token') !== token) {
        return sendJson(res, 400, { error: 'token does not match body' });
      }
      // Re-check: other uploads may have landed while this body streamed in.
      if (bytes.length > maxTotalBytes - totalBytes) return refuse();
      const { url: mediaUrl, directPath } = store(bytes, mediaType, true);
      sendJson(res, 200, { url: mediaUrl, direct_path: directPath });
    });
    req.on('error', () => {
      chunks.length = 0;
    });
  };

  const handleDownload = (req: IncomingMessage, res: ServerResponse, url: URL): void => {
    const blob = blobs.get(url.pathname);
    if (!blob) {
      res.writeHead(404).end();
      return;
    }
    const size = blob.bytes.length;
    // Baileys asks for `bytes=start-` or `bytes=start-end` when a caller wants part of a file.
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (range) {
      const start = Number(range[1]);
      const end = Math.min(range[2] ? Number(range[2]) : size - 1, size - 1);
      if (start >= size || end < start) {
        res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
        return;
      }
      res.writeHead(206, {
        'content-type': 'application/octet-stream',
        'content-length': end - start + 1,
        'content-range': `bytes ${start}-${end}/${size}`,
      });
      res.end(req.method === 'HEAD' ? undefined : blob.bytes.subarray(start, end + 1));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size });
    res.end(req.method === 'HEAD' ? undefined : blob.bytes);
  };

  const server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://placeholder.invalid');
    if (req.method === 'POST') return handleUpload(req, res, url);
    if (req.method === 'GET' || req.method === 'HEAD') return handleDownload(req, res, url);
    req.resume();
    res.writeHead(405, { allow: 'GET, HEAD, POST' }).end();
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  hostname = `127.0.0.1:${(server.address() as AddressInfo).port}`;

  let closing: Promise<void> | undefined;
  return {
    hostname,
    url: `https://${hostname}`,
    auth,
    ca: tls.cert,
    caFile: tls.certFile,
    put(bytes, mediaType) {
      if (bytes.length > maxItemBytes || bytes.length > maxTotalBytes - totalBytes) {
        throw new RangeError(`media host full or item too large (${bytes.length} bytes)`);
      }
      return store(Buffer.from(bytes), mediaType, false);
    },
    get(directPathOrUrl) {
      return blobs.get(pathOf(directPathOrUrl))?.bytes;
    },
    uploads() {
      return [...blobs.values()]
        .filter((b) => b.uploaded)
        .map((b) => ({ path: b.directPath, bytes: b.bytes, mediaType: b.mediaType }));
    },
    mediaConnNode(ttlSeconds = 300) {
      return {
        tag: 'media_conn',
        attrs: { auth, ttl: String(ttlSeconds), auth_ttl: String(ttlSeconds), max_buckets: '1' },
        content: [{ tag: 'host', attrs: { hostname, maxContentLengthBytes: String(maxItemBytes) } }],
      };
    },
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        // close() alone waits for keep-alive sockets (Baileys' agents, fetch pools) to time out.
        server.closeAllConnections();
        await closed;
        blobs.clear();
        totalBytes = 0;
        await rm(dir, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}
