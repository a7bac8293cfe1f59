// One place that answers every chat command the agent stage receives. Commands never reach the model, so they work
// before any model is configured; the caller commits the answer with the message's outcome in one transaction
// (AgentService.commit), so each is answered exactly once. Only allowed senders' messages get this far.
import type { ResolvedWhatsAppAccount } from '../config/account';
import type { OpenClawConfig } from '../config/schema';
import type { SessionSize } from '../store/queries/session-size';
import { configCommand, type ConfigEditor } from './config-command';
import type { ChatCommand } from './parse';
import type { CommandAnswer } from './types';

export const RESET_REPLY = 'New session started: earlier messages are forgotten.';

/** What /status reports, gathered by the agent service. */
export interface StatusFacts {
  model: { refs: string[]; simulated: boolean } | { error: string };
  /** This chat's conversation since its last /new. */
  session: SessionSize;
  health?: { state: string; sentence: string };
  /** Messages accepted and not answered yet, this command not counted. */
  waiting: number;
}

export interface CommandContext {
  cfg: OpenClawConfig;
  acct: ResolvedWhatsAppAccount;
  owner: boolean;
  editor?: ConfigEditor;
  status(): StatusFacts;
}

export async function answerChatCommand(cmd: ChatCommand, ctx: CommandContext): Promise<CommandAnswer> {
  switch (cmd.name) {
    case 'new':
    case 'reset':
      return { reply: RESET_REPLY, reason: 'session reset', reset: true };
    case 'status':
      return { reply: statusText(ctx.status()), reason: '/status' };
    case 'help':
      return { reply: helpText(ctx.owner), reason: '/help' };
    case 'config':
      return configCommand(cmd.args, ctx);
    case 'activation':
      // In a group the inbound stage handles it before hand-off; here it came in a direct chat.
      return ctx.owner
        ? {
            reply:
              '/activation works in a group: send /activation mention|always there, as a message on its own.',
            reason: '/activation outside a group',
          }
        : { reply: null, reason: '/activation is for the owner only' };
  }
}

export function helpText(owner: boolean): string {
  const lines = [
    'Commands (each as a message on its own):',
    '/new — start a fresh session; earlier messages are forgotten',
    '/reset — the same as /new',
    '/status — model, this session’s size and cost, WhatsApp health',
    '/help — this list',
  ];
  if (owner) {
    lines.push(
      '/config show [path] · get <path> · set <path>=<value> · unset <path> — read or change settings',
      '/activation mention|always — in a group: answer only when mentioned, or every message',
    );
  }
  return lines.join('\n');
}

export function statusText(facts: StatusFacts): string {
  const model =
    'refs' in facts.model
      ? `Model: ${facts.model.refs[0]}${facts.model.simulated ? ' (simulated)' : ''}` +
        (facts.model.refs.length > 1 ? `, fallbacks ${facts.model.refs.slice(1).join(', ')}` : '')
      : `Model: none — ${facts.model.error}`;
  const s = facts.session;
  const session =
    s.turns > 0
      ? `Session: ${s.turns} turn${s.turns === 1 ? '' : 's'}, ${s.input + s.output} tokens ` +
        `(${s.input} in, ${s.output} out), cost $${s.costUsd.toFixed(4)}`
      : 'Session: new (no turns yet)';
  const health = facts.health
    ? `WhatsApp: ${facts.health.state} — ${facts.health.sentence}`
    : 'WhatsApp: unknown';
  const waiting = `Waiting: ${facts.waiting} message${facts.waiting === 1 ? '' : 's'}`;
  return [model, session, health, waiting].join('\n');
}
