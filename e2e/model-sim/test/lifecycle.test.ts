// The simulator's own contract: which request takes which step, waiting for requests, reset, close (also of
// stalled streams), bad scripts, and the demo CLI as a process.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { startModelSim, type ModelSim } from '../index';
import { chunks } from '../script';

let sim: ModelSim;
let openai: OpenAI;
const ask = async (model: string, content = 'hi') =>
  (await openai.chat.completions.create({ model, messages: [{ role: 'user', content }] })).choices[0]?.message
    .content;

beforeAll(async () => {
  sim = await startModelSim();
  openai = new OpenAI({ apiKey: 'k', baseURL: sim.openaiBaseUrl, maxRetries: 0 });
});
afterEach(() => sim.reset());
afterAll(() => sim.close());

it('gives each request the first queued step for its model, then the responder, then OK', async () => {
  sim.script({ model: 'b', text: 'for b' }, { text: 'for anyone' }, { model: 'a', text: 'for a' });
  expect(await ask('a')).toBe('for anyone'); // the first step 'a' may take: no model named
  expect(await ask('a')).toBe('for a');
  expect(await ask('b')).toBe('for b');
  expect(await ask('b')).toBe('OK');
  sim.respond((req) =>
    req.model === 'echo' ? { text: `echo: ${req.body.messages[0].content}` } : undefined,
  );
  expect(await ask('echo', 'ping')).toBe('echo: ping');
  expect(await ask('other')).toBe('OK');
  expect(sim.requests.map((r) => r.model)).toEqual(['a', 'a', 'b', 'b', 'echo', 'other']);
});

it('reset clears the queue, the responder and the requests (the same array stays live)', async () => {
  const requests = sim.requests;
  sim.script({ text: 'queued' });
  sim.respond(() => ({ text: 'responder' }));
  await ask('m');
  sim.reset();
  expect(requests).toHaveLength(0);
  expect(sim.pending()).toBe(0);
  expect(await ask('m')).toBe('OK');
  expect(requests).toHaveLength(1);
});

it('waitForRequests resolves once n requests arrived, and times out naming what did arrive', async () => {
  const waiting = sim.waitForRequests(2);
  await ask('first');
  await ask('second');
  expect((await waiting).map((r) => r.model)).toEqual(['first', 'second']);
  await expect(sim.waitForRequests(3, 50)).rejects.toThrow(
    /waited 50 ms for 3 request\(s\), got 2 \(openai first; openai second\)/,
  );
});

it('delays the headers by delayMs, and the request is recorded on arrival', async () => {
  sim.script({ text: 'late', delayMs: 200 });
  const answer = ask('m');
  const [req] = await sim.waitForRequests(1);
  expect(req?.outcome).toBeUndefined(); // recorded before it is answered
  expect(await answer).toBe('late');
  expect(req?.outcome).toBe('completed');
});

it('a slow stream delivers every chunk; a client leaving midway ends the exchange early', async () => {
  sim.script(
    { text: 'abcdef', chunkSize: 2, chunkDelayMs: 30 },
    { text: 'x'.repeat(40), chunkSize: 1, chunkDelayMs: 30 },
  );
  const read = async (abortAfterFirst: boolean) => {
    const abort = new AbortController();
    const stream = await openai.chat.completions.create(
      { model: 'm', messages: [{ role: 'user', content: 'x' }], stream: true },
      { signal: abort.signal },
    );
    const pieces: string[] = [];
    for await (const chunk of stream) {
      const piece = chunk.choices[0]?.delta.content;
      if (!piece) continue;
      pieces.push(piece);
      if (abortAfterFirst) abort.abort();
    }
    return pieces;
  };
  expect(await read(false)).toEqual(['ab', 'cd', 'ef']);
  expect(await read(true)).toEqual(['x']);
  await vi.waitFor(() => expect(sim.requests[1]?.outcome).toBe('client-closed'));
});

