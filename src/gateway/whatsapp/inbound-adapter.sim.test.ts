// Real Baileys upserts from the loopback simulator, converted by the adapter; media downloaded through
// media-download.ts from the simulator's HTTPS media host, trusted by its CA (certificate checks stay on).
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jidNormalizedUser, type WAMessage } from '@whiskeysockets/baileys';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Contact, Phone, Sim } from '../../../e2e/wa-sim/index';
import { encryptMedia } from '../../../e2e/wa-sim/media/crypto';
import { endConversation, startConversation, type Linked } from '../../../e2e/wa-sim/test/support';
import type { MediaKind, MediaRef, RawInbound } from '../inbound/types';
import { toRawInbound, type AdapterContext } from './inbound-adapter';
import { downloadInboundMedia } from './media-download';

let sim: Sim;
let phone: Phone;
let alice: Contact;
let linked: Linked;
let tmp: string;
let trustMediaHost: Agent;

beforeAll(async () => {
  ({ sim, phone, alice, linked } = await startConversation({
    seed: 'inbound-adapter',
    phone: '+15550003333',
    alice: '+15553456789',
  }));
  trustMediaHost = new Agent({ connect: { ca: sim.mediaHost.ca } });
  tmp = await mkdtemp(join(tmpdir(), 'openclaw-inbound-'));
});

