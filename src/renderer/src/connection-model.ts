// Whether the UI can reach the gateway, and what to tell the person while it cannot. Pure, so it is tested under
// Node; the banner and every button that needs the gateway read it.
import type { ConnectionState } from './api/connection';

/** Calls reach the gateway only over a live connection; everything else fails (at once, see ws-client.ts). */
export function isOnline(connection: ConnectionState): boolean {
  return connection.status === 'connected';
}

export interface OfflineNotice {
  title: string;
  detail: string;
}

const DETAIL =
  'Buttons that need the gateway are off until it is back. What you see is how things stood when the connection was lost.';

/**
 * The banner while the gateway cannot be reached; null while it can, while the page's first connection is still
 * under way (that is not news), and when the browser is signed out (that has its own screen).
 */
export function offlineNotice(connection: ConnectionState, now: number): OfflineNotice | null {
  switch (connection.status) {
    case 'connected':
    case 'unauthorized':
      return null;
    case 'connecting':
      return connection.attempt > 1
        ? { title: 'Gateway not running or unreachable — reconnecting…', detail: DETAIL }
        : null;
    case 'disconnected': {
      const seconds = Math.max(0, Math.ceil((connection.retryAt - now) / 1000));
      const when = seconds > 0 ? `reconnecting in ${seconds} s` : 'reconnecting…';
      return { title: `Gateway not running or unreachable — ${when}`, detail: DETAIL };
    }
    case 'closed':
      return {
        title: 'Disconnected from the gateway',
        detail: 'This page no longer talks to the gateway. Reload the page to connect again.',
      };
  }
}
