// A contact's phone that could not decrypt a message asks for it again (a retry receipt), and must get it, also
// when the gateway restarted in between: Baileys keeps what it sent only in memory, so the gateway gives it the
// stored copy of every message it sent (outbound/sent-content). Real Baileys against the simulator; what the
// contact's device decrypted is the assertion.
import { describe, expect, it } from 'vitest';
import type { Contact } from '../e2e/wa-sim/index';
import { inboundSuite, textOf, type InboundGateway } from './support/inbound';

const suite = inboundSuite('outbound-retry');
const OPEN = `channels: { whatsapp: { dmPolicy: "open", allowFrom: ["*"] } },`;

async function send(g: InboundGateway, to: Contact, message: string): Promise<string> {
  const sent = await g.call<{ ids: string[] }>('message.send', { to: to.e164, message });
  return sent.ids[0]!;
}

/** A conversation both sides have, then the contact's phone loses it (as after a reinstall from a backup). */
async function lostSession(g: InboundGateway, contact: Contact): Promise<void> {
  const first = await send(g, contact, 'hello');
  await contact.nextMessage((m) => m.id === first);
  const reply = await contact.send(g.phone, 'hi there');
  await g.nextAccepted((m) => m.messageId === reply);
  contact.resetSession(g.phone);
}

/** Sends `text`, which the contact's device cannot decrypt. */
async function undecryptable(g: InboundGateway, contact: Contact, text: string): Promise<string> {
  const failed = new Promise<string>((resolve) => {
    const onError = (e: { id: string; jid: string }) => {
      if (!e.jid.startsWith(contact.e164.slice(1))) return;
      suite.sim.server.off('decrypt-error', onError);
      resolve(e.id);
    };
    suite.sim.server.on('decrypt-error', onError);
  });
  const id = await send(g, contact, text);
  expect(await failed).toBe(id);
  expect(contact.messages().some((m) => m.id === id)).toBe(false);
  return id;
}

describe('a retry request from a contact’s phone', () => {
  it('gets the message again, on a new session the phone can decrypt', async () => {
    const g = await suite.gateway('+15550420001', OPEN);
    const alice = suite.sim.contact('+15550421001', { name: 'Alice' });
    await lostSession(g, alice);
    const id = await undecryptable(g, alice, 'did you get this?');
    alice.requestRetry(g.phone, id);
    const again = await alice.nextMessage((m) => m.id === id);
    expect(textOf(again)).toBe('did you get this?');
    expect(again.encType).toBe('pkmsg');
  });

  it('gets the message again after the gateway restarted in between', async () => {
    const g = await suite.gateway('+15550420002', OPEN);
    const bob = suite.sim.contact('+15550422001', { name: 'Bob' });
    await lostSession(g, bob);
    const id = await undecryptable(g, bob, 'sent before the restart');
    await g.restart();
    bob.requestRetry(g.phone, id);
    const again = await bob.nextMessage((m) => m.id === id);
    expect(textOf(again)).toBe('sent before the restart');
  });
});
