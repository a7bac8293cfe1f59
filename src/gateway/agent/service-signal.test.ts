// The signal a run hands to the model, against a real state.db file: it ends on the gateway's stop and on the run's
// time limit, and it is one listener on the queue's signal (released after the run), not an AbortSignal.any
// combination per run, which costs several times more and leaves work for the garbage collector.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { ConfigSchema } from '../config/schema';
import { openStore, type Store } from '../store/db';
import { outcomesFor } from '../store/queries/sessions';
import type { ModelPort } from './run';
import type { AgentService } from './service';
import { handOnText, serviceOn } from './service-test-support';

let dir: string;
let store: Store;
let service: AgentService;
let requests: AbortSignal[];

function start(opts: { timeoutSeconds?: number }): void {
  requests = [];
  // The model never answers; the run ends when its signal does.
  const models: ModelPort = {
    resolveChain: () => ({ refs: ['sim/m'] }),
    modelInfo: () => undefined,
    complete: (_refs, req) => {
      requests.push(req.signal!);
      return new Promise((_, reject) =>
        req.signal!.addEventListener('abort', () => reject(req.signal!.reason as Error), { once: true }),
      );
    },
    simulated: () => true,
  };
  // No apology: a failed run stores its outcome and sends nothing, so no outbox is needed.
  const config = ConfigSchema.parse({
    agents: { defaults: { failureReply: '', timeoutSeconds: opts.timeoutSeconds ?? 600 } },
  });
  service = serviceOn(store, dir, { models, config });
  service.start();
}

function handOn(text: string): number {
  const accepted = handOnText(store, text);
  service.kick();
  return accepted;
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openclaw-agent-signal-'));
  store = openStore(path.join(dir, 'state.db'));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await service.stop();
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

it("ends the model request when the gateway stops, with the stop's reason, and combines no signals per run", async () => {
  const any = vi.spyOn(AbortSignal, 'any');
  start({});
  const acceptedSeq = handOn('hello');
  await until(() => requests.length === 1);
  expect(requests[0]!.aborted).toBe(false);
  await service.stop();
  expect(requests[0]!.aborted).toBe(true);
  expect((requests[0]!.reason as Error).message).toBe('the gateway is stopping');
  // Stopped, not failed: the message waits for the next start.
  expect(outcomesFor(store.db, [acceptedSeq])[0]).toMatchObject({ state: 'waiting' });
  expect(any).not.toHaveBeenCalled();
});

it('ends the model request at the time limit and says so in the outcome', async () => {
  start({ timeoutSeconds: 1 });
  const acceptedSeq = handOn('slow one');
  await until(() => requests.length === 1);
  await until(() => outcomesFor(store.db, [acceptedSeq])[0]?.state === 'failed');
  expect(requests[0]!.aborted).toBe(true);
  expect(outcomesFor(store.db, [acceptedSeq])[0]!.reason).toMatch(/no answer within 1 s/);
});
