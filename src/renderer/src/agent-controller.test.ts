import { describe, expect, it } from 'vitest';
import { buildApi, type Transport } from '../../shared/api';
import type { Health } from '../../shared/contract';
import type { AgentStatus } from '../../shared/contract-agent';
import type { EventName } from '../../shared/names';
import { fail, ok, type Result } from '../../shared/result';
import { startAgentController } from './agent-controller';
import { createAppStore } from './store';

const health = {
  version: '1',
  config: { file: '/c.json', hash: 'h', valid: true, errors: [], warnings: [], usingLastGood: false },
} as unknown as Health;
const tick = () => new Promise((r) => setTimeout(r, 0));
const waiting: AgentStatus = {
  configured: false,
  sentence: 'No model configured — 2 messages waiting',
  waiting: 2,
  running: 0,
  simulated: false,
};

function gateway(answer: () => Result<unknown>) {
  const listeners = new Map<EventName, Set<(p: unknown) => void>>();
  const transport: Transport = {
    invoke: async () => answer(),
    subscribe: (event, listener) => {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener);
      return () => set.delete(listener);
    },
  };
  return {
    api: buildApi(transport),
    emit: (event: EventName, payload: unknown) => listeners.get(event)?.forEach((l) => l(payload)),
    count: (event: EventName) => listeners.get(event)?.size ?? 0,
  };
}

describe('agent controller', () => {
  it('reads the status on each health read, then follows agent.status events, and lets go when stopped', async () => {
    const g = gateway(() => ok(waiting));
    const store = createAppStore();
    const stop = startAgentController(g.api, store);
    expect(store.getState().agent).toBeNull();
    store.getState().setHealth(health);
    await tick();
    expect(store.getState().agent?.sentence).toBe('No model configured — 2 messages waiting');
    g.emit('agent.status', { ...waiting, configured: true, sentence: 'Answering with sim/m', waiting: 0 });
    expect(store.getState().agent).toMatchObject({ configured: true, sentence: 'Answering with sim/m' });
    stop();
    expect(g.count('agent.status')).toBe(0);
  });

  it('stays quiet with a gateway that has no agent', async () => {
    const g = gateway(() => fail('agent.unavailable', 'the agent does not run in this gateway'));
    const store = createAppStore();
    startAgentController(g.api, store);
    store.getState().setHealth(health);
    await tick();
    expect(store.getState().agent).toBeNull();
  });
});
