// Unit tests over proto-shaped plain objects (what Baileys emits); the simulator test covers real upserts.
import { proto, type WAMessage } from '@whiskeysockets/baileys';
import { describe, expect, it, vi } from 'vitest';
import type { RawInbound } from '../inbound/types';
import { toRawInbound, type AdapterContext } from './inbound-adapter';

const ME_PN = '15550001111@s.whatsapp.net';
const ME_LID = '90000000000001@lid';
const ALICE_PN = '15551234567@s.whatsapp.net';
const ALICE_LID = '12345678901234@lid';
const GROUP = '120363041234567890@g.us';
const TS = 1_767_000_000;

function ctx(extra: Partial<AdapterContext> = {}): AdapterContext {
  return {
    accountId: 'work',
    upsertType: 'notify',
    self: { pn: ME_PN, lid: ME_LID },
    resolvePn: async () => null,
    ...extra,
  };
}

function msg(
  message: proto.IMessage | null,
  key: Partial<WAMessage['key']> = {},
  extra: Partial<WAMessage> = {},
) {
  return {
    key: { remoteJid: ALICE_PN, fromMe: false, id: 'MSG1', ...key },
    message,
    messageTimestamp: TS,
    pushName: 'Alice',
    ...extra,
  } as WAMessage;
}

async function convert(m: WAMessage, c: AdapterContext = ctx()): Promise<RawInbound> {
  const result = await toRawInbound(m, c);
  if (!result.ok) throw new Error(`skipped: ${result.skip}`);
  return result.raw;
}

async function skipReason(m: WAMessage): Promise<string> {
  const result = await toRawInbound(m, ctx());
  if (result.ok) throw new Error('expected a skip');
  return result.skip;
}

describe('plain text in a direct chat', () => {
  it('maps the key, the sender, the time and the text', async () => {
    const raw = await convert(msg({ conversation: 'hello' }), ctx({ upsertType: 'append' }));
    expect(raw).toEqual({
      accountId: 'work',
      id: 'MSG1',
      chatJid: ALICE_PN,
      isGroup: false,
      fromMe: false,
      selfChat: false,
      sender: { jid: ALICE_PN, e164: '+15551234567', name: 'Alice' },
      timestamp: TS * 1000,
      upsertType: 'append',
      text: 'hello',
      mentions: [],
    });
  });

  it('survives a JSON round trip unchanged (it is stored as JSON in the inbox)', async () => {
    const raw = await convert(msg({ extendedTextMessage: { text: 'x', contextInfo: { mentionedJid: [] } } }));
    expect(JSON.parse(JSON.stringify(raw))).toEqual(raw);
  });

  it('reads a message decoded from protobuf, with a Long timestamp and prototype defaults', async () => {
    const bytes = proto.WebMessageInfo.encode({
      key: { remoteJid: ALICE_PN, fromMe: false, id: 'DECODED' },
      message: { conversation: 'from the wire', messageContextInfo: { deviceListMetadataVersion: 2 } },
      messageTimestamp: TS,
    }).finish();
    const decoded = proto.WebMessageInfo.decode(bytes) as unknown as WAMessage;
    expect(typeof decoded.messageTimestamp).toBe('object');
    const raw = await convert(decoded);
    expect(raw).toMatchObject({ id: 'DECODED', text: 'from the wire', timestamp: TS * 1000 });
    expect(raw.unsupported).toBeUndefined();
  });

  it('strips the device from the chat JID', async () => {
    const raw = await convert(msg({ conversation: 'hi' }, { remoteJid: '15551234567:7@s.whatsapp.net' }));
    expect(raw.chatJid).toBe(ALICE_PN);
    expect(raw.sender.jid).toBe(ALICE_PN);
  });

  it('keeps a 10,000-character body whole, and emoji and right-to-left text verbatim', async () => {
    const long = 'a'.repeat(10_000);
    expect((await convert(msg({ conversation: long }))).text).toBe(long);
    const mixed = 'שלום 👋🏽 مرحبا\u200f — 👨‍👩‍👧 ok';
    expect((await convert(msg({ extendedTextMessage: { text: mixed } }))).text).toBe(mixed);
  });

  it('accepts a plain {low, high} timestamp (a Long after JSON)', async () => {
    const raw = await convert(
      msg({ conversation: 'x' }, {}, { messageTimestamp: { low: TS, high: 0 } as never }),
    );
    expect(raw.timestamp).toBe(TS * 1000);
  });
});

