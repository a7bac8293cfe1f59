// Gateway status at the top of every screen: connection, version, a retry button while disconnected, and a
// badge while the gateway talks to the WhatsApp simulator instead of WhatsApp; what the agent needs from the owner
// (no model, or the last answer failed), linking to the model settings.
import { agentNotice } from '../../../shared/agent-notice';
import type { ConnectionState } from '../api/connection';
import { useBackend } from '../backend-context';
import { hashFor } from '../routes';
import { useApp } from '../store';
import { useNow } from '../use-now';

function describe(connection: ConnectionState, now: number): { label: string; tone: 'ok' | 'busy' | 'bad' } {
  switch (connection.status) {
    case 'connected':
      return { label: 'Connected', tone: 'ok' };
    case 'connecting':
      return {
        label: connection.attempt > 1 ? `Connecting (attempt ${connection.attempt})…` : 'Connecting…',
        tone: 'busy',
      };
    case 'disconnected': {
      const seconds = Math.max(0, Math.ceil((connection.retryAt - now) / 1000));
      return { label: `Disconnected — retrying in ${seconds} s`, tone: 'bad' };
    }
    case 'unauthorized':
      return { label: 'Not signed in', tone: 'bad' };
    case 'closed':
      return { label: 'Closed', tone: 'bad' };
  }
}

export function Header() {
  const { connection: source, transport } = useBackend();
  const connection = useApp((s) => s.connection);
  const health = useApp((s) => s.health);
  const simulator = useApp((s) => s.channels.simulator);
  const agent = useApp((s) => s.agent);
  const notice = agentNotice(agent);
  const now = useNow(connection.status === 'disconnected');
  const { label, tone } = describe(connection, now);
  const version = health?.version ?? (connection.status === 'connected' ? connection.serverVersion : null);
  return (
    <header className="header">
      <div className="status">
        <span className={`pill pill-${tone}`} data-testid="connection-status" data-status={connection.status}>
          <span className="dot" aria-hidden="true" />
          {label}
        </span>
        {connection.status === 'disconnected' && transport === 'ws' && (
          <button type="button" className="link-button" onClick={() => source.retryNow()}>
            Retry now
          </button>
        )}
        {connection.status === 'disconnected' && <span className="muted small">{connection.reason}</span>}
        {notice && (
          <a
            href={hashFor('settings')}
            className={`agent-notice agent-notice-${notice.kind}`}
            data-testid="agent-notice"
            data-kind={notice.kind}
          >
            {notice.text}
          </a>
        )}
        {agent?.simulated && !notice && (
          <span className="sim-badge" data-testid="model-sim-badge" title={agent.sentence}>
            Simulated model
          </span>
        )}
        {simulator && (
          <span
            className="sim-badge"
            data-testid="simulator-badge"
            title={`Every WhatsApp account talks to the loopback simulator at ${simulator}`}
          >
            Simulator — not WhatsApp
          </span>
        )}
      </div>
      <div className="gateway-info muted small">
        {version && <span data-testid="gateway-version">Gateway v{version}</span>}
        {health && <span>port {health.port}</span>}
        <span>{transport === 'ipc' ? 'desktop app' : 'browser'}</span>
      </div>
    </header>
  );
}
