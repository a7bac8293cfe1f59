// Media end to end: `message.send` on a real gateway (real Baileys client uploading to the simulator's media host)
// and what the contact's simulated device decrypted: the MIME type, the voice-note flag, the caption on the first
// item only, gifPlayback, a 12-megapixel photo under 5 MB, a PNG with transparency still a PNG. Media that cannot
// be sent (over the cap, an unreachable URL, a loopback URL) fails the call with the reason and stores nothing.
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReceivedMessage } from '../e2e/wa-sim/index';
import { decryptMedia, type SimMediaType } from '../e2e/wa-sim/media/crypto';
import type { LogEntry, OutboxItem } from '../src/shared/contract';
import { findFfmpeg } from '../src/gateway/outbound/media/ffmpeg';
import {
  alphaPng,
  jpeg,
  mp3,
  mp4,
  oggOpus,
  pdf,
  photo12mp,
} from '../src/gateway/outbound/media/test-fixtures';
import { inboundSuite, ownEchoes, textOf, type InboundGateway } from './support/inbound';

const suite = inboundSuite('outbound-media');
const MB = 1024 * 1024;
let files: string;
let web: Server;
let webUrl: string;
let served: Buffer;

beforeAll(async () => {
  files = mkdtempSync(join(tmpdir(), 'openclaw-media-e2e-'));
  served = await jpeg(320, 240);
  // Labelled PNG on purpose: the type sent comes from the bytes.
  web = createServer((_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(served));
  web.listen(0, '127.0.0.1');
  await once(web, 'listening');
  webUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}/chart.png`;
});
afterAll(() => {
  web.close();
  rmSync(files, { recursive: true, force: true });
});

function file(name: string, data: Buffer): string {
  const path = join(files, name);
  writeFileSync(path, data);
  return path;
}

interface Sent {
  ids: string[];
}

interface MediaFields {
  directPath?: string;
  mediaKey?: Uint8Array;
  mimetype?: string;
  caption?: string;
  ptt?: boolean;
  gifPlayback?: boolean;
  fileName?: string;
}

/** The media message a device decrypted, and the file bytes it decrypts to from the media host. */
async function mediaOf(
  m: ReceivedMessage,
  kind: SimMediaType,
): Promise<{ fields: MediaFields; bytes: Buffer }> {
  const fields = (m.message as Record<string, MediaFields | undefined>)[`${kind}Message`];
  expect(fields?.directPath, `a ${kind} message`).toBeTruthy();
  const encrypted = suite.sim.mediaHost.get(fields!.directPath!);
  expect(encrypted).toBeDefined();
  return { fields: fields!, bytes: await decryptMedia(encrypted!, fields!.mediaKey!, kind) };
}

async function sendFails(g: InboundGateway, params: object): Promise<{ code: string; message: string }> {
  const res = await g.client.request('message.send', params);
  expect(res.ok).toBe(false);
  return (res as { ok: false; error: { code: string; message: string } }).error;
}

describe('message.send media', () => {
  it('a 12 MP photo arrives as a JPEG under 5 MB with the caption, and the document after it has none', async () => {
    const g = await suite.gateway('+15550700001');
    const alice = suite.sim.contact('+15550701001', { name: 'Alice' });
    const photo = file('holiday.jpg', await photo12mp({ orientation: 6 }));
    const report = file('report.pdf', pdf());
    const sent = await g.call<Sent>('message.send', {
      to: alice.e164,
      message: 'look at this',
      media: [photo, report],
    });
    expect(sent.ids).toHaveLength(2);
    const [first, second] = await Promise.all(sent.ids.map((id) => alice.nextMessage((m) => m.id === id)));

    const image = await mediaOf(first!, 'image');
    expect(image.fields.mimetype).toBe('image/jpeg');
    expect(image.fields.caption).toBe('look at this');
    expect(image.bytes.length).toBeLessThanOrEqual(5 * MB);
    const meta = await sharp(image.bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 1536, 2048]);

    const doc = await mediaOf(second!, 'document');
    expect(doc.fields).toMatchObject({ mimetype: 'application/pdf', fileName: 'report.pdf' });
    expect(doc.fields.caption ?? '').toBe('');
    expect(doc.bytes.equals(pdf())).toBe(true);
  });

  it('a PNG with transparency arrives as that PNG, and does not come back to the inbound path', async () => {
    const g = await suite.gateway(
      '+15550700002',
      `channels: { whatsapp: { dmPolicy: "open", allowFrom: ["*"] } },`,
    );
    await g.set('logging.level', 'debug');
    const bob = suite.sim.contact('+15550702001', { name: 'Bob' });
    const png = await alphaPng(600, 400);
    const sent = await g.call<Sent>('message.send', { to: bob.e164, media: [file('logo.png', png)] });
    const image = await mediaOf(await bob.nextMessage((m) => m.id === sent.ids[0]), 'image');
    expect(image.fields.mimetype).toBe('image/png');
    expect(image.bytes.equals(png)).toBe(true);
    expect((await sharp(image.bytes).metadata()).hasAlpha).toBe(true);
    expect(await ownEchoes(g, bob, sent.ids)).toEqual([]);
  });

  it('audio arrives as a voice note labelled audio/ogg; codecs=opus, its caption sent as a text first', async () => {
    const g = await suite.gateway('+15550700003');
    const carol = suite.sim.contact('+15550703001', { name: 'Carol' });
    const note = oggOpus(8192);
    const sent = await g.call<Sent>('message.send', {
      to: carol.e164,
      message: 'listen',
      media: [file('note.ogg', note)],
    });
    expect(sent.ids).toHaveLength(2);
    const [text, voice] = await Promise.all(sent.ids.map((id) => carol.nextMessage((m) => m.id === id)));
    expect(textOf(text!)).toBe('listen');
    const audio = await mediaOf(voice!, 'audio');
    expect(audio.fields).toMatchObject({ mimetype: 'audio/ogg; codecs=opus', ptt: true });
    expect(audio.bytes.equals(note)).toBe(true);
  });

  it('a video sent with gifPlayback loops inline; without it, it does not', async () => {
    const g = await suite.gateway('+15550700004');
    const dan = suite.sim.contact('+15550704001', { name: 'Dan' });
    const clip = file('loop.mp4', mp4(16_384));
    const looping = await g.call<Sent>('message.send', { to: dan.e164, media: [clip], gifPlayback: true });
    const plain = await g.call<Sent>('message.send', { to: dan.e164, media: [clip], message: 'a clip' });
    const a = await mediaOf(await dan.nextMessage((m) => m.id === looping.ids[0]), 'video');
    const b = await mediaOf(await dan.nextMessage((m) => m.id === plain.ids[0]), 'video');
    expect(a.fields).toMatchObject({ mimetype: 'video/mp4', gifPlayback: true });
    expect(b.fields.gifPlayback ?? false).toBe(false);
    expect(b.fields.caption).toBe('a clip');
    expect(a.bytes.equals(mp4(16_384))).toBe(true);
  });

  it('an over-cap file, an unreachable URL and a loopback URL each fail with the reason, and nothing is stored', async () => {
    const g = await suite.gateway('+15550700005');
    const erin = suite.sim.contact('+15550705001', { name: 'Erin' });
    const big = file('big.pdf', pdf(6 * MB));

    const over = await sendFails(g, { to: erin.e164, message: 'see attached', media: [big] });
    expect(over).toMatchObject({
      code: 'outbound.media_failed',
      message: `${big} is 6 MB, over the 5 MB limit`,
    });

    const unreachable = await sendFails(g, { to: erin.e164, media: ['http://no-such-host.invalid/a.jpg'] });
    expect(unreachable.code).toBe('outbound.media_failed');
    expect(unreachable.message).toMatch(/^http:\/\/no-such-host\.invalid\/a\.jpg is unreachable/);

    const loopback = await sendFails(g, { to: erin.e164, media: [webUrl] });
    expect(loopback.code).toBe('outbound.media_failed');
    expect(loopback.message).toBe(
      `${webUrl} resolves to 127.0.0.1, a loopback or private address; media URLs must be public unless private networks are allowed`,
    );

    expect((await g.call<{ items: OutboxItem[] }>('outbox.list', {})).items).toEqual([]);
    expect(erin.messages()).toEqual([]);
  });

  it('with agents.defaults.mediaAllowPrivateNetwork on, a URL on this machine is fetched and arrives', async () => {
    const g = await suite.gateway(
      '+15550700006',
      `agents: { defaults: { mediaAllowPrivateNetwork: true } },`,
    );
    const fay = suite.sim.contact('+15550706001', { name: 'Fay' });
    const sent = await g.call<Sent>('message.send', { to: fay.e164, media: [webUrl], message: 'the chart' });
    const image = await mediaOf(await fay.nextMessage((m) => m.id === sent.ids[0]), 'image');
    expect(image.fields).toMatchObject({ mimetype: 'image/jpeg', caption: 'the chart' });
    expect(image.bytes.equals(served)).toBe(true);
  });

  it('audio that is not Ogg/Opus goes as a voice note as it is when ffmpeg is missing, and the log says so', async (ctx) => {
    ctx.skip(
      !!(await findFfmpeg()),
      'ffmpeg is installed here, so the audio is converted (prepare.test.ts covers that); this is the no-ffmpeg case',
    );
    const g = await suite.gateway('+15550700007');
    const gus = suite.sim.contact('+15550707001', { name: 'Gus' });
    const song = file('song.mp3', mp3(8192));
    const sent = await g.call<Sent>('message.send', { to: gus.e164, media: [song] });
    const audio = await mediaOf(await gus.nextMessage((m) => m.id === sent.ids[0]), 'audio');
    expect(audio.fields).toMatchObject({ mimetype: 'audio/mpeg', ptt: true });
    expect(audio.bytes.equals(mp3(8192))).toBe(true);
    const { entries } = await g.call<{ entries: LogEntry[] }>('logs.tail', {
      subsystem: 'whatsapp/outbound',
    });
    expect(entries).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        msg: `${song} is audio/mpeg, not Ogg/Opus, and ffmpeg is not installed to convert it: sent as it is`,
      }),
    );
  });
});
