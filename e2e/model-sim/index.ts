// The model simulator's test API: `const sim = await startModelSim(); sim.script({ text: 'hi' });` then point an
// official SDK at sim.openaiBaseUrl or sim.anthropicBaseUrl and read what it was sent in sim.requests.
import { ModelSimServer, type ModelSimOptions } from './server';
import type { RecordedRequest, Responder, SimStep } from './script';

export type {
  DropStep,
  ErrorStep,
  RecordedRequest,
  Responder,
  SimError,
  SimFormat,
  SimStep,
  SimToolCall,
  SimUsage,
  StallStep,
  TextStep,
  ToolCallStep,
} from './script';
export { SIM_HEADER } from './sse';
export type { ModelSimOptions } from './server';

export interface ModelSim {
  readonly url: string;
  readonly openaiBaseUrl: string;
  readonly anthropicBaseUrl: string;
  readonly port: number;
  /** Every request since the last reset, in arrival order (the newest 10,000). */
  readonly requests: RecordedRequest[];
  /** Queues steps; each request takes the first one whose `model` matches its own (or that names none). */
  script(...steps: SimStep[]): void;
  /** How requests are answered when no queued step matches (default: `{ text: 'OK' }`). */
  respond(fn: Responder): void;
  /** Steps queued and not yet taken. */
  pending(): number;
  waitForRequests(n: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  reset(): void;
  close(): Promise<void>;
}

export async function startModelSim(options: ModelSimOptions = {}): Promise<ModelSim> {
  const server = new ModelSimServer(options);
  const port = await server.listen();
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    openaiBaseUrl: `${url}/v1`,
    anthropicBaseUrl: url,
    port,
    requests: server.requests,
    script: (...steps) => server.queue.add(steps),
    respond: (fn) => server.queue.setResponder(fn),
    pending: () => server.queue.pending,
    waitForRequests: (n, timeoutMs) => server.waitForRequests(n, timeoutMs),
    reset: () => server.reset(),
    close: () => server.close(),
  };
}
