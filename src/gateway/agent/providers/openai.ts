// OpenAI Chat Completions through the official `openai` SDK: OpenAI itself and every compatible server (OpenRouter,
// Ollama, LM Studio, vLLM, llama.cpp). Streams with usage in the final chunk; tool calls arrive as pieces keyed by
// index and are assembled here.
import OpenAI from 'openai';
import type {
  ChatCompletionChunk,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import { toModelError } from './errors';
import { hostOf } from './keys';
import { ModelError, type ChatMessage, type ModelRequest, type ToolSpec } from './types';
import { StreamWatchdog } from './watchdog';
import {
  sdkLogger,
  type WireCallOptions,
  type WireClient,
  type WireClientOptions,
  type WireResult,
} from './wire';

export function toOpenAIMessages(system: string, messages: ChatMessage[]): ChatCompletionMessageParam[] {
  const out: ChatCompletionMessageParam[] = system ? [{ role: 'system', content: system }] : [];
  for (const m of messages) {
    if (m.role === 'user') {
      out.push({
        role: 'user',
        content:
          typeof m.content === 'string'
            ? m.content
            : m.content.map((p) =>
                p.type === 'text'
                  ? { type: 'text' as const, text: p.text }
                  : {
                      type: 'image_url' as const,
                      image_url: { url: `data:${p.mimeType};base64,${p.dataBase64}` },
                    },
              ),
      });
    } else if (m.role === 'assistant') {
      const calls = m.toolCalls ?? [];
      out.push({
        role: 'assistant',
        // Some compatible servers reject an empty string next to tool calls; null is what OpenAI itself sends.
        content: m.content || (calls.length ? null : ''),
        ...(calls.length
          ? {
              tool_calls: calls.map((c) => ({
                id: c.id,
                type: 'function' as const,
                function: { name: c.name, arguments: c.arguments },
              })),
            }
          : {}),
      });
    } else {
      out.push({ role: 'tool', tool_call_id: m.toolCallId, content: m.content });
    }
  }
  return out;
}

export function toOpenAITools(tools: ToolSpec[]): ChatCompletionTool[] {
  return tools.map((t) => ({
    type: 'function',
    function: { name: t.name, description: t.description, parameters: t.parameters },
  }));
}

/** OpenAI's own API wants max_completion_tokens (reasoning models refuse max_tokens); other servers know max_tokens. */
function isOpenAIHost(baseUrl: string): boolean {
  return hostOf(baseUrl) === 'api.openai.com';
}

export function openAIRequestBody(
  modelId: string,
  req: ModelRequest,
  maxTokens: number,
  baseUrl: string,
): ChatCompletionCreateParamsStreaming {
  return {
    model: modelId,
    messages: toOpenAIMessages(req.system, req.messages),
    ...(req.tools.length ? { tools: toOpenAITools(req.tools) } : {}),
    ...(isOpenAIHost(baseUrl) ? { max_completion_tokens: maxTokens } : { max_tokens: maxTokens }),
    stream: true,
    stream_options: { include_usage: true },
  };
}

export function normaliseOpenAIStop(reason: string): string {
  return reason === 'function_call' ? 'tool_calls' : reason;
}

/** Folds streamed chunks into one answer; exported so the assembly is tested on its own. */
export class OpenAIStreamAssembler {
  text = '';
  stopReason: string | undefined;
  usage = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
  private readonly calls = new Map<number, { id: string; name: string; arguments: string }>();

  add(chunk: ChatCompletionChunk, onText?: (delta: string) => void): void {
    for (const choice of chunk.choices ?? []) {
      const d = choice.delta;
      if (d?.content) {
        this.text += d.content;
        onText?.(d.content);
      }
      for (const tc of d?.tool_calls ?? []) {
        const call = this.calls.get(tc.index) ?? { id: '', name: '', arguments: '' };
        if (tc.id) call.id = tc.id;
        if (tc.function?.name) call.name += tc.function.name;
        if (tc.function?.arguments) call.arguments += tc.function.arguments;
        this.calls.set(tc.index, call);
      }
      if (choice.finish_reason) this.stopReason = normaliseOpenAIStop(choice.finish_reason);
    }
    if (chunk.usage) {
      const cached = chunk.usage.prompt_tokens_details?.cached_tokens ?? 0;
      this.usage = {
        input: Math.max(0, (chunk.usage.prompt_tokens ?? 0) - cached),
        output: chunk.usage.completion_tokens ?? 0,
        cacheRead: cached,
        cacheWrite: 0,
      };
    }
  }

  result(): WireResult {
    const toolCalls = [...this.calls.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, c]) => ({ id: c.id || `call_${index}`, name: c.name, arguments: c.arguments || '{}' }));
    return { text: this.text, toolCalls, usage: this.usage, stopReason: this.stopReason ?? 'stop' };
  }
}

export class OpenAIClient implements WireClient {
  private readonly client: OpenAI;

  constructor(private readonly opts: WireClientOptions) {
    this.client = new OpenAI({
      apiKey: opts.apiKey,
      baseURL: opts.baseUrl,
      defaultHeaders: opts.headers,
      // Our retry policy (retry-policy.ts) is the only one, so what happens is visible and tested.
      maxRetries: 0,
      timeout: opts.timeoutMs,
      logger: sdkLogger(opts.logger),
      // Never pick up OPENAI_ORG_ID / OPENAI_PROJECT_ID meant for another tool.
      organization: null,
      project: null,
    });
  }

  async call(modelId: string, req: ModelRequest, o: WireCallOptions): Promise<WireResult> {
    const dog = new StreamWatchdog(o.idleMs, req.signal);
    const ctx = () => ({
      model: o.ref,
      baseUrl: this.opts.baseUrl,
      stalled: dog.stalled,
      idleMs: o.idleMs,
      signal: req.signal,
      secret: this.opts.apiKey,
    });
    try {
      const body = openAIRequestBody(modelId, req, o.maxTokens, this.opts.baseUrl);
      const { data: stream, response } = await this.client.chat.completions
        .create(body, { signal: dog.signal })
        .withResponse();
      o.onHeaders?.(response.headers);
      const acc = new OpenAIStreamAssembler();
      dog.touch();
      for await (const chunk of stream) {
        dog.touch();
        acc.add(chunk, req.onText);
      }
      // The SDK ends the iteration quietly when aborted; an abort is still a failure here.
      if (dog.signal.aborted) throw toModelError(dog.signal.reason, ctx());
      if (acc.stopReason === undefined) {
        throw new ModelError('server', `${o.ref}: the stream ended before the answer was complete`, {
          model: o.ref,
        });
      }
      return acc.result();
    } catch (err) {
      const h = (err as { headers?: unknown }).headers;
      if (h instanceof Headers) o.onHeaders?.(h);
      throw toModelError(err, ctx());
    } finally {
      dog.dispose();
    }
  }
}
