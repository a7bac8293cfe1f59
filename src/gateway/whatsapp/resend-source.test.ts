// getMessage for Baileys' resends, over a real state.db: the stored message back as a proto, and a clear line (no
// throw into Baileys) when it is gone or unreadable.
import { proto } from '@whiskeysockets/baileys';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { storeSentContent } from '../store/queries/sent-content';
import { memoryLogger, tempState, type TempState } from './auth/test-support';
import { storedSentMessage } from './resend-source';

let t: TempState;
beforeEach(() => {
  t = tempState('openclaw-resend-');
});
afterEach(() => t.cleanup());

const key = (id: string) => ({ remoteJid: 'c@s.whatsapp.net', fromMe: true, id });

it('gives back the stored message of this account, as Baileys relayed it', async () => {
  const { log } = memoryLogger();
  const message = { extendedTextMessage: { text: 'hello again' } };
  const content = proto.Message.encode(message).finish();
  storeSentContent(t.store.db, { account: 'acc', messageId: 'M1', chat: 'c@s.whatsapp.net', content }, 0);
  const got = await storedSentMessage(t.store.db, 'acc', log)(key('M1'));
  expect(got?.extendedTextMessage?.text).toBe('hello again');
  expect(await storedSentMessage(t.store.db, 'other', log)(key('M1'))).toBeUndefined();
});

it('answers nothing, and says nothing, for a message that is not ours (a poll someone else created)', async () => {
  const { log, lines } = memoryLogger();
  const theirs = { remoteJid: 'c@s.whatsapp.net', fromMe: false, id: 'POLL' };
  expect(await storedSentMessage(t.store.db, 'acc', log)(theirs)).toBeUndefined();
  expect(lines()).toEqual([]);
});

it('says which message is no longer kept, and which could not be read, without throwing', async () => {
  const { log, lines } = memoryLogger();
  expect(await storedSentMessage(t.store.db, 'acc', log)(key('GONE'))).toBeUndefined();
  const bad = Uint8Array.from([0x0a, 0xff]); // a field that says 255 bytes follow, and none do
  storeSentContent(t.store.db, { account: 'acc', messageId: 'BAD', chat: 'c', content: bad }, 0);
  expect(await storedSentMessage(t.store.db, 'acc', log)(key('BAD'))).toBeUndefined();
  expect(lines().map((l) => [l.id, l.msg])).toEqual([
    ['GONE', 'a contact asked for a message again that is no longer kept'],
    ['BAD', 'could not read a sent message a contact asked for again'],
  ]);
});
