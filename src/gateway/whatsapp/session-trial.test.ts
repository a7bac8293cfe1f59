// A session the contact never saw must come through a reply on an older session untouched. Baileys' real
// repository is the gateway's side, a simulated phone (the same libsignal) the contact's: the gateway re-creates
// the session on a forced refresh, the message on it never arrives (dropped as a duplicate resend), the contact
// replies on the session it has, and the gateway's next message must still decrypt on the contact's phone.
import { proto } from '@whiskeysockets/baileys';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeBaileysPeer, type BaileysPeer } from '../../../e2e/wa-sim/signal/baileys-peer';
import { padMessage, SignalDevice, unpadMessage } from '../../../e2e/wa-sim/signal/party';
import { installSessionTrialCopies, uninstallSessionTrialCopies } from './session-trial';

const ME = '15550001111:7@s.whatsapp.net';
const CONTACT = '15551234567@s.whatsapp.net';
const encode = (text: string) => padMessage(proto.Message.encode({ conversation: text }).finish());
const textOf = (padded: Uint8Array) => proto.Message.decode(unpadMessage(padded)).conversation;

let peer: BaileysPeer;
let contact: SignalDevice;

beforeEach(async () => {
  // libsignal narrates session open/close and failed trials on the console.
  for (const level of ['info', 'warn', 'error'] as const)
    vi.spyOn(console, level).mockImplementation(() => undefined);
  peer = await makeBaileysPeer();
  contact = SignalDevice.create({ jid: CONTACT, preKeyCount: 4 });
});
afterAll(() => uninstallSessionTrialCopies());

const send = (text: string) => peer.repository.encryptMessage({ jid: CONTACT, data: encode(text) });

/** Up to the gateway's next message: one delivered session, one newer that never arrived, a reply on the first. */
async function staleReplyThenAnswer() {
  await peer.repository.injectE2ESession({ jid: CONTACT, session: contact.bundle() });
  const first = await send('first answer');
  expect(textOf(await contact.decryptFrom(ME, first.type, first.ciphertext))).toBe('first answer');

  await peer.repository.injectE2ESession({ jid: CONTACT, session: contact.bundle() }); // the forced refresh
  expect((await send('first answer (resent, dropped)')).type).toBe('pkmsg');

  const reply = await contact.encryptFor({ address: ME }, encode('and another thing'));
  expect(reply.type).toBe('msg');
  expect(textOf(await peer.repository.decryptMessage({ jid: CONTACT, ...reply }))).toBe('and another thing');
  return send('second answer');
}

describe('trial decryption over several sessions', () => {
  it('leaves the sessions that did not decrypt as they were: the next answer decrypts on the phone', async () => {
    installSessionTrialCopies();
    const second = await staleReplyThenAnswer();
    expect(second.type).toBe('pkmsg');
    expect(textOf(await contact.decryptFrom(ME, second.type, second.ciphertext))).toBe('second answer');

    // And the conversation goes on in both directions on the session the phone now has.
    const more = await contact.encryptFor({ address: ME }, encode('thanks'));
    expect(textOf(await peer.repository.decryptMessage({ jid: CONTACT, ...more }))).toBe('thanks');
    const last = await send('you are welcome');
    expect(textOf(await contact.decryptFrom(ME, last.type, last.ciphertext))).toBe('you are welcome');
  });

  it('without the copies (libsignal as shipped) the same steps end in Bad MAC on the phone', async () => {
    uninstallSessionTrialCopies();
    const second = await staleReplyThenAnswer();
    await expect(contact.decryptFrom(ME, second.type, second.ciphertext)).rejects.toThrow('Bad MAC');
  });

  it('a message no session decrypts still fails with libsignal’s error and changes nothing stored', async () => {
    installSessionTrialCopies();
    await staleReplyThenAnswer();
    const before = await peer.keys.get('session', ['15551234567.0']);
    const forged = await contact.encryptFor({ address: ME }, encode('tampered'));
    forged.ciphertext[forged.ciphertext.length - 1]! ^= 0xff;
    await expect(peer.repository.decryptMessage({ jid: CONTACT, ...forged })).rejects.toThrow(
      'No matching sessions found for message',
    );
    expect(await peer.keys.get('session', ['15551234567.0'])).toEqual(before);
  });
});
