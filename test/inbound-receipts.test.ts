// Read receipts that a closed socket kept from going out: a real gateway running the real Baileys client against
// the simulator, whose connection is cut while an accepted message's receipt still waits in its batch.
import { describe, expect, it } from 'vitest';
import type { AccountStatus } from '../src/shared/contract';
import { inboundSuite, readsOf as reads } from './support/inbound';

const suite = inboundSuite('inbound-receipts');

const config = (allow: string) =>
  `web: { reconnect: { initialMs: 250, maxMs: 400, factor: 1.1, jitter: 0, maxAttempts: 5 } },
   channels: { whatsapp: { dmPolicy: "allowlist", allowFrom: ["${allow}"] } },`;

describe('read receipts across a reconnect', () => {
  it('a receipt still gathering when the socket closes is sent after the reconnect', async () => {
    const dana = suite.sim.contact('+15550301001', { name: 'Dana' });
    const g = await suite.gateway('+15550300001', config(dana.e164));
    const accepted = g.nextAccepted((m) => m.body.endsWith('] read me'));
    const reconnecting = g.client.nextEvent(
      'channels.state',
      (p) => (p as AccountStatus).state === 'reconnecting',
      10_000,
    );
    const id = await dana.send(g.phone, 'read me');
    // Acceptance is where the receipt joins its batch; the batch goes out a few tens of ms later. Cutting the
    // connection in the same turn of the event loop as the hand-off lands the close inside that window.
    await accepted;
    suite.sim.fault.abruptClose(g.phone.account);
    await reconnecting;
    // The premise: the batch had not gone out before the connection dropped.
    expect(reads(dana, id)).toEqual([]);

    const receipt = await dana.nextReceipt((r) => r.type === 'read' && r.ids.includes(id));
    expect(receipt.from).toMatch(/^15550300001:\d+@s\.whatsapp\.net$/);
    const { accounts } = await g.call<{ accounts: AccountStatus[] }>('channels.status');
    expect(accounts[0]).toMatchObject({ state: 'open', reconnectAttempts: 1 });
    expect(reads(dana, id)).toHaveLength(1);
  });
});
