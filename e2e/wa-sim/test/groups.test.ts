// Groups through the real Baileys client, in both addressing modes: metadata, sender-key messages both ways
// (plaintext asserted on both ends), mentions, and participant/subject changes as Baileys' own events.
import {
  getBinaryNodeChild,
  getBinaryNodeChildren,
  proto,
  type BaileysEventMap,
  type BinaryNode,
} from '@whiskeysockets/baileys';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { trustSimulator } from '../client';
import type { AddressingMode, Member, SimGroup } from '../groups';
import { startSim, type Contact, type Phone, type ReceivedMessage, type Sim } from '../index';
import { Recorder } from '../server/model';
import { linkClient, type Linked } from './support';

let sim: Sim;
let phone: Phone;
let linked: Linked;
const StubType = proto.WebMessageInfo.StubType;
// Baileys' group events, recorded with waiters so tests wait for an event instead of polling or sleeping.
const participantUpdates = new Recorder<BaileysEventMap['group-participants.update']>();
const groupUpdates = new Recorder<BaileysEventMap['groups.update'][number]>();
const receipts = new Recorder<BaileysEventMap['message-receipt.update'][number]>();

beforeAll(async () => {
  // libsignal narrates every session it opens on the console.
  vi.spyOn(console, 'info').mockImplementation(() => undefined);
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  sim = await startSim({ seed: 'groups' });
  trustSimulator(sim.rootPublicKey);
  phone = sim.phone('+15550001111', { name: 'Owner' });
  linked = await linkClient(sim, phone);
  linked.client.sock.ev.on('group-participants.update', (u) => participantUpdates.push(u));
  linked.client.sock.ev.on('groups.update', (u) => u.forEach((x) => groupUpdates.push(x)));
  linked.client.sock.ev.on('message-receipt.update', (u) => u.forEach((x) => receipts.push(x)));
});

afterAll(async () => {
  linked?.client.end();
  await sim?.close();
});

/**
 * A member's delivery receipt as Baileys reports it: `message-receipt.update`, or, when its event buffer merged
 * the receipt into the sent message's own upsert, `userReceipt` on that upsert.
 */
function receiptFrom(id: string, userJid: string): Promise<unknown> {
  return Promise.any([
    receipts.next((r) => r.key.id === id && r.receipt.userJid === userJid, `a receipt for ${id}`, 5_000),
    linked.nextUpsert((m) => m.key.id === id && !!m.userReceipt?.some((r) => r.userJid === userJid), 5_000),
  ]);
}

/** The `<enc>` types of every stanza the server handed Baileys for message `id`. */
function encTypesDelivered(spy: { mock: { calls: unknown[][] } }, id: string): string[][] {
  return spy.mock.calls
    .map((call) => call[2] as BinaryNode)
    .filter((node) => node.tag === 'message' && node.attrs.id === id)
    .map((node) => getBinaryNodeChildren(node, 'enc').map((e) => e.attrs.type!));
}

const text = (m: ReceivedMessage) => m.message.conversation ?? m.message.extendedTextMessage?.text;