describe('senders and LIDs', () => {
  it('a LID chat resolves the number from remoteJidAlt without asking Baileys', async () => {
    const resolvePn = vi.fn(async () => null);
    const raw = await convert(
      msg({ conversation: 'hi' }, { remoteJid: ALICE_LID, remoteJidAlt: ALICE_PN }),
      ctx({ resolvePn }),
    );
    expect(raw.chatJid).toBe(ALICE_LID);
    expect(raw.sender).toEqual({ jid: ALICE_LID, e164: '+15551234567', lid: ALICE_LID, name: 'Alice' });
    expect(resolvePn).not.toHaveBeenCalled();
  });

  it('a PN chat keeps the LID from remoteJidAlt', async () => {
    const raw = await convert(msg({ conversation: 'hi' }, { remoteJidAlt: '12345678901234:2@lid' }));
    expect(raw.sender).toMatchObject({ jid: ALICE_PN, e164: '+15551234567', lid: ALICE_LID });
  });

  it('a LID without an alternate address is resolved through the LID mapping', async () => {
    const resolvePn = vi.fn(async (lid: string) =>
      lid === ALICE_LID ? '15551234567:0@s.whatsapp.net' : null,
    );
    const raw = await convert(msg({ conversation: 'hi' }, { remoteJid: ALICE_LID }), ctx({ resolvePn }));
    expect(resolvePn).toHaveBeenCalledWith(ALICE_LID);
    expect(raw.sender).toMatchObject({ jid: ALICE_LID, e164: '+15551234567', lid: ALICE_LID });
  });

  it('an unresolved LID leaves e164 null instead of guessing from the LID digits', async () => {
    for (const resolvePn of [
      async () => null,
      async () => {
        throw new Error('store closed');
      },
      async () => '12345678901234@lid',
      async () => 'not a jid',
    ]) {
      const raw = await convert(msg({ conversation: 'hi' }, { remoteJid: ALICE_LID }), ctx({ resolvePn }));
      expect(raw.sender).toEqual({ jid: ALICE_LID, e164: null, lid: ALICE_LID, name: 'Alice' });
    }
  });

  it('our own message to a contact is sent by us', async () => {
    const raw = await convert(msg({ conversation: 'on my way' }, { fromMe: true }, { pushName: 'Owner' }));
    expect(raw.fromMe).toBe(true);
    expect(raw.selfChat).toBe(false);
    expect(raw.sender).toEqual({ jid: ME_PN, e164: '+15550001111', lid: ME_LID, name: 'Owner' });
  });

  it('the chat with our own number is a self-chat, by PN or by LID', async () => {
    for (const remoteJid of [ME_PN, '15550001111:0@s.whatsapp.net', ME_LID]) {
      const raw = await convert(msg({ conversation: 'note to self' }, { remoteJid, fromMe: true }));
      expect(raw.selfChat).toBe(true);
      expect(raw.sender.e164).toBe('+15550001111');
    }
  });

  it('knows our number from our LID alone when the mapping has it', async () => {
    const resolvePn = async (lid: string) => (lid === ME_LID ? ME_PN : null);
    const raw = await convert(
      msg({ conversation: 'x' }, { remoteJid: ME_LID, fromMe: true }),
      ctx({ self: { pn: null, lid: ME_LID }, resolvePn }),
    );
    expect(raw.sender).toMatchObject({ jid: ME_LID, e164: '+15550001111', lid: ME_LID });
    expect(raw.selfChat).toBe(true);
  });

  it('in groups the sender is the participant: PN, LID with participantAlt, LID via mapping, or unknown', async () => {
    const base = { remoteJid: GROUP };
    const pn = await convert(
      msg({ conversation: 'a' }, { ...base, participant: '15551234567:4@s.whatsapp.net' }),
    );
    expect(pn).toMatchObject({ chatJid: GROUP, isGroup: true, selfChat: false });
    expect(pn.sender).toEqual({ jid: ALICE_PN, e164: '+15551234567', name: 'Alice' });

    const alt = await convert(
      msg({ conversation: 'b' }, { ...base, participant: ALICE_LID, participantAlt: ALICE_PN }),
    );
    expect(alt.sender).toMatchObject({ jid: ALICE_LID, e164: '+15551234567', lid: ALICE_LID });

    const mapped = await convert(
      msg({ conversation: 'c' }, { ...base, participant: ALICE_LID }),
      ctx({ resolvePn: async () => ALICE_PN }),
    );
    expect(mapped.sender.e164).toBe('+15551234567');

    const unknown = await convert(msg({ conversation: 'd' }, { ...base, participant: ALICE_LID }));
    expect(unknown.sender).toMatchObject({ jid: ALICE_LID, e164: null, lid: ALICE_LID });
  });

  it('our own group message without a participant is ours; anyone else’s is skipped', async () => {
    const mine = await convert(msg({ conversation: 'x' }, { remoteJid: GROUP, fromMe: true }));
    expect(mine.sender.e164).toBe('+15550001111');
    expect(await skipReason(msg({ conversation: 'x' }, { remoteJid: GROUP }))).toBe('no participant');
  });
});

