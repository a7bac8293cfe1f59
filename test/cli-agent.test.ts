// `openclaw agent`, `sessions` and `models` as people use them: the CLI in its own process over the real control
// WebSocket to a real gateway process whose model is the loopback model server (e2e/model-sim) spoken to through
// the official SDK.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli';
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
