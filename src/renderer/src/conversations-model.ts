// Pure state behind the Conversations screen: the sessions from `sessions.list`, the open session's transcript from
// `sessions.show`, and each `sessions.turn` event applied to both. A turn has its own increasing seq within the
// gateway, so a snapshot and an event that cross are joined by seq; a session first heard of through an event shows
// at once with what the event says, and the next snapshot fills in its label.
import type { MessageOutcome, SessionSummary, Turn } from '../../shared/contract-agent';
import type { BadgeTone } from './channels-model';

export const MAX_SESSIONS = 200;
/** A long conversation shows its latest turns; older ones are one `openclaw sessions show` away. */
export const MAX_TURNS = 500;

const ZERO = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };

/** Newest activity first; sessions never active last, by key. */
export function sortSessions(sessions: readonly SessionSummary[]): SessionSummary[] {
  return [...sessions].sort(
    (a, b) => (b.lastActivityAt ?? '').localeCompare(a.lastActivityAt ?? '') || a.key.localeCompare(b.key),
  );
}

/** The sessions with `turn` counted in: one more turn, its usage and cost added, its time as the last activity. */
export function applyTurnToSessions(
  sessions: readonly SessionSummary[],
  turn: Turn,
  max = MAX_SESSIONS,
): SessionSummary[] {
  const current = sessions.find((s) => s.key === turn.sessionKey);
  const base: SessionSummary = current ?? {
    key: turn.sessionKey,
    agentId: agentOf(turn.sessionKey),
    label: labelOf(turn.sessionKey),
    turns: 0,
    usage: ZERO,
    costUsd: 0,
    running: false,
  };
  const usage = turn.usage
    ? {
        input: base.usage.input + turn.usage.input,
        output: base.usage.output + turn.usage.output,
        cacheRead: base.usage.cacheRead + turn.usage.cacheRead,
        cacheWrite: base.usage.cacheWrite + turn.usage.cacheWrite,
      }
    : base.usage;
  const next: SessionSummary = {
    ...base,
    turns: base.turns + 1,
    lastActivityAt: turn.at > (base.lastActivityAt ?? '') ? turn.at : base.lastActivityAt,
    usage,
    costUsd: base.costUsd + (turn.costUsd ?? 0),
  };
  const others = sessions.filter((s) => s.key !== turn.sessionKey);
  return sortSessions([next, ...others]).slice(0, max);
}

/** `existing` and `incoming` joined, one turn per seq, oldest first, the newest `max` kept. */
export function mergeTurns(existing: readonly Turn[], incoming: readonly Turn[], max = MAX_TURNS): Turn[] {
  const bySeq = new Map<number, Turn>();
  for (const t of existing) bySeq.set(t.seq, t);
  for (const t of incoming) bySeq.set(t.seq, t);
  const merged = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  return merged.length > max ? merged.slice(merged.length - max) : merged;
}

/** "agent:main:whatsapp:dm:+1555…" → "main". */
function agentOf(key: string): string {
  const match = /^agent:([^:]+):/.exec(key);
  return match?.[1] ?? 'main';
}

/** Until the gateway names it, the most telling part of the key: the number, the group, or the key itself. */
function labelOf(key: string): string {
  return key.split(':').at(-1) || key;
}

/** Dollars with enough digits that a cheap run does not read as free. */
export function formatCost(usd: number): string {
  if (usd === 0) return '$0';
  return usd >= 0.01 ? `$${usd.toFixed(2)}` : `$${usd.toPrecision(2)}`;
}

/** "120 in / 35 out tokens · $0.00012 · sim/m" for a turn that used the model; '' for one that did not. */
export function turnMeta(turn: Turn): string {
  const parts: string[] = [];
  if (turn.usage) {
    const cache = turn.usage.cacheRead ? `, ${turn.usage.cacheRead} cached` : '';
    parts.push(`${turn.usage.input} in / ${turn.usage.output} out tokens${cache}`);
  }
  if (turn.costUsd !== undefined) parts.push(formatCost(turn.costUsd));
  if (turn.model) parts.push(turn.model);
  return parts.join(' · ');
}

export const ROLE_LABELS: Record<Turn['role'], string> = {
  user: 'Contact',
  assistant: 'Assistant',
  tool: 'Tool result',
};

/** What became of an accepted message, as the Messages screen badges it. */
export function outcomeBadge(outcome: MessageOutcome | undefined): {
  label: string;
  tone: BadgeTone;
  detail?: string;
} | null {
  if (!outcome) return null;
  switch (outcome.state) {
    case 'waiting':
      return { label: 'Waiting for the agent', tone: 'busy' };
    case 'running':
      return { label: 'Answering…', tone: 'busy' };
    case 'answered': {
      const n = outcome.outboxIds?.length ?? 0;
      return { label: n > 1 ? `Answered (${n} messages)` : 'Answered', tone: 'ok' };
    }
    case 'silent':
      return { label: 'No reply (the agent chose silence)', tone: 'idle' };
    case 'failed':
      return { label: 'Failed', tone: 'bad', detail: outcome.reason };
    case 'expired':
      return { label: 'Expired unanswered', tone: 'warn', detail: outcome.reason };
  }
}
