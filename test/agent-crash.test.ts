// Exactly once across crashes, agent: a real gateway process (the CLI through tsx) is SIGKILLed while the model
// stream stalls mid-answer, and again right after an answer reached the contact. After each restart the contact's
// device holds exactly one answer per message: a run's turns, outcome, consumed hand-off and outbox items commit
// together, so a run killed before that commit is run again, and one killed after it is never run again. And a
// process killed before the server acked an answer resends it after the restart (the server drops the copy as a
// duplicate), and the next answer must still decrypt on the phone: once that resend went out on a session Baileys
// had just rebuilt, which the contact never saw, and every later answer failed with "Bad MAC"
// (src/gateway/whatsapp/session-trial.ts, session-refresh.ts).
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { startModelSim, type ModelSim } from '../e2e/model-sim/index';
import { startSim, textOf, type Phone, type Sim } from '../e2e/wa-sim/index';
import type { AccountStatus } from '../src/shared/contract';
import { lastUserText, modelConfig, OPEN_DMS } from './support/agent';
import { CrashableGateway } from './support/crash-gateway';
import { makeTestEnv, waitFor, type TestEnv } from './support/env';

let sim: Sim;
let model: ModelSim;
const envs: TestEnv[] = [];
const gateways: CrashableGateway[] = [];

beforeAll(async () => {
  for (const level of ['info', 'warn', 'error'] as const)
    vi.spyOn(console, level).mockImplementation(() => undefined);
  sim = await startSim({ seed: 'agent-crash' });
  model = await startModelSim();
});

afterAll(async () => {
  for (const gateway of gateways) await gateway.stop();
  await model?.close();
  await sim?.close();
  for (const t of envs) await t.cleanup();
});

/** A gateway process of its own, linked to the owner's phone `owner`, answering anyone with the model. */
async function linkedGateway(owner: string): Promise<{ gateway: CrashableGateway; phone: Phone }> {
  const t = await makeTestEnv(OPEN_DMS + modelConfig(model));
  envs.push(t);
  const gateway = new CrashableGateway(t, () => ({ ...t.env, OPENCLAW_WA_SIMULATOR: sim.url }));
  gateways.push(gateway);
  await gateway.start();
  const started = await gateway.call<{ qr: { qr: string } }>('channels.login.start', {});
  const phone = sim.phone(owner, { name: 'Owner' });
  await phone.scan(started.qr.qr);
  expect((await gateway.call<AccountStatus>('channels.login.wait', { timeoutMs: 15_000 })).state).toBe(
    'open',
  );
  return { gateway, phone };
}

const unconsumed = (gateway: CrashableGateway) =>
  gateway.query<{ n: number }>('SELECT COUNT(*) AS n FROM accepted WHERE consumed_at IS NULL')[0]!.n;

it('SIGKILL during a stalled model stream, and right after an answer: each message answered exactly once', async () => {
  const { gateway, phone } = await linkedGateway('+15550640001');
  const alice = sim.contact('+15550641001', { name: 'Alice' });

  // 1. Killed while the model is mid-stream: nothing was sent, the hand-off is still owed an answer.
  model.script({ stall: { afterText: 'Let me think' } });
  const first = await alice.send(phone, 'what is the answer?');
  await model.waitForRequests(1);
  await gateway.kill();
  expect(unconsumed(gateway)).toBe(1);
  expect(gateway.query<{ n: number }>('SELECT COUNT(*) AS n FROM outbox')[0]!.n).toBe(0);
  expect(alice.messages()).toEqual([]);

  // The restart replays the run: one answer reaches the device.
  model.script({ text: 'The one answer.' });
  await gateway.start();
  await gateway.waitOpen();
  const answer = await alice.nextMessage();
  expect(textOf(answer)).toBe('The one answer.');
  const [, replayed] = await model.waitForRequests(2);
  expect(lastUserText(replayed!)).toContain(`message_id: ${first}`);

  // 2. Killed right after that answer arrived: the run had committed, so the restart does not run it again.
  await gateway.kill();
  expect(unconsumed(gateway)).toBe(0);
  model.script({ text: 'Second answer.' });
  await gateway.start();
  await gateway.waitOpen();
  const second = await alice.send(phone, 'and another thing');
  expect(textOf(await alice.nextMessage((m) => m.id !== answer.id))).toBe('Second answer.');
  const requests = await model.waitForRequests(3);
  expect(requests).toHaveLength(3);
  expect(lastUserText(requests[2]!)).toContain(`message_id: ${second}`);
  expect(lastUserText(requests[2]!)).not.toContain(`message_id: ${first}`);

  expect(alice.messages().map(textOf)).toEqual(['The one answer.', 'Second answer.']);
  expect(alice.duplicates()).toEqual([]);
  expect(unconsumed(gateway)).toBe(0);
  const outcomes = gateway.query<{ state: string }>('SELECT state FROM outcomes ORDER BY accepted_seq');
  expect(outcomes.map((o) => o.state)).toEqual(['answered', 'answered']);
}, 120_000);

it('SIGKILL before the server acked an answer: the resend is dropped as a duplicate, and the next answer still decrypts', async () => {
  const { gateway, phone } = await linkedGateway('+15550640002');
  const bob = sim.contact('+15550641002', { name: 'Bob' });
  // Only copies for Bob's phone: the first test's gateway is still running.
  const decryptErrors: Array<{ jid: string }> = [];
  const resent: Array<{ jid: string }> = [];
  const forBob = (into: Array<{ jid: string }>) => (e: { jid: string }) => {
    if (e.jid.startsWith('15550641002')) into.push(e);
  };
  const onError = forBob(decryptErrors);
  const onResend = forBob(resent);
  sim.server.on('decrypt-error', onError);
  sim.server.on('duplicate-relay', onResend);
  try {
    // The answer reaches Bob's phone but its ack never reaches the gateway: the outbox still owes it.
    model.script({ text: 'First answer.' });
    sim.dropAcks(true);
    await bob.send(phone, 'hello');
    const first = await bob.nextMessage();
    expect(textOf(first)).toBe('First answer.');
    await gateway.kill();
    sim.dropAcks(false);
    expect(gateway.query<{ state: string }>('SELECT state FROM outbox')).toEqual([{ state: 'sending' }]);

    // The restart resends it on a session it builds afresh; the server drops the copy as one Bob already has,
    // so Bob's phone never sees that session and answers on the one it has.
    await gateway.start();
    await gateway.waitOpen();
    await waitFor(() => resent.length > 0, 'the resend to reach the server', 10_000);
    model.script({ text: 'Second answer.' });
    await bob.send(phone, 'and another thing');
    expect(textOf(await bob.nextMessage((m) => m.id !== first.id))).toBe('Second answer.');

    expect(decryptErrors).toEqual([]);
    expect(bob.messages().map(textOf)).toEqual(['First answer.', 'Second answer.']);
    expect(bob.duplicates()).toEqual([]);
    // The second answer's ack may still be on its way when Bob's phone has it.
    const states = () => gateway.query<{ state: string }>('SELECT state FROM outbox ORDER BY seq');
    await waitFor(() => states().every((row) => row.state === 'sent'), 'both answers marked sent', 10_000);
    expect(states()).toHaveLength(2);
  } finally {
    sim.server.off('decrypt-error', onError);
    sim.server.off('duplicate-relay', onResend);
  }
}, 120_000);
