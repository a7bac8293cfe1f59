// Group sender keys against Baileys' real repository, including the inbound shape the simulator will send:
// a pkmsg carrying the SenderKeyDistributionMessage, then an skmsg.
import { proto } from '@whiskeysockets/baileys';
import {
  SenderKeyMessage,
  SenderKeyName,
  SenderKeyRecord,
} from '@whiskeysockets/baileys/lib/Signal/Group/index.js';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { makeBaileysPeer, type BaileysPeer } from './baileys-peer';
import { SenderKeyParty } from './group';
import {
  bundleFromUpload,
  keyUploadFromNode,
  padMessage,
  SignalDevice,
  toProtocolAddress,
  unpadMessage,
} from './party';

const ME = '15550001111:7@s.whatsapp.net';
const CONTACT = '15551234567@s.whatsapp.net';
const GROUP = '120363000000000001@g.us';

const encode = (message: proto.IMessage) => padMessage(proto.Message.encode(message).finish());
const decode = (padded: Uint8Array) => proto.Message.decode(unpadMessage(padded));

let peer: BaileysPeer;

beforeEach(async () => {
  vi.spyOn(console, 'info').mockImplementation(() => undefined);
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  peer = await makeBaileysPeer();
});

describe('contact → Baileys in a group', () => {
  it('Baileys processes the distribution and decrypts several skmsgs', async () => {
    const contact = new SenderKeyParty({ jid: CONTACT });
    const distribution = await contact.createDistribution(GROUP);
    await peer.repository.processSenderKeyDistributionMessage({
      item: { groupId: GROUP, axolotlSenderKeyDistributionMessage: distribution },
      authorJid: CONTACT,
    });
    for (const text of ['one', 'two', 'three']) {
      const skmsg = await contact.encrypt(GROUP, encode({ conversation: text }));
      const plain = await peer.repository.decryptGroupMessage({
        group: GROUP,
        authorJid: CONTACT,
        msg: skmsg,
      });
      expect(decode(plain).conversation).toBe(text);
    }
  });

  it('the full inbound shape: pkmsg with the distribution, then the skmsg', async () => {
    const phone = SignalDevice.create({ jid: CONTACT });
    const party = new SenderKeyParty({ jid: CONTACT });
    const bundle = bundleFromUpload(keyUploadFromNode(peer.uploadNode));
    const carrier = await phone.encryptFor(
      { address: ME, bundle },
      encode({
        senderKeyDistributionMessage: {
          groupId: GROUP,
          axolotlSenderKeyDistributionMessage: await party.createDistribution(GROUP),
        },
      }),
    );
    const skmsg = await party.encrypt(GROUP, encode({ conversation: 'hello group' }));

    const inner = decode(await peer.repository.decryptMessage({ jid: CONTACT, ...carrier }));
    await peer.repository.processSenderKeyDistributionMessage({
      item: inner.senderKeyDistributionMessage!,
      authorJid: CONTACT,
    });
    const plain = await peer.repository.decryptGroupMessage({ group: GROUP, authorJid: CONTACT, msg: skmsg });
    expect(decode(plain).conversation).toBe('hello group');
  });

  it('sends consecutive iterations, so Baileys’ stored record files no skipped message keys', async () => {
    const contact = new SenderKeyParty({ jid: CONTACT });
    await peer.repository.processSenderKeyDistributionMessage({
      item: { groupId: GROUP, axolotlSenderKeyDistributionMessage: await contact.createDistribution(GROUP) },
      authorJid: CONTACT,
    });
    const recordId = new SenderKeyName(GROUP, toProtocolAddress(CONTACT)).toString();
    const iterations: number[] = [];
    for (let i = 0; i < 6; i++) {
      const skmsg = await contact.encrypt(GROUP, encode({ conversation: `m${i}` }));
      iterations.push(new SenderKeyMessage(null, null, null, null, skmsg).getIteration());
      const plain = await peer.repository.decryptGroupMessage({
        group: GROUP,
        authorJid: CONTACT,
        msg: skmsg,
      });
      expect(decode(plain).conversation).toBe(`m${i}`);
      const { [recordId]: stored } = await peer.keys.get('sender-key', [recordId]);
      const record = SenderKeyRecord.deserialize(stored!);
      expect(record.getSenderKeyState()!.getStructure().senderMessageKeys).toEqual([]);
    }
    expect(iterations).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('an skmsg without a processed distribution fails on Baileys as it would in WhatsApp', async () => {
    const contact = new SenderKeyParty({ jid: CONTACT });
    const skmsg = await contact.encrypt(GROUP, encode({ conversation: 'lost' }));
    await expect(
      peer.repository.decryptGroupMessage({ group: GROUP, authorJid: CONTACT, msg: skmsg }),
    ).rejects.toThrow();
  });
});

describe('Baileys → contact in a group', () => {
  it('the contact decrypts after processing Baileys’ distribution', async () => {
    const contact = new SenderKeyParty({ jid: CONTACT });
    const first = await peer.repository.encryptGroupMessage({
      group: GROUP,
      meId: ME,
      data: encode({ conversation: 'hi all' }),
    });
    await contact.processDistribution(GROUP, ME, first.senderKeyDistributionMessage);
    expect(contact.hasSenderKey(GROUP, ME)).toBe(true);
    expect(decode(await contact.decrypt(GROUP, ME, first.ciphertext)).conversation).toBe('hi all');

    const second = await peer.repository.encryptGroupMessage({
      group: GROUP,
      meId: ME,
      data: encode({ conversation: 'again' }),
    });
    expect(decode(await contact.decrypt(GROUP, ME, second.ciphertext)).conversation).toBe('again');
  });

  it('refuses to decrypt from a sender whose distribution never arrived', async () => {
    const contact = new SenderKeyParty({ jid: CONTACT });
    const out = await peer.repository.encryptGroupMessage({
      group: GROUP,
      meId: ME,
      data: encode({ conversation: 'x' }),
    });
    await expect(contact.decrypt(GROUP, ME, out.ciphertext)).rejects.toThrow(/distribution not processed/);
  });
});

describe('seeded sender keys', () => {
  it('same seed and group give the same distribution, and Baileys accepts it', async () => {
    const a = await new SenderKeyParty({ jid: CONTACT, seed: 's' }).createDistribution(GROUP);
    const b = await new SenderKeyParty({ jid: CONTACT, seed: 's' }).createDistribution(GROUP);
    const other = await new SenderKeyParty({ jid: CONTACT, seed: 's' }).createDistribution(
      '120363000000000002@g.us',
    );
    expect(b).toEqual(a);
    expect(other).not.toEqual(a);

    const party = new SenderKeyParty({ jid: CONTACT, seed: 's' });
    await peer.repository.processSenderKeyDistributionMessage({
      item: { groupId: GROUP, axolotlSenderKeyDistributionMessage: await party.createDistribution(GROUP) },
      authorJid: CONTACT,
    });
    const skmsg = await party.encrypt(GROUP, encode({ conversation: 'seeded group' }));
    const plain = await peer.repository.decryptGroupMessage({ group: GROUP, authorJid: CONTACT, msg: skmsg });
    expect(decode(plain).conversation).toBe('seeded group');
  });
});
