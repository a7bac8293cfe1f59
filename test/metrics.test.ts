// GET /metrics on a real gateway after real traffic: simulated contacts write through the WhatsApp simulator (the
// real Baileys client), the agent answers through the model simulator, and the Prometheus text must count exactly
// what happened — and never name a phone number. Without the gateway token, or with a wrong one, it refuses.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { tokenFilePath } from '../src/gateway/control/token';
import { inboundRejectReason } from '../src/gateway/metrics/reasons';
import { agentSuite, SIM_MODEL } from './support/agent';
import { waitFor } from './support/env';
import { textOf, type InboundGateway } from './support/inbound';

const suite = agentSuite('metrics');

const OWNER = '+15550700001';
const ALICE = '+15550700101';
const BOB = '+15550700102';

function config(): string {
  const m = suite.model;
  return `
  channels: { whatsapp: { dmPolicy: 'allowlist', allowFrom: ['${ALICE}'] } },
  models: { providers: { sim: { api: 'openai-completions', baseUrl: '${m.openaiBaseUrl}', apiKey: 'sk-test-metrics-0123456789',
    models: [{ id: 'sim-model', contextWindow: 16000, maxTokens: 1000, cost: { input: 2, output: 10 } }] } } },
  agents: { defaults: { model: '${SIM_MODEL}' } },`;
}

async function scrape(
  g: InboundGateway,
  auth?: string,
): Promise<{ status: number; body: string; type: string }> {
  const res = await fetch(`http://127.0.0.1:${g.t.port}/metrics`, {
    headers: auth === undefined ? {} : { Authorization: auth },
  });
  return { status: res.status, body: await res.text(), type: res.headers.get('content-type') ?? '' };
}

