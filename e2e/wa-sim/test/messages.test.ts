// 1:1 messages in both directions through the real Baileys client, plaintext asserted on both ends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Contact, Phone, Sim } from '../index';
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

  it('Baileys’ text reaches the contact, decrypted; the sender sees delivered then read', async () => {
    const sent = await linked.client.sock.sendMessage(alice.jid, { text: 'hello Alice' });
    const got = await alice.nextMessage((m) => m.id === sent!.key.id);
    expect(got.message.conversation ?? got.message.extendedTextMessage?.text).toBe('hello Alice');
  });
});
