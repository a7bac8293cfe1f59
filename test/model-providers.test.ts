// The model registry with the real `openai` and `@anthropic-ai/sdk` clients against the loopback model simulator:
// streaming, tool calls, usage and cost, our retry policy, fallbacks, stalls, aborts, and the Test button's words.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startModelSim, type ModelSim } from '../e2e/model-sim';
import { ConfigSchema } from '../src/gateway/config/schema';
import { ModelChainError } from '../src/gateway/agent/providers/chain';
import { ModelRegistry, type ModelRegistryOptions } from '../src/gateway/agent/providers/registry';
import type { ModelRequest } from '../src/gateway/agent/providers/types';

const OA_KEY = 'sk-test-oa-1234567890';
const AN_KEY = 'sk-ant-test-0987654321';
const cost = { input: 2, output: 8, cacheRead: 0.5, cacheWrite: 4 };

let sim: ModelSim;
let stateDir: string;
beforeAll(async () => {
  sim = await startModelSim();
});
beforeEach(() => {
  sim.reset();
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'model-providers-'));
});
afterAll(async () => {
  await sim.close();
});

function registry(
  model: string | { primary: string; fallbacks: string[] } = 'oa/gpt-sim',
  opts: Partial<ModelRegistryOptions> & { timeoutSeconds?: number; oaKey?: string } = {},
): ModelRegistry {
  const cfg = ConfigSchema.parse({
    models: {
      providers: {
        oa: {
          api: 'openai-completions',
          baseUrl: sim.openaiBaseUrl,
          ...(opts.oaKey === '' ? {} : { apiKey: opts.oaKey ?? OA_KEY }),
          models: [{ id: 'gpt-sim', maxTokens: 256, cost }],
        },
        an: {
          api: 'anthropic-messages',
          baseUrl: sim.anthropicBaseUrl,
          apiKey: AN_KEY,
          models: [{ id: 'claude-sim', maxTokens: 300, input: ['text', 'image'], cost }],
        },
      },
    },
    agents: { defaults: { model, timeoutSeconds: opts.timeoutSeconds ?? 60 } },
  });
  return new ModelRegistry({
    config: () => cfg,
    stateDir,
    env: {},
    idleTimeoutMs: 400,
    backoffBaseMs: 20,
    ...opts,
  });
}

const ask = (text: string, extra: Partial<ModelRequest> = {}): ModelRequest => ({
  system: 'You are the test assistant.',
  messages: [{ role: 'user', content: text }],
  tools: [],
  ...extra,
});

async function failure(p: Promise<unknown>): Promise<ModelChainError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ModelChainError);
    return err as ModelChainError;
  }
  throw new Error('expected the completion to fail');
}

describe.each([
  ['openai', 'oa/gpt-sim', OA_KEY],
  ['anthropic', 'an/claude-sim', AN_KEY],
] as const)('%s wire format', (format, ref, key) => {
  it('streams text, reports usage and cost, and sends what we asked', async () => {
    sim.script({
      text: 'Hello there, dear friend',
      chunkSize: 5,
      usage: { input: 100, output: 6, cacheRead: 40 },
    });
    const reg = registry(ref);
    const deltas: string[] = [];
    const r = await reg.complete([ref], ask('hi', { onText: (d) => deltas.push(d) }));
    expect(r.text).toBe('Hello there, dear friend');
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe(r.text);
    expect(r.usage).toEqual({ input: 100, output: 6, cacheRead: 40, cacheWrite: 0 });
    expect(r.costUsd).toBeCloseTo((100 * 2 + 6 * 8 + 40 * 0.5) / 1e6, 12);
    expect(r.model).toBe(ref);
    expect(r.stopReason).toBe('stop');
    expect(r.attempts).toEqual([{ model: ref, ok: true, ms: expect.any(Number) }]);

    const [sent] = sim.requests;
    expect(sent).toMatchObject({ format, stream: true });
    expect(sent!.headers.authorization).toBe(`Bearer ${key}`);
    if (format === 'openai') {
      expect(sent!.body.stream_options).toEqual({ include_usage: true });
      expect(sent!.body.messages[0]).toEqual({ role: 'system', content: 'You are the test assistant.' });
      expect(sent!.body.max_tokens).toBe(256);
    } else {
      expect(sent!.body.system).toEqual([
        { type: 'text', text: 'You are the test assistant.', cache_control: { type: 'ephemeral' } },
      ]);
      expect(sent!.body.max_tokens).toBe(300);
      for (const k of ['temperature', 'top_p', 'top_k']) expect(sent!.body).not.toHaveProperty(k);
    }
    expect(reg.simulated()).toBe(true);
  });

  it('assembles streamed tool calls, and the tool result goes back on the next turn', async () => {
    sim.script({
      toolCalls: [{ id: 'call_1', name: 'whatsapp', arguments: { action: 'react', emoji: '👍' } }],
      chunkSize: 4,
    });
    const reg = registry(ref);
    const tools = [{ name: 'whatsapp', description: 'React to a message', parameters: { type: 'object' } }];
    const first = await reg.complete([ref], ask('react please', { tools }));
    expect(first.stopReason).toBe('tool_calls');
    expect(first.toolCalls).toEqual([{ id: 'call_1', name: 'whatsapp', arguments: expect.any(String) }]);
    expect(JSON.parse(first.toolCalls[0]!.arguments)).toEqual({ action: 'react', emoji: '👍' });

    sim.script({ text: 'Done' });
    const second = await reg.complete(
      [ref],
      ask('react please', {
        tools,
        messages: [
          { role: 'user', content: 'react please' },
          { role: 'assistant', content: first.text, toolCalls: first.toolCalls },
          { role: 'tool', toolCallId: 'call_1', name: 'whatsapp', content: 'reacted' },
        ],
      }),
    );
    expect(second.text).toBe('Done');
    expect(JSON.stringify(sim.requests[1]!.body)).toContain('reacted');
    expect(JSON.stringify(sim.requests[1]!.body)).toContain('call_1');
  });

  it('a 401 is an auth error at once: no retry, and the key is not in the message', async () => {
    sim.script({ error: { status: 401, message: `Incorrect API key provided: ${key}` } });
    const reg = registry(ref);
    const e = await failure(reg.complete([ref], ask('hi')));
    expect(e.kind).toBe('auth');
    expect(e.attempts).toHaveLength(1);
    expect(sim.requests).toHaveLength(1);
    expect(e.message).not.toContain(key);
    expect(JSON.stringify(e.attempts)).not.toContain(key);
  });
});

