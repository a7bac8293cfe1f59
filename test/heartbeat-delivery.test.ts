// Agent heartbeats end to end: a real gateway (real Baileys client on the wa-sim), the model through the official
// SDK against e2e/model-sim, and simulated contacts' devices. The schedule is shortened to seconds; what counts is
// what the model was asked (or not) and what the contacts' devices decrypted.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SessionSummary } from '../src/shared/contract-agent';
import type { HeartbeatRun, HeartbeatStatus } from '../src/shared/contract-heartbeat';
import { agentSuite, lastUserText, modelConfig, OPEN_DMS, outcomeOf } from './support/agent';
import { waitFor } from './support/env';
import { textOf, type InboundGateway } from './support/inbound';

const suite = agentSuite('heartbeat-delivery');

interface RunRow {
  result: string;
  reason: string | null;
}

const runs = (g: InboundGateway) => g.query<RunRow>('SELECT result, reason FROM heartbeat_runs ORDER BY seq');

async function heartbeatFile(g: InboundGateway, text: string): Promise<void> {
  const dir = join(g.t.stateDir, 'workspace');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'HEARTBEAT.md'), text);
}

/** A first exchange, so the agent has a last chat; returns the reply text Alice got. */
async function greet(g: InboundGateway, alice: ReturnType<typeof suite.sim.contact>): Promise<void> {
  suite.model.script({ text: 'Hello Alice.' });
  await alice.send(g.phone, 'hi');
  expect(textOf(await alice.nextMessage())).toBe('Hello Alice.');
  await suite.model.waitForRequests(1);
}

describe('a heartbeat on a shortened schedule', () => {
  it('delivers its alert to the last chat once, and the same alert again within 24 h is not sent', async () => {
    const g = await suite.gateway(
      '+15550700001',
      OPEN_DMS + modelConfig(suite.model, 'openai', `heartbeat: { every: '0' },`),
    );
    const alice = suite.sim.contact('+15550710001', { name: 'Alice' });
    await greet(g, alice);
    const before = (await g.call<{ sessions: SessionSummary[] }>('sessions.list', {})).sessions[0]!;
    await heartbeatFile(g, '# Checks\n- Remind Alice to water the plants on Tuesdays\n');
    const alert = 'Reminder: water the plants today, Alice.';
    // Streamed in small pieces; the same alert twice.
    suite.model.script({ text: alert, chunkSize: 3 }, { text: alert, chunkSize: 3 });

    await g.set('agents.defaults.heartbeat.every', '2s');
    const got = await alice.nextMessage((m) => textOf(m) !== 'Hello Alice.', 15_000);
    expect(textOf(got)).toBe(alert);
    await waitFor(() => runs(g).length >= 2, 'a second heartbeat', 15_000);
    await g.set('agents.defaults.heartbeat.every', '0');

    expect(runs(g).slice(0, 2)).toEqual([
      { result: 'alert', reason: null },
      { result: 'skipped', reason: expect.stringContaining('same alert') },
    ]);
    expect(alice.messages().filter((m) => textOf(m) === alert)).toHaveLength(1);
    const hb = suite.model.requests[1]!;
    expect(hb.stream).toBe(true);
    expect(lastUserText(hb)).toContain('If nothing needs attention, reply HEARTBEAT_OK');
    expect(lastUserText(hb)).toContain('Remind Alice to water the plants');
    expect(hb.body.tools).toBeUndefined();
    // The heartbeat neither wrote to the session nor refreshed its last activity.
    const after = (await g.call<{ sessions: SessionSummary[] }>('sessions.list', {})).sessions[0]!;
    expect(after).toMatchObject({
      key: before.key,
      turns: before.turns,
      lastActivityAt: before.lastActivityAt,
    });
    const status = await g.call<HeartbeatStatus>('heartbeat.status');
    expect(status.agents).toEqual([
      expect.objectContaining({ agentId: 'main', every: '0', enabled: false, nextRunAt: null }),
    ]);
    expect(status.agents[0]!.last).toMatchObject({ result: 'skipped' });
    expect(status.agents[0]!.last!.tokens).toBeGreaterThan(0);
  });
});

describe('HEARTBEAT_OK', () => {
  it('alone or with a short remark delivers nothing; a long remark is delivered without the token', async () => {
    const g = await suite.gateway(
      '+15550700002',
      OPEN_DMS + modelConfig(suite.model, 'openai', `heartbeat: { every: '0', ackMaxChars: 40 },`),
    );
    const alice = suite.sim.contact('+15550710002', { name: 'Alice' });
    await greet(g, alice);
    await heartbeatFile(g, '- Check the boiler\n');
    const long = 'The boiler pressure has been low three days running; call the technician.';
    suite.model.script(
      { text: 'HEARTBEAT_OK', chunkSize: 2 },
      { text: '**HEARTBEAT_OK** all quiet, nothing to do', chunkSize: 3 },
      { text: `HEARTBEAT_OK\n${long}`, chunkSize: 5 },
    );
    const ok1 = await g.call<HeartbeatRun>('heartbeat.run', {});
    const ok2 = await g.call<HeartbeatRun>('heartbeat.run', {});
    expect([ok1.result, ok2.result]).toEqual(['ok', 'ok']);
    const alert = await g.call<HeartbeatRun>('heartbeat.run', {});
    expect(alert).toMatchObject({ agentId: 'main', result: 'alert', target: '15550710002@s.whatsapp.net' });
    expect(textOf(await alice.nextMessage((m) => textOf(m) !== 'Hello Alice.'))).toBe(long);

    // A normal answer is stripped the same way: the token alone sends nothing, beside a remark only the remark.
    suite.model.script({ text: '`HEARTBEAT_OK`' }, { text: 'Sure, done. HEARTBEAT_OK' });
    const quiet = await alice.send(g.phone, 'anything?');
    const seq = (await g.nextAccepted((m) => m.messageId === quiet)).seq;
    expect(await outcomeOf(g, seq)).toMatchObject({ state: 'silent' });
    await alice.send(g.phone, 'please confirm');
    expect(textOf(await alice.nextMessage((m) => textOf(m) === 'Sure, done.'))).toBe('Sure, done.');

    expect(alice.messages().map(textOf)).toEqual(['Hello Alice.', long, 'Sure, done.']);
    expect(suite.model.requests.map((r) => r.stream)).toEqual([true, true, true, true, true, true]);
  });
});

