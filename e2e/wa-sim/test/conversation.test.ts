// Everything around a 1:1 conversation: self-chat and sent copies, receipts and presence both ways,
// broadcasts, the offline queue, LID addressing, contacts with several devices, Bad MAC and dropped acks.
import { proto } from '@whiskeysockets/baileys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Contact, Phone, Sim } from '../index';
import { openClient, endConversation, startConversation, type Linked } from './support';

const Status = proto.WebMessageInfo.Status;
let sim: Sim;
let phone: Phone;
let alice: Contact;
let linked: Linked;

beforeAll(async () => {
  ({ sim, phone, alice, linked } = await startConversation({
    seed: 'conversation',
    phone: '+15550003333',
    alice: '+15553456789',
  }));
});

afterAll(() => endConversation({ sim, linked }));

describe('own messages', () => {
  it('self-chat from the phone reaches Baileys as fromMe in the own chat', async () => {
    const id = await phone.send(phone, 'note to self');
    const msg = await linked.nextUpsert((m) => m.key.id === id);
    expect(msg.key.fromMe).toBe(true);
    expect(msg.key.remoteJid).toBe(phone.jid);
    expect(msg.message?.conversation).toBe('note to self');
  });

  it('what the phone sends to a contact shows up in Baileys as fromMe, and the contact decrypts it', async () => {
    const id = await phone.send(alice, 'sent from my phone');
    expect((await alice.nextMessage((m) => m.id === id)).message.conversation).toBe('sent from my phone');
    const copy = await linked.nextUpsert((m) => m.key.id === id);
    expect(copy.key).toMatchObject({ fromMe: true, remoteJid: alice.jid });
    expect(copy.message?.conversation).toBe('sent from my phone');
  });

  it('what Baileys sends is copied to the phone as a deviceSentMessage', async () => {
    const sent = await linked.client.sock.sendMessage(alice.jid, { text: 'the phone sees this too' });
    const copy = await phone.nextMessage((m) => m.id === sent!.key.id);
    expect(copy.destination).toBe(alice.jid);
    expect(copy.message.conversation ?? copy.message.extendedTextMessage?.text).toBe(
      'the phone sees this too',
    );
  });
});

describe('receipts', () => {
  it('outbound: delivered, read and played arrive as status changes', async () => {
    const sent = await linked.client.sock.sendMessage(alice.jid, { text: 'tick tick' });
    const id = sent!.key.id!;
    await alice.nextMessage((m) => m.id === id);
    await linked.reachesStatus(id, Status.DELIVERY_ACK);
    alice.read(phone, [id]);
    await linked.reachesStatus(id, Status.READ);
    alice.played(phone, [id]);
    await linked.reachesStatus(id, Status.PLAYED);
  });

  it('inbound: Baileys’ read and played receipts reach the contact', async () => {
    const id = await alice.send(phone, 'read me');
    const msg = await linked.nextUpsert((m) => m.key.id === id);
    await alice.nextReceipt((r) => r.ids.includes(id) && r.type === 'delivery');
    await linked.client.sock.readMessages([msg.key]);
    await alice.nextReceipt((r) => r.ids.includes(id) && r.type === 'read');
    await linked.client.sock.sendReceipt(alice.jid, undefined, [id], 'played');
    await alice.nextReceipt((r) => r.ids.includes(id) && r.type === 'played');
  });

  it('dropped acks: Baileys (rc14) does not depend on server acks; the message is delivered and no error appears', async () => {
    sim.dropAcks(true);
    try {
      const sent = await linked.client.sock.sendMessage(alice.jid, { text: 'unacked' });
      const id = sent!.key.id!;
      await alice.nextMessage((m) => m.id === id);
      await linked.reachesStatus(id, Status.DELIVERY_ACK);
      expect(linked.updates.some((u) => u.key.id === id && u.update.status === Status.ERROR)).toBe(false);
    } finally {
      sim.dropAcks(false);
    }
  });
});

