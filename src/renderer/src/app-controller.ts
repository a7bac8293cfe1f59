// Keeps the store in step with the gateway: connection state, health on every (re)connect, and the config
// status from config.changed. Over IPC the gateway may still be starting when the window opens, so an
// unavailable answer is retried.
import type { Backend } from './api/backend';
import type { AppStore } from './store';

export function startAppController(
  backend: Backend,
  store: AppStore,
  opts: { retryMs?: number } = {},
): () => void {
  const retryMs = opts.retryMs ?? 1500;
  const { api, connection } = backend;
  const s = () => store.getState();
  let stopped = false;
  let retry: ReturnType<typeof setTimeout> | null = null;

  const refresh = async () => {
    if (retry) clearTimeout(retry);
    retry = null;
    const result = await api.health();
    if (stopped) return;
    if (result.ok) {
      s().setHealth(result.value);
      if (backend.transport === 'ipc') s().setConnection(connection.getState());
      return;
    }
    s().setHealth(null, result.error);
    if (backend.transport === 'ipc' && result.error.code === 'control.unavailable') {
      s().setConnection({
        status: 'disconnected',
        reason: result.error.message,
        retryAt: Date.now() + retryMs,
      });
      retry = setTimeout(() => void refresh(), retryMs);
    }
  };

  s().setTransport(backend.transport);
  s().setConnection(connection.getState());
  if (connection.getState().status === 'connected') void refresh();
  const offState = connection.onState((state) => {
    s().setConnection(state);
    if (state.status === 'connected') void refresh();
  });
  const offConfig = api.on('config.changed', (status) => s().setConfigStatus(status));

  return () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    offState();
    offConfig();
  };
}
