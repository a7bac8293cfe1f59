// When the model cannot answer at once, end to end: a 429 with Retry-After is waited out, a failing primary hands
// over to the fallback, and when everything fails the sender gets the apology while the owner sees why (status,
// outcome, log). With no model configured messages wait, visibly, and are answered once one is set.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { AgentStatus } from '../src/shared/contract-agent';
import { agentSuite, modelConfig, OPEN_DMS, outcomeOf, SIM_MODEL } from './support/agent';
import { todaysLog, waitFor } from './support/env';
import { textOf } from './support/inbound';

const suite = agentSuite('agent-failures');
const WITH_FALLBACK = `{ primary: '${SIM_MODEL}', fallbacks: ['sim/backup'] }`;

describe('model failures', () => {
  it('waits out a 429 with Retry-After, then answers', async () => {
    const g = await suite.gateway('+15550620001', OPEN_DMS + modelConfig(suite.model));
    const dan = suite.sim.contact('+15550621001', { name: 'Dan' });
    suite.model.script({ error: { status: 429, retryAfterSeconds: 1 } }, { text: 'Sorry for the wait.' });
    await dan.send(g.phone, 'busy?');
    expect(textOf(await dan.nextMessage())).toBe('Sorry for the wait.');
    const [limited, retried] = suite.model.requests;
    expect(retried!.at - limited!.at).toBeGreaterThanOrEqual(1000);
    expect(suite.model.requests).toHaveLength(2);
  });

  it('answers from the fallback when the primary fails', async () => {
    const g = await suite.gateway(
      '+15550620002',
      OPEN_DMS + modelConfig(suite.model, 'openai', '', WITH_FALLBACK),
    );
    const erin = suite.sim.contact('+15550621002', { name: 'Erin' });
    suite.model.script(
      { model: 'sim-model', error: { status: 404, message: 'model sim-model does not exist' } },
      { model: 'backup', text: 'Backup here.' },
    );
    const sent = await erin.send(g.phone, 'hello');
    expect(textOf(await erin.nextMessage())).toBe('Backup here.');
    expect(suite.model.requests.map((r) => r.model)).toEqual(['sim-model', 'backup']);
    const seq = (await g.nextAccepted((m) => m.messageId === sent)).seq;
    expect(await outcomeOf(g, seq)).toMatchObject({ state: 'answered' });
    const shown = await g.call<{ turns: Array<{ role: string; model?: string }> }>('sessions.show', {
      key: 'agent:main:main',
    });
    expect(shown.turns.find((t) => t.role === 'assistant')?.model).toBe('sim/backup');
  });

  it('sends the apology when every model fails, and the owner sees the reason (no key in it)', async () => {
    const g = await suite.gateway(
      '+15550620003',
      OPEN_DMS +
        modelConfig(suite.model, 'anthropic', `failureReply: 'Cannot answer right now.'`, WITH_FALLBACK),
    );
    const finn = suite.sim.contact('+15550621003', { name: 'Finn' });
    suite.model.script(
      { model: 'sim-model', error: { status: 401, message: 'invalid x-api-key' } },
      { model: 'backup', error: { status: 404, message: 'no such model: backup' } },
    );
    const sent = await finn.send(g.phone, 'are you there?');
    expect(textOf(await finn.nextMessage())).toBe('Cannot answer right now.');
    const seq = (await g.nextAccepted((m) => m.messageId === sent)).seq;
    const outcome = await outcomeOf(g, seq);
    expect(outcome.state).toBe('failed');
    expect(outcome.reason).toBeTruthy();
    const status = await g.call<AgentStatus>('agent.status', {});
    expect(status.lastFailure).toMatchObject({ sessionKey: 'agent:main:main', reason: outcome.reason });
    const log = await waitFor(async () => {
      const text = await readFile(todaysLog(g.t.logFile), 'utf8');
      return text.includes('agent run failed') ? text : null;
    }, 'the failure in the log');
    expect(log).toContain('agent:main:main');
    expect(log).not.toContain('sk-test-agent-0123456789');
    expect(JSON.stringify(status)).not.toContain('sk-test-agent-0123456789');
  });

  it('with failureReply "" the sender gets nothing, and the outcome still says failed', async () => {
    const g = await suite.gateway(
      '+15550620004',
      OPEN_DMS + modelConfig(suite.model, 'openai', `failureReply: ''`),
    );
    const gil = suite.sim.contact('+15550621004', { name: 'Gil' });
    suite.model.script({ error: { status: 400, message: 'bad request' } }, { text: 'Second try works.' });
    const sent = await gil.send(g.phone, 'one');
    const seq = (await g.nextAccepted((m) => m.messageId === sent)).seq;
    expect(await outcomeOf(g, seq)).toMatchObject({ state: 'failed' });
    await gil.send(g.phone, 'two');
    expect(textOf(await gil.nextMessage())).toBe('Second try works.');
    expect(gil.messages()).toHaveLength(1);
  });
});

