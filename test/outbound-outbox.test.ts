// The outbox end to end: a real gateway (real Baileys client, outbox in state.db) against the simulator. A send
// while the account is down fails at once with the reason and stores nothing; an automatic reply made while it is
// down is held and delivered exactly once after the reconnect; one older than the maximum age is marked expired.
import { describe, expect, it } from 'vitest';
import type { AccountStatus, OutboxItem } from '../src/shared/contract';
import { waitFor } from './support/env';
import { inboundSuite, textOf, type InboundGateway } from './support/inbound';

const suite = inboundSuite('outbound-outbox');

async function state(g: InboundGateway): Promise<AccountStatus['state']> {
  const { accounts } = await g.call<{ accounts: AccountStatus[] }>('channels.status');
  return accounts[0]!.state;
}

/** Drops the account's connection and keeps WhatsApp unreachable until `reconnect` is called. */
async function disconnect(g: InboundGateway): Promise<() => Promise<void>> {
  suite.sim.fault.refuseConnections();
  suite.sim.fault.abruptClose(g.phone.account);
  await waitFor(async () => (await state(g)) !== 'open', 'the account to drop');
  return async () => {
    suite.sim.fault.acceptConnections();
    await g.call('channels.reconnect', {});
    await waitFor(async () => (await state(g)) === 'open', 'the account to be open again', 20_000);
  };
}

const outbox = (g: InboundGateway) => g.call<{ items: OutboxItem[] }>('outbox.list', {});

describe('outbox and the connection', () => {
  it('message.send while disconnected fails at once with the reason and stores nothing; a held confirmation arrives once after the reconnect', async () => {
    const g = await suite.gateway('+15550600001');
    const bob = suite.sim.contact('+15550601001', { name: 'Bob' });
    await bob.send(g.phone, 'hi');
    const request = await g.nextRequest((r) => r.sender === bob.e164);
    const code = await bob.nextMessage(); // the pairing code, itself an outbox item
    expect(textOf(code)).toContain(request.code);
    expect((await outbox(g)).items).toEqual([
      expect.objectContaining({ messageId: code.id, origin: 'auto', state: 'sent', kind: 'text' }),
    ]);

    const reconnect = await disconnect(g);
    const res = await g.client.request('message.send', { to: bob.e164, message: 'are you there?' });
    expect(res.ok).toBe(false);
    expect(!res.ok && res.error).toMatchObject({
      code: 'whatsapp.not_connected',
      message: expect.stringMatching(/account "default" is not connected, so nothing was sent: \S/),
    });
    expect((await outbox(g)).items).toHaveLength(1);

    const approved = await g.call<{ confirmationSent: boolean }>('pairing.approve', {
      channel: 'whatsapp',
      code: request.code,
    });
    expect(approved.confirmationSent).toBe(true);
    const held = (await outbox(g)).items[0]!;
    expect(held).toMatchObject({
      origin: 'auto',
      state: 'pending',
      attempts: 0,
      preview: expect.any(String),
    });

    await reconnect();
    const confirmation = await bob.nextMessage((m) => m.id === held.messageId);
    expect(textOf(confirmation)).toMatch(/approved/i);
    await waitFor(async () => (await outbox(g)).items[0]!.state === 'sent', 'the held item marked sent');
    // A sync point: a later message in the same chat arrives after anything the outbox might still send.
    const later = await g.call<{ ids: string[] }>('message.send', { to: bob.e164, message: 'welcome' });
    await bob.nextMessage((m) => m.id === later.ids[0]);
    expect(bob.deliveryCount(held.messageId)).toBe(1);
    expect(bob.duplicates()).toEqual([]);
  });

  it('an automatic reply held past replyMaxAgeMinutes is marked expired and never sent', async () => {
    // 0.02 minutes = 1.2 s, so the test need not wait an hour.
    const g = await suite.gateway('+15550600002', `channels: { whatsapp: { replyMaxAgeMinutes: 0.02 } },`);
    const carol = suite.sim.contact('+15550602001', { name: 'Carol' });
    await carol.send(g.phone, 'hello');
    const request = await g.nextRequest((r) => r.sender === carol.e164);
    await carol.nextMessage();

    const reconnect = await disconnect(g);
    await g.call('pairing.approve', { channel: 'whatsapp', code: request.code });
    const held = (await outbox(g)).items[0]!;
    expect(held.state).toBe('pending');
    await new Promise((r) => setTimeout(r, 1500));
    await reconnect();
    await waitFor(async () => (await outbox(g)).items[0]!.state === 'expired', 'the held item to expire');
    expect((await outbox(g)).items[0]).toMatchObject({
      seq: held.seq,
      state: 'expired',
      error: expect.stringMatching(/not sent within/),
    });
    const later = await g.call<{ ids: string[] }>('message.send', { to: carol.e164, message: 'sync' });
    await carol.nextMessage((m) => m.id === later.ids[0]);
    expect(carol.deliveryCount(held.messageId)).toBe(0);
  });
});
