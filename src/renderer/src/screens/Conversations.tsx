// Conversations: the agent's sessions with their last activity, turns and cost; picking one shows its transcript —
// what the contact wrote, what the assistant answered, the tools it used — with tokens and cost per turn, live from
// sessions.turn. Texts are shown as text: a contact's or a model's words are never markup.
import { memo } from 'react';
import type { SessionSummary, Turn } from '../../../shared/contract-agent';
import { formatClock } from '../channels-model';
import { HeartbeatCard } from '../components/HeartbeatCard';
import { formatCost, ROLE_LABELS, turnMeta } from '../conversations-model';
import { hashFor, paramFromHash } from '../routes';
import { useNow } from '../use-now';
import { useConversations } from './use-conversations';
import { useHash } from './use-hash';

const SessionRow = memo(function SessionRow(props: {
  session: SessionSummary;
  active: boolean;
  now: number;
}) {
  const { session: s, active, now } = props;
  return (
    <li>
      <a
        href={hashFor('conversations', { session: s.key })}
        className={`session-row${active ? ' active' : ''}`}
        aria-current={active ? 'true' : undefined}
        data-testid="session-row"
        data-key={s.key}
      >
        <strong className="session-label">{s.label}</strong>
        <span className="muted small">
          {s.lastActivityAt ? formatClock(s.lastActivityAt, now) : 'no activity yet'} · {s.turns}{' '}
          {s.turns === 1 ? 'turn' : 'turns'} · {formatCost(s.costUsd)}
          {s.running && ' · answering…'}
        </span>
      </a>
    </li>
  );
});

const TurnItem = memo(function TurnItem(props: { turn: Turn; now: number }) {
  const { turn: t, now } = props;
  const meta = turnMeta(t);
  return (
    <li className={`turn turn-${t.role}`} data-testid="turn" data-role={t.role} data-seq={t.seq}>
      <div className="turn-head small">
        <strong>{ROLE_LABELS[t.role]}</strong>
        <time dateTime={t.at} className="muted">
          {formatClock(t.at, now)}
        </time>
        {meta && (
          <span className="muted" data-testid="turn-meta">
            {meta}
          </span>
        )}
      </div>
      {t.text && (
        <pre className="turn-text" data-testid="turn-text">
          {t.text}
        </pre>
      )}
      {t.toolCalls?.map((call) => (
        <pre className="turn-tool small" key={call.id} data-testid="turn-tool-call">
          {call.name}({call.arguments})
        </pre>
      ))}
    </li>
  );
});

export function ConversationsScreen() {
  const hash = useHash();
  const selected = paramFromHash(hash, 'session');
  const view = useConversations(selected);
  const now = useNow(true, 60_000);
  const session = view.sessions.find((s) => s.key === selected);
  return (
    <section className="panel conversations-screen" data-testid="conversations-screen">
      <div className="panel-head">
        <h1>Conversations</h1>
        <span className="muted small">The agent’s sessions, newest activity first</span>
      </div>
      <HeartbeatCard />
      {view.error && (
        <div className="notice notice-error" role="alert" data-testid="sessions-error">
          Could not read the sessions: {view.error.message}
        </div>
      )}
      <div className="conversations">
        <ol className="session-list" data-testid="session-list">
          {view.sessions.map((s) => (
            <SessionRow key={s.key} session={s} active={s.key === selected} now={now} />
          ))}
        </ol>
        <div className="transcript" data-testid="transcript">
          {view.loaded && view.sessions.length === 0 && !selected && (
            <p className="muted" data-testid="sessions-empty">
              No conversation yet. A session starts with the first message the agent answers.
            </p>
          )}
          {view.sessions.length > 0 && !selected && <p className="muted">Pick a conversation to read it.</p>}
          {selected && (
            <h2 className="transcript-title" data-testid="transcript-title">
              {session?.label ?? selected}
              {session && (
                <span className="muted small">
                  {' '}
                  · {session.usage.input} in / {session.usage.output} out tokens ·{' '}
                  {formatCost(session.costUsd)}
                </span>
              )}
            </h2>
          )}
          {view.transcriptError && (
            <div className="notice notice-error" role="alert" data-testid="transcript-error">
              {view.transcriptError.message}
            </div>
          )}
          <ol className="turn-list" data-testid="turn-list">
            {view.turns.map((t) => (
              <TurnItem key={t.seq} turn={t} now={now} />
            ))}
          </ol>
        </div>
      </div>
    </section>
  );
}
