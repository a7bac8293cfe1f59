// `openclaw agent`, `sessions` and `models` as people use them: the CLI in its own process over the real control
// WebSocket to a real gateway process whose model is the loopback model server (e2e/model-sim) spoken to through
// the official SDK.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startModelSim, type ModelSim } from '../e2e/model-sim';
import type { SessionSummary } from '../src/shared/contract-agent';
import { runCli, spawnGateway, type GatewayProcess } from './support/cli';
import { makeTestEnv, type TestEnv } from './support/env';

describe('openclaw agent, sessions and models without a gateway', () => {
  let t: TestEnv;
  beforeAll(async () => {
    t = await makeTestEnv();
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('each says in one line that no gateway runs', async () => {
    const runs = await Promise.all([
      runCli(['agent', '--message', 'hello'], t.env),
      runCli(['sessions', 'list'], t.env),
      runCli(['sessions', 'show', 'agent:main:cli'], t.env),
      runCli(['sessions', 'reset', 'agent:main:cli'], t.env),
      runCli(['models', 'list'], t.env),
      runCli(['models', 'test'], t.env),
    ]);
    for (const r of runs) {
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^No gateway is running on 127\.0\.0\.1:\d+/);
    }
  });

  it('checks arguments before looking for a gateway, naming the argument', async () => {
    const [noMessage, to, deliver, agent, ref, limit] = await Promise.all([
      runCli(['agent', '--message', '  '], t.env),
      runCli(['agent', '--message', 'hi', '--to', '555-0100'], t.env),
      runCli(['agent', '--message', 'hi', '--deliver'], t.env),
      runCli(['agent', '--message', 'hi', '--agent', 'no/slash'], t.env),
      runCli(['models', 'test', 'gpt-4o'], t.env),
      runCli(['sessions', 'list', '--limit', '0'], t.env),
    ]);
    expect(noMessage.stderr.trim()).toBe('--message is required: the text to ask the agent.');
    expect(to.stderr).toContain('--to must be a phone number in E.164 form');
    expect(to.stderr).toContain('(got "555-0100")');
    expect(deliver.stderr.trim()).toBe('--deliver needs --to: the contact to send the answer to.');
    expect(agent.stderr).toContain('--agent must be an agent id');
    expect(ref.stderr.trim()).toBe('[ref] must be "provider/model", like openai/gpt-4o-mini (got "gpt-4o").');
    expect(limit.stderr).toContain('--limit must be a whole number from 1 to 1000 (got "0")');
    for (const r of [noMessage, to, deliver, agent, ref, limit]) expect(r.code).toBe(1);
  });
});

describe('openclaw agent, sessions and models against a running gateway', () => {
  let t: TestEnv;
  let gw: GatewayProcess;
  let sim: ModelSim;
  beforeAll(async () => {
    sim = await startModelSim();
    t = await makeTestEnv();
    gw = await spawnGateway(t.env);
  });
  afterAll(async () => {
    if (gw?.child.exitCode === null) expect(await gw.interrupt()).toBe(0);
    await sim?.close();
    await t?.cleanup();
  });

  it('says no model is configured until one is set, then answers, with tokens and cost, in the CLI session', async () => {
    const before = await runCli(['status'], t.env);
    expect(before.stdout).toContain('Agent: No model configured — 0 messages waiting');
    const [list, test] = await Promise.all([
      runCli(['models', 'list'], t.env),
      runCli(['models', 'test'], t.env),
    ]);
    expect(list.stdout).toContain('No models configured.');
    expect(test.code).toBe(1);
    expect(test.stderr).toContain('no model is configured: set agents.defaults.model');

    const provider = JSON.stringify({
      api: 'openai-completions',
      baseUrl: sim.openaiBaseUrl,
      models: [{ id: 'm', cost: { input: 1, output: 2 } }],
    });
    const set = await runCli(
      ['config', 'set', 'models.providers.sim', provider, 'agents.defaults.model', 'sim/m'],
      t.env,
    );
    expect(set.code).toBe(0);

    sim.script({ text: 'Hello from the model', usage: { input: 1000, output: 500 } });
    const ask = await runCli(['agent', '--message', 'hi there'], t.env);
    expect(ask).toMatchObject({ code: 0, stdout: 'Hello from the model\n' });
    // 1000 tokens at $1/M in plus 500 at $2/M out.
    expect(ask.stderr).toContain('sim/m · 1000 in / 500 out tokens · $0.0020');
    expect(JSON.stringify(sim.requests.at(-1)!.body)).toContain('hi there');

    const status = await runCli(['status'], t.env);
    expect(status.stdout).toContain('Agent: Answering with sim/m (simulated)');
  });

  it('lists the session, shows its transcript, and resets it so the next run carries no earlier turns', async () => {
    const listed = await runCli(['sessions', 'list', '--json'], t.env);
    const { sessions } = JSON.parse(listed.stdout) as { sessions: SessionSummary[] };
    const cli = sessions.find((s) => s.key === 'agent:main:cli');
    expect(cli).toMatchObject({ turns: 2 });
    expect(cli!.costUsd).toBeCloseTo(0.002, 6);
    const table = await runCli(['sessions', 'list'], t.env);
    expect(table.stdout).toMatch(/KEY\s+LABEL\s+TURNS\s+LAST ACTIVITY\s+COST/);
    expect(table.stdout).toContain('agent:main:cli');

    const shown = await runCli(['sessions', 'show', 'agent:main:cli'], t.env);
    expect(shown.code).toBe(0);
    // The user turn is what the model saw: an id line, then the text.
    expect(shown.stdout).toMatch(/\] user\n( {2}.*\n)* {2}hi there\n/);
    expect(shown.stdout).toMatch(
      /\] assistant \(sim\/m, 1000 in \/ 500 out tokens, \$0\.0020\)\n {2}Hello from the model/,
    );

    const unknown = await runCli(['sessions', 'show', 'agent:main:nope'], t.env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);

    const reset = await runCli(['sessions', 'reset', 'agent:main:cli'], t.env);
    expect(reset.stdout).toContain('Session agent:main:cli starts afresh');
    sim.script({ text: 'Fresh start' });
    const again = await runCli(['agent', '--message', 'second question'], t.env);
    expect(again.stdout).toBe('Fresh start\n');
    const sent = JSON.stringify(sim.requests.at(-1)!.body);
    expect(sent).toContain('second question');
    expect(sent).not.toContain('hi there');
    expect(sent).not.toContain('Hello from the model');
  });

  it('lists models with where their key comes from, and tests one in words', async () => {
    const list = await runCli(['models', 'list'], t.env);
    expect(list.stdout).toMatch(/sim\/m\s+openai-completions\s+none\s+text\s+\d+\s+main \(primary\)/);
    const ok = await runCli(['models', 'test'], t.env);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^Answered in \d+ ms/);
    sim.script({ model: 'gone', error: { status: 404, message: 'model not found' } });
    const bad = await runCli(['models', 'test', 'sim/gone', '--json'], t.env);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ ok: false });
  });
});
