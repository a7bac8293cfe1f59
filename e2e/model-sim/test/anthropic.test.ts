// The real `@anthropic-ai/sdk` against the simulator: streaming and not, tool_use round trips, usage, errors.
import Anthropic, {
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
} from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, expect, it, vi } from 'vitest';
import { startModelSim, type ModelSim } from '../index';

let sim: ModelSim;
let client: Anthropic;
const user = (content: string) => [{ role: 'user' as const, content }];
const base = { model: 'claude-sim', max_tokens: 256 };

beforeAll(async () => {
  sim = await startModelSim();
  client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: sim.anthropicBaseUrl, maxRetries: 0 });
});
beforeEach(() => sim.reset());
afterAll(() => sim.close());

it('answers without streaming, with all four usage counts, and records the request', async () => {
  sim.script({ text: 'Hello there', usage: { input: 12, output: 3, cacheRead: 900, cacheWrite: 40 } });
  const { data, response } = await client.messages
    .create({
      ...base,
      system: [{ type: 'text', text: 'You are helpful', cache_control: { type: 'ephemeral' } }],
      messages: user('hi'),
    })
    .withResponse();
  expect(data.content).toEqual([{ type: 'text', text: 'Hello there' }]);
  expect(data.stop_reason).toBe('end_turn');
  expect(data.usage).toMatchObject({
    input_tokens: 12,
    output_tokens: 3,
    cache_read_input_tokens: 900,
    cache_creation_input_tokens: 40,
  });
  expect(response.headers.get('x-openclaw-model-sim')).toBe('1');
  expect(response.headers.get('request-id')).toMatch(/^req_/);

  const req = sim.requests[0]!;
  expect(req).toMatchObject({
    format: 'anthropic',
    path: '/v1/messages',
    model: 'claude-sim',
    stream: false,
  });
  expect(req.body.system[0].cache_control).toEqual({ type: 'ephemeral' });
  expect(req.headers['anthropic-version']).toBeTruthy();
  expect(req.headers.authorization ?? req.headers['x-api-key']).toContain('sk-ant-test');
});

it('streams text deltas and usage from message_start and message_delta into the final message', async () => {
  sim.script({
    text: 'abcdefghij',
    chunkSize: 4,
    usage: { input: 5, output: 2, cacheRead: 3, cacheWrite: 1 },
  });
  const stream = client.messages.stream({ ...base, messages: user('hi') });
  const pieces: string[] = [];
  stream.on('text', (t) => pieces.push(t));
  const final = await stream.finalMessage();
  expect(pieces).toEqual(['abcd', 'efgh', 'ij']);
  expect(final.content).toHaveLength(1);
  expect(final.content[0]).toMatchObject({ type: 'text', text: 'abcdefghij' });
  expect(final.usage).toMatchObject({
    input_tokens: 5,
    output_tokens: 2,
    cache_read_input_tokens: 3,
    cache_creation_input_tokens: 1,
  });
  expect(sim.requests[0]?.stream).toBe(true);
});

it('reports max_tokens when the step stops for length', async () => {
  sim.script({ text: 'cut', stopReason: 'length' });
  const res = await client.messages.create({ ...base, messages: user('x') });
  expect(res.stop_reason).toBe('max_tokens');
});

it('streams tool_use blocks as input_json deltas, and records the tool_result sent back', async () => {
  const input = { action: 'react', messageId: 'ABC', emoji: '👍' };
  sim.script(
    { text: 'Reacting.', toolCalls: [{ id: 'toolu_1', name: 'whatsapp', arguments: input }], chunkSize: 6 },
    { text: 'Done' },
  );
  const final = await client.messages
    .stream({ ...base, messages: user('react'), tools: [whatsappTool] })
    .finalMessage();
  expect(final.stop_reason).toBe('tool_use');
  expect(final.content[0]).toMatchObject({ type: 'text', text: 'Reacting.' });
  expect(final.content[1]).toMatchObject({ type: 'tool_use', id: 'toolu_1', name: 'whatsapp', input });

  const second = await client.messages.create({
    ...base,
    tools: [whatsappTool],
    messages: [
      ...user('react'),
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Reacting.' },
          { type: 'tool_use', id: 'toolu_1', name: 'whatsapp', input },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'reacted' }] },
    ],
  });
  expect(second.content).toEqual([{ type: 'text', text: 'Done' }]);
  const sent = sim.requests[1]!.body;
  expect(sent.messages.at(-1).content[0]).toEqual({
    type: 'tool_result',
    tool_use_id: 'toolu_1',
    content: 'reacted',
  });
  expect(sent.tools[0].name).toBe('whatsapp');
});

it('returns tool_use in one body when not streaming, with a generated id', async () => {
  sim.script({ toolCalls: [{ name: 'whatsapp', arguments: { emoji: '❤️' } }] });
  const res = await client.messages.create({ ...base, messages: user('x'), tools: [whatsappTool] });
  expect(res.content).toEqual([
    { type: 'tool_use', id: expect.stringMatching(/^toolu_/), name: 'whatsapp', input: { emoji: '❤️' } },
  ]);
});

