// The Anthropic Messages wire format (what `@anthropic-ai/sdk` sends and parses): request checks, JSON and SSE
// answers (message_start, content blocks with text and input_json deltas, message_delta), error bodies.
import { randomBytes } from 'node:crypto';
import { anthropicToolPairingProblem } from './conversation';
import type { Exchange } from './sse';
import {
  argumentsText,
  chunks,
  usageFor,
  type RecordedRequest,
  type SimError,
  type TextStep,
  type ToolCallStep,
} from './script';

const ERROR_TYPES: Record<number, { type: string; message: string }> = {
  400: { type: 'invalid_request_error', message: 'Invalid request.' },
  401: { type: 'authentication_error', message: 'invalid x-api-key' },
  403: {
    type: 'permission_error',
    message: 'Your API key does not have permission to use the specified resource.',
  },
  404: { type: 'not_found_error', message: 'The requested resource could not be found.' },
  413: { type: 'request_too_large', message: 'Request exceeds the maximum allowed number of bytes.' },
  429: { type: 'rate_limit_error', message: 'Number of requests has exceeded your rate limit.' },
  500: { type: 'api_error', message: 'Internal server error' },
  529: { type: 'overloaded_error', message: 'Overloaded' },
};

const BAD_REQUEST = { type: 'invalid_request_error', message: 'Invalid request.' };
const SERVER_ERROR = { type: 'api_error', message: 'Internal server error' };

/** Sampling knobs that Anthropic rejects under the API version the 1.x SDK sends (see notes/toolchain.md). */
const REJECTED_SAMPLING = ['temperature', 'top_p', 'top_k'];
const SAMPLING_REJECTED_FROM = '2026-10-21';

export const anthropicRequestId = (): string => `req_${randomBytes(12).toString('base64url')}`;

export function anthropicErrorBody(error: SimError, requestId: string, model?: string): unknown {
  const known = ERROR_TYPES[error.status] ?? (error.status >= 500 ? SERVER_ERROR : BAD_REQUEST);
  const message = error.message ?? (error.status === 404 && model ? `model: ${model}` : known.message);
  return { type: 'error', error: { type: error.type ?? known.type, message }, request_id: requestId };
}

/** What is wrong with a messages body, naming the field, or undefined. */
export function anthropicRequestProblem(body: unknown, headers: Record<string, string>): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return 'The body must be a JSON object.';
  const b = body as Record<string, unknown>;
  if (typeof b.model !== 'string' || b.model === '') return 'model: Field required';
  if (typeof b.max_tokens !== 'number' || !Number.isInteger(b.max_tokens) || b.max_tokens < 1)
    return 'max_tokens: Field required (a positive integer)';
  if (!Array.isArray(b.messages) || b.messages.length === 0) return 'messages: must be a non-empty array';
  const version = headers['anthropic-version'] ?? '';
  const sampling = REJECTED_SAMPLING.filter((k) => k in b);
  if (sampling.length && version >= SAMPLING_REJECTED_FROM)
    return `${sampling.join(', ')}: not accepted under anthropic-version ${version}`;
  return anthropicToolPairingProblem(b.messages as never[]);
}

function stopReason(step: TextStep | ToolCallStep): string {
  if ('toolCalls' in step) return 'tool_use';
  return step.stopReason === 'length' ? 'max_tokens' : 'end_turn';
}

const toolUseId = (): string => `toolu_${randomBytes(12).toString('base64url')}`;

function parsedInput(args: unknown): unknown {
  if (typeof args !== 'string') return args ?? {};
  try {
    return JSON.parse(args);
  } catch {
    return args; // a malformed-JSON test gets its text back as is
  }
}

/** Answers a message with text and/or tool_use blocks, streamed or as one body. */
export async function answerAnthropic(
  ex: Exchange,
  req: RecordedRequest,
  step: TextStep | ToolCallStep,
): Promise<void> {
  const id = `msg_${randomBytes(12).toString('base64url')}`;
  const calls = 'toolCalls' in step ? step.toolCalls.map((c) => ({ ...c, id: c.id ?? toolUseId() })) : [];
  const text = step.text ?? '';
  const u = usageFor(step, req);
  const usage = {
    input_tokens: u.input,
    output_tokens: u.output,
    cache_creation_input_tokens: u.cacheWrite,
    cache_read_input_tokens: u.cacheRead,
  };
  const message = (content: unknown[], stop: string | null, usageNow: typeof usage) => ({
    id,
    type: 'message',
    role: 'assistant',
    model: req.model,
    content,
    stop_reason: stop,
    stop_sequence: null,
    usage: usageNow,
  });
  if (!req.stream) {
    const content: unknown[] = text ? [{ type: 'text', text }] : [];
    for (const c of calls)
      content.push({ type: 'tool_use', id: c.id, name: c.name, input: parsedInput(c.arguments) });
    ex.json(200, message(content, stopReason(step), usage));
    return;
  }

  const size = step.chunkSize;
  ex.startEvents();
  // Input and cache counts arrive up front; the output count grows and is final in message_delta.
  ex.event('message_start', {
    type: 'message_start',
    message: message([], null, { ...usage, output_tokens: 1 }),
  });
  ex.event('ping', { type: 'ping' });
  let index = 0;
  if (text) {
    ex.event('content_block_start', {
      type: 'content_block_start',
      index,
      content_block: { type: 'text', text: '' },
    });
    for (const piece of chunks(text, size)) {
      if (!(await ex.wait(step.chunkDelayMs))) return;
      ex.event('content_block_delta', {
        type: 'content_block_delta',
        index,
        delta: { type: 'text_delta', text: piece },
      });
    }
    ex.event('content_block_stop', { type: 'content_block_stop', index });
    index++;
  }
  for (const call of calls) {
    if (!(await ex.wait(step.chunkDelayMs))) return;
    ex.event('content_block_start', {
      type: 'content_block_start',
      index,
      content_block: { type: 'tool_use', id: call.id, name: call.name, input: {} },
    });
    for (const piece of chunks(argumentsText(call.arguments), size)) {
      if (!(await ex.wait(step.chunkDelayMs))) return;
      ex.event('content_block_delta', {
        type: 'content_block_delta',
        index,
        delta: { type: 'input_json_delta', partial_json: piece },
      });
    }
    ex.event('content_block_stop', { type: 'content_block_stop', index });
    index++;
  }
  ex.event('message_delta', {
    type: 'message_delta',
    delta: { stop_reason: stopReason(step), stop_sequence: null },
    usage: { output_tokens: usage.output_tokens },
  });
  ex.event('message_stop', { type: 'message_stop' });
  ex.end();
}

/** The start of a stream that then goes quiet: message_start and the optional partial text. */
export function stallAnthropic(ex: Exchange, req: RecordedRequest, afterText: string | undefined): void {
  if (!req.stream) return ex.startJson();
  ex.startEvents();
  ex.event('message_start', {
    type: 'message_start',
    message: {
      id: `msg_${randomBytes(12).toString('base64url')}`,
      type: 'message',
      role: 'assistant',
      model: req.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: {
        input_tokens: 1,
        output_tokens: 1,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
      },
    },
  });
  if (afterText) {
    ex.event('content_block_start', {
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'text', text: '' },
    });
    ex.event('content_block_delta', {
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'text_delta', text: afterText },
    });
  }
}

export function anthropicModels(ids: string[]): unknown {
  const data = ids.map((id) => ({ type: 'model', id, display_name: id, created_at: '2026-01-01T00:00:00Z' }));
  return { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
}
