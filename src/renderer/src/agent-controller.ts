// Keeps the agent's status in the store for the header: `agent.status` on every (re)connect, then each
// `agent.status` event. A gateway without the agent answers agent.unavailable, which leaves the header quiet.
import type { OpenClawApi } from '../../shared/api';
import { onEachHealth } from './health-refresh';
import type { AppStore } from './store';

export async function refreshAgentStatus(api: OpenClawApi, store: AppStore): Promise<void> {
  const result = await api.agent.status();
  store.getState().setAgentStatus(result.ok ? result.value : null);
}

export function startAgentController(api: OpenClawApi, store: AppStore): () => void {
  const offStatus = api.on('agent.status', (status) => store.getState().setAgentStatus(status));
  const offHealth = onEachHealth(store, () => void refreshAgentStatus(api, store).catch(() => undefined));
  return () => {
    offStatus();
    offHealth();
  };
}