it('surfaces 401 and 404 as the typed errors with their messages and error types', async () => {
  sim.script({ error: { status: 401, message: 'invalid x-api-key' } }, { error: { status: 404 } });
  const auth = await client.messages.create({ ...base, messages: user('x') }).catch((e: unknown) => e);
  expect(auth).toBeInstanceOf(AuthenticationError);
  expect((auth as AuthenticationError).message).toContain('invalid x-api-key');
  expect((auth as AuthenticationError).type).toBe('authentication_error');
  const missing = await client.messages
    .create({ ...base, model: 'nope', messages: user('x') })
    .catch((e: unknown) => e);
  expect(missing).toBeInstanceOf(NotFoundError);
  expect((missing as NotFoundError).message).toContain('model: nope');
});

it('529 is an overloaded_error the SDK would retry; with Retry-After the retry succeeds', async () => {
  sim.script({ error: { status: 529 } });
  const err = await client.messages.create({ ...base, messages: user('x') }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(InternalServerError);
  expect((err as InternalServerError).status).toBe(529);
  expect((err as InternalServerError).type).toBe('overloaded_error');

  sim.script(
    { error: { status: 429, retryAfterSeconds: 0.1 } },
    { error: { status: 500 } },
    { text: 'third time' },
  );
  const retrying = new Anthropic({ apiKey: 'k', baseURL: sim.anthropicBaseUrl, maxRetries: 2 });
  const res = await retrying.messages.create({ ...base, messages: user('x') });
  expect(res.content).toEqual([{ type: 'text', text: 'third time' }]);
  expect(sim.requests).toHaveLength(4);
});

it('x-should-retry: false stops the SDK from retrying a 500', async () => {
  sim.script({ error: { status: 500, shouldRetry: false } }, { text: 'never reached' });
  const retrying = new Anthropic({ apiKey: 'k', baseURL: sim.anthropicBaseUrl, maxRetries: 2 });
  await expect(retrying.messages.create({ ...base, messages: user('x') })).rejects.toBeInstanceOf(
    InternalServerError,
  );
  expect(sim.requests).toHaveLength(1);
});

it('rejects temperature under the API version the SDK sends, and a missing max_tokens, naming the field', async () => {
  sim.script({ text: 'kept' });
  // The SDK's types no longer have temperature; an older caller (or a generic one) can still send it.
  const sampling: object = { temperature: 0.2 };
  const hot = await client.messages
    .create({ ...base, messages: user('x'), ...sampling })
    .catch((e: unknown) => e);
  expect(hot).toBeInstanceOf(BadRequestError);
  expect((hot as BadRequestError).message).toContain('temperature');
  const noMax = await client.messages
    .create({
      model: 'claude-sim',
      messages: user('x'),
    } as unknown as Anthropic.MessageCreateParamsNonStreaming)
    .catch((e: unknown) => e);
  expect((noMax as BadRequestError).message).toContain('max_tokens');
  expect(sim.pending()).toBe(1);
});

it('stalls after message_start and partial text until the client aborts', async () => {
  sim.script({ stall: { afterText: 'Hel' } });
  const stream = client.messages.stream({ ...base, messages: user('x') });
  stream.on('text', () => stream.abort());
  await expect(stream.finalMessage()).rejects.toThrow(/abort/i);
  await vi.waitFor(() => expect(sim.requests[0]?.outcome).toBe('client-closed'));
});

const whatsappTool: Anthropic.Tool = {
  name: 'whatsapp',
  description: 'React to a message',
  input_schema: { type: 'object', properties: { emoji: { type: 'string' } } },
};

it('refuses tool_result blocks that answer no tool_use, and tool_use left unanswered', async () => {
  sim.script({ text: 'kept' });
  const orphan = await client.messages
    .create({
      ...base,
      messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_x', content: 'r' }] }],
    })
    .catch((e: unknown) => e);
  expect(orphan).toBeInstanceOf(BadRequestError);
  expect((orphan as BadRequestError).message).toContain(
    'unexpected tool_use_id in tool_result blocks: toolu_x',
  );
  const unanswered = await client.messages
    .create({
      ...base,
      messages: [
        ...user('x'),
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'whatsapp', input: {} }] },
        ...user('and?'),
      ],
    })
    .catch((e: unknown) => e);
  expect((unanswered as BadRequestError).message).toContain(
    'tool_use ids without tool_result blocks right after them: toolu_1',
  );
  expect(sim.pending()).toBe(1);
});

it('streams the raw events in Anthropic order, a tool_use block carrying input_json_delta pieces', async () => {
  sim.script({ toolCalls: [{ id: 'toolu_7', name: 'whatsapp', arguments: { emoji: '👍' } }], chunkSize: 7 });
  const stream = await client.messages.create({ ...base, messages: user('x'), stream: true });
  const events: Anthropic.RawMessageStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  expect(events.map((e) => e.type)).toEqual([
    'message_start',
    'content_block_start',
    'content_block_delta',
    'content_block_delta',
    'content_block_stop',
    'message_delta',
    'message_stop',
  ]);
  expect(events[1]).toMatchObject({
    index: 0,
    content_block: { type: 'tool_use', id: 'toolu_7', name: 'whatsapp', input: {} },
  });
  const pieces = events.flatMap((e) =>
    e.type === 'content_block_delta' && e.delta.type === 'input_json_delta' ? [e.delta.partial_json] : [],
  );
  expect(pieces).toEqual(['{"emoji', '":"👍"}']);
  expect(events[5]).toMatchObject({ delta: { stop_reason: 'tool_use' } });
});