describe.each<AddressingMode>(['pn', 'lid'])('a %s-addressed group', (mode) => {
  let alice: Contact;
  let bob: Contact;
  let carol: Contact;
  let g: SimGroup;
  const address = (m: Member) => (mode === 'lid' ? m.lid : m.jid);
  const other = (m: Member) => (mode === 'lid' ? m.jid : m.lid);

  beforeAll(async () => {
    // Fresh people per mode, so each mode starts without Signal sessions and its first messages are pkmsgs.
    const n = mode === 'pn' ? 1 : 2;
    alice = sim.contact(`+1555123456${n}`, { name: 'Alice' });
    bob = sim.contact(`+1555765432${n}`, { name: 'Bob' });
    carol = sim.contact(`+1555246813${n}`, { name: 'Carol' });
    g = await sim.group(`Team ${mode}`, { admin: phone, members: [alice, bob], addressingMode: mode });
  });

  afterAll(() => {
    expect(g.failures()).toEqual([]);
  });

  it('Baileys’ groupMetadata reads subject, creator, admins, members and the addressing mode', async () => {
    const meta = await linked.client.sock.groupMetadata(g.jid);
    expect(meta).toMatchObject({
      id: g.jid,
      subject: `Team ${mode}`,
      addressingMode: mode,
      owner: address(phone),
    });
    expect(meta.participants.map((p) => [p.id, p.admin])).toEqual([
      [address(phone), 'superadmin'],
      [address(alice), null],
      [address(bob), null],
    ]);
    const alt = meta.participants[1]!;
    expect(mode === 'lid' ? alt.phoneNumber : alt.lid).toBe(other(alice));
  });

  it('a member’s messages upsert from the group: first with its sender key in a pkmsg, then skmsg only', async () => {
    const deliver = vi.spyOn(sim.server, 'deliver');
    const first = await g.send(alice, 'hello team');
    const second = await g.send(alice, 'second one');
    // Read before restoring: mockRestore also forgets the recorded calls.
    expect(encTypesDelivered(deliver, first)).toEqual([['pkmsg', 'skmsg']]);
    expect(encTypesDelivered(deliver, second)).toEqual([['skmsg']]);
    deliver.mockRestore();
    for (const [id, body] of [
      [first, 'hello team'],
      [second, 'second one'],
    ] as const) {
      const msg = await linked.nextUpsert((m) => m.key.id === id);
      expect(msg.key).toMatchObject({ remoteJid: g.jid, fromMe: false, participant: address(alice) });
      expect(msg.key.participantAlt).toBe(other(alice));
      expect(msg.message?.conversation).toBe(body);
      expect(msg.pushName).toBe('Alice');
      // Simulated members read it too, with their own sender-key state.
      expect(text(await g.nextMessage(bob, (m) => m.id === id))).toBe(body);
    }
    await alice.nextReceipt((r) => r.ids.includes(second));
  });

  it('the account’s own phone writes in the group: Baileys sees it as its own, members read it', async () => {
    const id = await g.send(phone, 'from the phone');
    const msg = await linked.nextUpsert((m) => m.key.id === id);
    expect(msg.key).toMatchObject({ remoteJid: g.jid, fromMe: true, participant: address(phone) });
    expect(msg.message?.conversation).toBe('from the phone');
    expect(text(await g.nextMessage(alice, (m) => m.id === id))).toBe('from the phone');
  });

  it('Baileys’ group messages are decrypted by every simulated member, the second from sender keys alone', async () => {
    const sock = linked.client.sock;
    for (const body of ['hi all', 'still here']) {
      const sent = await sock.sendMessage(g.jid, { text: body });
      const id = sent!.key.id!;
      for (const member of [alice, bob, phone]) {
        const got = await g.nextMessage(member, (m) => m.id === id);
        expect(text(got)).toBe(body);
        expect(got.encType).toBe('skmsg');
      }
      const carriers = getBinaryNodeChildren(
        getBinaryNodeChild((await g.nextMessage(alice, (m) => m.id === id)).stanza, 'participants'),
        'to',
      ).map((to) => to.attrs.jid);
      // Baileys remembers who holds its sender key: only the first message carries distributions, one per
      // member device, addressed the way the group names members.
      if (body === 'hi all')
        expect(carriers).toEqual(expect.arrayContaining([address(phone), address(alice), address(bob)]));
      else expect(carriers).toEqual([]);
      // Members' delivery receipts reach Baileys as per-participant group receipts.
      await receiptFrom(id, address(alice));
    }
  });

  it('mentions: a member mentions the account; Baileys mentions a member', async () => {
    const id = await g.send(alice, {
      extendedTextMessage: {
        text: `@${phone.jid.split('@')[0]} look`,
        contextInfo: { mentionedJid: [address(phone)] },
      },
    });
    const inbound = await linked.nextUpsert((m) => m.key.id === id);
    expect(inbound.message?.extendedTextMessage?.contextInfo?.mentionedJid).toEqual([address(phone)]);

    const sent = await linked.client.sock.sendMessage(g.jid, {
      text: `@${address(bob).split('@')[0]} your turn`,
      mentions: [address(bob)],
    });
    const got = await g.nextMessage(bob, (m) => m.id === sent!.key.id);
    expect(got.message.extendedTextMessage?.contextInfo?.mentionedJid).toEqual([address(bob)]);
    expect(text(got)).toBe(`@${address(bob).split('@')[0]} your turn`);
  });

  it('adding a member shows in Baileys’ events and metadata, and the newcomer reads the next message', async () => {
    await g.add(carol, { by: phone });
    const added = await participantUpdates.next((u) => u.id === g.jid && u.action === 'add', 'an add');
    expect(added.participants.map((p) => p.id)).toEqual([address(carol)]);
    expect(added.author).toBe(address(phone));
    // …and the chat gets the "added" system message Baileys builds from the notification.
    const stub = await linked.nextUpsert(
      (m) => m.key.remoteJid === g.jid && m.messageStubType === StubType.GROUP_PARTICIPANT_ADD,
    );
    expect(JSON.parse(stub.messageStubParameters![0]!)).toMatchObject({ id: address(carol) });
    const meta = await linked.client.sock.groupMetadata(g.jid);
    expect(meta.participants.map((p) => p.id)).toContain(address(carol));

    const sent = await linked.client.sock.sendMessage(g.jid, { text: 'welcome Carol' });
    expect(text(await g.nextMessage(carol, (m) => m.id === sent!.key.id))).toBe('welcome Carol');
  });

  it('promote, remove and a subject change by a member arrive as Baileys events', async () => {
    await g.promote(alice);
    await g.remove(bob, { by: alice });
    await g.setSubject(`Renamed ${mode}`, { by: alice });
    const promoted = await participantUpdates.next(
      (u) => u.id === g.jid && u.action === 'promote',
      'a promote',
    );
    expect(promoted.participants.map((p) => p.id)).toEqual([address(alice)]);
    const removed = await participantUpdates.next((u) => u.id === g.jid && u.action === 'remove', 'a remove');
    expect(removed.participants.map((p) => p.id)).toEqual([address(bob)]);
    expect(removed.author).toBe(address(alice));
    const renamed = await groupUpdates.next((u) => u.id === g.jid && !!u.subject, 'a subject change');
    expect(renamed).toMatchObject({ subject: `Renamed ${mode}`, author: address(alice) });
    const stub = await linked.nextUpsert(
      (m) => m.key.remoteJid === g.jid && m.messageStubType === StubType.GROUP_CHANGE_SUBJECT,
    );
    expect(stub.messageStubParameters).toEqual([`Renamed ${mode}`]);
    const meta = await linked.client.sock.groupMetadata(g.jid);
    expect(meta.subject).toBe(`Renamed ${mode}`);
    expect(meta.participants.map((p) => [p.id, p.admin])).toEqual([
      [address(phone), 'superadmin'],
      [address(alice), 'admin'],
      [address(carol), null],
    ]);
  });
});

describe('changes made from the linked client', () => {
  it('an admin renames the group and adds a member from Baileys; the newcomer reads the next message', async () => {
    const dave = sim.contact('+15559870001', { name: 'Dave' });
    const g = await sim.group('Made here', { admin: phone, members: [], addressingMode: 'lid' });
    const sock = linked.client.sock;
    await sock.groupUpdateSubject(g.jid, 'Renamed here');
    const [result] = await sock.groupParticipantsUpdate(g.jid, [dave.lid], 'add');
    expect(result).toMatchObject({ status: '200', jid: dave.lid });
    expect(g.subject).toBe('Renamed here');
    expect(g.participants().map((p) => p.jid)).toEqual([phone.lid, dave.lid]);
    const sent = await sock.sendMessage(g.jid, { text: 'hello Dave' });
    expect(text(await g.nextMessage(dave, (m) => m.id === sent!.key.id))).toBe('hello Dave');
  });

  it('metadata for a group the server does not know fails the way WhatsApp answers (404)', async () => {
    await expect(linked.client.sock.groupMetadata('120363000000000000@g.us')).rejects.toThrow(
      /item-not-found/,
    );
  });
});
