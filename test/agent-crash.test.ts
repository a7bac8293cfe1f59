// Exactly once across crashes, agent: a real gateway process (the CLI through tsx) is SIGKILLed while the model
// stream stalls mid-answer, and again right after an answer reached the contact. After each restart the contact's
// device holds exactly one answer per message: a run's turns, outcome, consumed hand-off and outbox items commit
// together, so a run killed before that commit is run again, and one killed after it is never run again.
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { startModelSim, type ModelSim } from '../e2e/model-sim/index';
import { startSim, textOf, type Sim } from '../e2e/wa-sim/index';
import type { AccountStatus } from '../src/shared/contract';
import { lastUserText, modelConfig, OPEN_DMS } from './support/agent';
import { CrashableGateway } from './support/crash-gateway';
import { makeTestEnv, type TestEnv } from './support/env';

let sim: Sim;
let model: ModelSim;
let t: TestEnv;
let gateway: CrashableGateway;

beforeAll(async () => {
  for (const level of ['info', 'warn', 'error'] as const)
    vi.spyOn(console, level).mockImplementation(() => undefined);
  sim = await startSim({ seed: 'agent-crash' });
  model = await startModelSim();
  t = await makeTestEnv(OPEN_DMS + modelConfig(model));
  gateway = new CrashableGateway(t, () => ({ ...t.env, OPENCLAW_WA_SIMULATOR: sim.url }));
});

afterAll(async () => {
  await gateway?.stop();
  await model?.close();
  await sim?.close();
  await t?.cleanup();
});

const unconsumed = () =>
  gateway.query<{ n: number }>('SELECT COUNT(*) AS n FROM accepted WHERE consumed_at IS NULL')[0]!.n;

it('SIGKILL during a stalled model stream, and right after an answer: each message answered exactly once', async () => {
  await gateway.start();
  const started = await gateway.call<{ qr: { qr: string } }>('channels.login.start', {});
  const phone = sim.phone('+15550640001', { name: 'Owner' });
  await phone.scan(started.qr.qr);
  expect((await gateway.call<AccountStatus>('channels.login.wait', { timeoutMs: 15_000 })).state).toBe(
    'open',
  );
  const alice = sim.contact('+15550641001', { name: 'Alice' });

  // 1. Killed while the model is mid-stream: nothing was sent, the hand-off is still owed an answer.
  model.script({ stall: { afterText: 'Let me think' } });
  const first = await alice.send(phone, 'what is the answer?');
  await model.waitForRequests(1);
  await gateway.kill();
  expect(unconsumed()).toBe(1);
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
  expect(unconsumed()).toBe(0);
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
  expect(unconsumed()).toBe(0);
  const outcomes = gateway.query<{ state: string }>('SELECT state FROM outcomes ORDER BY accepted_seq');
  expect(outcomes.map((o) => o.state)).toEqual(['answered', 'answered']);
}, 120_000);
