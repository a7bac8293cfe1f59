// Saves one inbound media item to disk under a size cap. Everything about the item (its id, declared size, MIME
// type, even the bytes' length) comes from the sender, so the cap is enforced on the bytes actually received,
// names are built only from safe characters, and nothing half-written is ever left under the final name.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { downloadContentFromMessage } from '@whiskeysockets/baileys';
import type { MediaDownload } from '../inbound/port';
import type { MediaRef } from '../inbound/types';
import { DEFAULT_MIMETYPES } from './inbound-adapter';

export interface DownloadOptions {
  dir: string;
  messageId: string;
  maxBytes: number;
  /** Baileys' fetch options (a `RequestInit`): e.g. `{ dispatcher }`, an undici Agent that trusts a CA. Typed
   * loosely so callers need not depend on undici's types. */
  fetchOptions?: unknown;
  /** Gives up on a download that takes too long (a stalled CDN would otherwise hold the message forever). */
  signal?: AbortSignal;
}

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'video/mp4': 'mp4',
  'video/3gpp': '3gp',
  'video/quicktime': 'mov',
  'audio/ogg': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/aac': 'aac',
  'audio/amr': 'amr',
  'application/pdf': 'pdf',
  'application/zip': 'zip',
  'application/octet-stream': 'bin',
  'text/plain': 'txt',
  'text/vcard': 'vcf',
};

/** The extension comes from a table, or else a short alphanumeric subtype: never a path or a long suffix. */
export function extensionFor(mimetype: string): string {
  const type = mimetype.split(';')[0]!.trim().toLowerCase();
  const known = EXTENSIONS[type];
  if (known) return known;
  const sub = type.split('/')[1]?.replace(/^x-/, '');
  return sub && /^[a-z0-9]{1,8}$/.test(sub) ? sub : 'bin';
}

/** Message ids are chosen by the sender. Anything outside [A-Za-z0-9_-] is dropped, and a hash of the original
 * is added when that changed it, so two crafted ids cannot collapse to the same file and overwrite each other. */
export function safeFileStem(messageId: string): string {
  const clean = messageId.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 100);
  if (clean === messageId && clean) return clean;
  const hash = createHash('sha256').update(messageId).digest('hex').slice(0, 12);
  return clean ? `${clean}-${hash}` : `media-${hash}`;
}

export function formatBytes(n: number): string {
  const MB = 1024 * 1024;
  if (n >= MB) return `${Number((n / MB).toFixed(1))} MB`;
  if (n >= 1024) return `${Number((n / 1024).toFixed(1))} KB`;
  return `${n} bytes`;
}

/** Media URLs carry access tokens; an error that quotes one must not copy it into logs or a prompt. */
function describeError(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/https?:\/\/\S+/g, '<media url>') || 'unknown error';
}

type Dispatch = (opts: unknown, handler: object) => boolean;
type Handler = Record<string, (...args: unknown[]) => unknown>;

interface GuardedRequest {
  init?: RequestInit;
  /** Closes the connection (a no-op without a dispatcher to wrap). */
  abort(): void;
  /** The network error that cut the body short, if one did. */
  failure(): unknown;
}

/**
 * Two gaps in Baileys' download are closed by wrapping the dispatcher, the one handle on the request:
 * - it takes no AbortSignal, and destroying the stream it returns only stops reading, leaving the response
 *   open; so the abort function undici gives each request is kept (`onConnect`, or `onRequestStart` in the
 *   newer handler API);
 * - it pipes the response body without an error listener, so a body that errors (a lost connection, or our own
 *   abort) is an uncaught exception that takes the process down, and the stream returned never ends. So once
 *   the body has started, an error is recorded here and fetch is told the body simply ended.
 * Without a dispatcher in `fetchOptions` neither gap can be closed.
 */
