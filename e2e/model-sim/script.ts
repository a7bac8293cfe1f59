// What a test scripts and what the simulator records: the step types, the FIFO queue that hands each request the
// first step meant for its model, and the rough token counts used when a step names none. No I/O here.

export type SimFormat = 'openai' | 'anthropic';

export interface RecordedRequest {
  format: SimFormat;
  path: string;
  model: string;
  stream: boolean;
  /** Lower-cased names. Kept as sent (tests check which key arrived); the simulator itself never prints them. */
  headers: Record<string, string>;
  /** The parsed JSON body, exactly as the client sent it. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Date.now() when the request arrived. */
  at: number;
  /** How the exchange ended, once it has: answered in full, the client went away, or the sim dropped/closed it. */
  outcome?: 'completed' | 'client-closed' | 'dropped' | 'closed-by-sim';
}

export interface SimUsage {
  /** Input tokens not read from or written to a cache (Anthropic's input_tokens). */
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

export interface SimToolCall {
  id?: string;
  name: string;
  /** An object is sent as its JSON text; a string is sent as is (so tests can send malformed JSON). */
  arguments: unknown;
}

export interface SimError {
  status: number;
  message?: string;
  /** Sent as `retry-after` (seconds, as given) and `retry-after-ms`, which both SDKs read. */
  retryAfterSeconds?: number;
  /** The provider's error type; defaults to what that provider sends for the status. */
  type?: string;
  /** Sent as `x-should-retry`, the header both SDKs obey over their own status rules. */
  shouldRetry?: boolean;
}

interface StepBase {
  /** Only a request for this model takes the step; without it any request does. */
  model?: string;
  /** Wait this long before sending the status line and headers. */
  delayMs?: number;
}

export type TextStep = StepBase & {
  text: string;
  /** Characters per SSE delta (default 8). */
  chunkSize?: number;
  /** Pause between SSE deltas. */
  chunkDelayMs?: number;
  usage?: Partial<SimUsage>;
  stopReason?: 'stop' | 'length';
};
export type ToolCallStep = StepBase & {
  toolCalls: SimToolCall[];
  text?: string;
  chunkSize?: number;
  chunkDelayMs?: number;
  usage?: Partial<SimUsage>;
};
export type ErrorStep = StepBase & { error: SimError };
/** Status and headers (and, when streaming, optional partial text), then nothing until the client goes away. */
export type StallStep = StepBase & { stall: { afterText?: string } };
/** The socket is destroyed before any answer: the client sees a connection reset. */
export type DropStep = StepBase & { drop: true };

export type SimStep = TextStep | ToolCallStep | ErrorStep | StallStep | DropStep;
export type Responder = (req: RecordedRequest) => SimStep | undefined;

export const DEFAULT_STEP: SimStep = { text: 'OK' };

/** Rough token count: about four characters per token, at least one. */
export const roughTokens = (chars: number): number => Math.max(1, Math.ceil(chars / 4));

/** The argument text a tool call carries on the wire. */
export const argumentsText = (args: unknown): string =>
  typeof args === 'string' ? args : JSON.stringify(args ?? {});

/** The usage a step reports: what it names, the rest estimated from the request and the answer. */
export function usageFor(step: TextStep | ToolCallStep, req: RecordedRequest): SimUsage {
  const answerChars =
    (step.text ?? '').length +
    ('toolCalls' in step
      ? step.toolCalls.reduce((n, c) => n + c.name.length + argumentsText(c.arguments).length, 0)
      : 0);
  return {
    input: step.usage?.input ?? roughTokens(JSON.stringify(req.body).length),
    output: step.usage?.output ?? roughTokens(answerChars),
    cacheRead: step.usage?.cacheRead ?? 0,
    cacheWrite: step.usage?.cacheWrite ?? 0,
  };
}

/** Splits text into the pieces streamed one per delta, never inside a code point (an empty text streams nothing). */
export function chunks(text: string, size = 8): string[] {
  const n = Math.max(1, Math.floor(size));
  const points = Array.from(text);
  const out: string[] = [];
  for (let i = 0; i < points.length; i += n) out.push(points.slice(i, i + n).join(''));
  return out;
}

/** A step's problems, so a typo in a test fails loudly instead of answering 'OK'. */
export function stepProblem(step: SimStep): string | undefined {
  if (typeof step !== 'object' || step === null) return 'a step must be an object';
  const kinds = ['text', 'toolCalls', 'error', 'stall', 'drop'].filter((k) => k in step);
  if ('toolCalls' in step) {
    if (!Array.isArray(step.toolCalls) || step.toolCalls.length === 0)
      return 'toolCalls must be a non-empty array';
    if (kinds.length > 2 || (kinds.length === 2 && !kinds.includes('text')))
      return `toolCalls cannot be combined with ${kinds.filter((k) => k !== 'toolCalls' && k !== 'text').join(', ')}`;
    return undefined;
  }
  if (kinds.length !== 1)
    return `a step needs exactly one of text, toolCalls, error, stall, drop (got ${kinds.join(', ') || 'none'})`;
  if (
    'error' in step &&
    !(Number.isInteger(step.error?.status) && step.error.status >= 400 && step.error.status < 600)
  )
    return `error.status must be an HTTP error status (400-599), got ${String(step.error?.status)}`;
  return undefined;
}

/** The FIFO of scripted steps plus the fallback responder. */
export class StepQueue {
  private steps: SimStep[] = [];
  private responder: Responder | undefined;

  add(steps: SimStep[]): void {
    steps.forEach((step, i) => {
      const problem = stepProblem(step);
      if (problem) throw new Error(`model-sim: script step ${i}: ${problem}`);
    });
    this.steps.push(...steps);
  }

  setResponder(fn: Responder | undefined): void {
    this.responder = fn;
  }

  get pending(): number {
    return this.steps.length;
  }

  /** The first queued step for this request's model (removed from the queue), else the responder's, else 'OK'. */
  take(req: RecordedRequest): SimStep {
    const i = this.steps.findIndex((s) => s.model === undefined || s.model === req.model);
    if (i >= 0) return this.steps.splice(i, 1)[0]!;
    const answered = this.responder?.(req);
    if (answered === undefined) return DEFAULT_STEP;
    const problem = stepProblem(answered);
    if (problem) throw new Error(`model-sim: responder returned a bad step: ${problem}`);
    return answered;
  }

  clear(): void {
    this.steps = [];
    this.responder = undefined;
  }
}
