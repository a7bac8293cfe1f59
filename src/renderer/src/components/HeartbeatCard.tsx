// The Heartbeat card on the Conversations screen: per agent, how often the heartbeat runs, when next, what the last
// run did and cost, and Run now. Loaded on every (re)connect and kept live by `heartbeat.changed`; held only while
// the screen is open.
import { useEffect, useState } from 'react';
import type { HeartbeatStatus } from '../../../shared/contract-heartbeat';
import type { ApiError } from '../../../shared/result';
import { useBackend } from '../backend-context';
import { onEachHealth } from '../health-refresh';
import { heartbeatLine } from '../heartbeat-model';
import { appStore } from '../store';
import { useNow } from '../use-now';

export function HeartbeatCard() {
  const { api } = useBackend();
  const [status, setStatus] = useState<HeartbeatStatus | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [running, setRunning] = useState<string | null>(null);
  const now = useNow(true, 1000);

  useEffect(() => {
    let live = true;
    const off = api.on('heartbeat.changed', (s) => setStatus(s));
    const refresh = async () => {
      const result = await api.heartbeat.status();
      if (!live) return;
      if (result.ok) setStatus(result.value);
      setError(result.ok ? null : result.error);
    };
    const offHealth = onEachHealth(appStore, () => void refresh().catch(() => undefined));
    return () => {
      live = false;
      off();
      offHealth();
    };
  }, [api]);

  const runNow = async (agentId: string) => {
    setRunning(agentId);
    try {
      const result = await api.heartbeat.run({ agentId });
      setError(result.ok ? null : result.error);
    } finally {
      setRunning(null);
    }
  };

  if (!status && !error) return null;
  return (
    <div className="heartbeat-card" data-testid="heartbeat-card">
      <h2 className="small">Heartbeat</h2>
      {error && (
        <div className="notice notice-error" role="alert" data-testid="heartbeat-error">
          {error.message}
        </div>
      )}
      {status?.agents.length === 0 && <p className="muted small">No agent has a heartbeat.</p>}
      <ul className="heartbeat-list">
        {status?.agents.map((a) => {
          const line = heartbeatLine(a, now);
          return (
            <li key={a.agentId} data-testid="heartbeat-agent" data-agent={a.agentId} data-tone={line.tone}>
              <div>
                <strong>{line.agentId}</strong> <span className="muted small">{line.schedule}</span>
              </div>
              <div className="small">
                Next: <span data-testid="heartbeat-next">{line.next}</span>
              </div>
              <div className="small">
                Last: <span data-testid="heartbeat-last">{line.last}</span>
                {line.spent && <span className="muted"> · {line.spent}</span>}
              </div>
              <button
                type="button"
                data-testid="heartbeat-run"
                disabled={running !== null}
                onClick={() => void runNow(a.agentId)}
              >
                {running === a.agentId ? 'Running…' : 'Run now'}
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
