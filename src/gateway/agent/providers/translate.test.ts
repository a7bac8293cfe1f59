import { describe, expect, it } from 'vitest';
import { AnthropicStreamAssembler, anthropicRequestBody } from './anthropic';
import { OpenAIStreamAssembler, openAIRequestBody } from './openai';
import type { ChatMessage, ModelRequest } from './types';

const history: ChatMessage[] = [
  {
    role: 'user',
    content: [
      { type: 'text', text: 'what is this?' },
      { type: 'image', mimeType: 'image/png', dataBase64: 'iVBORw0K' },
    ],
  },
  {
    role: 'assistant',
    content: '',
    toolCalls: [{ id: 'c1', name: 'whatsapp', arguments: '{"action":"react"}' }],
  },
  { role: 'tool', toolCallId: 'c1', name: 'whatsapp', content: 'ok' },
  { role: 'user', content: 'thanks' },
];
const req: ModelRequest = {
  system: 'You are helpful.',
  messages: history,
  tools: [{ name: 'whatsapp', description: 'React', parameters: { type: 'object', properties: {} } }],
};

describe('OpenAI wire shape', () => {
  it('sends system, image data URLs, tool calls and results, tools and include_usage', () => {
    const body = openAIRequestBody('gpt', req, 512, 'http://127.0.0.1:1/v1');
    expect(body.messages).toEqual([
      { role: 'system', content: 'You are helpful.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'what is this?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0K' } },
        ],
      },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'c1', type: 'function', function: { name: 'whatsapp', arguments: '{"action":"react"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'c1', content: 'ok' },
      { role: 'user', content: 'thanks' },
    ]);
    expect(body.tools?.[0]).toEqual({
      type: 'function',
      function: { name: 'whatsapp', description: 'React', parameters: { type: 'object', properties: {} } },
    });
    expect(body).toMatchObject({ stream: true, stream_options: { include_usage: true }, max_tokens: 512 });
    expect(openAIRequestBody('gpt', req, 512, 'https://api.openai.com/v1')).toMatchObject({
      max_completion_tokens: 512,
    });
  });

  it('assembles tool calls from pieces and counts cached input apart', () => {
    const acc = new OpenAIStreamAssembler();
    const chunk = (delta: object, finish: string | null = null) =>
      ({ choices: [{ index: 0, delta, finish_reason: finish }] }) as never;
    acc.add(chunk({ content: 'Hi ' }));
    acc.add(chunk({ tool_calls: [{ index: 0, id: 'a', function: { name: 'what', arguments: '{"x"' } }] }));
    acc.add(chunk({ tool_calls: [{ index: 1, id: 'b', function: { name: 'other', arguments: '{}' } }] }));
    acc.add(
      chunk({ tool_calls: [{ index: 0, function: { name: 'sapp', arguments: ':1}' } }] }, 'tool_calls'),
    );
    acc.add({
      choices: [],
      usage: {
        prompt_tokens: 100,
        completion_tokens: 7,
        total_tokens: 107,
        prompt_tokens_details: { cached_tokens: 60 },
      },
    } as never);
    expect(acc.result()).toEqual({
      text: 'Hi ',
      toolCalls: [
        { id: 'a', name: 'whatsapp', arguments: '{"x":1}' },
        { id: 'b', name: 'other', arguments: '{}' },
      ],
      usage: { input: 40, output: 7, cacheRead: 60, cacheWrite: 0 },
      stopReason: 'tool_calls',
    });
  });
});

describe('Anthropic wire shape', () => {
  it('marks the system prompt cacheable, merges tool results into one user turn, no sampling knobs', () => {
    const body = anthropicRequestBody('claude', req, 1024);
    expect(body.system).toEqual([
      { type: 'text', text: 'You are helpful.', cache_control: { type: 'ephemeral' } },
    ]);
    expect(body.max_tokens).toBe(1024);
    expect(body).not.toHaveProperty('temperature');
    expect(body).not.toHaveProperty('top_p');
    expect(body).not.toHaveProperty('top_k');
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'what is this?' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0K' } },
        ],
      },
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id: 'c1', name: 'whatsapp', input: { action: 'react' } }],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'c1', content: 'ok' },
          { type: 'text', text: 'thanks' },
        ],
      },
    ]);
    expect(body.tools).toEqual([
      { name: 'whatsapp', description: 'React', input_schema: { type: 'object', properties: {} } },
    ]);
  });

  it('assembles text, tool_use input and usage from message_start and message_delta', () => {
    const acc = new AnthropicStreamAssembler();
    const events = [
      {
        type: 'message_start',
        message: {
          usage: {
            input_tokens: 12,
            output_tokens: 1,
            cache_read_input_tokens: 300,
            cache_creation_input_tokens: 5,
          },
        },
      },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Sure' } },
      {
        type: 'content_block_start',
        index: 1,
        content_block: { type: 'tool_use', id: 't1', name: 'whatsapp', input: {} },
      },
      {
        type: 'content_block_delta',
        index: 1,
        delta: { type: 'input_json_delta', partial_json: '{"emoji":' },
      },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '"👍"}' } },
      {
        type: 'message_delta',
        delta: { stop_reason: 'tool_use' },
        usage: { output_tokens: 20, input_tokens: null },
      },
      { type: 'message_stop' },
    ];
    for (const e of events) acc.add(e as never);
    expect(acc.finished).toBe(true);
    expect(acc.result()).toEqual({
      text: 'Sure',
      toolCalls: [{ id: 't1', name: 'whatsapp', arguments: '{"emoji":"👍"}' }],
      usage: { input: 12, output: 20, cacheRead: 300, cacheWrite: 5 },
      stopReason: 'tool_calls',
    });
  });
});
