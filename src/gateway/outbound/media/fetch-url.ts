// Downloads one media URL for sending. Only http(s); redirects followed by hand so every hop is checked; one
// deadline for the whole fetch; the body cut off the moment it passes the cap (never buffered whole first).
// Unless private networks are allowed, every address a host resolves to must be public, and the check runs in
// the socket's own DNS lookup, so the address checked is the address connected to (no DNS-rebinding window).
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { describeSource, formatBytes, MediaError } from './errors';
import { isPrivateAddress } from './address';

export const DEFAULT_FETCH_TIMEOUT_MS = 30_000;
export const MAX_REDIRECTS = 5;

export interface FetchOptions {
  /** Cap for the body, unless the server says it is an image. */
  maxBytes: number;
  /** Cap for a body the server labels `image/*`: an image over `maxBytes` can still be made to fit. */
  imageMaxBytes: number;
  allowPrivateNetwork?: boolean;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Which addresses are refused (address.ts); tests narrow it to tell one loopback address from another. */
  isPrivate?: (address: string) => boolean;
  /** Extra options for https.request, e.g. `{ ca }` to trust a test server's certificate. */
  tls?: https.RequestOptions;
}

export interface Fetched {
  data: Buffer;
  /** The server's Content-Type (a hint only: the MIME type sent comes from the bytes). */
  contentType?: string;
  /** From Content-Disposition, else the last segment of the URL's path. */
  fileName?: string;
}

class RefusedAddress extends Error {
  constructor(readonly address: string) {
    super(`refused address ${address}`);
  }
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** dns.lookup that refuses private answers; honours `all` (Node's happy-eyeballs asks for every address). */
function guardedLookup(isPrivate: (address: string) => boolean) {
  return (hostname: string, options: { all?: boolean }, callback: LookupCallback): void =>
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const refused = addresses.find((a) => isPrivate(a.address));
      if (refused) return callback(new RefusedAddress(refused.address), []);
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
}

function fileNameFrom(res: IncomingMessage, url: URL): string | undefined {
  const disposition = res.headers['content-disposition'];
  const quoted = disposition && /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition)?.[1];
  let name = quoted || url.pathname.split('/').pop() || '';
  try {
    name = decodeURIComponent(name);
  } catch {
    // Keep it as sent.
  }
  name = name.replace(/[/\\\0]/g, '').trim();
  return name && name !== '.' && name !== '..' ? name.slice(0, 200) : undefined;
}

async function readCapped(res: IncomingMessage, cap: number, what: string): Promise<Buffer> {
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > cap) {
    res.destroy();
    throw new MediaError(
      'too_large',
      `${what} is ${formatBytes(declared)}, over the ${formatBytes(cap)} limit`,
    );
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > cap) {
      res.destroy();
      throw new MediaError(
        'too_large',
        `${what} is over the ${formatBytes(cap)} limit (download stopped there)`,
      );
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

function request(url: URL, opts: FetchOptions, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const req = client.request(url, {
      ...(url.protocol === 'https:' ? opts.tls : {}),
      method: 'GET',
      signal,
      headers: { accept: '*/*', 'user-agent': 'openclaw-desktop' },
      ...(opts.allowPrivateNetwork
        ? {}
        : { lookup: guardedLookup(opts.isPrivate ?? isPrivateAddress) as never }),
    });
    req.once('response', resolve);
    req.once('error', reject);
    req.end();
  });
}

function failure(err: unknown, url: URL, signal: AbortSignal, caller?: AbortSignal): MediaError {
  const what = describeSource(url.href);
  if (err instanceof MediaError) return err;
  if (err instanceof RefusedAddress) {
    return new MediaError(
      'refused_address',
      `${what} resolves to ${err.address}, a loopback or private address; media URLs must be public unless private networks are allowed`,
    );
  }
  if (caller?.aborted) return new MediaError('unreachable', `fetching ${what} was cancelled`, { cause: err });
  if (signal.aborted) return new MediaError('unreachable', `${what} did not answer in time`, { cause: err });
  const code = (err as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'its host name does not resolve' : (code ?? String(err));
  return new MediaError('unreachable', `${what} is unreachable: ${reason}`, { cause: err });
}

export async function fetchUrl(source: string, opts: FetchOptions): Promise<Fetched> {
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS);
  const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;
  let url = new URL(source);
  for (let hop = 0; ; hop++) {
    const what = describeSource(url.href);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new MediaError('unsupported', `${what}: only http and https URLs are fetched`);
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    // An address written in the URL never goes through the lookup, so it is checked here.
    if (!opts.allowPrivateNetwork && isIP(host) && (opts.isPrivate ?? isPrivateAddress)(host))
      throw failure(new RefusedAddress(host), url, signal);
    let res: IncomingMessage;
    try {
      res = await request(url, opts, signal);
    } catch (err) {
      throw failure(err, url, signal, opts.signal);
    }
    const status = res.statusCode ?? 0;
    if (status >= 300 && status < 400 && res.headers.location) {
      res.resume();
      if (hop >= MAX_REDIRECTS) {
        throw new MediaError(
          'unreachable',
          `${describeSource(source)} redirects more than ${MAX_REDIRECTS} times`,
        );
      }
      url = new URL(res.headers.location, url);
      continue;
    }
    if (status < 200 || status >= 300) {
      res.resume();
      const code = status === 404 || status === 410 ? 'not_found' : 'unreachable';
      throw new MediaError(
        code,
        `${what} answered HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''}`,
      );
    }
    const contentType = res.headers['content-type'];
    const cap = contentType?.toLowerCase().startsWith('image/') ? opts.imageMaxBytes : opts.maxBytes;
    try {
      return { data: await readCapped(res, cap, what), contentType, fileName: fileNameFrom(res, url) };
    } catch (err) {
      throw failure(err, url, signal, opts.signal);
    }
  }
}