it('splits streamed text by code points, so no delta carries half a surrogate pair', () => {
  expect(chunks('a👍b❤️', 1)).toEqual(['a', '👍', 'b', '❤', '\ufe0f']);
  expect(chunks('', 8)).toEqual([]);
});

it('refuses a malformed step with a message saying which and why', () => {
  expect(() => sim.script({ text: 'ok' }, { error: { status: 200 } })).toThrow(
    'model-sim: script step 1: error.status must be an HTTP error status (400-599), got 200',
  );
  expect(() => sim.script({ text: 'a', drop: true } as never)).toThrow(/exactly one of text, toolCalls/);
  expect(() => sim.script({ toolCalls: [] })).toThrow(/toolCalls must be a non-empty array/);
  expect(sim.pending()).toBe(0);
});

it('lists models in each format and answers unknown paths and bad JSON with errors in that format', async () => {
  const listed = await openai.models.list();
  expect(listed.data.map((m) => m.id)).toEqual(['sim-model']);
  const anthropic = new Anthropic({ apiKey: 'k', baseURL: sim.anthropicBaseUrl, maxRetries: 0 });
  const models = await anthropic.models.list();
  expect(models.data.map((m) => m.id)).toEqual(['sim-model']);

  const unknown = await fetch(`${sim.url}/v1/embeddings`, { method: 'POST', body: '{}' });
  expect(unknown.status).toBe(404);
  expect(await unknown.json()).toMatchObject({ error: { message: 'model-sim has no POST /v1/embeddings' } });
  const bad = await fetch(`${sim.url}/v1/messages`, { method: 'POST', body: '{"model":' });
  expect(bad.status).toBe(400);
  expect(await bad.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
});

it('close() ends stalled streams in both formats and rejects pending waits', async () => {
  const own = await startModelSim();
  own.script({ stall: { afterText: 'partial' } }, { stall: {} });
  const oa = new OpenAI({ apiKey: 'k', baseURL: own.openaiBaseUrl, maxRetries: 0 });
  const an = new Anthropic({ apiKey: 'k', baseURL: own.anthropicBaseUrl, maxRetries: 0 });
  const seen: string[] = [];
  const openaiRun = (async () => {
    const stream = await oa.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    for await (const chunk of stream)
      if (chunk.choices[0]?.delta.content) seen.push(chunk.choices[0].delta.content);
  })();
  const anthropicRun = an.messages.create({
    model: 'm',
    max_tokens: 5,
    messages: [{ role: 'user', content: 'x' }],
  });
  const waiting = own.waitForRequests(5);
  await own.waitForRequests(2);
  await vi.waitFor(() => expect(seen).toEqual(['partial']));

  // Expectations attached before close(), so the rejections it causes are observed as they happen.
  const ended = Promise.all([
    // Neither client is left hanging: the stream and the bodyless answer both end in an error.
    expect(openaiRun).rejects.toThrow(),
    expect(anthropicRun).rejects.toThrow(),
    expect(waiting).rejects.toThrow('model-sim: closed while waiting for requests'),
  ]);
  await own.close();
  await ended;
  expect(own.requests.map((r) => r.outcome)).toEqual(['closed-by-sim', 'closed-by-sim']);
});

it('the demo CLI prints its URL, echoes the last user text and exits 0 on SIGTERM', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'e2e/model-sim/cli.ts', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const lines = createInterface({ input: child.stdout! });
    let url = '';
    for await (const line of lines) {
      url = /running at (http:\/\/127\.0\.0\.1:\d+)/.exec(line)?.[1] ?? '';
      if (url) break;
    }
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const client = new OpenAI({ apiKey: 'k', baseURL: `${url}/v1`, maxRetries: 0 });
    const res = await client.chat.completions.create({
      model: 'any',
      messages: [
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: [{ type: 'text', text: 'hello sim' }] },
      ],
    });
    expect(res.choices[0]?.message.content).toBe('(simulated model) You said: hello sim');
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    expect((await exited)[0]).toBe(0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
