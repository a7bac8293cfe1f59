// The agent methods through the real dispatcher (contract validation both ways) with a small in-memory agent and
// model registry standing in for the service and the registry, which have their own tests.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { ModelInfo, SessionSummary, Turn } from '../../shared/contract-agent';
import type { AgentControl, ModelControl, ModelTestRequest } from '../agent/control-port';
import { GatewayError } from '../errors';
import { agentHandlers, type AgentMethodDeps } from './agent-methods';
import { createDispatcher, type CallerContext, type Handlers } from './dispatcher';

const caller: CallerContext = { transport: 'ws', subscriptions: new Set() };
const usage = { input: 10, output: 5, cacheRead: 0, cacheWrite: 0 };
const KEY = 'agent:main:whatsapp:dm:+15550100001';

function session(key: string): SessionSummary {
  return { key, agentId: 'main', label: '+15550100001', turns: 2, usage, costUsd: 0.001, running: false };
}

function fakes(): { deps: AgentMethodDeps; tests: ModelTestRequest[]; keys: string[] } {
  const turns: Turn[] = [
    { seq: 1, sessionKey: KEY, role: 'user', text: 'hi', at: '2026-01-01T00:00:00.000Z' },
    {
      seq: 2,
      sessionKey: KEY,
      role: 'assistant',
      text: 'hello',
      usage,
      costUsd: 0.001,
      at: '2026-01-01T00:00:01.000Z',
    },
  ];
  const tests: ModelTestRequest[] = [];
  const keys: string[] = [];
  const agent: AgentControl = {
    status: () => ({
      configured: true,
      sentence: 'Answering with sim/m',
      waiting: 0,
      running: 0,
      simulated: true,
    }),
    ask: async (req) => ({ text: `echo ${req.message}`, model: 'sim/m', usage, costUsd: 0 }),
    listSessions: () => [session(KEY)],
    showSession: (key) => {
      if (key !== KEY) throw new GatewayError('sessions.unknown', `no session "${key}"`);
      return { session: session(KEY), turns };
    },
    resetSession: (key) => ({ key, reset: true }),
    outcomes: (seqs) => seqs.map((s) => ({ acceptedSeq: s, state: 'answered' as const, sessionKey: KEY })),
  };
  const model: ModelInfo = {
    ref: 'sim/m',
    provider: 'sim',
    api: 'openai-completions',
    input: ['text'],
    contextWindow: 8000,
    keySource: 'none',
    usedBy: [{ agentId: 'main', role: 'primary' }],
  };
  const models: ModelControl = {
    list: () => [model],
    test: async (req) => {
      tests.push(req);
      return { ok: true, message: 'Answered in 3 ms', ms: 3 };
    },
    setKey: async (provider, apiKey) => {
      keys.push(apiKey);
      return { provider, stored: apiKey !== '' };
    },
  };
  return { deps: { agent, models }, tests, keys };
}

// The other methods are not under test here; the dispatcher only needs the agent ones to be present.
function dispatcher(deps: AgentMethodDeps) {
  return createDispatcher(agentHandlers(deps) as unknown as Handlers, pino({ level: 'silent' }));
}

describe('agent control methods', () => {
  it('serve sessions, transcripts, outcomes and status through the contract', async () => {
    const call = dispatcher(fakes().deps);
    expect(await call('sessions.list', undefined, caller)).toMatchObject({
      ok: true,
      value: { sessions: [{ key: KEY, turns: 2 }] },
    });
    expect(await call('sessions.show', { key: KEY }, caller)).toMatchObject({
      ok: true,
      value: {
        turns: [
          { role: 'user', text: 'hi' },
          { role: 'assistant', text: 'hello' },
        ],
      },
    });
    expect(await call('sessions.reset', { key: KEY }, caller)).toEqual({
      ok: true,
      value: { key: KEY, reset: true },
    });
    expect(await call('inbound.outcomes', { seqs: [4, 5] }, caller)).toMatchObject({
      ok: true,
      value: { outcomes: [{ acceptedSeq: 4, state: 'answered' }, { acceptedSeq: 5 }] },
    });
    expect(await call('agent.status', undefined, caller)).toMatchObject({
      ok: true,
      value: { configured: true },
    });
    expect(await call('agent.ask', { message: 'ping' }, caller)).toMatchObject({
      ok: true,
      value: { text: 'echo ping', model: 'sim/m' },
    });
  });

  it("passes the service's coded errors through, and refuses bad params before calling it", async () => {
    const call = dispatcher(fakes().deps);
    expect(await call('sessions.show', { key: 'nope' }, caller)).toEqual({
      ok: false,
      error: { code: 'sessions.unknown', message: 'no session "nope"' },
    });
    const badTo = await call('agent.ask', { message: 'x', to: '555', deliver: true }, caller);
    expect(badTo).toMatchObject({ ok: false, error: { code: 'control.invalid_params' } });
    expect(JSON.stringify(badTo)).toContain('E.164');
    expect(await call('agent.ask', { message: 'x', deliver: true }, caller)).toMatchObject({
      ok: false,
      error: { code: 'agent.invalid', message: expect.stringContaining('"to"') },
    });
  });

  it('tests a draft, a ref, or the primary model when none is named; never both', async () => {
    const { deps, tests } = fakes();
    const call = dispatcher(deps);
    const draft = { api: 'openai-completions', baseUrl: 'http://127.0.0.1:9/v1', model: 'm' } as const;
    expect(await call('models.test', { draft }, caller)).toMatchObject({ ok: true, value: { ok: true } });
    expect(await call('models.test', {}, caller)).toMatchObject({ ok: true, value: { ok: true } });
    expect(await call('models.test', { ref: 'sim/m', draft }, caller)).toMatchObject({
      ok: false,
      error: { code: 'models.invalid' },
    });
    expect(tests).toEqual([{ draft }, { ref: 'sim/m' }]);
  });

  it('says no model is configured when testing with none, and that the agent is absent when it is', async () => {
    const { deps } = fakes();
    const none = dispatcher({ ...deps, models: { ...deps.models!, list: () => [] } });
    expect(await none('models.test', {}, caller)).toMatchObject({
      ok: false,
      error: { code: 'agent.not_configured', message: expect.stringContaining('agents.defaults.model') },
    });
    const absent = dispatcher({ agent: null, models: null });
    for (const [method, params] of [
      ['sessions.list', undefined],
      ['models.list', undefined],
    ] as const) {
      expect(await absent(method, params, caller)).toMatchObject({
        ok: false,
        error: { code: 'agent.unavailable' },
      });
    }
  });

  it('stores a key without ever answering with it', async () => {
    const { deps, keys } = fakes();
    const result = await dispatcher(deps)(
      'models.setKey',
      { provider: 'openai', apiKey: 'sk-secret-1' },
      caller,
    );
    expect(result).toEqual({ ok: true, value: { provider: 'openai', stored: true } });
    expect(JSON.stringify(result)).not.toContain('sk-secret');
    expect(keys).toEqual(['sk-secret-1']);
  });
});
