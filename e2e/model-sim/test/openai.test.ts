// The real `openai` SDK against the simulator: what a provider built on it will see, and what the sim records.
import OpenAI, {
  APIConnectionError,
  AuthenticationError,
  BadRequestError,
  NotFoundError,
  RateLimitError,
} from 'openai';
import { afterAll, beforeAll, beforeEach, expect, it, vi } from 'vitest';
import { startModelSim, type ModelSim } from '../index';

let sim: ModelSim;
let client: OpenAI;
const user = (content: string) => [{ role: 'user' as const, content }];

beforeAll(async () => {
  sim = await startModelSim();
  client = new OpenAI({ apiKey: 'sk-test-key', baseURL: sim.openaiBaseUrl, maxRetries: 0 });
});
beforeEach(() => sim.reset());
afterAll(() => sim.close());

it('answers without streaming, with usage including cached tokens, and records the request', async () => {
  sim.script({ text: 'Hello there', usage: { input: 10, output: 3, cacheRead: 7 } });
  const { data, response } = await client.chat.completions
    .create({ model: 'gpt-sim', messages: user('hi') })
    .withResponse();
  expect(data.choices[0]?.message.content).toBe('Hello there');
  expect(data.choices[0]?.finish_reason).toBe('stop');
  expect(data.usage).toMatchObject({ prompt_tokens: 17, completion_tokens: 3, total_tokens: 20 });
  expect(data.usage?.prompt_tokens_details?.cached_tokens).toBe(7);
  expect(response.headers.get('x-openclaw-model-sim')).toBe('1');

  expect(sim.requests).toHaveLength(1);
  const req = sim.requests[0]!;
  expect(req).toMatchObject({
    format: 'openai',
    path: '/v1/chat/completions',
    model: 'gpt-sim',
    stream: false,
  });
  expect(req.body.messages).toEqual(user('hi'));
  expect(req.headers.authorization).toBe('Bearer sk-test-key');
  expect(req.outcome).toBe('completed');
});

it('streams text in chunks and sends usage in the final chunk when asked', async () => {
  sim.script({ text: 'abcdefghij', chunkSize: 3, usage: { input: 4, output: 2, cacheRead: 1 } });
  const stream = await client.chat.completions.create({
    model: 'gpt-sim',
    messages: user('hi'),
    stream: true,
    stream_options: { include_usage: true },
  });
  const pieces: string[] = [];
  let usage: OpenAI.CompletionUsage | null | undefined;
  for await (const chunk of stream) {
    const piece = chunk.choices[0]?.delta.content;
    if (piece) pieces.push(piece);
    if (chunk.usage) usage = chunk.usage;
  }
  expect(pieces).toEqual(['abc', 'def', 'ghi', 'j']);
  expect(usage).toMatchObject({
    prompt_tokens: 5,
    completion_tokens: 2,
    prompt_tokens_details: { cached_tokens: 1 },
  });
  expect(sim.requests[0]?.stream).toBe(true);
});

it('estimates usage from the request and the answer when the step names none', async () => {
  sim.script({ text: 'x'.repeat(40) });
  const res = await client.chat.completions.create({ model: 'gpt-sim', messages: user('y'.repeat(400)) });
  expect(res.usage?.completion_tokens).toBe(10);
  expect(res.usage?.prompt_tokens).toBeGreaterThan(100); // about chars/4 of the whole request body
});

