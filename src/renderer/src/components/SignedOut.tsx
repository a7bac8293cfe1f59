// Shown instead of the app when the gateway refused this browser: only a fresh one-time link can sign it in.
import { useApp } from '../store';

export function SignedOut() {
  const connection = useApp((s) => s.connection);
  const detail = connection.status === 'unauthorized' ? connection.error.message : '';
  return (
    <div className="signed-out" data-testid="signed-out">
      <div className="card">
        <h1>Not signed in</h1>
        <p>
          This browser is not signed in to the gateway. Run <code>openclaw dashboard</code> on the gateway
          host and open the link it prints.
        </p>
        {detail && <p className="muted small">Gateway said: {detail}</p>}
      </div>
    </div>
  );
}