describe('skipped messages', () => {
  const cases: Array<[string, WAMessage, string]> = [
    [
      'status',
      msg({ conversation: 'story' }, { remoteJid: 'status@broadcast', participant: ALICE_PN }),
      'status',
    ],
    ['broadcast list', msg({ conversation: 'to all' }, { remoteJid: '1712345678@broadcast' }), 'broadcast'],
    [
      'newsletter',
      msg({ conversation: 'news' }, { remoteJid: '120363000000000000@newsletter' }),
      'newsletter',
    ],
    ['no content', msg(null), 'no content'],
    ['stub', msg(null, {}, { messageStubType: proto.WebMessageInfo.StubType.GROUP_CREATE }), 'stub'],
    ['only context info', msg({ messageContextInfo: { deviceListMetadataVersion: 2 } }), 'no content'],
    ['empty wrapper', msg({ ephemeralMessage: {} }), 'no content'],
    [
      'sender key only',
      msg({
        senderKeyDistributionMessage: {
          groupId: GROUP,
          axolotlSenderKeyDistributionMessage: new Uint8Array([1]),
        },
      }),
      'sender key distribution',
    ],
    [
      'revoke',
      msg({ protocolMessage: { type: proto.Message.ProtocolMessage.Type.REVOKE, key: { id: 'OLD' } } }),
      'protocol: revoke',
    ],
    [
      'edit',
      msg({
        editedMessage: {
          message: {
            protocolMessage: {
              type: proto.Message.ProtocolMessage.Type.MESSAGE_EDIT,
              key: { id: 'OLD' },
              editedMessage: { conversation: 'fixed typo' },
            },
          },
        },
      }),
      'protocol: message edit',
    ],
    [
      'history sync',
      msg(
        { protocolMessage: { type: proto.Message.ProtocolMessage.Type.HISTORY_SYNC_NOTIFICATION } },
        { remoteJid: ME_PN, fromMe: true },
      ),
      'protocol: history sync notification',
    ],
    [
      'key share',
      msg(
        {
          protocolMessage: {
            type: proto.Message.ProtocolMessage.Type.APP_STATE_SYNC_KEY_SHARE,
            appStateSyncKeyShare: {},
          },
        },
        { remoteJid: ME_PN, fromMe: true },
      ),
      'protocol: app state sync key share',
    ],
    ['reaction', msg({ reactionMessage: { key: { id: 'OLD' }, text: '👍' } }), 'reaction'],
    ['encrypted reaction', msg({ encReactionMessage: { targetMessageKey: { id: 'OLD' } } }), 'reaction'],
    ['no chat', msg({ conversation: 'x' }, { remoteJid: undefined }), 'no chat'],
    ['no id', msg({ conversation: 'x' }, { id: undefined }), 'no id'],
  ];
  it.each(cases)('%s', async (_name, m, reason) => {
    expect(await skipReason(m)).toBe(reason);
  });
});