describe('retries and fallbacks', () => {
  it('429 with Retry-After: waits at least the hinted time, then succeeds', async () => {
    sim.script({ error: { status: 429, retryAfterSeconds: 0.4 } }, { text: 'after the wait' });
    const r = await registry().complete(['oa/gpt-sim'], ask('hi'));
    expect(r.text).toBe('after the wait');
    expect(r.attempts.map((a) => a.error?.kind ?? 'ok')).toEqual(['rate_limited', 'ok']);
    const [first, second] = sim.requests;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(400);
  });

  it('a dropped connection is retried', async () => {
    sim.script({ drop: true }, { text: 'second time lucky' });
    const r = await registry('an/claude-sim').complete(['an/claude-sim'], ask('hi'));
    expect(r.text).toBe('second time lucky');
    expect(r.attempts.map((a) => a.error?.kind ?? 'ok')).toEqual(['connection', 'ok']);
  });

  it('the primary failing with 500 three times: the fallback answers, every attempt recorded', async () => {
    const failing = { model: 'gpt-sim', error: { status: 500, message: 'boom' } };
    sim.script(failing, failing, failing, { model: 'claude-sim', text: 'from the fallback' });
    const reg = registry({ primary: 'oa/gpt-sim', fallbacks: ['an/claude-sim'] });
    const chain = reg.resolveChain('main');
    expect(chain).toEqual({ refs: ['oa/gpt-sim', 'an/claude-sim'] });
    const r = await reg.complete((chain as { refs: string[] }).refs, ask('hi'));
    expect(r.text).toBe('from the fallback');
    expect(r.model).toBe('an/claude-sim');
    expect(r.attempts.map((a) => [a.model, a.ok, a.error?.kind, a.error?.status])).toEqual([
      ['oa/gpt-sim', false, 'server', 500],
      ['oa/gpt-sim', false, 'server', 500],
      ['oa/gpt-sim', false, 'server', 500],
      ['an/claude-sim', true, undefined, undefined],
    ]);
    expect(sim.requests.map((q) => q.format)).toEqual(['openai', 'openai', 'openai', 'anthropic']);
  });

  it('a Retry-After longer than the run has left goes straight to the fallback', async () => {
    sim.script({ model: 'gpt-sim', error: { status: 429, retryAfterSeconds: 30 } });
    const reg = registry({ primary: 'oa/gpt-sim', fallbacks: ['an/claude-sim'] }, { timeoutSeconds: 5 });
    const r = await reg.complete(['oa/gpt-sim', 'an/claude-sim'], ask('hi'));
    expect(r.model).toBe('an/claude-sim');
    expect(r.attempts.map((a) => a.error?.kind ?? 'ok')).toEqual(['rate_limited', 'ok']);
    expect(sim.requests.map((q) => q.model)).toEqual(['gpt-sim', 'claude-sim']);
  });

  it('everything failing throws the last error with all attempts', async () => {
    sim.script({ model: 'gpt-sim', error: { status: 404 } }, { model: 'claude-sim', error: { status: 400 } });
    const reg = registry({ primary: 'oa/gpt-sim', fallbacks: ['an/claude-sim', 'gone/model'] });
    const e = await failure(reg.complete(['oa/gpt-sim', 'an/claude-sim', 'gone/model'], ask('hi')));
    expect(e.attempts.map((a) => a.error?.kind)).toEqual(['not_found', 'bad_request', 'not_configured']);
    expect(e.kind).toBe('not_configured');
    expect(e.attempts[2]!.error!.message).toMatch(/"gone".*models\.providers/);
  });
});