afterAll(async () => {
  await endConversation({ sim, linked });
  await trustMediaHost?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

function context(): AdapterContext {
  const sock = linked.client.sock;
  return {
    accountId: 'default',
    upsertType: 'notify',
    self: {
      pn: sock.user?.id ? jidNormalizedUser(sock.user.id) : null,
      lid: sock.user?.lid ? jidNormalizedUser(sock.user.lid) : null,
    },
    resolvePn: (lid) => sock.signalRepository.lidMapping.getPNForLID(lid),
  };
}

/** Waits for Baileys' live upsert of message `id` and converts it. */
async function received(id: string): Promise<{ msg: WAMessage; raw: RawInbound }> {
  const msg = await linked.nextUpsert((m, type) => m.key.id === id && type === 'notify');
  const result = await toRawInbound(msg, context());
  if (!result.ok) throw new Error(`message ${id} was skipped: ${result.skip}`);
  return { msg, raw: result.raw };
}

const download = (ref: MediaRef, dir: string, messageId: string, maxBytes = 1024 * 1024) =>
  downloadInboundMedia(ref, { dir, messageId, maxBytes, fetchOptions: { dispatcher: trustMediaHost } });

describe('text and replies', () => {
  it('a text from Alice: her number, her name, our account', async () => {
    const text = 'hi there 👋 — שלום';
    const { raw } = await received(await alice.send(phone, text));
    expect(raw).toMatchObject({
      chatJid: alice.jid,
      isGroup: false,
      fromMe: false,
      selfChat: false,
      upsertType: 'notify',
      text,
      sender: { e164: alice.e164, name: 'Alice' },
    });
    expect(Math.abs(raw.timestamp - Date.now())).toBeLessThan(60_000);
  });

  it('a text addressed by LID still resolves to her number', async () => {
    const { msg, raw } = await received(await alice.send(phone, 'via lid', { addressing: 'lid' }));
    expect(msg.key.remoteJid?.endsWith('@lid') || msg.key.remoteJidAlt?.endsWith('@lid')).toBe(true);
    expect(raw.sender.e164).toBe(alice.e164);
    expect(raw.sender.lid).toBe(alice.lid);
    expect(raw.text).toBe('via lid');

    // Without the alternate address, Baileys' own LID mapping (learnt from this very message) gives the number.
    const bare = { ...msg, key: { ...msg.key, remoteJidAlt: undefined } };
    const mapped = await toRawInbound(bare, context());
    expect(mapped.ok && mapped.raw.sender).toMatchObject({
      jid: alice.lid,
      e164: alice.e164,
      lid: alice.lid,
    });
  });

  it('a quoted reply to our message, with a mention of us', async () => {
    const sent = await linked.client.sock.sendMessage(alice.jid, { text: 'lunch at 1?' });
    const id = await alice.send(phone, {
      extendedTextMessage: {
        text: '@15550003333 yes!',
        contextInfo: {
          stanzaId: sent!.key.id,
          participant: phone.jid,
          quotedMessage: { conversation: 'lunch at 1?' },
          mentionedJid: [phone.jid],
        },
      },
    });
    const { raw } = await received(id);
    expect(raw.text).toBe('@15550003333 yes!');
    expect(raw.mentions).toEqual([phone.jid]);
    expect(raw.quoted).toMatchObject({
      id: sent!.key.id,
      fromMe: true,
      text: 'lunch at 1?',
      sender: { e164: phone.e164 },
    });
  });
});

describe('media', () => {
  const kinds: Array<[MediaKind, Record<string, unknown>, string]> = [
    ['image', { caption: 'a picture' }, 'jpg'],
    ['video', { caption: 'a clip', seconds: 3 }, 'mp4'],
    ['audio', { ptt: true, seconds: 2 }, 'ogg'],
    ['document', { fileName: 'notes.pdf', caption: 'the notes' }, 'pdf'],
    ['sticker', {}, 'webp'],
  ];

  it.each(kinds)(
    '%s: converted, then downloaded byte for byte into a private file',
    async (kind, opts, ext) => {
      const bytes = Buffer.from(`${kind} payload `.repeat(700));
      const id = await alice.send(phone, await alice.media(kind, bytes, opts));
      const { raw } = await received(id);
      expect(raw.media).toMatchObject({ kind, fileLength: bytes.length });
      expect(raw.media?.mediaKey).toBeTruthy();
      if (opts.caption) expect(raw.text).toBe(opts.caption);
      if (kind === 'audio') expect(raw.media).toMatchObject({ ptt: true, seconds: 2 });
      if (kind === 'document') expect(raw.media?.fileName).toBe('notes.pdf');

      const dir = join(tmp, `media-${kind}`);
      const got = await download(raw.media!, dir, raw.id);
      expect(got).toEqual({
        ok: true,
        path: join(dir, `${id}.${ext}`),
        bytes: bytes.length,
        mimetype: raw.media!.mimetype,
      });
      if (!got.ok) return;
      expect((await readFile(got.path)).equals(bytes)).toBe(true);
      expect((await stat(got.path)).mode & 0o777).toBe(0o600);
      expect((await stat(dir)).mode & 0o777).toBe(0o700);
      expect(await readdir(dir)).toEqual([`${id}.${ext}`]);
    },
  );

  it('over the cap by its declared size: not downloaded at all', async () => {
    const bytes = Buffer.alloc(5000, 1);
    const { raw } = await received(await alice.send(phone, await alice.media('video', bytes)));
    const dir = join(tmp, 'declared');
    const got = await download(raw.media!, dir, raw.id, 1000);
    expect(got).toEqual({ ok: false, reason: 'too_large', detail: '4.9 KB is over the 1000 bytes limit' });
    await expect(readdir(dir)).rejects.toThrow(/ENOENT/);
  });

  it('over the cap while streaming (size not declared): stopped, and nothing left behind', async () => {
    const bytes = Buffer.alloc(200_000, 2);
    const { raw } = await received(await alice.send(phone, await alice.media('image', bytes)));
    const dir = join(tmp, 'streamed');
    const got = await download({ ...raw.media!, fileLength: undefined }, dir, raw.id, 1000);
    expect(got).toMatchObject({ ok: false, reason: 'too_large' });
    expect(await readdir(dir)).toEqual([]);
  });

  it('an empty file, a wrong key, a cancelled download and a hostile message id', async () => {
    const { raw: empty } = await received(
      await alice.send(phone, await alice.media('document', Buffer.alloc(0))),
    );
    const dir = join(tmp, 'odd');
    expect(await download(empty.media!, dir, empty.id)).toMatchObject({ ok: false, reason: 'failed' });
    expect(await readdir(dir)).toEqual([]);

    const bytes = Buffer.from('secret document');
    const { raw } = await received(await alice.send(phone, await alice.media('document', bytes)));
    const wrongKey = { ...raw.media!, mediaKey: Buffer.alloc(32, 9).toString('base64') };
    expect(await download(wrongKey, dir, raw.id)).toMatchObject({ ok: false, reason: 'failed' });
    expect(await readdir(dir)).toEqual([]);

    const cancelled = await downloadInboundMedia(raw.media!, {
      dir,
      messageId: raw.id,
      maxBytes: 1024,
      fetchOptions: { dispatcher: trustMediaHost },
      signal: AbortSignal.abort(),
    });
    expect(cancelled).toEqual({ ok: false, reason: 'failed', detail: 'the download was cancelled' });
    expect(await readdir(dir)).toEqual([]);

    const got = await download(raw.media!, dir, '../../etc/passwd .pdf');
    expect(got.ok).toBe(true);
    const [name] = await readdir(dir);
    expect(name).toMatch(/^etcpasswdpdf-[0-9a-f]{12}\.pdf$/);
    expect(got.ok && got.path).toBe(join(dir, name!));
  });
});

describe('the download connection (a plain local server, to watch the socket)', () => {
  /** Serves one encrypted video on 127.0.0.1 with `respond`, downloads it with a 100 kB cap, then cleans up. */
  async function fetchFrom(respond: (res: ServerResponse, body: Buffer) => void) {
    const enc = await encryptMedia(Buffer.alloc(8 * 1024 * 1024, 3), 'video');
    const server = createServer((_req, res) => respond(res, enc.encrypted));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const plain = new Agent();
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v`;
      const ref: MediaRef = { kind: 'video', url, mediaKey: Buffer.from(enc.mediaKey).toString('base64') };
      const dir = await mkdtemp(join(tmp, 'conn-'));
      const fetchOptions = { dispatcher: plain };
      const got = await downloadInboundMedia(ref, { dir, messageId: 'V', maxBytes: 100_000, fetchOptions });
      return { got, left: await readdir(dir), size: enc.encrypted.length };
    } finally {
      server.closeAllConnections();
      server.close();
      await plain.close();
    }
  }

  it('is closed as soon as the cap is passed, not left open', async () => {
    let closed!: (sent: number) => void;
    const responseClosed = new Promise<number>((resolve) => (closed = resolve));
    const { got, left, size } = await fetchFrom((res, body) => {
      let sent = 0;
      res.on('close', () => closed(sent));
      const pump = () => {
        while (sent < body.length) {
          const chunk = body.subarray(sent, sent + 65536);
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    expect(got).toMatchObject({ ok: false, reason: 'too_large' });
    expect(left).toEqual([]);
    const notClosed = new Promise<never>((_, reject) => {
      setTimeout(() => reject(new Error('the response was left open')), 5000).unref();
    });
    // The server sees its response closed long before it could have sent the whole file.
    expect(await Promise.race([responseClosed, notClosed])).toBeLessThan(size);
  });

  it('a connection lost mid-body fails the download cleanly (no uncaught error, no hang, no file)', async () => {
    const { got, left } = await fetchFrom((res, body) => {
      res.write(body.subarray(0, 48_000));
      setTimeout(() => res.socket?.destroy(), 50);
    });
    expect(got).toMatchObject({ ok: false, reason: 'failed' });
    expect(!got.ok && got.detail).toMatch(/^the connection was lost/);
    expect(left).toEqual([]);
  });
});

describe('locations and contacts', () => {
  it('a location and a contact card', async () => {
    const { raw: loc } = await received(
      await alice.send(phone, {
        locationMessage: {
          degreesLatitude: 52.52,
          degreesLongitude: 13.405,
          name: 'Berlin',
          address: 'Germany',
        },
      }),
    );
    expect(loc.location).toEqual({ latitude: 52.52, longitude: 13.405, name: 'Berlin', address: 'Germany' });

    const vcard =
      'BEGIN:VCARD\nVERSION:3.0\nFN:Bob\nTEL;type=CELL;waid=15557654321:+1 555 765 4321\nEND:VCARD';
    const { raw: card } = await received(
      await alice.send(phone, { contactMessage: { displayName: 'Bob', vcard } }),
    );
    expect(card.contacts).toEqual([{ name: 'Bob', phones: ['+15557654321'] }]);
  });
});