it('streams tool calls as deltas the SDK assembles, and records the tool result sent back', async () => {
  const args = { action: 'react', chatJid: '15551234567@s.whatsapp.net', messageId: 'ABC', emoji: '👍' };
  sim.script(
    {
      toolCalls: [
        { id: 'call_1', name: 'whatsapp', arguments: args },
        { name: 'other', arguments: {} },
      ],
      chunkSize: 5,
    },
    { text: 'Done' },
  );
  const final = await client.chat.completions
    .stream({ model: 'gpt-sim', messages: user('react please'), tools: [whatsappTool] })
    .finalChatCompletion();
  const calls = final.choices[0]!.message.tool_calls!;
  expect(final.choices[0]?.finish_reason).toBe('tool_calls');
  expect(calls).toHaveLength(2);
  const first = calls[0] as OpenAI.ChatCompletionMessageFunctionToolCall;
  expect(first.id).toBe('call_1');
  expect(first.function.name).toBe('whatsapp');
  expect(JSON.parse(first.function.arguments)).toEqual(args);
  expect(calls[1]?.id).toMatch(/^call_/);

  const second = await client.chat.completions.create({
    model: 'gpt-sim',
    messages: [
      ...user('react please'),
      { role: 'assistant', content: null, tool_calls: [first] },
      { role: 'tool', tool_call_id: 'call_1', content: 'reacted' },
    ],
    tools: [whatsappTool],
  });
  expect(second.choices[0]?.message.content).toBe('Done');
  const sent = sim.requests[1]!.body;
  expect(sent.messages.at(-1)).toEqual({ role: 'tool', tool_call_id: 'call_1', content: 'reacted' });
  expect(sent.tools[0].function.name).toBe('whatsapp');
});

it('returns tool calls in one body when not streaming', async () => {
  sim.script({ toolCalls: [{ id: 'call_9', name: 'whatsapp', arguments: { emoji: '❤️' } }] });
  const res = await client.chat.completions.create({
    model: 'gpt-sim',
    messages: user('x'),
    tools: [whatsappTool],
  });
  const call = res.choices[0]!.message.tool_calls![0] as OpenAI.ChatCompletionMessageFunctionToolCall;
  expect(res.choices[0]?.message.content).toBeNull();
  expect(call).toMatchObject({ id: 'call_9', type: 'function', function: { name: 'whatsapp' } });
  expect(JSON.parse(call.function.arguments)).toEqual({ emoji: '❤️' });
});

it('surfaces 401 and 404 as the typed errors with their messages', async () => {
  sim.script(
    { error: { status: 401, message: 'Incorrect API key provided: sk-te***' } },
    { error: { status: 404 } },
  );
  const auth = await client.chat.completions
    .create({ model: 'gpt-sim', messages: user('x') })
    .catch((e: unknown) => e);
  expect(auth).toBeInstanceOf(AuthenticationError);
  expect((auth as AuthenticationError).message).toContain('Incorrect API key provided');
  expect((auth as AuthenticationError).code).toBe('invalid_api_key');
  const missing = await client.chat.completions
    .create({ model: 'nope', messages: user('x') })
    .catch((e: unknown) => e);
  expect(missing).toBeInstanceOf(NotFoundError);
  expect((missing as NotFoundError).message).toContain('The model `nope` does not exist');
});

it('sends Retry-After on a 429, and the SDK waits for it and retries to success', async () => {
  sim.script({ error: { status: 429, retryAfterSeconds: 0.1 } });
  const refused = await client.chat.completions
    .create({ model: 'gpt-sim', messages: user('x') })
    .catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(RateLimitError);
  expect((refused as RateLimitError).headers?.get('retry-after')).toBe('0.1');
  expect((refused as RateLimitError).headers?.get('retry-after-ms')).toBe('100');

  sim.reset();
  sim.script({ error: { status: 429, retryAfterSeconds: 1 } }, { text: 'after the wait' });
  const retrying = new OpenAI({ apiKey: 'k', baseURL: sim.openaiBaseUrl, maxRetries: 2 });
  const res = await retrying.chat.completions.create({ model: 'gpt-sim', messages: user('x') });
  expect(res.choices[0]?.message.content).toBe('after the wait');
  expect(sim.requests).toHaveLength(2);
  // The SDK's own backoff would be under a second; only the header makes it wait this long.
  expect(sim.requests[1]!.at - sim.requests[0]!.at).toBeGreaterThanOrEqual(1000);
});

it('rejects a body without messages with a 400 naming the field, without taking a scripted step', async () => {
  sim.script({ text: 'kept' });
  const err = await client.chat.completions
    .create({ model: 'gpt-sim', messages: [] })
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(BadRequestError);
  expect((err as BadRequestError).message).toContain('messages');
  expect(sim.pending()).toBe(1);
});

