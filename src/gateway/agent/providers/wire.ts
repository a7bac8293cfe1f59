// What the registry asks of one wire format (openai.ts, anthropic.ts): one request, streamed, translated back to
// our types. Retries, fallbacks and cost live in the registry so both formats share one policy.
import type { Logger } from 'pino';
import type { ModelRequest, ToolCall, Usage } from './types';

export interface WireClientOptions {
  baseUrl: string;
  /** A placeholder for servers that need none (Ollama, LM Studio…): the SDKs insist on some key. */
  apiKey: string;
  headers?: Record<string, string>;
  /** The SDK's own limit for the response headers to arrive; the run's signal and the watchdog do the rest. */
  timeoutMs: number;
  logger?: Logger;
}

export interface WireCallOptions {
  /** "provider/model", for error messages. */
  ref: string;
  maxTokens: number;
  /** Silence on the stream (or before its headers) longer than this ends the request as a timeout. */
  idleMs: number;
  /** Every response's headers, success or failure (the registry spots the model simulator's marker). */
  onHeaders?: (headers: Headers) => void;
}

export interface WireResult {
  text: string;
  toolCalls: ToolCall[];
  /** `input` is uncached input only; cached input is in cacheRead/cacheWrite. */
  usage: Usage;
  stopReason: string;
}

export interface WireClient {
  call(modelId: string, req: ModelRequest, opts: WireCallOptions): Promise<WireResult>;
}

/** The SDKs log through `console` by default; route their warnings to our subsystem logger instead. */
export function sdkLogger(logger: Logger | undefined) {
  const log =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (msg: string, ...rest: unknown[]) =>
      logger?.[level]({ sdk: rest.length ? rest.map(String).join(' ') : undefined }, msg);
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
