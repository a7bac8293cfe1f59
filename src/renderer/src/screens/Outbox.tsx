// Outbox: every message the gateway sends (CLI, API, automatic replies), newest first — waiting, sent with its
// WhatsApp id, or failed with the reason — with Retry and Cancel. Live from outbox.changed.
import { memo, useMemo, useState } from 'react';
import type { OutboxItem } from '../../../shared/contract';
import { formatClock } from '../channels-model';
import {
  canCancel,
  canRetry,
  chatLabel,
  counts,
  FILTERS,
  matchesFilter,
  MAX_OUTBOX_ITEMS,
  originLabel,
  STATE_LABELS,
  type OutboxFilter,
} from '../outbox-model';
import { useOnline } from '../store';
import { useNow } from '../use-now';
import { useOutbox, type OutboxView } from './use-outbox';

const OutboxRow = memo(function OutboxRow(props: {
  item: OutboxItem;
  now: number;
  online: boolean;
  act: OutboxView['act'];
}) {
  const { item, now, online, act } = props;
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const { label, tone } = STATE_LABELS[item.state];
  const run = async (action: 'retry' | 'cancel') => {
    setBusy(true);
    setFailure(null);
    const error = await act(action, item.seq);
    setBusy(false);
    if (error) setFailure(`Could not ${action}: ${error.message}`);
  };
  return (
    <li className="outbox-row" data-testid="outbox-row" data-seq={item.seq} data-state={item.state}>
      <div className="outbox-head">
        <span className={`badge badge-${tone} badge-small`} data-testid="outbox-state">
          <span className="dot" aria-hidden="true" />
          {label}
        </span>
        <strong className="outbox-chat">{chatLabel(item.chat)}</strong>
        <time dateTime={item.createdAt} className="muted small">
          {formatClock(item.createdAt, now)}
        </time>
      </div>
      <p className="outbox-preview" data-testid="outbox-preview">
        {item.preview}
      </p>
      <div className="muted small outbox-meta">
        {originLabel(item.origin)} · account {item.accountId} · id{' '}
        <code data-testid="outbox-id">{item.messageId}</code>
        {item.attempts > 0 && ` · ${item.attempts} ${item.attempts === 1 ? 'attempt' : 'attempts'}`}
        {item.state === 'sent' && item.sentAt && ` · sent ${formatClock(item.sentAt, now)}`}
        {item.state === 'pending' &&
          item.nextAttemptAt &&
          ` · next try ${formatClock(item.nextAttemptAt, now)}`}
        {item.state === 'pending' && item.expiresAt && ` · expires ${formatClock(item.expiresAt, now)}`}
      </div>
      {item.error && (
        <p
          className={item.state === 'pending' ? 'muted small' : 'error-text small'}
          data-testid="outbox-error"
        >
          {item.state === 'pending' ? `Last try: ${item.error}` : item.error}
        </p>
      )}
      {(canRetry(item) || canCancel(item)) && (
        <div className="toolbar outbox-actions">
          {canRetry(item) && (
            <button
              type="button"
              data-testid="outbox-retry"
              disabled={busy || !online}
              onClick={() => void run('retry')}
            >
              Retry
            </button>
          )}
          {canCancel(item) && (
            <button
              type="button"
              data-testid="outbox-cancel"
              disabled={busy || !online}
              onClick={() => void run('cancel')}
            >
              Cancel
            </button>
          )}
        </div>
      )}
      {failure && (
        <div className="notice notice-error" role="alert">
          {failure}
        </div>
      )}
    </li>
  );
});

export function OutboxScreen() {
  const outbox = useOutbox();
  const online = useOnline();
  const now = useNow(true, 30_000);
  const [filter, setFilter] = useState<OutboxFilter>('all');
  const shown = useMemo(() => outbox.items.filter((i) => matchesFilter(i, filter)), [outbox.items, filter]);
  const { waiting, problems } = counts(outbox.items);
  return (
    <section className="panel outbox-screen" data-testid="outbox-screen">
      <div className="panel-head">
        <h1>Outbox</h1>
        <span className="muted small" data-testid="outbox-counts">
          {waiting} waiting · {problems} failed or expired · the newest {MAX_OUTBOX_ITEMS}, newest first
        </span>
      </div>
      <div className="toolbar" role="group" aria-label="Show">
        {FILTERS.map((f) => (
          <button
            key={f.id}
            type="button"
            className={f.id === filter ? 'primary' : undefined}
            aria-pressed={f.id === filter}
            data-testid={`outbox-filter-${f.id}`}
            onClick={() => setFilter(f.id)}
          >
            {f.label}
          </button>
        ))}
      </div>
      {outbox.error && (
        <div className="notice notice-error" role="alert" data-testid="outbox-list-error">
          Could not read the outbox: {outbox.error.message}
        </div>
      )}
      {outbox.loaded && outbox.items.length === 0 && (
        <p className="muted" data-testid="outbox-empty">
          Nothing sent yet. Messages from <code>openclaw message send</code>, the API and automatic replies
          (pairing codes, confirmations) show up here.
        </p>
      )}
      {outbox.items.length > 0 && shown.length === 0 && (
        <p className="muted">No message matches the filter.</p>
      )}
      <ol className="outbox-list" data-testid="outbox-list">
        {shown.map((item) => (
          <OutboxRow key={item.seq} item={item} now={now} online={online} act={outbox.act} />
        ))}
      </ol>
    </section>
  );
}
