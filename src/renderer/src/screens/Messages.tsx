// Messages: what the gateway handed on to the agent, newest first — when, from whom, and the body exactly as the
// model sees it (envelope, quoted reply, group history). Live from inbound.accepted; the place to check that a
// message got through the access rules, and to follow it to what the agent did with it and its conversation.
import { memo, useEffect, useMemo, useState } from 'react';
import type { AcceptedMessage } from '../../../shared/contract';
import type { MessageOutcome } from '../../../shared/contract-agent';
import { useBackend } from '../backend-context';
import { formatClock } from '../channels-model';
import { outcomeBadge } from '../conversations-model';
import { refreshInbound } from '../inbound-controller';
import { fromLabel, matchesInbound, MAX_MESSAGES, newestFirst, type InboundFilter } from '../inbound-model';
import { hashFor } from '../routes';
import { appStore, useApp } from '../store';
import { useNow } from '../use-now';
import { useOutcomes } from './use-outcomes';

const MessageRow = memo(function MessageRow(props: {
  message: AcceptedMessage;
  now: number;
  outcome: MessageOutcome | undefined;
}) {
  const { message: m, now, outcome } = props;
  const badge = outcomeBadge(outcome);
  return (
    <li
      className="message-row"
      data-testid="message-row"
      data-seq={m.seq}
      data-from={m.from}
      data-chat-type={m.chatType}
    >
      <div className="message-meta small">
        <time dateTime={m.acceptedAt} className="muted">
          {formatClock(m.acceptedAt, now)}
        </time>
        <strong data-testid="message-from">{fromLabel(m)}</strong>
        <span className="muted">
          {m.chatType === 'group' ? 'group' : 'direct'} · account {m.accountId} · agent {m.agentId}
        </span>
        {m.mediaType && <span className="muted">· {m.mediaType}</span>}
      </div>
      <pre className="message-body" data-testid="message-body">
        {m.body}
      </pre>
      <div className="message-outcome small">
        {badge && (
          <a
            href={hashFor('outbox')}
            className={`badge badge-${badge.tone} badge-small`}
            data-testid="message-outcome"
            data-state={outcome?.state}
            title={badge.detail}
          >
            <span className="dot" aria-hidden="true" />
            {badge.label}
          </a>
        )}
        {badge?.detail && <span className="muted">{badge.detail}</span>}
        <a href={hashFor('conversations', { session: m.sessionKey })} data-testid="message-session">
          Conversation
        </a>
      </div>
    </li>
  );
});

export function MessagesScreen() {
  const { api } = useBackend();
  const inbound = useApp((s) => s.inbound);
  // The clock only decides whether a time shows its date, so a slow tick is plenty.
  const now = useNow(true, 60_000);
  const [filter, setFilter] = useState<InboundFilter>({ accountId: '', text: '' });
  useEffect(() => void refreshInbound(api, appStore).catch(() => undefined), [api]);

  const accounts = useMemo(
    () => [...new Set(inbound.messages.map((m) => m.accountId))].sort(),
    [inbound.messages],
  );
  const shown = useMemo(
    () => newestFirst(inbound.messages.filter((m) => matchesInbound(m, filter))),
    [inbound.messages, filter],
  );
  const seqs = useMemo(() => shown.map((m) => m.seq), [shown]);
  const outcomes = useOutcomes(seqs);
  return (
    <section className="panel messages-screen" data-testid="messages-screen">
      <div className="panel-head">
        <h1>Messages</h1>
        <span className="muted small">
          The newest {MAX_MESSAGES} messages handed on to the agent, newest first
        </span>
      </div>
      <div className="toolbar">
        {accounts.length > 1 && (
          <select
            aria-label="Account"
            value={filter.accountId}
            onChange={(e) => setFilter({ ...filter, accountId: e.target.value })}
          >
            <option value="">All accounts</option>
            {accounts.map((id) => (
              <option key={id} value={id}>
                {id}
              </option>
            ))}
          </select>
        )}
        <input
          type="search"
          aria-label="Find in messages"
          placeholder="Find sender or text"
          data-testid="messages-filter"
          value={filter.text}
          onChange={(e) => setFilter({ ...filter, text: e.target.value })}
        />
      </div>
      {inbound.error && (
        <div className="notice notice-error" role="alert" data-testid="messages-error">
          Could not read the accepted messages: {inbound.error.message}
        </div>
      )}
      {inbound.loaded && inbound.messages.length === 0 && (
        <p className="muted" data-testid="messages-empty">
          No message has been accepted yet. Messages from senders who are not allowed (or still waiting for
          pairing) never show up here.
        </p>
      )}
      {inbound.messages.length > 0 && shown.length === 0 && (
        <p className="muted">No message matches the filter.</p>
      )}
      <ol className="message-list" data-testid="message-list">
        {shown.map((m) => (
          <MessageRow key={m.seq} message={m} now={now} outcome={outcomes.get(m.seq)} />
        ))}
      </ol>
    </section>
  );
}
