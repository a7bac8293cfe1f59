// Group sends and the group's metadata: Baileys asks WhatsApp for a group's participants before each group send
// unless the socket is given a cache. The gateway's one cache (whatsapp/group-meta-cache.ts) serves both the inbound
// side and Baileys' sends, and forgets a group when its members change, so the next send reaches a new member's
// devices at once. Real gateway, real Baileys, the simulator counting the metadata queries it answers.
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { Phone } from '../e2e/wa-sim/index';
import { inboundSuite, textOf, type InboundGateway } from './support/inbound';
import { waitFor } from './support/env';

const suite = inboundSuite('outbound-group-meta');

interface Sent {
  ids: string[];
}

const send = (g: InboundGateway, to: string, message: string) =>
  g.call<Sent>('message.send', { to, message }).then((s) => s.ids[0]!);

/** Until the gateway's client has acknowledged every notification it was sent (a group change, say). */
async function notificationsHandled(phone: Phone): Promise<void> {
  const open = () =>
    [...phone.account.companions.values()].some((c) =>
      [...c.unacked.keys()].some((k) => k.startsWith('notification:')),
    );
  await waitFor(() => !open(), 'the gateway to acknowledge the group notification');
  // Baileys acknowledges a notification once it is processed; its events reach listeners in the same turn or the
  // next. A moment more keeps this test about the cache, not about that ordering.
  await sleep(50);
}

describe('group metadata for sends', () => {
  it('asks WhatsApp for a group once for many sends, and again when a member joins, who gets the next one', async () => {
    const g = await suite.gateway('+15550460001');
    const alice = suite.sim.contact('+15550461001', { name: 'Alice' });
    const bob = suite.sim.contact('+15550461002', { name: 'Bob' });
    const carol = suite.sim.contact('+15550461003', { name: 'Carol' });
    const group = await suite.sim.group('Cached', { admin: g.phone, members: [alice, bob] });
    await notificationsHandled(g.phone);

    for (let i = 0; i < 4; i++) {
      const id = await send(g, group.jid, `round ${i}`);
      await Promise.all([alice, bob].map((m) => group.nextMessage(m, (x) => x.id === id)));
    }
    // Without a cache Baileys queries before every send: 4 here.
    expect(group.metadataQueries()).toBeLessThanOrEqual(1);
    const before = group.metadataQueries();

    await group.add(carol, { by: g.phone });
    await notificationsHandled(g.phone);
    const id = await send(g, group.jid, 'welcome carol');
    const got = await group.nextMessage(carol, (x) => x.id === id);
    expect(textOf(got)).toBe('welcome carol');
    // Carol's device had the sender key with the message itself: a stale member list would have left her out, to
    // fail and ask again.
    expect(group.failures()).toEqual([]);
    expect(group.metadataQueries()).toBe(before + 1);
  });
});