describe('presence and typing', () => {
  it('inbound typing and availability reach Baileys as presence.update', async () => {
    const seen: Array<Record<string, { lastKnownPresence?: string }>> = [];
    linked.client.sock.ev.on('presence.update', ({ presences }) => seen.push(presences));
    alice.presence(phone, 'composing');
    alice.presence(phone, 'available');
    const started = Date.now();
    while (
      seen.filter((p) => Object.values(p).some((x) => x.lastKnownPresence)).length < 2 &&
      Date.now() - started < 10_000
    ) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const states = seen.flatMap((p) => Object.values(p).map((x) => x.lastKnownPresence));
    expect(states).toEqual(expect.arrayContaining(['composing', 'available']));
  });

  it('outbound typing reaches the contact', async () => {
    await linked.client.sock.sendPresenceUpdate('composing', alice.jid);
    expect((await alice.nextPresence((p) => p.state === 'composing')).from).toMatch(
      /^15550003333:\d+@s\.whatsapp\.net$/,
    );
    await linked.client.sock.sendPresenceUpdate('paused', alice.jid);
    await alice.nextPresence((p) => p.state === 'paused');
  });
});

describe('broadcasts', () => {
  it('status@broadcast and broadcast-list messages arrive in their broadcast chats (so a gateway can ignore them)', async () => {
    const sid = await alice.send(phone, 'my status', {
      from: 'status@broadcast',
      attrs: { participant: alice.jid },
    });
    const status = await linked.nextUpsert((m) => m.key.id === sid);
    expect(status.key).toMatchObject({ remoteJid: 'status@broadcast', participant: alice.jid });
    const bid = await alice.send(phone, 'to my list', {
      from: '1700000000@broadcast',
      attrs: { participant: alice.jid },
    });
    const list = await linked.nextUpsert((m) => m.key.id === bid);
    expect(list.key.remoteJid).toBe('1700000000@broadcast');
    expect(list.message?.conversation).toBe('to my list');
  });
});

describe('addressing and devices', () => {
  it('a sender addressed by LID is decrypted and mapped to its phone number', async () => {
    const id = await alice.send(phone, 'hello by lid', { addressing: 'lid' });
    const msg = await linked.nextUpsert((m) => m.key.id === id);
    expect(msg.message?.conversation).toBe('hello by lid');
    expect([msg.key.remoteJid, (msg.key as { remoteJidAlt?: string }).remoteJidAlt]).toContain(alice.lid);
    expect([msg.key.remoteJid, (msg.key as { remoteJidAlt?: string }).remoteJidAlt]).toContain(alice.jid);
  });

  it('a contact with two devices: either device can send, and Baileys encrypts for both', async () => {
    const bob = sim.contact('+15557654321', { name: 'Bob', devices: 2 });
    const id = await bob.send(phone, 'from my laptop', { device: 1 });
    expect((await linked.nextUpsert((m) => m.key.id === id)).message?.conversation).toBe('from my laptop');
    const sent = await linked.client.sock.sendMessage(bob.jid, { text: 'to all your devices' });
    const onDevice = (d: number) => bob.nextMessage((m) => m.id === sent!.key.id && m.device === d);
    const [first, second] = await Promise.all([onDevice(0), onDevice(1)]);
    expect(first.message.conversation ?? first.message.extendedTextMessage?.text).toBe('to all your devices');
    expect(second.message.conversation ?? second.message.extendedTextMessage?.text).toBe(
      'to all your devices',
    );
  });
});

describe('faults in messages', () => {
  it('Bad MAC: Baileys reports an undecryptable message as a CIPHERTEXT stub, and later messages still decrypt', async () => {
    const id = await alice.sendUndecryptable(phone);
    const stub = await linked.nextUpsert((m) => m.key.id === id);
    expect(stub.messageStubType).toBe(proto.WebMessageInfo.StubType.CIPHERTEXT);
    // libsignal names the failure: "Bad MAC" on an established session, "No matching sessions" on a prekey one.
    expect(String(stub.messageStubParameters?.[0])).toMatch(/Bad MAC|No matching sessions/);
    const next = await alice.send(phone, 'still here');
    expect((await linked.nextUpsert((m) => m.key.id === next)).message?.conversation).toBe('still here');
  });
});

describe('offline queue', () => {
  it('messages sent while the client is away arrive as append upserts on reconnect', async () => {
    linked.client.end();
    await linked.client.waitFor((u) => u.connection === 'close', 'the client to close');
    const ids = [
      await alice.send(phone, 'while you were away 1'),
      await alice.send(phone, 'while you were away 2'),
    ];
    linked = await openClient(sim, linked.auth);
    for (const [i, id] of ids.entries()) {
      const msg = await linked.nextUpsert((m) => m.key.id === id);
      expect(msg.message?.conversation).toBe(`while you were away ${i + 1}`);
      expect(linked.upserts.find((u) => u.message.key.id === id)?.type).toBe('append');
    }
  });
});
