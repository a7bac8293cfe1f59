// `openclaw heartbeat status|run` as people use it: the CLI in its own process over the control WebSocket to a real
// gateway process whose model is e2e/model-sim. The heartbeat's target is "none" here (no WhatsApp account is
// linked), so a run asks the model and delivers nothing; heartbeat-delivery.test.ts covers delivery.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startModelSim, type ModelSim } from '../e2e/model-sim';
import type { HeartbeatStatus } from '../src/shared/contract-heartbeat';
import { runCli, spawnGateway, type GatewayProcess } from './support/cli';
import { makeTestEnv, type TestEnv } from './support/env';

describe('openclaw heartbeat without a gateway', () => {
  let t: TestEnv;
  beforeAll(async () => {
    t = await makeTestEnv();
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('says in one line that no gateway runs, and checks --agent first', async () => {
    const [status, run, bad] = await Promise.all([
      runCli(['heartbeat', 'status'], t.env),
      runCli(['heartbeat', 'run'], t.env),
      runCli(['heartbeat', 'run', '--agent', 'no/slash'], t.env),
    ]);
    for (const r of [status, run]) {
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^No gateway is running on 127\.0\.0\.1:\d+/);
    }
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--agent must be an agent id');
  });
});

describe('openclaw heartbeat against a running gateway', () => {
  let t: TestEnv;
  let gw: GatewayProcess;
  let sim: ModelSim;
  beforeAll(async () => {
    sim = await startModelSim();
    t = await makeTestEnv(`
      models: { providers: { sim: { api: 'openai-completions', baseUrl: '${sim.openaiBaseUrl}',
        models: [{ id: 'm', cost: { input: 1, output: 2 } }] } } },
      agents: { defaults: { model: 'sim/m', heartbeat: { every: '1h', target: 'none' } } },`);
    gw = await spawnGateway(t.env);
  });
  afterAll(async () => {
    if (gw?.child.exitCode === null) expect(await gw.interrupt()).toBe(0);
    await sim?.close();
    await t?.cleanup();
  });

  it('status shows the schedule; run asks the model now and prints the result with tokens and cost', async () => {
    const before = await runCli(['heartbeat', 'status', '--json'], t.env);
    const { agents } = JSON.parse(before.stdout) as HeartbeatStatus;
    expect(agents).toEqual([
      expect.objectContaining({ agentId: 'main', every: '1h', enabled: true, target: 'none' }),
    ]);
    expect(Date.parse(agents[0]!.nextRunAt!)).toBeGreaterThan(Date.now() + 50 * 60_000);
    expect(agents[0]!.last).toBeUndefined();

    sim.script(
      { text: 'HEARTBEAT_OK', usage: { input: 1000, output: 500 } },
      { text: 'The backup failed last night and needs a look.', usage: { input: 10, output: 10 } },
    );
    const ok = await runCli(['heartbeat', 'run'], t.env);
    expect(ok).toMatchObject({ code: 0, stderr: '' });
    // 1000 tokens at $1/M in plus 500 at $2/M out.
    expect(ok.stdout).toBe('Heartbeat of main: ok (nothing to report) (1500 tokens, $0.0020)\n');
    expect(sim.requests).toHaveLength(1);
    expect(sim.requests[0]!.stream).toBe(true);

    const alert = await runCli(['heartbeat', 'run', '--agent', 'main', '--json'], t.env);
    expect(JSON.parse(alert.stdout)).toMatchObject({
      agentId: 'main',
      result: 'ok',
      reason: 'target "none": the alert was not delivered',
      tokens: 20,
    });

    const table = await runCli(['heartbeat', 'status'], t.env);
    expect(table.stdout).toMatch(
      /AGENT\s+EVERY\s+NEXT RUN\s+TARGET\s+LAST RUN\s+LAST RESULT\s+TOKENS\s+COST/,
    );
    expect(table.stdout).toMatch(
      /main\s+1h\s+in \d+s\s+none\s+\d+s ago\s+ok: target "none": the alert was not delivered\s+20\s/,
    );

    const unknown = await runCli(['heartbeat', 'run', '--agent', 'ghost'], t.env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('agent "ghost" has no heartbeat');
  });
});
