// Keeps the WhatsApp accounts in the store: `channels.state` and `channels.qr` events as they come, and a
// `channels.status` snapshot whenever the gateway's health is (re)read — that is on every (re)connect, and over
// IPC once the gateway has finished starting. Screens may ask for a fresh snapshot too (refreshChannels).
import type { OpenClawApi } from '../../shared/api';
import type { AppStore } from './store';

/** Reads channels.status into the store; events that arrive meanwhile win over the answer. */
export async function refreshChannels(api: OpenClawApi, store: AppStore): Promise<void> {
  const requestedAt = store.getState().channels.seq;
  const result = await api.channels.status();
  if (result.ok) store.getState().setChannels(result.value, requestedAt);
  else store.getState().setChannelsError(result.error);
}

export function startChannelsController(api: OpenClawApi, store: AppStore): () => void {
  let stopped = false;
  const offState = api.on('channels.state', (status) => store.getState().setAccountStatus(status));
  const offQr = api.on('channels.qr', (event) => store.getState().setQr(event));

  const refresh = () => {
    void refreshChannels(api, store).catch(() => undefined);
  };
  let health = store.getState().health;
  if (health) refresh();
  const offStore = store.subscribe((state) => {
    if (stopped || state.health === health) return;
    health = state.health;
    if (health) refresh();
  });

  return () => {
    stopped = true;
    offState();
    offQr();
    offStore();
  };
}
