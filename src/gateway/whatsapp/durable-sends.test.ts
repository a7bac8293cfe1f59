// A gateway killed after a message left but before Baileys committed its send's key transaction: modelled by a
// send transaction that throws after the encryption (Baileys rolls it back, nothing of it is committed), then a
// "restart" (a new key store, transaction layer and repository on the same state.db file). The contact's phone
// (a simulated device, the same libsignal) has the message. Baileys' own repository, with and without the wrapper.
import {
  addTransactionCapability,
  DEFAULT_CONNECTION_CONFIG,
  initAuthCreds,
  proto,
  type SignalKeyStoreWithTransaction,
} from '@whiskeysockets/baileys';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SenderKeyParty } from '../../../e2e/wa-sim/signal/group';
import { padMessage, SignalDevice, unpadMessage } from '../../../e2e/wa-sim/signal/party';
import { sqliteKeyStore } from './auth/key-store';
import { tempState, type TempState } from './auth/test-support';
import { durableSends } from './durable-sends';

const ME = '15550001111:7@s.whatsapp.net';
const CONTACT = '15551234567@s.whatsapp.net';
const CONTACT_LID = '123456789012345@lid';
const GROUP = '120363000000000001@g.us';
const log = pino({ level: 'silent' });
const creds = initAuthCreds();
const encode = (text: string) => padMessage(proto.Message.encode({ conversation: text }).finish());
const textOf = (padded: Uint8Array) => proto.Message.decode(unpadMessage(padded)).conversation;

let t: TempState;
beforeEach(() => {
  for (const level of ['info', 'warn', 'error'] as const)
    vi.spyOn(console, level).mockImplementation(() => undefined);
  t = tempState('openclaw-durable-sends-');
});
afterEach(() => t.cleanup());

/** A gateway process's Signal layer over the state.db file: what a restart builds afresh. */
function start(durable: boolean) {
  const store = sqliteKeyStore(t.store.db, 'default');
  const keys: SignalKeyStoreWithTransaction = addTransactionCapability(store, log, {
    maxCommitRetries: 1,
    delayBetweenTriesMs: 1,
  });
  const make = DEFAULT_CONNECTION_CONFIG.makeSignalRepository;
  const repo = (durable ? durableSends(make, store) : make)({ creds, keys }, log);
  return { keys, repo };
}

/** `send` as relayMessage runs it, in one key transaction, killed once the stanza has left (before the commit). */
async function killedAfterSending<T>(
  keys: SignalKeyStoreWithTransaction,
  send: () => Promise<T>,
): Promise<T> {
  let sent: T | undefined;
  await expect(
    keys.transaction(async () => {
      sent = await send();
      throw new Error('SIGKILL');
    }, ME),
  ).rejects.toThrow('SIGKILL');
  return sent!;
}

describe.each([true, false])('durable sends: %s', (durable) => {
  it.each([false, true])(
    `1:1 (contact's LID known: %s): the reply on the session the lost commit built ${durable ? 'decrypts' : 'fails'}`,
    async (mapped) => {
      const contact = SignalDevice.create({ jid: CONTACT, preKeyCount: 2 });
      const before = start(durable);
      // With the mapping, libsignal's storage files the contact's session under the LID address.
      if (mapped) await before.repo.lidMapping.storeLIDPNMappings([{ lid: CONTACT_LID, pn: CONTACT }]);
      const sent = await killedAfterSending(before.keys, async () => {
        await before.repo.injectE2ESession({ jid: CONTACT, session: contact.bundle() });
        return before.repo.encryptMessage({ jid: CONTACT, data: encode('the answer') });
      });
      expect(textOf(await contact.decryptFrom(ME, sent.type, sent.ciphertext))).toBe('the answer');
      const stored = (await start(durable).keys.get('session', ['123456789012345_1.0']))[
        '123456789012345_1.0'
      ];
      expect(stored !== undefined).toBe(mapped && durable);

      const after = start(durable);
      const reply = await contact.encryptFor({ address: ME }, encode('thanks'));
      const decrypted = after.repo.decryptMessage({ jid: CONTACT, ...reply });
      if (durable) expect(textOf(await decrypted)).toBe('thanks');
      else await expect(decrypted).rejects.toThrow('No session record');
    },
  );

  it(`group: the message after the lost commit ${durable ? 'decrypts' : 'reuses a consumed step'}`, async () => {
    const member = new SenderKeyParty({ jid: CONTACT });
    const before = start(durable);
    const send = (text: string) =>
      before.repo.encryptGroupMessage({ group: GROUP, meId: ME, data: encode(text) });
    const first = await before.keys.transaction(() => send('one'), ME);
    await member.processDistribution(GROUP, ME, first.senderKeyDistributionMessage);
    expect(textOf(await member.decrypt(GROUP, ME, first.ciphertext))).toBe('one');
    const second = await killedAfterSending(before.keys, () => send('two'));
    expect(textOf(await member.decrypt(GROUP, ME, second.ciphertext))).toBe('two');

    const after = start(durable);
    const third = await after.keys.transaction(
      () => after.repo.encryptGroupMessage({ group: GROUP, meId: ME, data: encode('three') }),
      ME,
    );
    const decrypted = member.decrypt(GROUP, ME, third.ciphertext);
    if (durable) expect(textOf(await decrypted)).toBe('three');
    else await expect(decrypted).rejects.toThrow('Received message with old counter');
  });
});