it('drops the connection: a connection error, then the SDK retry gets the next step', async () => {
  sim.script({ drop: true });
  const err = await client.chat.completions
    .create({ model: 'gpt-sim', messages: user('x') })
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(APIConnectionError);
  expect(sim.requests[0]?.outcome).toBe('dropped');

  sim.script({ drop: true }, { text: 'second try' });
  const retrying = new OpenAI({ apiKey: 'k', baseURL: sim.openaiBaseUrl, maxRetries: 1 });
  const res = await retrying.chat.completions.create({ model: 'gpt-sim', messages: user('x') });
  expect(res.choices[0]?.message.content).toBe('second try');
});

it('stalls after partial text until the client aborts, and the sim sees the client go', async () => {
  sim.script({ stall: { afterText: 'Hel' } });
  const abort = new AbortController();
  const stream = await client.chat.completions.create(
    { model: 'gpt-sim', messages: user('x'), stream: true },
    { signal: abort.signal },
  );
  const seen: string[] = [];
  for await (const chunk of stream) {
    const piece = chunk.choices[0]?.delta.content;
    if (piece) {
      seen.push(piece);
      abort.abort(); // the SDK ends the iteration quietly on its own abort
    }
  }
  expect(seen).toEqual(['Hel']);
  await vi.waitFor(() => expect(sim.requests[0]?.outcome).toBe('client-closed'));
});

const whatsappTool: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'whatsapp',
    description: 'React to a message',
    parameters: { type: 'object', properties: { emoji: { type: 'string' } } },
  },
};

it('refuses what OpenAI refuses: orphan tool results, unanswered tool calls, stream_options without stream', async () => {
  sim.script({ text: 'kept' });
  const call = { id: 'call_1', type: 'function' as const, function: { name: 'whatsapp', arguments: '{}' } };
  const orphan = await client.chat.completions
    .create({
      model: 'gpt-sim',
      messages: [...user('x'), { role: 'tool', tool_call_id: 'call_1', content: 'r' }],
    })
    .catch((e: unknown) => e);
  expect(orphan).toBeInstanceOf(BadRequestError);
  expect((orphan as BadRequestError).message).toContain("messages[1]: a 'tool' message must answer");
  const unanswered = await client.chat.completions
    .create({
      model: 'gpt-sim',
      messages: [...user('x'), { role: 'assistant', content: null, tool_calls: [call] }, ...user('and?')],
    })
    .catch((e: unknown) => e);
  expect((unanswered as BadRequestError).message).toContain(
    'must be followed by tool messages for each id (missing call_1)',
  );
  const options = await client.chat.completions
    .create({ model: 'gpt-sim', messages: user('x'), stream_options: { include_usage: true } })
    .catch((e: unknown) => e);
  expect((options as BadRequestError).message).toContain(
    "'stream_options' is only allowed when 'stream' is true",
  );
  expect(sim.pending()).toBe(1);
  expect(sim.requests).toHaveLength(3); // refused requests are still recorded
});

it('streams a tool call as OpenAI does: id, type and name first, then argument pieces by index', async () => {
  sim.script({ toolCalls: [{ id: 'call_7', name: 'whatsapp', arguments: { emoji: '👍' } }], chunkSize: 7 });
  const stream = await client.chat.completions.create({
    model: 'gpt-sim',
    messages: user('x'),
    stream: true,
  });
  const deltas: OpenAI.ChatCompletionChunk.Choice.Delta.ToolCall[] = [];
  let finish: string | null | undefined;
  for await (const chunk of stream) {
    deltas.push(...(chunk.choices[0]?.delta.tool_calls ?? []));
    finish = chunk.choices[0]?.finish_reason ?? finish;
  }
  expect(deltas[0]).toEqual({
    index: 0,
    id: 'call_7',
    type: 'function',
    function: { name: 'whatsapp', arguments: '' },
  });
  const rest = deltas.slice(1);
  expect(rest.every((d) => d.index === 0 && d.id === undefined && d.function?.name === undefined)).toBe(true);
  expect(rest.map((d) => d.function?.arguments)).toEqual(['{"emoji', '":"👍"}']);
  expect(finish).toBe('tool_calls');
});
