// heartbeat.status and heartbeat.run: one call each into the heartbeat scheduler (agent/heartbeat/scheduler.ts),
// which throws coded GatewayErrors itself. Without a scheduler the methods say so with one stable code.
import type { HeartbeatScheduler } from '../agent/heartbeat/scheduler';
import { GatewayError } from '../errors';
import type { Handlers } from './dispatcher';

export type HeartbeatHandlers = Pick<Handlers, 'heartbeat.status' | 'heartbeat.run'>;

export function heartbeatHandlers(scheduler: HeartbeatScheduler | null): HeartbeatHandlers {
  const get = (): HeartbeatScheduler => {
    if (!scheduler) throw new GatewayError('agent.unavailable', 'heartbeats do not run in this gateway');
    return scheduler;
  };
  return {
    'heartbeat.status': () => get().status(),
    'heartbeat.run': (p) => get().runNow(p?.agentId),
  };
}