describe('wrappers', () => {
  it('unwraps disappearing, view-once, document-with-caption and edited content', async () => {
    expect((await convert(msg({ ephemeralMessage: { message: { conversation: 'poof' } } }))).text).toBe(
      'poof',
    );
    const viewOnce = await convert(
      msg({
        ephemeralMessage: {
          message: {
            viewOnceMessageV2: { message: { imageMessage: { caption: 'once', mimetype: 'image/png' } } },
          },
        },
      }),
    );
    expect(viewOnce.media).toEqual({ kind: 'image', mimetype: 'image/png' });
    expect(viewOnce.text).toBe('once');
    expect((await convert(msg({ viewOnceMessage: { message: { videoMessage: {} } } }))).media?.kind).toBe(
      'video',
    );
    const doc = await convert(
      msg({
        documentWithCaptionMessage: {
          message: {
            documentMessage: { caption: 'the notes', fileName: 'notes.pdf', mimetype: 'application/pdf' },
          },
        },
      }),
    );
    expect(doc).toMatchObject({
      text: 'the notes',
      media: { kind: 'document', fileName: 'notes.pdf', mimetype: 'application/pdf' },
    });
    expect((await convert(msg({ editedMessage: { message: { conversation: 'v2' } } }))).text).toBe('v2');
  });
});

describe('mentions and quotes', () => {
  it('reads mentions and the quoted message from the context info, whichever part carries it', async () => {
    const raw = await convert(
      msg({
        extendedTextMessage: {
          text: '@15550001111 see above',
          contextInfo: {
            mentionedJid: [ME_PN, '12345678901234:3@lid'],
            stanzaId: 'ORIGINAL',
            participant: ME_PN,
            quotedMessage: { conversation: 'the original' },
          },
        },
      }),
    );
    expect(raw.mentions).toEqual([ME_PN, '12345678901234:3@lid']);
    expect(raw.quoted).toEqual({
      id: 'ORIGINAL',
      fromMe: true,
      text: 'the original',
      sender: { jid: ME_PN, e164: '+15550001111', lid: ME_LID },
    });
  });

  it('a quoted media message names its kind; a quoted LID is resolved; a caption counts as text', async () => {
    const raw = await convert(
      msg({
        imageMessage: {
          caption: 'and this one',
          contextInfo: {
            stanzaId: 'Q2',
            participant: ALICE_LID,
            quotedMessage: { viewOnceMessage: { message: { stickerMessage: {} } } },
            mentionedJid: [ALICE_LID],
          },
        },
      }),
      ctx({ resolvePn: async () => ALICE_PN }),
    );
    expect(raw.mentions).toEqual([ALICE_LID]);
    expect(raw.quoted).toEqual({
      id: 'Q2',
      fromMe: false,
      media: 'sticker',
      sender: { jid: ALICE_LID, e164: '+15551234567', lid: ALICE_LID },
    });
    const captioned = await convert(
      msg({
        conversation: undefined,
        extendedTextMessage: {
          text: 'ok',
          contextInfo: { stanzaId: 'Q3', quotedMessage: { videoMessage: { caption: 'the clip' } } },
        },
      }),
    );
    expect(captioned.quoted).toEqual({ id: 'Q3', fromMe: false, text: 'the clip', media: 'video' });
  });

  it('context info without a stanza id is not a quote', async () => {
    const raw = await convert(msg({ extendedTextMessage: { text: 'x', contextInfo: { mentionedJid: [] } } }));
    expect(raw.quoted).toBeUndefined();
  });
});

