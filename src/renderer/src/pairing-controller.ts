// Keeps pairing requests and approved senders in the store: each `pairing.changed` event (the whole snapshot),
// and a `pairing.list` snapshot on every (re)connect. An event that arrives while the list is on its way wins.
import type { OpenClawApi } from '../../shared/api';
import { onEachHealth } from './health-refresh';
import type { AppStore } from './store';

export async function refreshPairing(api: OpenClawApi, store: AppStore): Promise<void> {
  const requestedAt = store.getState().pairing.seq;
  const result = await api.pairing.list();
  if (result.ok) store.getState().setPairingList(result.value, requestedAt);
  else store.getState().setPairingError(result.error);
}

export function startPairingController(api: OpenClawApi, store: AppStore): () => void {
  const offChanged = api.on('pairing.changed', (snapshot) => store.getState().setPairingEvent(snapshot));
  const offHealth = onEachHealth(store, () => void refreshPairing(api, store).catch(() => undefined));
  return () => {
    offChanged();
    offHealth();
  };
}
