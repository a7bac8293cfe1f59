// What the agent loop asks of a model, in our own terms. Each wire format (providers/openai.ts through the `openai`
// SDK, providers/anthropic.ts through `@anthropic-ai/sdk`) translates to and from these types, so the loop, the
// sessions and the tests never see a provider's shapes.

export type ContentPart =
  | { type: 'text'; text: string }
  /** Only sent to models whose `input` includes "image"; others get the envelope's placeholder instead. */
  | { type: 'image'; mimeType: string; dataBase64: string };

export interface ToolCall {
  id: string;
  name: string;
  /** The arguments as the model sent them (JSON text); the tool parses and validates them. */
  arguments: string;
}

export type ChatMessage =
  | { role: 'user'; content: string | ContentPart[] }
  | { role: 'assistant'; content: string; toolCalls?: ToolCall[] }
  | { role: 'tool'; toolCallId: string; name: string; content: string; isError?: boolean };

export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
}

export interface ModelRequest {
  /** Byte-identical from turn to turn unless a workspace file changes; marked cacheable where the API allows. */
  system: string;
  messages: ChatMessage[];
  tools: ToolSpec[];
  signal?: AbortSignal;
  /** Streamed text as it arrives (the loop uses it for progress only; the result carries the whole text). */
  onText?: (delta: string) => void;
}

export interface Usage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

export interface ModelResult {
  text: string;
  toolCalls: ToolCall[];
  usage: Usage;
  /** US dollars, from the model's configured `cost` per million tokens. */
  costUsd: number;
  /** "provider/model" that produced this answer (a fallback when the primary failed). */
  model: string;
  /** Normalised: "stop" | "tool_calls" | "length" | another provider-given reason. */
  stopReason: string;
}

export type ModelErrorKind =
  /** 401/403: the key is wrong or missing. */
  | 'auth'
  /** 404 or the provider says the model does not exist. */
  | 'not_found'
  /** 429 after the retries. */
  | 'rate_limited'
  /** 5xx after the retries. */
  | 'server'
  /** No answer within agents.defaults.timeoutSeconds, or a stream that stalled. */
  | 'timeout'
  /** Aborted by us (shutdown, /new). Never retried, never falls back. */
  | 'aborted'
  /** Refused connection, DNS, TLS: the server is not there. */
  | 'connection'
  /** 400 and other answers that another try will not change. */
  | 'bad_request'
  /** No model configured, or the reference names no configured provider/model. */
  | 'not_configured';

export class ModelError extends Error {
  constructor(
    readonly kind: ModelErrorKind,
    message: string,
    readonly details: { status?: number; model?: string; retryAfterMs?: number } = {},
  ) {
    super(message);
    this.name = 'ModelError';
  }
}

/** One attempt at one model, kept with the run so the owner can see why a fallback answered or all failed. */
export interface ModelAttempt {
  model: string;
  ok: boolean;
  error?: { kind: ModelErrorKind; message: string; status?: number };
  ms: number;
}