describe('skips that cost nothing', () => {
  it('an empty HEARTBEAT.md makes no model request, run after run', async () => {
    const g = await suite.gateway(
      '+15550700003',
      OPEN_DMS + modelConfig(suite.model, 'openai', `heartbeat: { every: '0' },`),
    );
    const alice = suite.sim.contact('+15550710003', { name: 'Alice' });
    await greet(g, alice);
    await heartbeatFile(g, '# Heartbeat\n\n## Later\n- \n- [ ]\n');
    await g.set('agents.defaults.heartbeat.every', '1s');
    await waitFor(() => runs(g).length >= 2, 'two heartbeats', 15_000);
    await g.set('agents.defaults.heartbeat.every', '0');
    expect(runs(g)[0]).toEqual({ result: 'skipped', reason: expect.stringContaining('nothing to check') });
    expect(new Set(runs(g).map((r) => r.result))).toEqual(new Set(['skipped']));
    expect(suite.model.requests).toHaveLength(1);
  });

  it('no HEARTBEAT.md with the default prompt makes no model request either', async () => {
    const g = await suite.gateway(
      '+15550700007',
      OPEN_DMS + modelConfig(suite.model, 'openai', `heartbeat: { every: '0' },`),
    );
    const alice = suite.sim.contact('+15550710007', { name: 'Alice' });
    await greet(g, alice);
    await g.set('agents.defaults.heartbeat.every', '1s');
    await waitFor(() => runs(g).length >= 2, 'two heartbeats', 15_000);
    await g.set('agents.defaults.heartbeat.every', '0');
    expect(runs(g)[0]).toEqual({ result: 'skipped', reason: expect.stringContaining('no HEARTBEAT.md') });
    expect(suite.model.requests).toHaveLength(1);
  });

  it('outside active hours nothing runs', async () => {
    const hhmm = (d: Date) => d.toISOString().slice(11, 16);
    const start = hhmm(new Date(Date.now() + 2 * 3_600_000));
    const end = hhmm(new Date(Date.now() + 3 * 3_600_000));
    const g = await suite.gateway(
      '+15550700004',
      OPEN_DMS +
        modelConfig(
          suite.model,
          'openai',
          `heartbeat: { every: '0', activeHours: { start: '${start}', end: '${end}', timezone: 'UTC' } },`,
        ),
    );
    const alice = suite.sim.contact('+15550710004', { name: 'Alice' });
    await greet(g, alice);
    await heartbeatFile(g, '- Something to check\n');
    await g.set('agents.defaults.heartbeat.every', '1s');
    await waitFor(() => runs(g).length >= 2, 'two heartbeats', 15_000);
    await g.set('agents.defaults.heartbeat.every', '0');
    expect(runs(g)[0]).toEqual({
      result: 'skipped',
      reason: `outside active hours (${start}-${end} UTC)`,
    });
    expect(suite.model.requests).toHaveLength(1);
    expect(alice.messages()).toHaveLength(1);
  });
});

describe('a target outside the allowlist', () => {
  it('is replaced by the owner: the stranger gets nothing', async () => {
    const owner = suite.sim.contact('+15550710005', { name: 'Owner' });
    const stranger = suite.sim.contact('+15550710006', { name: 'Stranger' });
    const g = await suite.gateway(
      '+15550700005',
      `channels: { whatsapp: { dmPolicy: 'allowlist', allowFrom: ['${owner.e164}'] } },` +
        modelConfig(
          suite.model,
          'openai',
          `heartbeat: { every: '0', target: 'whatsapp', to: '${stranger.e164}' },`,
        ),
    );
    await heartbeatFile(g, '- Tell someone the backup failed\n');
    suite.model.script({ text: 'The nightly backup failed twice; please have a look.' });
    const run = await g.call<HeartbeatRun>('heartbeat.run', {});
    expect(run).toMatchObject({
      result: 'alert',
      target: '15550710005@s.whatsapp.net',
      reason: `${stranger.e164} is not an allowed sender; delivered to the owner ${owner.e164} instead`,
    });
    expect(textOf(await owner.nextMessage())).toBe('The nightly backup failed twice; please have a look.');
    // The owner's copy arrived; the stranger's device has nothing (nothing else was ever sent to it).
    expect(stranger.messages()).toEqual([]);
    expect(
      g.query<{ n: number }>(
        'SELECT COUNT(*) AS n FROM outbox WHERE chat = ?',
        '15550710006@s.whatsapp.net',
      )[0]!.n,
    ).toBe(0);
  });
});