describe('media', () => {
  const key = new Uint8Array(32).fill(7);
  const common = { url: 'https://mmg.whatsapp.net/v/t62/abc', directPath: '/v/t62/abc?x=1', mediaKey: key };

  it('keeps everything needed to download it again, with the key in base64', async () => {
    const raw = await convert(
      msg({
        documentMessage: {
          ...common,
          mimetype: 'application/pdf',
          fileName: 'report.pdf',
          fileLength: { low: 123_456, high: 0, unsigned: true } as never,
          caption: 'Q3 numbers',
        },
      }),
    );
    expect(raw.media).toEqual({
      kind: 'document',
      mimetype: 'application/pdf',
      fileName: 'report.pdf',
      fileLength: 123_456,
      url: common.url,
      directPath: common.directPath,
      mediaKey: Buffer.from(key).toString('base64'),
    });
    expect(raw.text).toBe('Q3 numbers');
  });

  it('fills in the MIME type by kind when the sender left it out', async () => {
    const expected = {
      imageMessage: ['image', 'image/jpeg'],
      videoMessage: ['video', 'video/mp4'],
      audioMessage: ['audio', 'audio/ogg; codecs=opus'],
      documentMessage: ['document', 'application/octet-stream'],
      stickerMessage: ['sticker', 'image/webp'],
    } as const;
    for (const [field, [kind, mimetype]] of Object.entries(expected)) {
      const raw = await convert(msg({ [field]: { ...common } }));
      expect(raw.media).toMatchObject({ kind, mimetype });
      expect(raw.text).toBeUndefined();
    }
  });

  it('keeps a voice note’s ptt flag and duration', async () => {
    const raw = await convert(msg({ audioMessage: { ...common, ptt: true, seconds: 7, fileLength: 2048 } }));
    expect(raw.media).toMatchObject({ kind: 'audio', ptt: true, seconds: 7, fileLength: 2048 });
  });
});

describe('locations, contacts and everything else', () => {
  it('a pinned place and a live location', async () => {
    const place = await convert(
      msg({
        locationMessage: {
          degreesLatitude: 52.52,
          degreesLongitude: 13.405,
          name: 'Berlin',
          address: 'Germany',
        },
      }),
    );
    expect(place.location).toEqual({
      latitude: 52.52,
      longitude: 13.405,
      name: 'Berlin',
      address: 'Germany',
    });
    const live = await convert(
      msg({ liveLocationMessage: { degreesLatitude: -33.86, degreesLongitude: 151.2, caption: 'walking' } }),
    );
    expect(live.location).toEqual({ latitude: -33.86, longitude: 151.2, live: true });
    expect(live.text).toBe('walking');
  });

  it('a contact card: the name and every number from its vCard', async () => {
    const vcard = [
      'BEGIN:VCARD',
      'VERSION:3.0',
      'FN:Bob Builder',
      'TEL;type=CELL;waid=15557654321:+1 555 765 4321',
      'item1.TEL:+44 (20) 7946-0958',
      'TEL;type=HOME:020 7946', // folded onto the next line (RFC 6350 3.2)
      ' 0000',
      'END:VCARD',
    ].join('\r\n');
    const raw = await convert(msg({ contactMessage: { vcard } }));
    expect(raw.contacts).toEqual([
      { name: 'Bob Builder', phones: ['+15557654321', '+442079460958', '020 79460000'] },
    ]);
  });

  it('several contact cards, named by their display names', async () => {
    const card = (name: string, n: string) => ({
      displayName: name,
      vcard: `BEGIN:VCARD\nFN:ignored\nTEL;waid=${n}:+${n}\nEND:VCARD`,
    });
    const raw = await convert(
      msg({ contactsArrayMessage: { contacts: [card('Bob', '15557654321'), card('Carol', '15559876543')] } }),
    );
    expect(raw.contacts).toEqual([
      { name: 'Bob', phones: ['+15557654321'] },
      { name: 'Carol', phones: ['+15559876543'] },
    ]);
  });

  it('any other kind is returned, named, with its mentions', async () => {
    const raw = await convert(
      msg({
        messageContextInfo: {},
        pollCreationMessageV3: {
          name: 'Lunch?',
          options: [{ optionName: 'yes' }],
          contextInfo: { mentionedJid: [ALICE_PN] },
        },
      }),
    );
    expect(raw.unsupported).toBe('pollCreationMessageV3');
    expect(raw.mentions).toEqual([ALICE_PN]);
    expect(raw.text).toBeUndefined();
  });
});