describe('stalls and aborts', () => {
  it('a stream that stalls is a timeout, and the request is closed', async () => {
    sim.script({ stall: { afterText: 'I was saying' } });
    const e = await failure(registry().complete(['oa/gpt-sim'], ask('hi')));
    expect(e.kind).toBe('timeout');
    expect(e.message).toMatch(/stalled/);
    expect(e.attempts).toHaveLength(1);
    await vi.waitFor(() => expect(sim.requests[0]!.outcome).toBe('client-closed'));
  });

  it('an abort stops the run at once: aborted, no retry, no fallback', async () => {
    sim.script({ model: 'claude-sim', stall: {} });
    const reg = registry({ primary: 'an/claude-sim', fallbacks: ['oa/gpt-sim'] }, { idleTimeoutMs: 30_000 });
    const stop = new AbortController();
    const run = reg.complete(['an/claude-sim', 'oa/gpt-sim'], ask('hi', { signal: stop.signal }));
    await sim.waitForRequests(1);
    stop.abort();
    const e = await failure(run);
    expect(e.kind).toBe('aborted');
    expect(e.attempts).toHaveLength(1);
    expect(sim.requests).toHaveLength(1);
  });

  it('an abort while waiting out a Retry-After ends the wait: aborted, no second request', async () => {
    sim.script({ error: { status: 429, retryAfterSeconds: 20 } });
    const stop = new AbortController();
    const run = registry().complete(['oa/gpt-sim'], ask('hi', { signal: stop.signal }));
    await sim.waitForRequests(1);
    // The 429 has to reach the client first, so the abort lands in the wait, not in the request.
    await vi.waitFor(() => expect(sim.requests[0]!.outcome).toBe('completed'));
    stop.abort();
    const e = await failure(run);
    expect(e.kind).toBe('aborted');
    expect(e.message).toMatch(/waiting to retry/);
    expect(sim.requests).toHaveLength(1);
  });
});

describe('models.test, keys and the client cache', () => {
  it('explains a refused key, an unknown model and a refused connection in words', async () => {
    const reg = registry();
    sim.script({ error: { status: 401 } });
    const bad = await reg.test({ ref: 'oa/gpt-sim' });
    expect(bad).toMatchObject({ ok: false, kind: 'auth' });
    expect(bad.message).toMatch(/^The API key was refused \(401\)/);
    expect(bad.message).not.toContain(OA_KEY);

    sim.script({ error: { status: 404 } });
    const unknown = await reg.test({ ref: 'oa/nope' });
    expect(unknown).toMatchObject({ ok: false, kind: 'not_found' });
    expect(unknown.message).toMatch(/does not know the model "nope" \(404\)/);

    const port = await closedPort();
    const refused = await reg.test({
      draft: {
        api: 'openai-completions',
        baseUrl: `http://127.0.0.1:${port}/v1`,
        model: 'x',
        apiKey: 'k-typed',
      },
    });
    expect(refused).toMatchObject({ ok: false, kind: 'connection' });
    expect(refused.message).toBe(
      `Nothing is listening at http://127.0.0.1:${port}/v1. Is the server running, and is the address right?`,
    );

    const ok = await reg.test({ ref: 'an/claude-sim' });
    expect(ok.ok).toBe(true);
    expect(ok.message).toMatch(/^Answered in \d+ ms \(simulated model\)\.$/);
  });

  it('a key saved with setKey is used by the next request (the cached client is rebuilt), and list() shows its source', async () => {
    const reg = registry('oa/gpt-sim', { oaKey: '' });
    expect(reg.list().find((m) => m.ref === 'oa/gpt-sim')).toMatchObject({
      keySource: 'none',
      usedBy: [{ agentId: 'main', role: 'primary' }],
    });
    await reg.complete(['oa/gpt-sim'], ask('one'));
    expect(await reg.setKey('oa', 'sk-saved-in-settings')).toEqual({ provider: 'oa', stored: true });
    await reg.complete(['oa/gpt-sim'], ask('two'));
    expect(sim.requests.map((q) => q.headers.authorization)).toEqual([
      'Bearer no-key',
      'Bearer sk-saved-in-settings',
    ]);
    expect(reg.list().find((m) => m.ref === 'oa/gpt-sim')!.keySource).toBe('credentials');
    expect(fs.statSync(path.join(stateDir, 'credentials', 'models.json')).mode & 0o777).toBe(0o600);
  });

  it('resolveChain explains a missing model and modelInfo reads the model config', () => {
    const none = new ModelRegistry({
      config: () => ConfigSchema.parse({}),
      stateDir,
      env: {},
    });
    expect(none.resolveChain('main')).toEqual({ error: expect.stringMatching(/No model configured/) });
    expect(none.configured('main')).toBe(false);
    const reg = registry('an/claude-sim');
    expect(reg.configured('main')).toBe(true);
    expect(reg.modelInfo('an/claude-sim')).toEqual({
      input: ['text', 'image'],
      contextWindow: 128_000,
      maxTokens: 300,
    });
    expect(reg.modelInfo('zz/none')).toBeUndefined();
  });
});

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = http.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}
