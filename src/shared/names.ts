// Method and event names without zod, so the sandboxed preload can build its API object without bundling schemas.
// contract.ts checks at compile time that these lists match its tables exactly.
export const METHOD_NAMES = [
  'health',
  'config.get',
  'config.set',
  'config.setMany',
  'config.unset',
  'config.apply',
  'config.validate',
  'logs.tail',
  'events.subscribe',
  'events.unsubscribe',
  'ui.link',
  'channels.status',
  'channels.login.start',
  'channels.login.wait',
  'channels.logout',
  'channels.reconnect',
  'pairing.list',
  'pairing.approve',
  'pairing.deny',
  'pairing.revoke',
  'inbound.recent',
  'message.send',
  'message.react',
  'outbox.list',
  'outbox.retry',
  'outbox.cancel',
  'agent.status',
  'agent.ask',
  'sessions.list',
  'sessions.show',
  'sessions.reset',
  'inbound.outcomes',
  'models.list',
  'models.test',
  'models.setKey',
  'heartbeat.status',
  'heartbeat.run',
] as const;

export const EVENT_NAMES = [
  'config.changed',
  'log',
  'channels.qr',
  'channels.state',
  'pairing.changed',
  'pairing.requested',
  'inbound.accepted',
  'outbox.changed',
  'sessions.turn',
  'agent.status',
  'heartbeat.changed',
] as const;

export type MethodName = (typeof METHOD_NAMES)[number];
export type EventName = (typeof EVENT_NAMES)[number];

export function isMethodName(value: unknown): value is MethodName {
  return typeof value === 'string' && (METHOD_NAMES as readonly string[]).includes(value);
}

export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && (EVENT_NAMES as readonly string[]).includes(value);
}
