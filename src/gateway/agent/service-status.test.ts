// The agent's status push (agent.status) against a real state.db file: a burst of hand-offs, each kicking the
// service, is looked at once and pushed once with the count at the end of the burst, and nothing runs after stop.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setImmediate as tick, setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { AgentStatus } from '../../shared/contract-agent';
import { ConfigSchema } from '../config/schema';
import { openStore, type Store } from '../store/db';
import type { ModelPort } from './run';
import type { AgentService } from './service';
import { handOnText, serviceOn } from './service-test-support';

let dir: string;
let store: Store;
let service: AgentService;
let pushed: AgentStatus[];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openclaw-agent-status-'));
  store = openStore(path.join(dir, 'state.db'));
  pushed = [];
  // No model configured: messages wait, and the status says how many.
  const models: ModelPort = {
    resolveChain: () => ({ error: 'No model configured' }),
    modelInfo: () => undefined,
    complete: () => Promise.reject(new Error('no model')),
    simulated: () => false,
  };
  const config = ConfigSchema.parse({});
  service = serviceOn(store, dir, {
    models,
    config,
    emit: (event, payload) => {
      if (event === 'agent.status') pushed.push(payload as AgentStatus);
    },
  });
});
afterEach(async () => {
  await service.stop();
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function handOn(text: string): void {
  handOnText(store, text);
}

/** Until `pushed` has `n` entries (a look waits for its turn, at most 250 ms after the previous one). */
async function pushes(n: number): Promise<void> {
  for (let i = 0; i < 200 && pushed.length < n; i++) await sleep(10);
}

it('pushes one agent.status for a burst of hand-offs, with the count at its end', async () => {
  service.start();
  await pushes(1);
  expect(pushed.map((s) => s.waiting)).toEqual([0]);
  for (let i = 0; i < 5; i++) {
    handOn(`message ${i}`);
    service.kick();
  }
  await pushes(2);
  await sleep(300);
  expect(pushed.map((s) => s.waiting)).toEqual([0, 5]);
  expect(pushed[1]!.sentence).toBe('No model configured — 5 messages waiting');
});

it('looks at a steady stream of hand-offs at most every 250 ms, ending with the whole count', async () => {
  service.start();
  const started = performance.now();
  for (let i = 0; i < 60; i++) {
    handOn(`message ${i}`);
    service.kick();
    await sleep(5);
  }
  const elapsed = performance.now() - started;
  await sleep(600);
  // One look at start, then at most one per 250 ms of the stream, and one after it.
  expect(pushed.length).toBeLessThanOrEqual(2 + Math.ceil(elapsed / 250));
  expect(pushed.at(-1)!.waiting).toBe(60);
});

it('looks at nothing once stopped, even when kicked right before', async () => {
  service.start();
  handOn('late');
  service.kick();
  await service.stop();
  store.close();
  await tick();
  await tick();
  expect(pushed).toEqual([]);
  // afterEach closes again: reopen so it has a store to close.
  store = openStore(path.join(dir, 'state.db'));
});
