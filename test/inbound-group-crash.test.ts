// The group commit's window (whatsapp/auth/group-commit.ts, whatsapp/receipt-gate.ts): a burst's decryptions wait
// in memory for one commit, and the socket holds every frame, receipts included, until it is done. A gateway
// process (the real CLI, the real Baileys client) is SIGKILLed inside that window, widened by fault injection so
// the kill lands there every time: messages decrypted and already through intake (their inbox rows committed by
// the pipeline), their plaintext and Signal state not yet on disk, and WhatsApp told nothing about them. After the
// restart the simulator redelivers them, the Signal state on disk (from before them) decrypts them again, and each
// is handed on exactly once.
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { AccountStatus } from '../src/shared/contract';
import { startSim, type Contact, type Sim } from '../e2e/wa-sim/index';
import { CrashableGateway } from './support/crash-gateway';
import { makeTestEnv, waitFor, type TestEnv } from './support/env';

/** Under MAX_DECRYPTIONS (64): a burst never fills a group, so only the kill ends its window. */
const BURST = 60;
const CONTACTS = 4;
/** Each burst's kill comes once this many of its messages have been handed on (decrypted, not yet committed). */
const KILL_AFTER = [5, 30, 55];

let sim: Sim;
let t: TestEnv;
/** The window widened: started for each burst, killed in it. */
let gateway: CrashableGateway;
/** As shipped: links the account, and takes in each burst's redelivery after its kill. */
let plain: CrashableGateway;

beforeAll(async () => {
  for (const level of ['info', 'warn', 'error'] as const)
    vi.spyOn(console, level).mockImplementation(() => undefined);
  sim = await startSim({ seed: 'inbound-group-crash' });
  t = await makeTestEnv(
    `channels: { whatsapp: { dmPolicy: "open", allowFrom: ["*"], sendReadReceipts: false } },`,
  );
  gateway = new CrashableGateway(t, () => ({
    ...t.env,
    OPENCLAW_WA_SIMULATOR: sim.url,
    // Long enough that a burst's decryptions are all still waiting for their commit when the kill comes (every
    // frame waits with them, so this gateway only ever starts with no backlog).
    OPENCLAW_FAULT_GROUP_COMMIT_DELAY_MS: '60000',
  }));
  plain = new CrashableGateway(t, () => ({ ...t.env, OPENCLAW_WA_SIMULATOR: sim.url }));
});

afterAll(async () => {
  await gateway?.stop();
  await plain?.stop();
  await sim?.close();
  await t?.cleanup();
});

const rows = (sql: string) => plain.query<{ id: string }>(sql).map((r) => r.id);

it(`SIGKILL after decryption, before the group commit (${KILL_AFTER.length} bursts of ${BURST}): nothing was acknowledged, every message is handed on exactly once`, async () => {
  await plain.start();
  const started = await plain.call<{ qr: { qr: string } }>('channels.login.start', {});
  const phone = sim.phone('+15550310001', { name: 'Owner' });
  await phone.scan(started.qr.qr);
  expect((await plain.call<AccountStatus>('channels.login.wait', { timeoutMs: 15_000 })).state).toBe('open');
  const contacts: Contact[] = Array.from({ length: CONTACTS }, (_, i) =>
    sim.contact(`+1555031100${i}`, { name: `G${i}` }),
  );
  const acked = new Set<string>();
  for (const c of contacts) {
    const receipts = c.user.receipts;
    const push = receipts.push.bind(receipts);
    receipts.push = (r) => {
      if (r.type === 'delivery') for (const id of r.ids) acked.add(id);
      return push(r);
    };
  }
  const companion = () => [...phone.account.companions.values()][0]!;
  const drained = () =>
    waitFor(() => companion().queue.length + companion().unacked.size === 0, 'the backlog taken in', 60_000);
  await drained();
  await plain.stop();

  const sent = new Set<string>();
  for (const [burst, killAfter] of KILL_AFTER.entries()) {
    await gateway.start();
    await gateway.waitOpen();
    const ids: string[] = [];
    for (let i = 0; i < BURST; i++)
      ids.push(await contacts[i % CONTACTS]!.send(phone, `group burst ${burst} message ${i}`));
    const list = ids.map((id) => `'${id}'`).join(',');
    await waitFor(
      () => rows(`SELECT message_id AS id FROM accepted WHERE message_id IN (${list})`).length >= killAfter,
      `${killAfter} messages of burst ${burst} handed on`,
      30_000,
    );
    await gateway.kill();
    for (const id of ids) sent.add(id);

    // The kill landed in the window: messages through intake whose plaintext and Signal state were not committed
    // (a write that is not a decryption's commits the waiting ones first, so a burst's first messages may be), and
    // none of those acknowledged: WhatsApp heard only about what was on disk.
    const intake = new Set(rows(`SELECT message_id AS id FROM wa_intake WHERE message_id IN (${list})`));
    const handed = rows(`SELECT message_id AS id FROM accepted WHERE message_id IN (${list})`);
    expect(handed.length, `burst ${burst}`).toBeGreaterThanOrEqual(killAfter);
    expect(
      handed.filter((id) => !intake.has(id)).length,
      `burst ${burst}: handed on, not committed`,
    ).toBeGreaterThan(0);
    expect(
      ids.filter((id) => acked.has(id) && !intake.has(id)),
      `burst ${burst}: acknowledged, not committed`,
    ).toEqual([]);

    // Redelivered to a gateway as shipped: decrypted again from the state on disk, committed, acknowledged.
    await plain.start();
    await plain.waitOpen();
    await waitFor(() => ids.every((id) => acked.has(id)), `burst ${burst} acknowledged`, 60_000);
    await drained();
    await plain.stop();
  }

  const counts = new Map<string, number>();
  for (const id of rows('SELECT message_id AS id FROM accepted')) counts.set(id, (counts.get(id) ?? 0) + 1);
  expect(
    [...counts].filter(([, n]) => n > 1).map(([id]) => id),
    'handed on more than once',
  ).toEqual([]);
  expect(new Set(counts.keys())).toEqual(sent);
}, 240_000);
