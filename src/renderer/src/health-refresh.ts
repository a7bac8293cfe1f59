// Runs `refresh` now if the gateway's health is known, and again each time it is read anew — on every
// (re)connect, and over IPC once the gateway has finished starting. Snapshots taken then fill in whatever events
// were missed while the link was down.
import type { AppStore } from './store';

export function onEachHealth(store: AppStore, refresh: () => void): () => void {
  let health = store.getState().health;
  if (health) refresh();
  return store.subscribe((state) => {
    if (state.health === health) return;
    health = state.health;
    if (health) refresh();
  });
}
