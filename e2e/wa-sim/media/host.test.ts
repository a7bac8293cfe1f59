// The media host is exercised with Baileys' own upload and download code, so a passing test means the real
// client will accept it, not merely that it agrees with our reading of the protocol.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  downloadContentFromMessage,
  downloadMediaMessage,
  getWAUploadToServer,
  prepareWAMessageMedia,
  type MediaConnInfo,
  type SocketConfig,
  type WAMessage,
} from '@whiskeysockets/baileys';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptMedia, encryptMedia } from './crypto.js';
import { startMediaHost, type MediaHost } from './host.js';

const logger = pino({ level: 'silent' });
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

interface Reply {
  status: number;
  body: Buffer;
  headers: Record<string, string | string[] | undefined>;
}

/** One request trusting only the host's certificate; `chunks` sends the body without a Content-Length. */
function call(
  host: MediaHost,
  method: string,
  path: string,
  opts: { body?: Buffer; chunks?: Buffer[]; headers?: Record<string, string | number> } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${host.url}${path}`,
      { method, ca: host.ca, agent: false, headers: opts.headers },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts), headers: res.headers }),
        );
      },
    );
    req.on('error', reject);
    for (const c of opts.chunks ?? []) req.write(c);
    req.end(opts.body);
  });
}

/** What Baileys' socket builds from our `<media_conn>` node, minus the IQ round trip. */
const mediaConn =
  (host: MediaHost, auth = host.auth) =>
  async (): Promise<MediaConnInfo> => ({
    hosts: [{ hostname: host.hostname, maxContentLengthBytes: 64 * 1024 * 1024 }],
    auth,
    ttl: 300,
    fetchDate: new Date(),
  });

const uploader = (host: MediaHost, auth?: string) => {
  const config: Pick<SocketConfig, 'customUploadHosts' | 'fetchAgent' | 'logger' | 'options'> = {
    customUploadHosts: [],
    // The real client passes SocketConfig.fetchAgent straight to https.request for uploads.
    fetchAgent: new Agent({ ca: host.ca }),
    logger,
    options: {},
  };
  return getWAUploadToServer(config as SocketConfig, mediaConn(host, auth));
};

/**
 * Baileys downloads with global fetch and takes no agent for TLS trust in-process, so only this block
 * (inside this test worker) skips certificate checks. A gateway child process should use caFile instead.
 */
async function insecurely<T>(fn: () => Promise<T>): Promise<T> {
  const before = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  try {
    return await fn();
  } finally {
    if (before === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    else process.env.NODE_TLS_REJECT_UNAUTHORIZED = before;
  }
}

describe('media host', () => {
  let host: MediaHost;
  beforeAll(async () => {
    host = await startMediaHost();
  });
  afterAll(() => host.close());

  it('advertises itself the way Baileys will dial it', () => {
    expect(host.hostname).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(host.url).toBe(`https://${host.hostname}`);
    const node = host.mediaConnNode(600);
    expect(node).toMatchObject({ tag: 'media_conn', attrs: { auth: host.auth, ttl: '600' } });
    expect(node.content).toEqual([
      { tag: 'host', attrs: { hostname: host.hostname, maxContentLengthBytes: String(64 * 1024 * 1024) } },
    ]);
  });

  it('stores what real Baileys uploads, and the simulator decrypts it to the exact plaintext', async () => {
    const plain = randomBytes(150_000);
    const message = await prepareWAMessageMedia(
      // A ready thumbnail keeps Baileys from trying to render our random bytes with sharp.
      { image: plain, jpegThumbnail: 'AA==', mimetype: 'image/jpeg' },
      { upload: uploader(host), logger },
    );
    const img = message.imageMessage;
    expect(img?.url?.startsWith(`https://${host.hostname}/v/`)).toBe(true);
    const upload = host.uploads().find((u) => u.path === img?.directPath);
    expect(upload?.mediaType).toBe('image');
    const out = await decryptMedia(upload?.bytes ?? Buffer.alloc(0), img?.mediaKey ?? '', 'image', img ?? {});
    expect(out).toEqual(plain);
    expect(host.get(img?.url ?? '')).toBe(upload?.bytes);

    // The same message must also download through Baileys (the client re-reading its own media).
    const again = await insecurely(() =>
      downloadMediaMessage({ key: {}, message } as WAMessage, 'buffer', {}),
    );
    expect(again).toEqual(plain);
  });

  it('serves simulator media that Baileys downloadMediaMessage decrypts', async () => {
    const plain = randomBytes(33_333);
    const enc = await encryptMedia(plain, 'image');
    const { url, directPath } = host.put(enc.encrypted, 'image');
    expect(url).toBe(`${host.url}${directPath}&mms3=true`);
    expect(host.get(directPath)).toEqual(enc.encrypted);
    expect(host.uploads().some((u) => u.path === directPath)).toBe(false);

    const message: WAMessage = {
      key: { remoteJid: '15550001111@s.whatsapp.net', fromMe: false, id: 'SIMMEDIA1' },
      message: {
        imageMessage: {
          url,
          directPath,
          mediaKey: enc.mediaKey,
          fileEncSha256: enc.fileEncSha256,
          fileSha256: enc.fileSha256,
          fileLength: enc.fileLength,
          mimetype: 'image/jpeg',
        },
      },
    };
    expect(await insecurely(() => downloadMediaMessage(message, 'buffer', {}))).toEqual(plain);

    // Baileys prefers directPath but takes the host from `url`; the url alone works too.
    for (const fields of [{ directPath, url }, { url }]) {
      const stream = await insecurely(() =>
        downloadContentFromMessage({ mediaKey: enc.mediaKey, ...fields }, 'image'),
      );
      const parts: Buffer[] = [];
      for await (const c of stream) parts.push(c as Buffer);
      expect(Buffer.concat(parts)).toEqual(plain);
    }

    // Partial downloads send a Range header; Baileys trims to the requested plaintext bytes.
    const part = await insecurely(() =>
      downloadMediaMessage(message, 'buffer', { startByte: 1000, endByte: 5000 }),
    );
    expect(part).toEqual(plain.subarray(1000, 5000));
  });

  it('answers GET by path, honours Range, and 404s unknown paths', async () => {
    const bytes = randomBytes(64);
    const { directPath } = host.put(bytes, 'document');
    const full = await call(host, 'GET', directPath);
    expect(full.status).toBe(200);
    expect(full.body).toEqual(bytes);
    const ranged = await call(host, 'GET', directPath, { headers: { range: 'bytes=16-31' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers['content-range']).toBe('bytes 16-31/64');
    expect(ranged.body).toEqual(bytes.subarray(16, 32));
    expect((await call(host, 'GET', '/v/t62.7118-24/nothing_n.enc?ccb=11-4')).status).toBe(404);
    expect(host.get('/v/nothing')).toBeUndefined();
  });

  it('rejects uploads with the wrong auth token (401), and Baileys then fails the upload', async () => {
    const body = randomBytes(32);
    const token = (await encryptMedia(body, 'image')).fileEncSha256.toString('base64url');
    const bad = await call(host, 'POST', `/mms/image/${token}?auth=nope&token=${token}`, { body });
    expect(bad.status).toBe(401);
    const before = host.uploads().length;
    await expect(
      prepareWAMessageMedia(
        { document: randomBytes(100), mimetype: 'application/pdf' },
        { upload: uploader(host, 'stale-auth'), logger },
      ),
    ).rejects.toThrow(/upload failed/i);
    expect(host.uploads().length).toBe(before);
  });

  it('rejects a body whose SHA-256 does not match the token (400) and unknown upload paths (404)', async () => {
    const enc = await encryptMedia(randomBytes(48), 'video');
    const token = enc.fileEncSha256.toString('base64url');
    const auth = encodeURIComponent(host.auth);
    const path = `/mms/video/${token}?auth=${auth}&token=${token}`;
    expect((await call(host, 'POST', path, { body: randomBytes(enc.encrypted.length) })).status).toBe(400);
    expect((await call(host, 'POST', path, { body: enc.encrypted })).status).toBe(200);
    expect(
      (await call(host, 'POST', `/nope/x/${token}?auth=${auth}&token=${token}`, { body: enc.encrypted }))
        .status,
    ).toBe(404);
  });
});

