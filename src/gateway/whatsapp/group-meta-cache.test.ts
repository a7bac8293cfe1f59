import type { GroupMetadata } from '@whiskeysockets/baileys';
import { describe, expect, it } from 'vitest';
import { GROUP_META_TTL_MS, GroupMetaCache } from './group-meta-cache';

const meta = (subject: string): GroupMetadata =>
  ({
    id: '1203@g.us',
    subject,
    participants: [
      { id: '15551234567@s.whatsapp.net' },
      { id: '987654321@lid', phoneNumber: '15557654321@s.whatsapp.net' },
      { id: '111@lid' },
    ],
  }) as GroupMetadata;

describe('GroupMetaCache', () => {
  it('asks WhatsApp once per group per 5 minutes, and maps participants to numbers where it can', async () => {
    let now = 0;
    const asked: string[] = [];
    const cache = new GroupMetaCache(
      async (jid) => {
        asked.push(jid);
        return meta(`Team ${asked.length}`);
      },
      () => now,
    );
    const info = await cache.info('1203@g.us');
    expect(info).toEqual({
      subject: 'Team 1',
      participants: [
        { jid: '15551234567@s.whatsapp.net', e164: '+15551234567' },
        { jid: '987654321@lid', e164: '+15557654321' },
        { jid: '111@lid', e164: null },
      ],
    });
    now = GROUP_META_TTL_MS - 1;
    expect((await cache.info('1203@g.us'))?.subject).toBe('Team 1');
    now = GROUP_META_TTL_MS;
    expect((await cache.info('1203@g.us'))?.subject).toBe('Team 2');
    expect(asked).toEqual(['1203@g.us', '1203@g.us']);
  });

  it('a group that cannot be read is null, and not asked again until the entry expires', async () => {
    let calls = 0;
    const cache = new GroupMetaCache(async () => {
      calls += 1;
      throw new Error('not a participant');
    });
    expect(await cache.info('x@g.us')).toBeNull();
    expect(await cache.info('x@g.us')).toBeNull();
    expect(calls).toBe(1);
  });

  it('serves what WhatsApp sent unasked, asks again after a change, and a fetch overtaken by one is not kept', async () => {
    const asked: string[] = [];
    let release: (m: GroupMetadata) => void = () => undefined;
    const cache = new GroupMetaCache((jid) => {
      asked.push(jid);
      return new Promise((resolve) => (release = resolve));
    });
    cache.put(meta('Created'));
    expect((await cache.metadata('1203@g.us'))?.subject).toBe('Created');
    expect(asked).toEqual([]);

    cache.forget('1203@g.us');
    const stale = cache.metadata('1203@g.us');
    cache.forget('1203@g.us'); // a member joined while the query was out
    release(meta('Before the change'));
    expect((await stale)?.subject).toBe('Before the change');
    const fresh = cache.info('1203@g.us');
    release(meta('After the change'));
    expect((await fresh)?.subject).toBe('After the change');
    expect(asked).toHaveLength(2);
  });
});
