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
    const info = await cache.get('1203@g.us');
    expect(info).toEqual({
      subject: 'Team 1',
      participants: [
        { jid: '15551234567@s.whatsapp.net', e164: '+15551234567' },
        { jid: '987654321@lid', e164: '+15557654321' },
        { jid: '111@lid', e164: null },
      ],
    });
    now = GROUP_META_TTL_MS - 1;
    expect((await cache.get('1203@g.us'))?.subject).toBe('Team 1');
    now = GROUP_META_TTL_MS;
    expect((await cache.get('1203@g.us'))?.subject).toBe('Team 2');
    expect(asked).toEqual(['1203@g.us', '1203@g.us']);
  });

  it('a group that cannot be read is null, and not asked again until the entry expires', async () => {
    let calls = 0;
    const cache = new GroupMetaCache(async () => {
      calls += 1;
      throw new Error('not a participant');
    });
    expect(await cache.get('x@g.us')).toBeNull();
    expect(await cache.get('x@g.us')).toBeNull();
    expect(calls).toBe(1);
  });
});
