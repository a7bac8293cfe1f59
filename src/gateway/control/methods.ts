// The handlers behind the contract's methods. Each is a thin call into the subsystem that owns the data.
import { isEventName, type EventName } from '../../shared/names';
import type { ConfigService } from '../config/service';
import { GatewayError } from '../errors';
import type { LogHub } from '../log/hub';
import type { WhatsAppManager } from '../whatsapp/manager';
import type { AgentHandlers } from './agent-methods';
import type { Handlers } from './dispatcher';
import type { Health } from '../../shared/contract';
import type Database from 'better-sqlite3';
import { toAcceptedMessage } from '../inbound/accepted-message';
import { recentAccepted } from '../store/queries/inbox';

export interface MethodDeps {
  db: Database.Database;
  config: ConfigService;
  logs: LogHub;
  whatsapp: WhatsAppManager;
  simulator: string | null;
  health(): Health;
  uiLink(): { url: string; expiresAt: string };
}

export function createHandlers(
  deps: MethodDeps,
): Omit<
  Handlers,
  `pairing.${string}` | `message.${string}` | `outbox.${string}` | `heartbeat.${string}` | keyof AgentHandlers
> {
  return {
    health: () => deps.health(),
    'config.get': (params) => ({
      ...deps.config.status(),
      raw: deps.config.maskedRaw(),
      value: deps.config.get(params?.path),
    }),
    'config.set': (p) => deps.config.set(p.path, p.value, p.baseHash),
    'config.setMany': (p) => deps.config.setMany(p.entries, p.baseHash),
    'config.unset': (p) => deps.config.unset(p.path, p.baseHash),
    'config.apply': (p) => deps.config.apply(p.raw, p.baseHash),
    'config.validate': (p) => deps.config.validate(p?.raw),
    'logs.tail': (p) => ({
      entries: deps.logs.tail({ limit: p?.limit, subsystem: p?.subsystem, minLevel: p?.minLevel }),
      file: deps.logs.currentFile(),
    }),
    'events.subscribe': (p, caller) => {
      for (const name of eventNames(p.events)) caller.subscriptions.add(name);
      return { subscribed: [...caller.subscriptions] };
    },
    'events.unsubscribe': (p, caller) => {
      for (const name of eventNames(p.events)) caller.subscriptions.delete(name);
      return { subscribed: [...caller.subscriptions] };
    },
    'ui.link': () => deps.uiLink(),
    'channels.status': () => ({
      accounts: deps.whatsapp.status(),
      defaultAccount: deps.whatsapp.defaultAccount(),
      simulator: deps.simulator,
    }),
    'channels.login.start': (p) => deps.whatsapp.loginStart(p?.accountId, p?.force ?? false),
    'channels.login.wait': (p) => deps.whatsapp.loginWait(p?.accountId, p?.timeoutMs ?? 120_000),
    'channels.logout': (p) => deps.whatsapp.logout(p?.accountId),
    'channels.reconnect': (p) => deps.whatsapp.reconnect(p?.accountId, p?.waiting ?? false),
    'inbound.recent': (p) => ({
      messages: recentAccepted(deps.db, p?.accountId ?? null, p?.limit ?? 100).map(toAcceptedMessage),
    }),
  };
}

function eventNames(names: string[]): EventName[] {
  const unknown = names.filter((n) => !isEventName(n));
  if (unknown.length > 0) {
    throw new GatewayError('control.invalid_params', `unknown event ${JSON.stringify(unknown[0])}`);
  }
  return names as EventName[];
}
