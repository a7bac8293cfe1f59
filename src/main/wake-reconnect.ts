// Desktop shell: when the machine wakes or the network comes back, WhatsApp accounts that wait for their next
// backoff or have gone degraded try again at once, instead of minutes later. Electron's main process has a
// 'resume' event but no network-change event, so being online is polled (net.isOnline(), a cheap local check).
// No electron import here, so this is tested under plain Node.
import type { EventEmitter } from 'node:events';

export type WakeReason = 'resume' | 'online';

export interface WakeReconnectDeps {
  /** Electron's powerMonitor ('resume' after sleep). */
  power: Pick<EventEmitter, 'on' | 'off'>;
  isOnline(): boolean;
  /** Asks the gateway to reconnect every waiting account (channels.reconnect with waiting: true). */
  reconnect(reason: WakeReason): void;
  pollMs?: number;
}

const POLL_MS = 5000;

/** Starts watching; the returned function stops it (listener and timer released). */
export function watchWakeAndNetwork(deps: WakeReconnectDeps): () => void {
  let online = deps.isOnline();
  const poll = setInterval(() => {
    const now = deps.isOnline();
    // Only the change from offline to online: being online all along is no news.
    if (now && !online) deps.reconnect('online');
    online = now;
  }, deps.pollMs ?? POLL_MS);
  // Never what keeps the app alive.
  poll.unref();
  const onResume = () => deps.reconnect('resume');
  deps.power.on('resume', onResume);
  return () => {
    clearInterval(poll);
    deps.power.off('resume', onResume);
  };
}