/** The value of one sample, by its exact name and labels as Prometheus prints them. */
function sample(body: string, series: string): number | undefined {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics', () => {
  it('counts messages in, accepted and rejected by reason, messages out, model runs, tokens, cost and latency', async () => {
    const g = await suite.gateway(OWNER, config());
    const token = (await readFile(tokenFilePath(g.t.stateDir), 'utf8')).trim();
    const alice = suite.sim.contact(ALICE, { name: 'Alice' });
    const bob = suite.sim.contact(BOB, { name: 'Bob' });
    const N = 3;
    for (let i = 0; i < N; i++)
      suite.model.script({ text: `answer ${i}`, usage: { input: 100, output: 20 } });

    // One at a time, each answered before the next, so no two fold into one run: N messages in, N answers out.
    const seen = new Set<string>();
    for (let i = 0; i < N; i++) {
      await alice.send(g.phone, `question ${i}`);
      const reply = await alice.nextMessage((m) => !seen.has(m.id));
      seen.add(reply.id);
      expect(textOf(reply)).toBe(`answer ${i}`);
    }
    // Bob is not on the allowlist: both of his messages are stored and rejected.
    const b1 = await bob.send(g.phone, 'hello?');
    const b2 = await bob.send(g.phone, 'anyone?');
    expect((await g.settled(b1)).state).toBe('rejected');
    expect((await g.settled(b2)).state).toBe('rejected');

    const auth = `Bearer ${token}`;
    // The last answer is counted once WhatsApp has acknowledged it, which may come just after the contact has it.
    const { body, type } = await waitFor(async () => {
      const r = await scrape(g, auth);
      return sample(r.body, 'openclaw_messages_out_total{account="default",kind="text"}') === N ? r : null;
    }, 'the metrics to count every answer as sent');
    expect(type).toMatch(/^text\/plain; version=0\.0\.4/);

    expect(sample(body, 'openclaw_messages_in_total{account="default"}')).toBe(N + 2);
    expect(sample(body, 'openclaw_inbound_accepted_total{account="default"}')).toBe(N);
    expect(
      sample(body, 'openclaw_inbound_rejected_total{account="default",reason="not_in_allow_from"}'),
    ).toBe(2);
    expect(sample(body, 'openclaw_messages_out_total{account="default",kind="text"}')).toBe(N);
    expect(sample(body, 'openclaw_outbox_depth{state="pending"}')).toBe(0);
    expect(sample(body, 'openclaw_outbox_depth{state="sending"}')).toBe(0);
    expect(body).not.toMatch(/^openclaw_outbox_failures_total\{/m);
    expect(sample(body, `openclaw_model_runs_total{model="${SIM_MODEL}",result="ok"}`)).toBe(N);
    expect(sample(body, `openclaw_model_tokens_total{model="${SIM_MODEL}",kind="input"}`)).toBe(N * 100);
    expect(sample(body, `openclaw_model_tokens_total{model="${SIM_MODEL}",kind="output"}`)).toBe(N * 20);
    // $2 per million input tokens and $10 per million output tokens.
    expect(sample(body, `openclaw_model_cost_usd_total{model="${SIM_MODEL}"}`)).toBeCloseTo(
      (N * (100 * 2 + 20 * 10)) / 1e6,
      12,
    );
    expect(sample(body, `openclaw_model_run_duration_seconds_count{model="${SIM_MODEL}"}`)).toBe(N);
    expect(sample(body, 'openclaw_whatsapp_account_state{account="default",state="open"}')).toBe(1);
    expect(sample(body, 'openclaw_whatsapp_account_state{account="default",state="reconnecting"}')).toBe(0);
    expect(sample(body, 'openclaw_whatsapp_decrypt_failures_total{account="default"}')).toBe(0);
    expect(body).toContain('# TYPE openclaw_whatsapp_reconnects_total counter');
    // Labels never carry a number or a JID.
    expect(body).not.toMatch(/\+?1555070|@s\.whatsapp\.net|@lid/);

    // A second scrape with no new traffic counts nothing twice.
    const again = (await scrape(g, auth)).body;
    expect(sample(again, 'openclaw_messages_in_total{account="default"}')).toBe(N + 2);
    expect(
      sample(again, 'openclaw_inbound_rejected_total{account="default",reason="not_in_allow_from"}'),
    ).toBe(2);
  }, 60_000);

  it('counts a reconnect, undecryptable messages and a failed model run by its error kind', async () => {
    const quick = `web: { heartbeatSeconds: 1, reconnect: { initialMs: 250, maxMs: 400, factor: 1.1, jitter: 0 } },`;
    const g = await suite.gateway('+15550700003', config() + quick);
    const token = (await readFile(tokenFilePath(g.t.stateDir), 'utf8')).trim();
    const alice = suite.sim.contact(ALICE, { name: 'Alice' });
    const metric = async (series: string) => sample((await scrape(g, `Bearer ${token}`)).body, series);

    suite.sim.fault.abruptClose(g.phone.account);
    await waitFor(
      async () => (await metric('openclaw_whatsapp_reconnects_total{account="default"}')) === 1,
      'the reconnect to be counted',
    );
    await waitFor(
      async () => (await metric('openclaw_whatsapp_account_state{account="default",state="open"}')) === 1,
      'the account to be open again',
    );

    for (let i = 0; i < 2; i++) await alice.sendUndecryptable(g.phone, `unreadable ${i}`);
    await waitFor(
      async () => (await metric('openclaw_whatsapp_decrypt_failures_total{account="default"}')) === 2,
      'both undecryptable messages to be counted',
    );

    // A wrong key (401) is not retried: one failed run, no tokens, no cost.
    suite.model.script({ error: { status: 401 } });
    await alice.send(g.phone, 'are you there?');
    await waitFor(
      async () => (await metric(`openclaw_model_runs_total{model="${SIM_MODEL}",result="auth"}`)) === 1,
      'the failed run to be counted',
    );
    const body = (await scrape(g, `Bearer ${token}`)).body;
    expect(sample(body, `openclaw_model_runs_total{model="${SIM_MODEL}",result="ok"}`)).toBeUndefined();
    expect(sample(body, `openclaw_model_cost_usd_total{model="${SIM_MODEL}"}`)).toBeUndefined();
    expect(sample(body, 'openclaw_whatsapp_reconnects_total{account="default"}')).toBe(1);
  }, 60_000);

  it('refuses without the token, with a wrong one, and with the token sent some other way', async () => {
    const g = await suite.gateway('+15550700002', config());
    const token = (await readFile(tokenFilePath(g.t.stateDir), 'utf8')).trim();
    for (const auth of [undefined, 'Bearer wrong-token', `Basic ${token}`, token, `Bearer ${token}x`]) {
      const r = await scrape(g, auth);
      expect(r.status, `Authorization: ${auth}`).toBe(401);
      expect(r.body).not.toContain('openclaw_');
    }
    const res = await fetch(`http://127.0.0.1:${g.t.port}/metrics?token=${token}`);
    expect(res.status).toBe(401);
    expect((await scrape(g, `Bearer ${token}`)).status).toBe(200);
  }, 60_000);
});

describe('reason labels', () => {
  it('map every stored reason sentence to a code that carries no number or JID', () => {
    const cases: Array<[string, string, string]> = [
      ['rejected', '+15551234567 is not in allowFrom', 'not_in_allow_from'],
      ['rejected', '+15551234567 is not in groupAllowFrom', 'not_in_group_allow_from'],
      [
        'rejected',
        'group 120363@g.us is not listed in groups (groupPolicy "allowlist")',
        'group_not_allowed',
      ],
      ['rejected', 'group messages are disabled (groupPolicy "disabled")', 'group_disabled'],
      ['rejected', 'direct messages are disabled (dmPolicy "disabled")', 'dm_disabled'],
      ['rejected', 'the sender’s number is unknown', 'unknown_sender'],
      ['rejected', 'unsupported message type pollCreationMessage', 'unsupported'],
      ['rejected', 'not mentioned (history disabled)', 'not_addressed'],
      ['rejected', '/activation is for the owner only', 'command'],
      ['history', 'not mentioned; kept as group context', 'not_addressed'],
      ['pairing', 'unknown sender: pairing code issued', 'pairing'],
      ['rejected', 'something new from +15551234567', 'other'],
    ];
    for (const [state, reason, code] of cases) expect(inboundRejectReason(state, reason), reason).toBe(code);
  });
});
