// Durable before acknowledged, and exactly once, across crashes: a gateway process (the real CLI) receives bursts
// of 500 messages from simulated contacts through the real Baileys client and is killed with SIGKILL in the middle
// of each burst, at a different point each time, while it is sending delivery receipts. Whatever the simulator saw
// acknowledged is never sent again, so it must already be in state.db; after the restarts every message is handed
// on exactly once: none lost, none twice.
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { AccountStatus } from '../src/shared/contract';
import { startSim, type Contact, type Sim } from '../e2e/wa-sim/index';
import { CrashableGateway } from './support/crash-gateway';
import { makeTestEnv, waitFor, type TestEnv } from './support/env';

const BURST = 500;
const CONTACTS = 5;
/**
 * Each burst's kill comes after this many of its delivery receipts: early, middle and late in the burst. The gateway
 * keeps taking messages in while the kill is on its way, so the last kill leaves room before the burst's end.
 */
const KILL_AFTER = [9, 90, 180, 270, 360];

let sim: Sim;
let t: TestEnv;
let gateway: CrashableGateway;

beforeAll(async () => {
  for (const level of ['info', 'warn', 'error'] as const)
    vi.spyOn(console, level).mockImplementation(() => undefined);
  sim = await startSim({ seed: 'inbound-crash' });
  t = await makeTestEnv(
    `channels: { whatsapp: { dmPolicy: "open", allowFrom: ["*"], sendReadReceipts: false } },`,
  );
  // A small pause before each message is processed (fault injection), so kills also land while stored messages
  // wait to be handed on, not only while they arrive.
  gateway = new CrashableGateway(t, () => ({
    ...t.env,
    OPENCLAW_WA_SIMULATOR: sim.url,
    OPENCLAW_FAULT_INBOUND_DELAY_MS: '3',
  }));
});

afterAll(async () => {
  await gateway?.stop();
  await sim?.close();
  await t?.cleanup();
});

const count = (sql: string) => gateway.query<{ n: number }>(sql)[0]!.n;

/** How many times each message id was handed on. */
function handedOn(): Map<string, number> {
  const out = new Map<string, number>();
  for (const { message_id: id } of gateway.query<{ message_id: string }>('SELECT message_id FROM accepted'))
    out.set(id, (out.get(id) ?? 0) + 1);
  return out;
}

it(`SIGKILL at ${KILL_AFTER.length} instants of ${BURST}-message bursts, while receipts go out: every acknowledged message is handed on exactly once`, async () => {
  await gateway.start();
  const started = await gateway.call<{ qr: { qr: string } }>('channels.login.start', {});
  const phone = sim.phone('+15550300001', { name: 'Owner' });
  await phone.scan(started.qr.qr);
  expect((await gateway.call<AccountStatus>('channels.login.wait', { timeoutMs: 15_000 })).state).toBe(
    'open',
  );

  const contacts: Contact[] = Array.from({ length: CONTACTS }, (_, i) =>
    sim.contact(`+1555030100${i}`, { name: `C${i}` }),
  );
  // What the simulator saw acknowledged: the gateway's delivery receipts, as each contact receives them.
  const acked = new Set<string>();
  let onAck = () => undefined as void;
  for (const c of contacts) {
    const receipts = c.user.receipts;
    const push = receipts.push.bind(receipts);
    receipts.push = (r) => {
      if (r.type === 'delivery') for (const id of r.ids) acked.add(id);
      push(r);
      onAck();
    };
  }

  const companion = () => [...phone.account.companions.values()][0]!;
  const sent = new Set<string>();
  const ackedAtKill: number[] = [];
  let storedNotHandedOn = 0;
  for (const [burst, killAfter] of KILL_AFTER.entries()) {
    if (burst > 0) {
      await gateway.start();
      await gateway.waitOpen();
      // The simulator holds at most 1000 unacknowledged stanzas per device (like every queue here, bounded); the
      // previous burst's redelivery is taken in first, so the next burst never pushes past that bound.
      await waitFor(
        () => companion().queue.length + companion().unacked.size === 0,
        'the backlog taken in',
        30_000,
      );
    }
    const ids: string[] = [];
    const inBurst = () => ids.filter((id) => acked.has(id)).length;
    const reached = new Promise<void>((resolve) => {
      onAck = () => {
        if (inBurst() >= killAfter) resolve();
      };
    });
    const sending = (async () => {
      for (let i = 0; i < BURST; i++)
        ids.push(await contacts[i % CONTACTS]!.send(phone, `burst ${burst} message ${i}`));
    })();
    await reached;
    await gateway.kill();
    ackedAtKill.push(inBurst());
    storedNotHandedOn += count(`SELECT COUNT(*) AS n FROM inbox WHERE state = 'pending'`);
    await sending;
    for (const id of ids) sent.add(id);
  }

  // Every kill landed inside its burst, while receipts were being sent: some acknowledged, not all.
  for (const [i, n] of ackedAtKill.entries()) {
    expect(n, `burst ${i}`).toBeGreaterThanOrEqual(KILL_AFTER[i]!);
    expect(n, `burst ${i}`).toBeLessThan(BURST);
  }
  // …and some kills found messages stored but not yet handed on, which the restart must replay.
  expect(storedNotHandedOn).toBeGreaterThan(0);

  await gateway.start();
  const total = BURST * KILL_AFTER.length;
  expect(sent.size).toBe(total);
  // Messages not acknowledged before a kill are redelivered by the simulator; acknowledged ones never are.
  await waitFor(() => handedOn().size === total, 'every message handed on', 60_000).catch(() => null);
  await waitFor(
    () => count(`SELECT COUNT(*) AS n FROM inbox WHERE state = 'pending'`) === 0,
    'nothing pending',
  );

  const handed = handedOn();
  const lost = [...acked].filter((id) => !handed.has(id));
  const twice = [...handed].filter(([, n]) => n > 1).map(([id]) => id);
  expect(lost, 'acknowledged to the simulator but never handed on').toEqual([]);
  expect(twice, 'handed on more than once').toEqual([]);
  expect(new Set(handed.keys())).toEqual(sent);
  expect(acked.size).toBeGreaterThan(0);
}, 300_000);
