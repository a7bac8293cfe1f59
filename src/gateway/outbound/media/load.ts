// Reads a media source into memory under a cap: a local path, a file:// URL, or an http(s) URL (fetch-url.ts).
// A local file's size is known before reading, so an oversized one is refused without reading it.
import { open, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeSource, formatBytes, MediaError } from './errors';
import { fetchUrl, type FetchOptions } from './fetch-url';

export interface Loaded {
  data: Buffer;
  fileName?: string;
}

export interface LoadOptions extends Omit<FetchOptions, 'imageMaxBytes'> {
  /** Cap for a source that may be an image (it can be made smaller); `maxBytes` for everything else. */
  imageMaxBytes: number;
  /** Tells whether the first bytes of a local file are an image (so the larger cap applies). */
  isImage: (head: Buffer) => Promise<boolean>;
}

function localPath(source: string): string {
  if (/^file:/i.test(source)) {
    try {
      return fileURLToPath(source);
    } catch (err) {
      throw new MediaError('unsupported', `${source} is not a usable file URL: ${(err as Error).message}`);
    }
  }
  if (source === '~' || source.startsWith('~/')) return join(homedir(), source.slice(1));
  // The gateway's working directory means nothing to whoever asked (a CLI elsewhere, an agent): never guess.
  if (!isAbsolute(source)) {
    throw new MediaError('unsupported', `${source} is a relative path; media paths must be absolute`);
  }
  return source;
}

async function readLocal(path: string, opts: LoadOptions): Promise<Loaded> {
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new MediaError('unsupported', `${path} is not a regular file`);
    size = st.size;
  } catch (err) {
    if (err instanceof MediaError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new MediaError('not_found', `${path} does not exist`);
    throw new MediaError('unreachable', `${path} cannot be read: ${code ?? String(err)}`, { cause: err });
  }
  if (size === 0) throw new MediaError('unsupported', `${path} is empty`);
  const file = await open(path, 'r').catch((err: NodeJS.ErrnoException) => {
    throw new MediaError('unreachable', `${path} cannot be read: ${err.code ?? String(err)}`, { cause: err });
  });
  try {
    const head = Buffer.alloc(Math.min(size, 4100));
    await file.read(head, 0, head.length, 0);
    const cap = size > opts.maxBytes && (await opts.isImage(head)) ? opts.imageMaxBytes : opts.maxBytes;
    if (size > cap) {
      throw new MediaError(
        'too_large',
        `${path} is ${formatBytes(size)}, over the ${formatBytes(cap)} limit`,
      );
    }
    // Read at most the size seen: a file that grew since is cut there, never read without bound.
    const data = Buffer.alloc(size);
    const { bytesRead } = await file.read(data, 0, size, 0);
    return { data: data.subarray(0, bytesRead), fileName: basename(path) };
  } finally {
    await file.close();
  }
}

export async function loadSource(source: string, opts: LoadOptions): Promise<Loaded> {
  const trimmed = source.trim();
  if (!trimmed) throw new MediaError('unsupported', 'the media source is empty');
  if (/^https?:/i.test(trimmed)) {
    let url: URL;
    try {
      url = new URL(trimmed);
    } catch {
      throw new MediaError('unsupported', `${describeSource(trimmed)} is not a valid URL`);
    }
    return fetchUrl(url.href, opts);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) && !/^file:/i.test(trimmed)) {
    throw new MediaError(
      'unsupported',
      `${describeSource(trimmed)}: only local paths, file:// and http(s) URLs are supported`,
    );
  }
  return readLocal(localPath(trimmed), opts);
}
