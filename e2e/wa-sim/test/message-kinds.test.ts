// Every 1:1 message kind in both directions through the real Baileys client, plaintext asserted on both ends.
import { Agent } from 'node:https';
import { downloadMediaMessage, type WAMessage } from '@whiskeysockets/baileys';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptMedia, type SimMediaType } from '../media/crypto';
import type { Contact, Phone, Sim } from '../index';
import { endConversation, startConversation, type Linked } from './support';

let sim: Sim;
let phone: Phone;
let alice: Contact;
let linked: Linked;

beforeAll(async () => {
  ({ sim, phone, alice, linked } = await startConversation({
    seed: 'kinds',
    phone: '+15550002222',
    alice: '+15552345678',
    config: (s) => ({ fetchAgent: new Agent({ ca: s.mediaHost.ca }) }),
  }));
});

afterAll(() => endConversation({ sim, linked }));

/** Baileys downloads with global fetch; trust the simulator's self-signed media host only for that call. */
async function download(msg: WAMessage): Promise<Buffer> {
  const before = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  try {
    return (await downloadMediaMessage(msg, 'buffer', {})) as Buffer;
  } finally {
    if (before === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    else process.env.NODE_TLS_REJECT_UNAUTHORIZED = before;
  }
}

const send = (text: Parameters<Linked['client']['sock']['sendMessage']>[1]) =>
  linked.client.sock.sendMessage(alice.jid, text);

describe('extended text', () => {
  it('inbound: a quoted reply with mentions keeps its context info', async () => {
    const id = await alice.send(phone, {
      extendedTextMessage: {
        text: '@15550002222 see above',
        contextInfo: {
          stanzaId: 'ABC123',
          participant: phone.jid,
          quotedMessage: { conversation: 'the original' },
          mentionedJid: [phone.jid],
        },
      },
    });
    const msg = await linked.nextUpsert((m) => m.key.id === id);
    const ext = msg.message?.extendedTextMessage;
    expect(ext?.text).toBe('@15550002222 see above');
    expect(ext?.contextInfo?.stanzaId).toBe('ABC123');
    expect(ext?.contextInfo?.quotedMessage?.conversation).toBe('the original');
    expect(ext?.contextInfo?.mentionedJid).toEqual([phone.jid]);
  });

  it('outbound: a quoted reply with mentions arrives with its context info', async () => {
    const id = await alice.send(phone, 'quote me');
    const original = await linked.nextUpsert((m) => m.key.id === id);
    const sent = await linked.client.sock.sendMessage(
      alice.jid,
      { text: 'replying @15552345678', mentions: [alice.jid] },
      { quoted: original },
    );
    const got = await alice.nextMessage((m) => m.id === sent!.key.id);
    const ctx = got.message.extendedTextMessage?.contextInfo;
    expect(got.message.extendedTextMessage?.text).toBe('replying @15552345678');
    expect(ctx?.stanzaId).toBe(id);
    expect(ctx?.quotedMessage?.conversation).toBe('quote me');
    expect(ctx?.mentionedJid).toEqual([alice.jid]);
  });
});

describe('reactions', () => {
  it('inbound and outbound reactions name the message they react to', async () => {
    const sent = await send({ text: 'react to this' });
    const rid = await alice.react(phone, { id: sent!.key.id!, fromMe: false }, '👍');
    const reaction = await linked.nextUpsert((m) => m.key.id === rid);
    expect(reaction.message?.reactionMessage?.text).toBe('👍');
    expect(reaction.message?.reactionMessage?.key?.id).toBe(sent!.key.id);

    const mine = await send({ react: { key: { remoteJid: alice.jid, fromMe: false, id: rid }, text: '❤️' } });
    const got = await alice.nextMessage((m) => m.id === mine!.key.id);
    expect(got.message.reactionMessage?.text).toBe('❤️');
    expect(got.message.reactionMessage?.key?.id).toBe(rid);
  });
});

describe('media', () => {
  const kinds: Array<[SimMediaType, Record<string, unknown>]> = [
    ['image', { caption: 'a picture' }],
    ['video', { caption: 'a clip', seconds: 3 }],
    ['audio', { ptt: true, seconds: 2 }],
    ['document', { fileName: 'notes.pdf', caption: 'the notes' }],
    ['sticker', {}],
  ];

  it.each(kinds)('inbound %s: Baileys downloads exactly the bytes the contact sent', async (kind, opts) => {
    const bytes = Buffer.from(`${kind} bytes `.repeat(500));
    const id = await alice.send(phone, await alice.media(kind, bytes, opts));
    const msg = await linked.nextUpsert((m) => m.key.id === id);
    expect(Object.keys(msg.message ?? {})).toContain(`${kind}Message`);
    if (kind === 'audio') expect(msg.message?.audioMessage?.ptt).toBe(true);
    if (opts.caption)
      expect((msg.message as Record<string, { caption?: string }>)[`${kind}Message`]?.caption).toBe(
        opts.caption,
      );
    expect((await download(msg)).equals(bytes)).toBe(true);
  });

  it('outbound image, voice note, document, video and sticker: the contact decrypts exactly what Baileys uploaded', async () => {
    const jpeg = await sharp({ create: { width: 32, height: 24, channels: 3, background: '#3a6' } })
      .jpeg()
      .toBuffer();
    const webp = await sharp({ create: { width: 64, height: 64, channels: 4, background: '#f80' } })
      .webp()
      .toBuffer();
    const clip = Buffer.from('fake mp4 '.repeat(40));
    const cases: Array<[SimMediaType, Parameters<typeof send>[0], Buffer]> = [
      ['image', { image: jpeg, caption: 'from the bot' }, jpeg],
      [
        'audio',
        {
          audio: Buffer.from('OggS fake opus'.repeat(50)),
          mimetype: 'audio/ogg; codecs=opus',
          ptt: true,
          seconds: 1,
        },
        Buffer.from('OggS fake opus'.repeat(50)),
      ],
      [
        'document',
        { document: Buffer.from('%PDF-1.4 tiny'), mimetype: 'application/pdf', fileName: 'r.pdf' },
        Buffer.from('%PDF-1.4 tiny'),
      ],
      [
        'video',
        { video: clip, mimetype: 'video/mp4', caption: 'a clip', jpegThumbnail: jpeg.toString('base64') },
        clip,
      ],
      ['sticker', { sticker: webp }, webp],
    ];
    for (const [kind, content, plain] of cases) {
      const sent = await send(content);
      const got = await alice.nextMessage((m) => m.id === sent!.key.id);
      const media = (
        got.message as Record<
          string,
          { directPath?: string; mediaKey?: Uint8Array; caption?: string; ptt?: boolean }
        >
      )[`${kind}Message`];
      expect(media?.directPath).toBeTruthy();
      const encrypted = sim.mediaHost.get(media!.directPath!);
      expect(encrypted).toBeDefined();
      expect((await decryptMedia(encrypted!, media!.mediaKey!, kind)).equals(plain)).toBe(true);
      if (kind === 'image') expect(media?.caption).toBe('from the bot');
      if (kind === 'audio') expect(media?.ptt).toBe(true);
    }
  });
});

describe('location and contact cards', () => {
  it('inbound and outbound', async () => {
    const lid = await alice.send(phone, {
      locationMessage: { degreesLatitude: 52.52, degreesLongitude: 13.405, name: 'Berlin' },
    });
    const loc = await linked.nextUpsert((m) => m.key.id === lid);
    expect(loc.message?.locationMessage).toMatchObject({
      degreesLatitude: 52.52,
      degreesLongitude: 13.405,
      name: 'Berlin',
    });

    const vcard =
      'BEGIN:VCARD\nVERSION:3.0\nFN:Bob\nTEL;type=CELL;waid=15557654321:+1 555 765 4321\nEND:VCARD';
    const cid = await alice.send(phone, { contactMessage: { displayName: 'Bob', vcard } });
    expect((await linked.nextUpsert((m) => m.key.id === cid)).message?.contactMessage?.vcard).toBe(vcard);

    const sentLoc = await send({ location: { degreesLatitude: 48.85, degreesLongitude: 2.35 } });
    expect(
      (await alice.nextMessage((m) => m.id === sentLoc!.key.id)).message.locationMessage?.degreesLatitude,
    ).toBe(48.85);
    const sentCard = await send({ contacts: { displayName: 'Bob', contacts: [{ vcard }] } });
    expect((await alice.nextMessage((m) => m.id === sentCard!.key.id)).message.contactMessage?.vcard).toBe(
      vcard,
    );
  });
});
