// Pure logic behind the Setup screen: when the app opens on it, the order of its steps, when the model step may
// be left, and what the "done" step shows of the first exchange (the first message accepted after the setup was
// saved, the assistant's answer in that session, and whether the outbox has sent it).
import type { AcceptedMessage, AccountStatus } from '../../shared/contract';
import type { AgentStatus, Turn } from '../../shared/contract-agent';
import type { OutboxItem } from '../../shared/contract-outbound';

export const SETUP_STEPS = [
  { id: 'mode', label: 'Mode' },
  { id: 'owner', label: 'Your number' },
  { id: 'model', label: 'Model' },
  { id: 'link', label: 'Link the phone' },
  { id: 'done', label: 'Done' },
] as const;

export type SetupStep = (typeof SETUP_STEPS)[number]['id'];

export function stepIndex(step: SetupStep): number {
  return SETUP_STEPS.findIndex((s) => s.id === step);
}

export function nextStep(step: SetupStep): SetupStep {
  return SETUP_STEPS[Math.min(stepIndex(step) + 1, SETUP_STEPS.length - 1)]!.id;
}

export function previousStep(step: SetupStep): SetupStep {
  return SETUP_STEPS[Math.max(stepIndex(step) - 1, 0)]!.id;
}

/**
 * A first run: the gateway has answered about both accounts and the agent, no account is linked and no model is
 * configured. Anything unknown means "not first run", so the app never jumps to Setup on a half-loaded state.
 */
export function isFirstRun(
  channelsLoaded: boolean,
  accounts: Record<string, AccountStatus>,
  agent: AgentStatus | null,
): boolean {
  if (!channelsLoaded || agent === null) return false;
  return !agent.configured && Object.values(accounts).every((a) => !a.linked);
}

export type ModelGate = 'untested' | 'passed' | 'failed' | 'skipped';

/** The model step goes on after a passing Test, or when the person chose to skip it. */
export function modelStepDone(gate: ModelGate): boolean {
  return gate === 'passed' || gate === 'skipped';
}

export interface FirstExchange {
  message: AcceptedMessage | null;
  answer: Turn | null;
  /** The outbox item carrying the answer to the message's chat, once the outbox reports it. */
  delivery: OutboxItem | null;
}

/**
 * The first exchange after `sinceSeq` (the last accepted seq when the setup was saved): the first accepted
 * message, the first assistant turn in its session, and the newest automatic outbox item to its chat.
 */
export function firstExchange(
  messages: readonly AcceptedMessage[],
  turns: readonly Turn[],
  outbox: readonly OutboxItem[],
  sinceSeq: number,
): FirstExchange {
  const message = messages.find((m) => m.seq > sinceSeq) ?? null;
  if (!message) return { message: null, answer: null, delivery: null };
  const answer =
    turns.find(
      (t) => t.sessionKey === message.sessionKey && t.role === 'assistant' && t.text.trim() !== '',
    ) ?? null;
  const chatUser = message.from.replace(/^\+/, '');
  const delivery =
    [...outbox]
      .reverse()
      .find((o) => o.origin === 'auto' && o.kind === 'text' && o.chat.split('@')[0] === chatUser) ?? null;
  return { message, answer, delivery };
}

/** The last accepted seq seen, so that only later messages count as the first one. */
export function lastSeq(messages: readonly AcceptedMessage[]): number {
  return messages.reduce((max, m) => Math.max(max, m.seq), 0);
}

/** The app opens on Setup only on a first run and only when no particular screen was asked for (a bare link). */
export function shouldOpenSetup(hash: string, firstRun: boolean): boolean {
  return firstRun && (hash === '' || hash === '#' || hash === '#/');
}
