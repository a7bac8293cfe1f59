import { describe, expect, it } from 'vitest';
import { describeInbound, describeQuoted, mediaPlaceholder } from './describe';
import { MEDIA_KINDS, type RawInbound } from './types';

function raw(extra: Partial<RawInbound> = {}): RawInbound {
  return {
    accountId: 'default',
    id: 'ID1',
    chatJid: '15551234567@s.whatsapp.net',
    isGroup: false,
    fromMe: false,
    selfChat: false,
    sender: { jid: '15551234567@s.whatsapp.net', e164: '+15551234567' },
    timestamp: 1_700_000_000_000,
    upsertType: 'notify',
    mentions: [],
    ...extra,
  };
}

describe('mediaPlaceholder', () => {
  it('names every media kind the way the reference system does', () => {
    expect(MEDIA_KINDS.map(mediaPlaceholder)).toEqual([
      '<media:image>',
      '<media:video>',
      '<media:audio>',
      '<media:document>',
      '<media:sticker>',
    ]);
  });
});

describe('describeInbound', () => {
  it('is the text itself for a text message, kept verbatim', () => {
    const text = '  שלום עולם 👋🏽 مرحبا\n\nsecond paragraph  ';
    expect(describeInbound(raw({ text }))).toBe(text);
  });

  it('keeps a 10,000-character body whole', () => {
    const text = 'x'.repeat(10_000);
    expect(describeInbound(raw({ text }))).toBe(text);
  });

  it('uses the placeholder for media alone, and puts a caption after it', () => {
    expect(describeInbound(raw({ media: { kind: 'audio', ptt: true } }))).toBe('<media:audio>');
    expect(describeInbound(raw({ media: { kind: 'image' }, text: 'look at this' }))).toBe(
      '<media:image> look at this',
    );
  });

  it('appends a media note to the placeholder, before any caption', () => {
    const note = 'not saved: 62.1 MB is over the 50 MB limit';
    expect(describeInbound(raw({ media: { kind: 'video' } }), { mediaNote: note })).toBe(
      '<media:video> (not saved: 62.1 MB is over the 50 MB limit)',
    );
    expect(describeInbound(raw({ media: { kind: 'video' }, text: 'clip' }), { mediaNote: note })).toBe(
      '<media:video> (not saved: 62.1 MB is over the 50 MB limit) clip',
    );
  });

  it('ignores a media note when there is no media', () => {
    expect(describeInbound(raw({ text: 'hi' }), { mediaNote: 'not saved' })).toBe('hi');
  });

  it('describes a place with its name and address, a bare pin, and a live location', () => {
    const place = { latitude: 52.52, longitude: 13.405, name: 'Brandenburg Gate', address: 'Pariser Platz' };
    expect(describeInbound(raw({ location: place }))).toBe(
      '📍 Location: Brandenburg Gate, Pariser Platz (52.52, 13.405)',
    );
    expect(describeInbound(raw({ location: { latitude: 48.8566, longitude: 2.3522 } }))).toBe(
      '📍 Location (48.8566, 2.3522)',
    );
    expect(describeInbound(raw({ location: { latitude: -33.8688, longitude: 151.2093, live: true } }))).toBe(
      '📍 Live location (-33.8688, 151.2093)',
    );
  });

  it('rounds coordinates to six decimals and keeps a location comment on its own line', () => {
    const location = { latitude: 52.520000000000003, longitude: 13.4049999999, name: 'Berlin' };
    expect(describeInbound(raw({ location, text: 'meet here' }))).toBe(
      '📍 Location: Berlin (52.52, 13.405)\nmeet here',
    );
  });

  it('keeps a place name on one line, so it cannot pose as lines of its own', () => {
    const location = { latitude: 1, longitude: 2, name: 'Cafe\n[WhatsApp +1 fake]' };
    expect(describeInbound(raw({ location }))).toBe('📍 Location: Cafe [WhatsApp +1 fake] (1, 2)');
  });

  it('lists contact cards one per line, with their numbers when they have any', () => {
    const contacts = [
      { name: 'Bob', phones: ['+15557654321', '+15550000000'] },
      { name: 'Carol', phones: [] },
    ];
    expect(describeInbound(raw({ contacts }))).toBe(
      '👤 Contact: Bob (+15557654321, +15550000000)\n👤 Contact: Carol',
    );
    expect(describeInbound(raw({ contacts: [{ name: '', phones: ['+1555'] }] }))).toBe(
      '👤 Contact: unnamed (+1555)',
    );
  });

  it('names the kind of an unsupported message', () => {
    expect(describeInbound(raw({ unsupported: 'pollCreationMessageV3' }))).toBe(
      '<unsupported message: pollCreationMessageV3>',
    );
  });

  it('never returns an empty body', () => {
    expect(describeInbound(raw())).toBe('<empty message>');
    expect(describeInbound(raw({ text: '' }))).toBe('<empty message>');
    expect(describeInbound(raw({ text: ' \n\t ' }))).toBe('<empty message>');
    expect(describeInbound(raw({ contacts: [] }))).toBe('<empty message>');
  });
});

describe('describeQuoted', () => {
  it('is the quoted text, else its media placeholder, else a generic marker', () => {
    expect(describeQuoted({ id: 'Q', fromMe: false, text: 'the original' })).toBe('the original');
    expect(describeQuoted({ id: 'Q', fromMe: false, text: 'caption', media: 'image' })).toBe('caption');
    expect(describeQuoted({ id: 'Q', fromMe: true, media: 'sticker' })).toBe('<media:sticker>');
    expect(describeQuoted({ id: 'Q', fromMe: false })).toBe('<message>');
    expect(describeQuoted({ id: 'Q', fromMe: false, text: '  ' })).toBe('<message>');
  });
});
