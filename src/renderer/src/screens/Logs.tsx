// Logs: the gateway's log as it happens. Newest at the bottom; the view follows new lines unless the user has
// scrolled up to read. Pause freezes the view while lines keep arriving in the store.
import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { LogEntry, LogLevel } from '../../../shared/contract';
import type { ApiError } from '../../../shared/result';
import { useBackend } from '../backend-context';
import { startLogTail } from '../log-tail';
import {
  fieldsText,
  formatLogTime,
  LEVELS,
  matchesFilter,
  MAX_LOG_LINES,
  rowKey,
  type LogFilter,
} from '../logs-model';
import { appStore, useApp } from '../store';

/** How close to the bottom (px) still counts as "at the bottom". */
const STICKY_PX = 24;

const LogRow = memo(function LogRow({ entry }: { entry: LogEntry }) {
  const extra = entry.fields ? fieldsText(entry.fields) : '';
  return (
    <div
      className={`log-row level-${entry.level}`}
      data-testid="log-row"
      data-level={entry.level}
      data-subsystem={entry.subsystem}
    >
      <time className="log-time" dateTime={new Date(entry.time).toISOString()}>
        {formatLogTime(entry.time)}
      </time>
      <span className="log-level">{entry.level}</span>
      <span className="log-subsystem">{entry.subsystem}</span>
      <span className="log-msg">
        {entry.msg}
        {extra && <span className="log-fields"> {extra}</span>}
      </span>
    </div>
  );
});

export function Logs() {
  const { api } = useBackend();
  const logs = useApp((s) => s.logs);
  const subsystems = useApp((s) => s.subsystems);
  const logFile = useApp((s) => s.logFile);
  const [filter, setFilter] = useState<LogFilter>({ subsystem: '', text: '', minLevel: 'trace' });
  const [frozen, setFrozen] = useState<LogEntry[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [following, setFollowing] = useState(true);
  const list = useRef<HTMLDivElement>(null);

  useEffect(() => startLogTail(api, appStore, { onError: setError }), [api]);

  const shown = frozen ?? logs;
  const visible = useMemo(() => shown.filter((e) => matchesFilter(e, filter)), [shown, filter]);
  const arrivedWhilePaused = frozen ? countNewer(logs, frozen) : 0;

  // Follow the newest line after each render that added rows, unless the user scrolled away from the bottom.
  useLayoutEffect(() => {
    const el = list.current;
    if (el && following) el.scrollTop = el.scrollHeight;
  }, [visible, following]);

  const onScroll = () => {
    const el = list.current;
    if (!el) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight <= STICKY_PX;
    if (atBottom !== following) setFollowing(atBottom);
  };

  return (
    <section className="panel logs">
      <div className="panel-head">
        <h1>Logs</h1>
        {logFile && (
          <span className="muted small">
            File: <code>{logFile}</code>
          </span>
        )}
      </div>
      <div className="toolbar log-controls">
        <label>
          Subsystem{' '}
          <select
            data-testid="log-subsystem"
            value={filter.subsystem}
            onChange={(e) => setFilter({ ...filter, subsystem: e.target.value })}
          >
            <option value="">All</option>
            {subsystems.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Level{' '}
          <select
            data-testid="log-level"
            value={filter.minLevel}
            onChange={(e) => setFilter({ ...filter, minLevel: e.target.value as LogLevel })}
          >
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                {l === 'trace' ? 'all levels' : `${l} and above`}
              </option>
            ))}
          </select>
        </label>
        <input
          type="search"
          data-testid="log-search"
          placeholder="Filter text…"
          aria-label="Filter text"
          value={filter.text}
          onChange={(e) => setFilter({ ...filter, text: e.target.value })}
        />
        <button
          type="button"
          data-testid="log-pause"
          aria-pressed={frozen !== null}
          onClick={() => setFrozen(frozen ? null : logs)}
        >
          {frozen ? 'Resume' : 'Pause'}
        </button>
        <button type="button" data-testid="log-clear" onClick={() => appStore.getState().clearLogs()}>
          Clear
        </button>
        <span className="muted small" data-testid="log-count">
          {visible.length === shown.length
            ? `${shown.length} lines`
            : `${visible.length} of ${shown.length} lines`}
          {frozen && ` · paused, ${arrivedWhilePaused} new`}
          {shown.length >= MAX_LOG_LINES && ` · newest ${MAX_LOG_LINES} kept`}
        </span>
      </div>
      {error && (
        <div className="notice notice-error" role="alert">
          Could not read the log: {error.message}
        </div>
      )}
      <div
        className="log-list"
        ref={list}
        onScroll={onScroll}
        data-testid="log-list"
        role="log"
        aria-live="off"
      >
        {visible.length === 0 ? (
          <p className="muted log-empty">
            {shown.length === 0 ? 'No log lines yet.' : 'No lines match the filters.'}
          </p>
        ) : (
          visible.map((entry) => <LogRow key={rowKey(entry)} entry={entry} />)
        )}
      </div>
      {!following && visible.length > 0 && (
        <button type="button" className="jump-latest" onClick={() => setFollowing(true)}>
          Jump to latest
        </button>
      )}
    </section>
  );
}

/** Lines in `now` that came after the last line of `then` (the buffer is append-only apart from trimming). */
function countNewer(now: LogEntry[], then: LogEntry[]): number {
  const last = then.at(-1);
  if (!last) return now.length;
  const index = now.lastIndexOf(last);
  return index < 0 ? now.length : now.length - 1 - index;
}