describe('media host limits and lifecycle', () => {
  it('refuses oversize items and a full store with 413', async () => {
    const host = await startMediaHost({ maxItemBytes: 1024, maxTotalBytes: 2048 });
    try {
      const auth = encodeURIComponent(host.auth);
      const post = async (bytes: Buffer, chunked = false): Promise<number> => {
        const token = (await encryptMedia(Buffer.alloc(0), 'image')).fileEncSha256.toString('base64url');
        const path = `/mms/document/${token}?auth=${auth}&token=${token}`;
        return (
          await call(
            host,
            'POST',
            path,
            chunked ? { chunks: [bytes.subarray(0, 600), bytes.subarray(600)] } : { body: bytes },
          )
        ).status;
      };
      expect(await post(randomBytes(1025))).toBe(413);
      expect(await post(randomBytes(1500), true)).toBe(413);
      expect(() => host.put(randomBytes(1025), 'image')).toThrow(RangeError);
      host.put(randomBytes(1000), 'image');
      host.put(randomBytes(1000), 'image');
      expect(await post(randomBytes(100))).toBe(413);
      expect(() => host.put(randomBytes(100), 'image')).toThrow(RangeError);
      expect(host.uploads()).toEqual([]);
    } finally {
      await host.close();
    }
  });

  it('releases its port, its connections and its certificate on close', async () => {
    const host = await startMediaHost();
    const port = Number(host.hostname.split(':')[1]);
    // A keep-alive connection left open must not hold close() up.
    const agent = new Agent({ ca: host.ca, keepAlive: true });
    await new Promise<void>((resolve, reject) => {
      request(`${host.url}/missing`, { agent }, (res) => res.resume().on('end', resolve))
        .on('error', reject)
        .end();
    });
    expect(existsSync(host.caFile)).toBe(true);
    await host.close();
    await host.close();
    agent.destroy();
    expect(existsSync(host.caFile)).toBe(false);
    const probe = createServer();
    await new Promise<void>((resolve, reject) =>
      probe.once('error', reject).listen(port, '127.0.0.1', resolve),
    );
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  });

  it('works for a process that trusts caFile via NODE_EXTRA_CA_CERTS, with no TLS overrides at all', async () => {
    const host = await startMediaHost();
    try {
      const plain = randomBytes(20_000);
      const enc = await encryptMedia(plain, 'audio');
      const { url, directPath } = host.put(enc.encrypted, 'audio');
      // The child is what a gateway process looks like: plain Baileys, no fetchAgent, no download options.
      const script = `
        import { downloadContentFromMessage, encryptedStream, getWAUploadToServer } from '@whiskeysockets/baileys';
        import { rm } from 'node:fs/promises';
        const e = process.env;
        const read = async (s) => { const p = []; for await (const c of s) p.push(c); return Buffer.concat(p).toString('hex'); };
        const inbound = await read(await downloadContentFromMessage(
          { mediaKey: Buffer.from(e.KEY, 'hex'), directPath: e.DIRECT_PATH, url: e.URL }, 'audio'));
        const log = { level: 'silent', child: () => log, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
        const conn = async () => ({ hosts: [{ hostname: e.HOSTNAME, maxContentLengthBytes: 1e6 }], auth: e.AUTH, ttl: 60, fetchDate: new Date() });
        const up = await encryptedStream(Buffer.from('outbound from the client'), 'document');
        const res = await getWAUploadToServer({ customUploadHosts: [], logger: log }, conn)(up.encFilePath,
          { fileEncSha256B64: up.fileEncSha256.toString('base64'), mediaType: 'document' });
        await rm(up.encFilePath);
        process.stdout.write(JSON.stringify({ inbound, directPath: res.directPath, key: up.mediaKey.toString('hex') }));`;
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        NODE_EXTRA_CA_CERTS: host.caFile,
        KEY: enc.mediaKey.toString('hex'),
        DIRECT_PATH: directPath,
        URL: url,
        HOSTNAME: host.hostname,
        AUTH: host.auth,
      };
      delete env.NODE_TLS_REJECT_UNAUTHORIZED;
      const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
        cwd: repoRoot,
        env,
        timeout: 15_000,
      });
      const result = JSON.parse(stdout) as { inbound: string; directPath: string; key: string };
      expect(Buffer.from(result.inbound, 'hex')).toEqual(plain);
      const stored = host.get(result.directPath);
      expect(stored).toBeDefined();
      const out = await decryptMedia(stored ?? Buffer.alloc(0), Buffer.from(result.key, 'hex'), 'document');
      expect(out.toString()).toBe('outbound from the client');
    } finally {
      await host.close();
    }
  });
});
