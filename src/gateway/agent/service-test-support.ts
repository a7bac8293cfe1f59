// Test set-up shared by the agent service's tests against a real state.db file: a service on a given model port
// and config (no outbox: these tests send nothing), and hand-offs the way inbound makes them (also used by the run
// queue's tests).
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

/**
 * Hands one message on as inbound does (insertInbox + handOff) and returns the accepted row's seq. `chat` is a
 * phone number's digits or a group id; the message is stored at `at` and handed on at `handedAt` (both 1000 unless
 * given), in session `agent:main:<chat>` unless `session` says otherwise.
 */
export function handOn(
  store: Store,
  chat: string,
  text: string,
  opts: { at?: number; handedAt?: number; media?: boolean; session?: string } = {},
): number {
  const jid = chat.includes('-') ? `${chat}@g.us` : `${chat}@s.whatsapp.net`;
  const raw = { accountId: 'default', id: `M${++n}`, chatJid: jid, text } as RawInbound;
  const inboxSeq = insertInbox(store.db, raw, opts.at ?? 1000)!;
  return handOff(store.db, {
    inboxSeq,
    account: 'default',
    chat: jid,
    messageId: raw.id,
    agentId: 'main',
    sessionKey: opts.session ?? `agent:main:${chat}`,
    body: `[WhatsApp] ${text}`,
    meta: { text, chatJid: jid, ...(opts.media ? { mediaType: 'image/jpeg' } : {}) },
    now: opts.handedAt ?? opts.at ?? 1000,
  })!;
}

/** A DM from one contact to the main session, handed on now. */
export function handOnText(store: Store, text: string): number {
  return handOn(store, '15550001111', text, { session: 'agent:main:main', handedAt: Date.now() });
}
