// Anthropic Messages through the official `@anthropic-ai/sdk`. The system prompt goes as one text block marked
// cacheable, so the stable prefix (tools, then system) is read from the prompt cache on later turns. No
// temperature/top_p/top_k: the SDK's API version rejects them (shared/notes/toolchain.md).
import Anthropic from '@anthropic-ai/sdk';
import type {
  ContentBlockParam,
  MessageCreateParamsStreaming,
  MessageParam,
  RawMessageStreamEvent,
  Tool,
} from '@anthropic-ai/sdk/resources/messages/messages';
import { toModelError } from './errors';
import { ModelError, type ChatMessage, type ModelRequest, type ToolSpec } from './types';
import { StreamWatchdog } from './watchdog';
import {
  sdkLogger,
  type WireCallOptions,
  type WireClient,
  type WireClientOptions,
  type WireResult,
} from './wire';

type ImageMime = 'image/jpeg' | 'image/png' | 'image/gif' | 'image/webp';
const IMAGE_MIMES = new Set<string>(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

function parseArguments(text: string): unknown {
  try {
    const v: unknown = JSON.parse(text || '{}');
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : { value: v };
  } catch {
    // The model wrote broken JSON last turn; send it back as text rather than dropping the turn.
    return { raw: text };
  }
}

/**
 * Anthropic wants user and assistant turns to alternate, and tool results inside a user turn: consecutive tool
 * results (and a user message right after them) are merged into one user turn.
 */
export function toAnthropicMessages(messages: ChatMessage[]): MessageParam[] {
  const out: MessageParam[] = [];
  const pushUser = (blocks: ContentBlockParam[]) => {
    const last = out.at(-1);
    if (last?.role === 'user' && Array.isArray(last.content)) last.content.push(...blocks);
    else out.push({ role: 'user', content: blocks });
  };
  for (const m of messages) {
    if (m.role === 'user') {
      const parts = typeof m.content === 'string' ? [{ type: 'text' as const, text: m.content }] : m.content;
      pushUser(
        parts.map((p): ContentBlockParam => {
          if (p.type === 'text') return { type: 'text', text: p.text };
          if (!IMAGE_MIMES.has(p.mimeType))
            return { type: 'text', text: `[image ${p.mimeType} not supported]` };
          return {
            type: 'image',
            source: { type: 'base64', media_type: p.mimeType as ImageMime, data: p.dataBase64 },
          };
        }),
      );
    } else if (m.role === 'assistant') {
      const blocks: ContentBlockParam[] = m.content ? [{ type: 'text', text: m.content }] : [];
      for (const c of m.toolCalls ?? []) {
        blocks.push({ type: 'tool_use', id: c.id, name: c.name, input: parseArguments(c.arguments) });
      }
      out.push({ role: 'assistant', content: blocks.length ? blocks : [{ type: 'text', text: '' }] });
    } else {
      pushUser([
        {
          type: 'tool_result',
          tool_use_id: m.toolCallId,
          content: m.content,
          ...(m.isError ? { is_error: true } : {}),
        },
      ]);
    }
  }
  return out;
}

export function toAnthropicTools(tools: ToolSpec[]): Tool[] {
  return tools.map((t) => ({
    name: t.name,
    description: t.description,
    input_schema: { type: 'object', ...t.parameters } as Tool['input_schema'],
  }));
}

export function anthropicRequestBody(
  modelId: string,
  req: ModelRequest,
  maxTokens: number,
): MessageCreateParamsStreaming {
  return {
    model: modelId,
    max_tokens: maxTokens,
    ...(req.system
      ? { system: [{ type: 'text', text: req.system, cache_control: { type: 'ephemeral' } }] }
      : {}),
    messages: toAnthropicMessages(req.messages),
    ...(req.tools.length ? { tools: toAnthropicTools(req.tools) } : {}),
    stream: true,
  };
}

export function normaliseAnthropicStop(reason: string | null | undefined): string {
  if (reason === 'end_turn' || reason === 'stop_sequence' || !reason) return 'stop';
  if (reason === 'tool_use') return 'tool_calls';
  if (reason === 'max_tokens') return 'length';
  return reason;
}

/** Folds stream events into one answer; exported so the assembly is tested on its own. */
export class AnthropicStreamAssembler {
  text = '';
  stopReason: string | undefined;
  finished = false;
  usage = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
  private readonly blocks = new Map<number, { id: string; name: string; json: string }>();

  add(ev: RawMessageStreamEvent, onText?: (delta: string) => void): void {
    switch (ev.type) {
      case 'message_start': {
        const u = ev.message.usage;
        this.usage = {
          input: u.input_tokens ?? 0,
          output: u.output_tokens ?? 0,
          cacheRead: u.cache_read_input_tokens ?? 0,
          cacheWrite: u.cache_creation_input_tokens ?? 0,
        };
        break;
      }
      case 'content_block_start':
        if (ev.content_block.type === 'tool_use') {
          this.blocks.set(ev.index, { id: ev.content_block.id, name: ev.content_block.name, json: '' });
        } else if (ev.content_block.type === 'text' && ev.content_block.text) {
          this.text += ev.content_block.text;
          onText?.(ev.content_block.text);
        }
        break;
      case 'content_block_delta':
        if (ev.delta.type === 'text_delta') {
          this.text += ev.delta.text;
          onText?.(ev.delta.text);
        } else if (ev.delta.type === 'input_json_delta') {
          const b = this.blocks.get(ev.index);
          if (b) b.json += ev.delta.partial_json;
        }
        break;
      case 'message_delta': {
        // Counts here are cumulative: they replace what message_start said, where given.
        const u = ev.usage;
        this.usage = {
          input: u.input_tokens ?? this.usage.input,
          output: u.output_tokens ?? this.usage.output,
          cacheRead: u.cache_read_input_tokens ?? this.usage.cacheRead,
          cacheWrite: u.cache_creation_input_tokens ?? this.usage.cacheWrite,
        };
        if (ev.delta.stop_reason) this.stopReason = normaliseAnthropicStop(ev.delta.stop_reason);
        break;
      }
      case 'message_stop':
        this.finished = true;
        break;
      default:
        break;
    }
  }

  result(): WireResult {
    const toolCalls = [...this.blocks.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, b]) => ({ id: b.id, name: b.name, arguments: b.json || '{}' }));
    return { text: this.text, toolCalls, usage: this.usage, stopReason: this.stopReason ?? 'stop' };
  }
}

export class AnthropicClient implements WireClient {
  private readonly client: Anthropic;

  constructor(private readonly opts: WireClientOptions) {
    this.client = new Anthropic({
      // Passing the key keeps the SDK from reading ANTHROPIC_API_KEY/ANTHROPIC_AUTH_TOKEN on its own: keys.ts decides.
      apiKey: opts.apiKey,
      baseURL: opts.baseUrl,
      defaultHeaders: opts.headers,
      maxRetries: 0,
      timeout: opts.timeoutMs,
      logger: sdkLogger(opts.logger),
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
      const { data: stream, response } = await this.client.messages
        .create(anthropicRequestBody(modelId, req, o.maxTokens), { signal: dog.signal })
        .withResponse();
      o.onHeaders?.(response.headers);
      const acc = new AnthropicStreamAssembler();
      dog.touch();
      for await (const ev of stream) {
        dog.touch();
        acc.add(ev, req.onText);
      }
      // The SDK ends the iteration quietly when aborted; an abort is still a failure here.
      if (dog.signal.aborted) throw toModelError(dog.signal.reason, ctx());
      if (!acc.finished) {
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
