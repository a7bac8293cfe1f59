// 1:1 messages in both directions through the real Baileys client, plaintext asserted on both ends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BinaryNode } from '@whiskeysockets/baileys';
import type { Contact, Phone, Sim } from '../index';
import type { Connection } from '../server/connection';
import { endConversation, startConversation, type Linked } from './support';

let sim: Sim;
let phone: Phone;
let alice: Contact;
let linked: Linked;

beforeAll(async () => {
  ({ sim, phone, alice, linked } = await startConversation({
    seed: 'messages',
    phone: '+15550001111',
    alice: '+15551234567',
  }));
});

afterAll(() => endConversation({ sim, linked }));

describe('text', () => {
  it('a contact’s text reaches Baileys as a notify upsert, and the contact gets the delivery receipt', async () => {
    const id = await alice.send(phone, 'hi there');
    const msg = await linked.nextUpsert((m, type) => m.key.id === id && type === 'notify');
    expect(msg.message?.conversation).toBe('hi there');
    expect(msg.key.fromMe).toBe(false);
    expect(msg.pushName).toBe('Alice');
    await alice.nextReceipt((r) => r.ids.includes(id));
  });

  it('the server reports each node it wrote to a client socket, so a benchmark can time the client from outside', async () => {
    const written: Array<{ user: string | null; tag: string; id?: string }> = [];
    const onSent = (conn: Connection, node: BinaryNode) =>
      written.push({ user: conn.user, tag: node.tag, id: node.attrs.id });
    sim.server.on('sent', onSent);
    try {
      const id = await alice.send(phone, 'timed from outside');
      await linked.nextUpsert((m) => m.key.id === id);
      expect(written).toContainEqual({ user: phone.account.user, tag: 'message', id });
    } finally {
      sim.server.off('sent', onSent);
    }
  });

  it('Baileys’ text reaches the contact, decrypted; the sender sees delivered then read', async () => {
    const sent = await linked.client.sock.sendMessage(alice.jid, { text: 'hello Alice' });
    const got = await alice.nextMessage((m) => m.id === sent!.key.id);
    expect(got.message.conversation ?? got.message.extendedTextMessage?.text).toBe('hello Alice');
  });
});