function guardRequest(fetchOptions: RequestInit | undefined): GuardedRequest {
  const inner = (fetchOptions as { dispatcher?: { dispatch?: Dispatch } } | undefined)?.dispatcher;
  if (typeof inner?.dispatch !== 'function') {
    return { init: fetchOptions, abort: () => undefined, failure: () => undefined };
  }
  let abortRequest: ((err: Error) => void) | undefined;
  let bodyStarted = false;
  let stopped = false;
  let failure: unknown;
  const absorb = (err: unknown): boolean => {
    if (!bodyStarted) return false;
    if (!stopped) failure = err;
    return true;
  };
  const dispatcher = {
    dispatch(opts: unknown, handler: object): boolean {
      const watched: Handler = new Proxy(handler as Handler, {
        get(target, prop, receiver) {
          const value: unknown = Reflect.get(target, prop, receiver);
          if (typeof value !== 'function') return value;
          const call = (...args: unknown[]) => value.apply(receiver, args);
          switch (prop) {
            case 'onConnect':
              return (abort: (err: Error) => void, ...rest: unknown[]) => {
                abortRequest = abort;
                return call(abort, ...rest);
              };
            case 'onRequestStart':
              return (controller: { abort(err: Error): void }, ...rest: unknown[]) => {
                abortRequest = (err) => controller.abort(err);
                return call(controller, ...rest);
              };
            case 'onHeaders':
            case 'onResponseStart':
              return (...args: unknown[]) => {
                bodyStarted = true;
                return call(...args);
              };
            case 'onError':
              return (err: unknown) => (absorb(err) ? target.onComplete?.call(receiver, []) : call(err));
            case 'onResponseError':
              return (controller: unknown, err: unknown) =>
                absorb(err) ? target.onResponseEnd?.call(receiver, controller, {}) : call(controller, err);
            default:
              return value;
          }
        },
      });
      return inner.dispatch!.call(inner, opts, watched);
    },
  };
  return {
    init: { ...fetchOptions, dispatcher } as RequestInit,
    abort: () => {
      if (stopped) return;
      stopped = true;
      abortRequest?.(new Error('inbound media download stopped'));
    },
    failure: () => failure,
  };
}

export async function downloadInboundMedia(ref: MediaRef, opts: DownloadOptions): Promise<MediaDownload> {
  const mimetype = ref.mimetype ?? DEFAULT_MIMETYPES[ref.kind];
  const limit = `the ${formatBytes(opts.maxBytes)} limit`;
  if (ref.fileLength !== undefined && ref.fileLength > opts.maxBytes) {
    return { ok: false, reason: 'too_large', detail: `${formatBytes(ref.fileLength)} is over ${limit}` };
  }
  if (!ref.mediaKey || (!ref.directPath && !ref.url)) {
    return { ok: false, reason: 'failed', detail: 'the message has no media key or location' };
  }

  const finalPath = join(opts.dir, `${safeFileStem(opts.messageId)}.${extensionFor(mimetype)}`);
  const tempPath = join(opts.dir, `.${randomBytes(8).toString('hex')}.part`);
  let file: FileHandle;
  try {
    await mkdir(opts.dir, { recursive: true, mode: 0o700 });
    file = await open(tempPath, 'wx', 0o600);
  } catch (err) {
    return {
      ok: false,
      reason: 'failed',
      detail: `could not write to the media folder: ${describeError(err)}`,
    };
  }
  const request = guardRequest(opts.fetchOptions as RequestInit | undefined);
  let stream: Awaited<ReturnType<typeof downloadContentFromMessage>> | undefined;
  // The stream goes first: once it is gone, nothing reads what the aborted request still delivers.
  const stop = () => {
    stream?.destroy();
    request.abort();
  };
  opts.signal?.addEventListener('abort', stop, { once: true });
  let bytes = 0;
  let result: MediaDownload | undefined;
  try {
    opts.signal?.throwIfAborted();
    stream = await downloadContentFromMessage(
      { mediaKey: Buffer.from(ref.mediaKey, 'base64'), directPath: ref.directPath, url: ref.url },
      ref.kind,
      request.init ? { options: request.init } : {},
    );
    opts.signal?.throwIfAborted();
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes > opts.maxBytes) {
        stop();
        result = { ok: false, reason: 'too_large', detail: `more than ${limit}` };
        break;
      }
      await file.write(chunk);
    }
    result ??=
      bytes === 0
        ? { ok: false, reason: 'failed', detail: 'the download was empty' }
        : { ok: true, path: finalPath, bytes, mimetype };
  } catch (err) {
    stop();
    const detail = opts.signal?.aborted ? 'the download was cancelled' : describeError(err);
    result = { ok: false, reason: 'failed', detail };
  } finally {
    opts.signal?.removeEventListener('abort', stop);
    await file.close().catch(() => undefined);
  }
  // A body cut short can still decrypt without an error (when it breaks on a block boundary), so a recorded
  // network failure overrides whatever the stream seemed to say.
  const lost = request.failure();
  if (lost !== undefined && (result.ok || result.reason !== 'too_large')) {
    result = { ok: false, reason: 'failed', detail: `the connection was lost: ${describeError(lost)}` };
  }
  if (result.ok) {
    try {
      await rename(tempPath, finalPath);
      return result;
    } catch (err) {
      result = { ok: false, reason: 'failed', detail: `could not save: ${describeError(err)}` };
    }
  }
  await rm(tempPath, { force: true });
  return result;
}
