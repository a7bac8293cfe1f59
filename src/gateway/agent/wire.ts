// The agent's place in the gateway: the model registry, the agent service on the outbox and the WhatsApp
// accounts, kicked by each hand-off and by config changes. Kept out of gateway.ts so the composition root stays
// a list of parts; gateway.ts starts it after inbound replay and stops it before the outbox.
import type { ConfigService } from '../config/service';
import type { LogHub } from '../log/hub';
import type { Outbox } from '../outbound/outbox';
import type { WhatsAppManager } from '../whatsapp/manager';
import type Database from 'better-sqlite3';
import { HeartbeatScheduler } from './heartbeat/scheduler';
import type { KeyCipher } from './providers/keys';
import { ModelRegistry } from './providers/registry';
import { AgentService } from './service';

export interface AgentWiring {
  service: AgentService;
  models: ModelRegistry;
  heartbeats: HeartbeatScheduler;
  /** Answers what waits and follows config changes from now on. */
  start(): void;
  /** Aborts runs in flight (their messages stay for the next start) and releases every timer and listener. */
  stop(): Promise<void>;
}

export function wireAgent(
  db: Database.Database,
  outbox: Outbox,
  deps: {
    config: ConfigService;
    stateDir: string;
    env: NodeJS.ProcessEnv;
    logs: LogHub;
    whatsapp: WhatsAppManager;
    emit(event: 'sessions.turn' | 'agent.status' | 'heartbeat.changed', payload: unknown): void;
    keyCipher?: KeyCipher;
  },
): AgentWiring {
  const log = deps.logs.child('agent');
  const models = new ModelRegistry({
    config: () => deps.config.config,
    stateDir: deps.stateDir,
    env: deps.env,
    logger: deps.logs.child('agent/model'),
    addSecret: (value) => deps.logs.addSecret(value),
    keyCipher: deps.keyCipher,
  });
  const service = new AgentService({
    db,
    log,
    config: () => deps.config.config,
    stateDir: deps.stateDir,
    models,
    outbox,
    outboundPort: (id) => deps.whatsapp.outboundPort(id),
    self: (id) => {
      const self = deps.whatsapp.port(id)?.self();
      return { e164: self?.e164 ?? undefined, pn: self?.pn ?? undefined };
    },
    defaultAccount: () => deps.whatsapp.defaultAccount(),
    emit: deps.emit,
    // Chat commands: /config edits through the same service as the control API; /status reads account health.
    commands: {
      editor: deps.config,
      health: (id) => deps.whatsapp.status().find((a) => a.accountId === id),
    },
  });
  const heartbeats = new HeartbeatScheduler({
    db,
    log: deps.logs.child('agent/heartbeat'),
    config: () => deps.config.config,
    stateDir: deps.stateDir,
    models,
    outbox,
    runDeps: () => service.runDeps(),
    isRunning: (key) => service.queue.isRunning(key),
    exclusive: (key, fn) => service.queue.exclusive(key, fn),
    defaultAccount: () => deps.whatsapp.defaultAccount(),
    self: (id) => {
      const self = deps.whatsapp.port(id)?.self();
      return { e164: self?.e164 ?? undefined, pn: self?.pn ?? undefined };
    },
    now: Date.now,
    emit: deps.emit,
  });
  let unsubscribe: (() => void) | null = null;
  return {
    service,
    models,
    heartbeats,
    start() {
      if (models.simulated())
        log.warn('the configured model is a simulator (e2e/model-sim), not a real model');
      // A model set after messages arrived answers them now; one removed leaves new ones waiting.
      unsubscribe = deps.config.onChange(() => {
        service.kick();
        heartbeats.replan();
      });
      service.start();
      heartbeats.replan();
    },
    async stop() {
      unsubscribe?.();
      // Before the service: a heartbeat in flight holds its session's run in the service's queue.
      await heartbeats.stop();
      await service.stop();
      models.close();
    },
  };
}
