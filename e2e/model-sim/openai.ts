// The OpenAI Chat Completions wire format (what the `openai` SDK sends and parses): request checks, JSON and SSE
// answers with tool-call deltas and usage, and error bodies shaped like OpenAI's.
import { randomBytes } from 'node:crypto';
import { openaiToolPairingProblem } from './conversation';
import type { Exchange } from './sse';
import {
  argumentsText,
  chunks,
  usageFor,
  type RecordedRequest,
  type SimError,
  type SimUsage,
  type TextStep,
  type ToolCallStep,
} from './script';

const ERROR_TYPES: Record<number, { type: string; code: string | null; message: string }> = {
  400: { type: 'invalid_request_error', code: null, message: 'Invalid request.' },
  401: { type: 'invalid_request_error', code: 'invalid_api_key', message: 'Incorrect API key provided.' },
  403: {
    type: 'invalid_request_error',
    code: 'unsupported_country_region_territory',
    message: 'Access denied.',
  },
  404: { type: 'invalid_request_error', code: 'model_not_found', message: 'The model does not exist.' },
  429: { type: 'requests', code: 'rate_limit_exceeded', message: 'Rate limit reached for requests.' },
  500: {
    type: 'server_error',
    code: null,
    message: 'The server had an error while processing your request.',
  },
  503: { type: 'server_error', code: null, message: 'The engine is currently overloaded.' },
  529: { type: 'server_error', code: null, message: 'The engine is currently overloaded.' },
};

const BAD_REQUEST = { type: 'invalid_request_error', code: null, message: 'Invalid request.' };
const SERVER_ERROR = {
  type: 'server_error',
  code: null,
  message: 'The server had an error while processing your request.',
};

export const openaiRequestId = (): string => `req_${randomBytes(12).toString('hex')}`;

export function openaiErrorBody(error: SimError, model?: string): unknown {
  const known = ERROR_TYPES[error.status] ?? (error.status >= 500 ? SERVER_ERROR : BAD_REQUEST);
  const message =
    error.message ??
    (error.status === 404 && model
      ? `The model \`${model}\` does not exist or you do not have access to it.`
      : known.message);
  return { error: { message, type: error.type ?? known.type, param: null, code: known.code } };
}

/** What is wrong with a chat completions body, naming the field, or undefined. */
export function openaiRequestProblem(body: unknown): { message: string; param: string } | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { message: 'The body must be a JSON object.', param: '' };
  const b = body as Record<string, unknown>;
  if (typeof b.model !== 'string' || b.model === '')
    return { message: 'you must provide a model parameter', param: 'model' };
  if (!Array.isArray(b.messages) || b.messages.length === 0)
    return { message: "'messages' must be a non-empty array.", param: 'messages' };
  // Real OpenAI refuses stream_options on a non-streaming request; a caller sharing options between both must not.
  if (b.stream_options != null && b.stream !== true)
    return { message: "'stream_options' is only allowed when 'stream' is true.", param: 'stream_options' };
  const pairing = openaiToolPairingProblem(b.messages as never[]);
  if (pairing) return { message: pairing, param: 'messages' };
  return undefined;
}

function usageBody(u: SimUsage) {
  const prompt = u.input + u.cacheRead + u.cacheWrite; // OpenAI counts every prompt token, cached or not
  return {
    prompt_tokens: prompt,
    completion_tokens: u.output,
    total_tokens: prompt + u.output,
    prompt_tokens_details: { cached_tokens: u.cacheRead, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

const toolCallId = (): string => `call_${randomBytes(12).toString('base64url')}`;

function finishReason(step: TextStep | ToolCallStep): string {
  if ('toolCalls' in step) return 'tool_calls';
  return step.stopReason === 'length' ? 'length' : 'stop';
}

/** Answers a chat completion with text and/or tool calls, streamed or as one body. */
export async function answerOpenai(
  ex: Exchange,
  req: RecordedRequest,
  step: TextStep | ToolCallStep,
): Promise<void> {
  const id = `chatcmpl-${randomBytes(12).toString('base64url')}`;
  const created = Math.floor(Date.now() / 1000);
  const calls = 'toolCalls' in step ? step.toolCalls.map((c) => ({ ...c, id: c.id ?? toolCallId() })) : [];
  const text = step.text ?? '';
  const usage = usageBody(usageFor(step, req));
  if (!req.stream) {
    const message: Record<string, unknown> = {
      role: 'assistant',
      content: text === '' && calls.length ? null : text,
      refusal: null,
    };
    if (calls.length)
      message.tool_calls = calls.map((c) => ({
        id: c.id,
        type: 'function',
        function: { name: c.name, arguments: argumentsText(c.arguments) },
      }));
    ex.json(200, {
      id,
      object: 'chat.completion',
      created,
      model: req.model,
      choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason(step) }],
      usage,
      system_fingerprint: null,
    });
    return;
  }

  const chunk = (delta: unknown, finish: string | null = null) => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model: req.model,
    system_fingerprint: null,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  });
  const size = step.chunkSize;
  ex.startEvents();
  ex.event(undefined, chunk({ role: 'assistant', content: '', refusal: null }));
  for (const piece of chunks(text, size)) {
    if (!(await ex.wait(step.chunkDelayMs))) return;
    ex.event(undefined, chunk({ content: piece }));
  }
  for (const [index, call] of calls.entries()) {
    if (!(await ex.wait(step.chunkDelayMs))) return;
    ex.event(
      undefined,
      chunk({
        tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }],
      }),
    );
    for (const piece of chunks(argumentsText(call.arguments), size)) {
      if (!(await ex.wait(step.chunkDelayMs))) return;
      ex.event(undefined, chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
    }
  }
  const includeUsage = req.body?.stream_options?.include_usage === true;
  ex.event(undefined, { ...chunk({}, finishReason(step)), ...(includeUsage ? { usage: null } : {}) });
  if (includeUsage) ex.event(undefined, { ...chunk({}), choices: [], usage });
  ex.event(undefined, '[DONE]');
  ex.end();
}

/** The start of a stream that then goes quiet: role chunk and the optional partial text. */
export function stallOpenai(ex: Exchange, req: RecordedRequest, afterText: string | undefined): void {
  if (!req.stream) return ex.startJson();
  const base = {
    id: `chatcmpl-${randomBytes(12).toString('base64url')}`,
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model: req.model,
    system_fingerprint: null,
  };
  ex.startEvents();
  ex.event(undefined, {
    ...base,
    choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }],
  });
  if (afterText)
    ex.event(undefined, {
      ...base,
      choices: [{ index: 0, delta: { content: afterText }, logprobs: null, finish_reason: null }],
    });
}

export function openaiModels(ids: string[]): unknown {
  return {
    object: 'list',
    data: ids.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'model-sim' })),
  };
}
