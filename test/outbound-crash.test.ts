// Exactly once across crashes, outbound: a gateway process (the real CLI) has 200 sends stored in its outbox and
// is killed with SIGKILL while sending them, at a different point each round. After the restart every message is
// on the contact's devices exactly once, counted by message id on the simulator side: the outbox resends what a
// crash left in flight under the same id, and WhatsApp (the simulator) never hands an id to a device twice.
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { AccountStatus } from '../src/shared/contract';
import { startSim, type Contact, type Sim } from '../e2e/wa-sim/index';
import { CrashableGateway } from './support/crash-gateway';
import { makeTestEnv, waitFor, type TestEnv } from './support/env';

const SENDS = 200;
/** Each round's kill comes once the contact's devices have this many of the round's messages. */
const KILL_AFTER = [3, 80, 170];

let sim: Sim;
let t: TestEnv;
let gateway: CrashableGateway;

beforeAll(async () => {
  for (const level of ['info', 'warn', 'error'] as const)
    vi.spyOn(console, level).mockImplementation(() => undefined);
  sim = await startSim({ seed: 'outbound-crash' });
  t = await makeTestEnv(`channels: { whatsapp: { dmPolicy: "open", allowFrom: ["*"] } },`);
  // Pacing would spread 200 sends over minutes; this test is about crashes, not politeness.
  gateway = new CrashableGateway(t, () => ({
    ...t.env,
    OPENCLAW_WA_SIMULATOR: sim.url,
    OPENCLAW_OUTBOUND_PACING: 'off',
  }));
});

afterAll(async () => {
  await gateway?.stop();
  await sim?.close();
  await t?.cleanup();
});

it(`SIGKILL at ${KILL_AFTER.length} instants while ${SENDS} stored sends go out: every message reaches each device exactly once`, async () => {
  await gateway.start();
  const started = await gateway.call<{ qr: { qr: string } }>('channels.login.start', {});
  const phone = sim.phone('+15550700001', { name: 'Owner' });
  await phone.scan(started.qr.qr);
  expect((await gateway.call<AccountStatus>('channels.login.wait', { timeoutMs: 15_000 })).state).toBe(
    'open',
  );
  const alice: Contact = sim.contact('+15550701001', { name: 'Alice', devices: 2 });

  // Every copy a device decrypts, as it happens (the kill is timed on these).
  let delivered = 0;
  let onDelivery = () => undefined as void;
  const record = alice.user.record.bind(alice.user);
  alice.user.record = (m) => {
    record(m);
    if (m.device === 0) delivered += 1;
    onDelivery();
  };

  const all: string[] = [];
  const inFlightAtKill: number[] = [];
  const sentAtKill: number[] = [];
  for (const [round, killAfter] of KILL_AFTER.entries()) {
    if (round > 0) {
      await gateway.start();
      await gateway.waitOpen();
    }
    const before = delivered;
    const reached = new Promise<void>((resolve) => {
      onDelivery = () => {
        if (delivered - before >= killAfter) resolve();
      };
    });
    // All stored first (message.send answers once its item is in state.db); sending starts at once.
    const sends = Array.from({ length: SENDS }, (_, i) =>
      gateway.call<{ ids: string[] }>('message.send', {
        to: alice.e164,
        message: `round ${round} message ${i}`,
      }),
    );
    const ids = (await Promise.all(sends)).flatMap((s) => s.ids);
    expect(ids).toHaveLength(SENDS);
    all.push(...ids);
    await reached;
    await gateway.kill();
    const states = gateway.query<{ state: string; n: number }>(
      `SELECT state, COUNT(*) AS n FROM outbox GROUP BY state`,
    );
    inFlightAtKill.push(states.find((s) => s.state === 'sending')?.n ?? 0);
    sentAtKill.push(states.find((s) => s.state === 'sent')?.n ?? 0);
  }

  // Every kill landed while the round was being sent: some of it out, not all.
  for (const [i, n] of sentAtKill.entries()) {
    expect(n, `round ${i}`).toBeLessThan((i + 1) * SENDS);
  }
  // With one item in flight per chat, kills found an item `sending`: the resend-with-the-same-id path ran.
  expect(inFlightAtKill.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);

  await gateway.start();
  await gateway.waitOpen();
  await waitFor(
    () => all.every((id) => alice.deliveryCount(id, 0) > 0 && alice.deliveryCount(id, 1) > 0),
    'every message on both devices',
    60_000,
  );
  await waitFor(
    () => gateway.query<{ n: number }>(`SELECT COUNT(*) AS n FROM outbox WHERE state != 'sent'`)[0]!.n === 0,
    'every outbox item marked sent',
  );
  expect(alice.duplicates(), 'a message shown twice on a device').toEqual([]);
  const counts = all.map((id) => [alice.deliveryCount(id, 0), alice.deliveryCount(id, 1)]);
  expect(counts.filter(([a, b]) => a !== 1 || b !== 1)).toEqual([]);
  expect(new Set(all).size).toBe(SENDS * KILL_AFTER.length);
}, 300_000);