describe('no model configured', () => {
  it('keeps messages waiting and says so; once a model is set with config set they are answered', async () => {
    const g = await suite.gateway('+15550620005', OPEN_DMS);
    const hana = suite.sim.contact('+15550621005', { name: 'Hana' });
    const ids = [await hana.send(g.phone, 'anyone?'), await hana.send(g.phone, 'hello??')];
    const seqs = [];
    for (const id of ids) seqs.push((await g.nextAccepted((m) => m.messageId === id)).seq);
    const status = await waitFor(async () => {
      const s = await g.call<AgentStatus>('agent.status', {});
      return s.waiting === 2 ? s : null;
    }, 'two messages waiting');
    expect(status).toMatchObject({ configured: false, sentence: 'No model configured — 2 messages waiting' });
    const { outcomes } = await g.call<{ outcomes: Array<{ state: string }> }>('inbound.outcomes', { seqs });
    expect(outcomes.map((o) => o.state)).toEqual(['waiting', 'waiting']);
    expect(suite.model.requests).toHaveLength(0);

    suite.model.script({ text: 'Here now, sorry.' });
    await g.set('models.providers', {
      sim: {
        baseUrl: suite.model.openaiBaseUrl,
        apiKey: 'sk-test-agent-0123456789',
        models: [{ id: 'sim-model' }],
      },
    });
    await g.set('agents.defaults.model', SIM_MODEL);
    expect(textOf(await hana.nextMessage())).toBe('Here now, sorry.');
    const [req] = await suite.model.waitForRequests(1);
    expect(JSON.stringify(req!.body)).toContain('anyone?');
    expect(JSON.stringify(req!.body)).toContain('hello??');
    expect((await outcomeOf(g, seqs[1]!)).state).toBe('answered');
    expect((await g.call<AgentStatus>('agent.status', {})).configured).toBe(true);
  });
});

describe('pendingMaxAgeMinutes', () => {
  it('marks a message that waited longer than the maximum age expired instead of answering it', async () => {
    // 0.0001 minutes = 6 ms: any message is past it by the time a model is set.
    const g = await suite.gateway(
      '+15550620006',
      OPEN_DMS + `agents: { defaults: { pendingMaxAgeMinutes: 0.0001 } },`,
    );
    const ivan = suite.sim.contact('+15550621006', { name: 'Ivan' });
    const sent = await ivan.send(g.phone, 'stale question');
    const seq = (await g.nextAccepted((m) => m.messageId === sent)).seq;
    await g.set('models.providers', {
      sim: {
        baseUrl: suite.model.openaiBaseUrl,
        apiKey: 'sk-test-agent-0123456789',
        models: [{ id: 'sim-model' }],
      },
    });
    await g.set('agents.defaults.model', SIM_MODEL);
    const outcome = await outcomeOf(g, seq);
    expect(outcome.state).toBe('expired');
    expect(outcome.reason).toContain('pendingMaxAgeMinutes');
    expect((await g.call<AgentStatus>('agent.status', {})).waiting).toBe(0);
    expect(suite.model.requests).toHaveLength(0);
    expect(ivan.messages()).toEqual([]);
  });
});
