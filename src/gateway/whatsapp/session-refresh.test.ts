// The device query's forced refresh (session-refresh.ts) with Baileys' real repository and a simulated contact
// phone (the same libsignal): kept when the open session has the bundle's identity, applied when the identity is
// new, when there is no session, and for every forced refresh that does not come from the device query.
import { proto } from '@whiskeysockets/baileys';
import { makeLibSignalRepository } from '@whiskeysockets/baileys/lib/Signal/libsignal.js';
import { pino } from 'pino';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { makeBaileysPeer, type BaileysPeer } from '../../../e2e/wa-sim/signal/baileys-peer';
import { padMessage, SignalDevice, unpadMessage } from '../../../e2e/wa-sim/signal/party';
import { keepOpenSessions } from './session-refresh';

const ME = '15550001111:7@s.whatsapp.net';
const CONTACT = '15551234567@s.whatsapp.net';
const ADDRESS = '15551234567.0';
const encode = (text: string) => padMessage(proto.Message.encode({ conversation: text }).finish());
const textOf = (padded: Uint8Array) => proto.Message.decode(unpadMessage(padded)).conversation;

let peer: BaileysPeer;
let repo: ReturnType<typeof makeLibSignalRepository>;
let contact: SignalDevice;

beforeEach(async () => {
  for (const level of ['info', 'warn', 'error'] as const)
    vi.spyOn(console, level).mockImplementation(() => undefined);
  peer = await makeBaileysPeer();
  const make = keepOpenSessions(makeLibSignalRepository as Parameters<typeof keepOpenSessions>[0]);
  repo = make({ creds: peer.creds, keys: peer.keys }, pino({ level: 'silent' })) as typeof repo;
  contact = SignalDevice.create({ jid: CONTACT, preKeyCount: 4 });
});

// Named as the Baileys functions that ask, since the wrapper tells them apart by the async stack.
async function getUSyncDevices(device: SignalDevice): Promise<void> {
  await repo.injectE2ESession({ jid: CONTACT, session: device.bundle() });
}
async function sendMessagesAgain(device: SignalDevice): Promise<void> {
  await repo.injectE2ESession({ jid: CONTACT, session: device.bundle() });
}

/** A session with the contact that both sides use: a message each way. */
async function converse(): Promise<void> {
  await getUSyncDevices(contact);
  const first = await repo.encryptMessage({ jid: CONTACT, data: encode('hi') });
  expect(textOf(await contact.decryptFrom(ME, first.type, first.ciphertext))).toBe('hi');
  const reply = await contact.encryptFor({ address: ME }, encode('hello'));
  expect(textOf(await repo.decryptMessage({ jid: CONTACT, ...reply }))).toBe('hello');
}

const stored = async () => (await peer.keys.get('session', [ADDRESS]))[ADDRESS];

describe('a forced refresh of a contact’s session', () => {
  it('from the device query, with the same identity: the open session is kept and the next message continues it', async () => {
    await converse();
    const before = await stored();
    await getUSyncDevices(contact);
    expect(await stored()).toEqual(before);
    const next = await repo.encryptMessage({ jid: CONTACT, data: encode('still here') });
    expect(next.type).toBe('msg');
    expect(textOf(await contact.decryptFrom(ME, next.type, next.ciphertext))).toBe('still here');
  });

  it('from the device query, with a new identity (the contact reinstalled): a new session for the new identity', async () => {
    await converse();
    const reinstalled = SignalDevice.create({ jid: CONTACT, preKeyCount: 4 });
    await getUSyncDevices(reinstalled);
    const next = await repo.encryptMessage({ jid: CONTACT, data: encode('welcome back') });
    expect(next.type).toBe('pkmsg');
    expect(textOf(await reinstalled.decryptFrom(ME, next.type, next.ciphertext))).toBe('welcome back');
  });

  it('from anywhere else (a contact asking for a message again), with the same identity: a new session', async () => {
    await converse();
    const before = await stored();
    await sendMessagesAgain(contact);
    expect(await stored()).not.toEqual(before);
    const next = await repo.encryptMessage({ jid: CONTACT, data: encode('again') });
    expect(next.type).toBe('pkmsg');
    expect(textOf(await contact.decryptFrom(ME, next.type, next.ciphertext))).toBe('again');
  });

  it('with no session yet: the session is built', async () => {
    expect(await stored()).toBeUndefined();
    await getUSyncDevices(contact);
    expect(await stored()).toBeDefined();
  });
});
