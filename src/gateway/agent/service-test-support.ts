// Test set-up shared by the agent service's tests against a real state.db file: a service on a given model port
// and config (no outbox: these tests send nothing), and a DM hand-off the way inbound makes one.
import pino from 'pino';
import type { OpenClawConfig } from '../config/schema';
import type { RawInbound } from '../inbound/types';
import type { Outbox } from '../outbound/outbox';
import type { Store } from '../store/db';
import { handOff, insertInbox } from '../store/queries/inbox';
import type { ModelPort } from './run';
import { AgentService, type AgentServiceDeps } from './service';

export function serviceOn(
  store: Store,
  stateDir: string,
  opts: { models: ModelPort; config: OpenClawConfig; emit?: AgentServiceDeps['emit'] },
): AgentService {
  return new AgentService({
    db: store.db,
    log: pino({ level: 'silent' }),
    config: () => opts.config,
    stateDir,
    models: opts.models,
    // Never reached: nothing these tests run sends anything.
    outbox: {} as Outbox,
    outboundPort: () => null,
    self: () => ({}),
    defaultAccount: () => 'default',
    emit: opts.emit ?? (() => undefined),
  });
}

let n = 0;

/** Hands a DM from one contact to the agent stage, as inbound does; returns the accepted row's seq. */
export function handOnText(store: Store, text: string): number {
  const jid = '15550001111@s.whatsapp.net';
  const raw = { accountId: 'default', id: `T${++n}`, chatJid: jid, text } as RawInbound;
  const inboxSeq = insertInbox(store.db, raw, 1000)!;
  return handOff(store.db, {
    inboxSeq,
    account: 'default',
    chat: jid,
    messageId: raw.id,
    agentId: 'main',
    sessionKey: 'agent:main:main',
    body: `[WhatsApp] ${text}`,
    meta: { text, chatJid: jid },
    now: Date.now(),
  })!;
}
