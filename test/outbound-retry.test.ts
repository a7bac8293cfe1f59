// A contact's phone that could not decrypt a message asks for it again (a retry receipt), and must get it, also
// when the gateway restarted in between: Baileys keeps what it sent only in memory, so the gateway gives it the
// stored copy of every message it sent (outbound/sent-content). Real Baileys against the simulator; what the
// contact's device decrypted is the assertion.
import { describe, expect, it } from 'vitest';
import type { Contact } from '../e2e/wa-sim/index';
import { waitFor } from './support/env';
import { inboundSuite, textOf, type InboundGateway } from './support/inbound';

const suite = inboundSuite('outbound-retry');
const OPEN = `channels: { whatsapp: { dmPolicy: "open", allowFrom: ["*"] } },`;

async function send(g: InboundGateway, to: Contact | { jid: string }, message: string): Promise<string> {
  const sent = await g.call<{ ids: string[] }>('message.send', {
    to: 'e164' in to ? to.e164 : to.jid,
    message,
  });
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

describe('a retry request from a group member’s phone', () => {
  it('gets the group message again after the gateway restarted, with our sender key handed out anew', async () => {
    const g = await suite.gateway('+15550420003', OPEN);
    const carol = suite.sim.contact('+15550423001', { name: 'Carol' });
    const dave = suite.sim.contact('+15550423002', { name: 'Dave' });
    const group = await suite.sim.group('Retry team', { admin: g.phone, members: [carol, dave] });
    const first = await send(g, group, 'hello team');
    await Promise.all([carol, dave].map((m) => group.nextMessage(m, (x) => x.id === first)));

    // Carol's phone loses the sender keys it had: our next message reaches Dave, and fails on Carol's phone.
    await group.loseSenderKeys(carol);
    const id = await send(g, group, 'sent before the restart');
    await group.nextMessage(dave, (m) => m.id === id);
    await waitFor(
      () => group.failures().some((f) => f.device.startsWith(carol.e164.slice(1))),
      'Carol’s failed decryption',
    );
    expect(carol.deliveryCount(id)).toBe(0);

    await g.restart();
    carol.requestRetry(g.phone, id, 0, { group });
    const again = await group.nextMessage(carol, (m) => m.id === id);
    expect(textOf(again)).toBe('sent before the restart');
    expect(carol.deliveryCount(id)).toBe(1);
  });

  it('when a member’s linked device asks, that device alone gets it again, after a restart too', async () => {
    const g = await suite.gateway('+15550420004', OPEN);
    const erin = suite.sim.contact('+15550424001', { name: 'Erin', devices: 2 });
    const frank = suite.sim.contact('+15550424002', { name: 'Frank' });
    // A LID-addressed group: the retry receipt and the resend name the member by LID.
    const group = await suite.sim.group('Retry devices', {
      admin: g.phone,
      members: [erin, frank],
      addressingMode: 'lid',
    });
    const first = await send(g, group, 'hello devices');
    await group.nextMessage(erin, (x) => x.id === first && x.device === 1);
    await group.loseSenderKeys(erin);
    const id = await send(g, group, 'for the linked device');
    await group.nextMessage(frank, (m) => m.id === id);
    await waitFor(() => group.failures().some((f) => f.device.includes(':1@')), 'the device’s failure');

    await g.restart();
    erin.requestRetry(g.phone, id, 1, { group });
    const again = await group.nextMessage(erin, (m) => m.id === id && m.device === 1);
    expect(textOf(again)).toBe('for the linked device');
    expect(erin.deliveryCount(id, 1)).toBe(1);
    // Baileys answers a device's retry with a copy for that device only: nobody else gets it twice.
    expect(erin.deliveryCount(id, 0)).toBe(0);
    expect(frank.deliveryCount(id)).toBe(1);
  });
});
