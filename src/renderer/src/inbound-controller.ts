// Keeps the accepted messages in the store: each `inbound.accepted` event, and `inbound.recent` on every
// (re)connect to fill in what arrived while the link was down. Both are merged by seq, so their order is free.
import type { OpenClawApi } from '../../shared/api';
import { onEachHealth } from './health-refresh';
import { MAX_MESSAGES } from './inbound-model';
import type { AppStore } from './store';

export async function refreshInbound(api: OpenClawApi, store: AppStore, limit = MAX_MESSAGES): Promise<void> {
  const result = await api.inbound.recent({ limit });
  if (result.ok) store.getState().addInbound(result.value.messages, true);
  else store.getState().setInboundError(result.error);
}

export function startInboundController(api: OpenClawApi, store: AppStore): () => void {
  const offAccepted = api.on('inbound.accepted', (message) => store.getState().addInbound([message]));
  const offHealth = onEachHealth(store, () => void refreshInbound(api, store).catch(() => undefined));
  return () => {
    offAccepted();
    offHealth();
  };
}
