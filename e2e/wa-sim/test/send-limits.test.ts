// WhatsApp's limits on sending, as the real Baileys client reports them: rate-overlimit refusals, the new-chat
// message cap and the reach-out timelock; and the per-device count of each message id the simulator keeps.
import type { BaileysEventMap, ConnectionState } from '@whiskeysockets/baileys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Contact, Phone, Sim } from '../index';
import { endConversation, startConversation, type Linked } from './support';

let sim: Sim;
let phone: Phone;
let alice: Contact;
let linked: Linked;

beforeAll(async () => {
  ({ sim, phone, alice, linked } = await startConversation({
    seed: 'send-limits',
    phone: '+15550002222',
    alice: '+15552345678',
  }));
});

afterAll(() => endConversation({ sim, linked }));

/**
 * The reason Baileys gives for refused message `id` (status ERROR): on a messages.update, or on the send's own
 * upsert when its event buffer merged the two.
 */
function refusal(id: string): Promise<string[] | null | undefined> {
  const find = () =>
    linked.updates.find((u) => u.key.id === id && u.update.status === 0)?.update ??
    linked.upserts.find((u) => u.message.key.id === id && u.message.status === 0)?.message;
  return new Promise((resolve, reject) => {
    const check = () => {
      const hit = find();
      if (!hit) return;
      clearTimeout(timer);
      for (const e of EVENTS) linked.client.sock.ev.off(e, check);
      resolve(hit.messageStubParameters);
    };
    const timer = setTimeout(() => {
      for (const e of EVENTS) linked.client.sock.ev.off(e, check);
      reject(new Error(`no ERROR status for ${id}`));
    }, 10_000);
    for (const e of EVENTS) linked.client.sock.ev.on(e, check);
    check();
  });
}
const EVENTS = ['messages.update', 'messages.upsert'] as const;

describe('delivery counts', () => {
  it('counts each decrypted copy per device, and a second copy of one id shows as a duplicate', async () => {
    const sent = await linked.client.sock.sendMessage(alice.jid, { text: 'counted once' });
    const id = sent!.key.id!;
    await alice.nextMessage((m) => m.id === id);
    expect(alice.deliveryCount(id)).toBe(1);
    expect(alice.deliveryCount(id, 0)).toBe(1);
    expect(alice.deliveryCount('NO-SUCH-ID')).toBe(0);
    expect(alice.duplicates()).toEqual([]);

    // The same id sent again (a resend after a crash): like WhatsApp, the server acks it but does not hand the
    // device a message it already has.
    const resent = new Promise((resolve) => sim.server.once('duplicate-relay', resolve));
    await linked.client.sock.sendMessage(alice.jid, { text: 'counted once' }, { messageId: id });
    expect(await resent).toMatchObject({ id });
    const after = await linked.client.sock.sendMessage(alice.jid, { text: 'a sync point' });
    await alice.nextMessage((m) => m.id === after!.key.id);
    expect(alice.deliveryCount(id)).toBe(1);
    expect(alice.duplicates()).toEqual([]);
  });
});

describe('rate-overlimit', () => {
  it('refuses the next sends with error 429 and relays again once the count is used', async () => {
    sim.fault.rateOverlimit(phone.account, 1);
    try {
      const refused = await linked.client.sock.sendMessage(alice.jid, { text: 'too fast' });
      const refusedId = refused!.key.id!;
      expect(await refusal(refusedId)).toEqual(['429']);
      expect(sim.fault.overlimitLeft(phone.account)).toBe(0);

      const next = await linked.client.sock.sendMessage(alice.jid, { text: 'paced' });
      await alice.nextMessage((m) => m.id === next!.key.id);
      expect(alice.deliveryCount(refusedId)).toBe(0);
      expect(alice.deliveryCount(next!.key.id!)).toBe(1);
    } finally {
      sim.fault.rateOverlimit(phone.account, 0);
    }
  });

  it('a device-list query under the fault fails, so sendMessage rejects with rate-overlimit', async () => {
    const bob = sim.contact('+15553456789', { name: 'Bob' });
    sim.fault.rateOverlimit(phone.account, 1);
    try {
      await expect(linked.client.sock.sendMessage(bob.jid, { text: 'first to Bob' })).rejects.toThrow(
        /rate-overlimit/,
      );
    } finally {
      sim.fault.rateOverlimit(phone.account, 0);
    }
  });
});

describe('limits WhatsApp announces', () => {
  it('message capping arrives as message-capping.update with the fields WhatsApp sends', async () => {
    const got = new Promise<BaileysEventMap['message-capping.update']>((resolve) => {
      const once = (info: BaileysEventMap['message-capping.update']) => {
        linked.client.sock.ev.off('message-capping.update', once);
        resolve(info);
      };
      linked.client.sock.ev.on('message-capping.update', once);
    });
    await sim.fault.messageCapping(phone.account, {
      capping_status: 'FIRST_WARNING',
      total_quota: 100,
      used_quota: 80,
    });
    expect(await got).toMatchObject({ capping_status: 'FIRST_WARNING', total_quota: 100, used_quota: 80 });
  });

  it('a reach-out timelock arrives as connection.update.reachoutTimeLock, and so does its end', async () => {
    const endsAt = new Date(Math.ceil(Date.now() / 1000) * 1000 + 3_600_000);
    const seen: Array<ConnectionState['reachoutTimeLock']> = [];
    const onUpdate = (u: Partial<ConnectionState>) =>
      void (u.reachoutTimeLock && seen.push(u.reachoutTimeLock));
    linked.client.sock.ev.on('connection.update', onUpdate);
    try {
      await sim.fault.reachoutTimelock(phone.account, {
        active: true,
        endsAt,
        enforcementType: 'BIZ_QUALITY',
      });
      await linked.client.waitFor((u) => !!u.reachoutTimeLock?.isActive, 'the timelock');
      await sim.fault.reachoutTimelock(phone.account, { active: false });
      await linked.client.waitFor((u) => u.reachoutTimeLock?.isActive === false, 'the timelock lifted');
      expect(seen[0]).toEqual({
        isActive: true,
        timeEnforcementEnds: endsAt,
        enforcementType: 'BIZ_QUALITY',
      });
      expect(seen.at(-1)?.isActive).toBe(false);
    } finally {
      linked.client.sock.ev.off('connection.update', onUpdate);
    }
  });
});
