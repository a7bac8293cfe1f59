// What the UI knows about its link to the gateway. Over IPC the link is the process boundary and always "up";
// over WebSocket it comes and goes, and an auth failure means the browser must be signed in again.
import type { Unsubscribe } from '../../../shared/api';
import type { ApiError } from '../../../shared/result';

export type ConnectionState =
  | { status: 'connecting'; attempt: number }
  | { status: 'connected'; serverVersion: string | null }
  | { status: 'disconnected'; reason: string; retryAt: number }
  | { status: 'unauthorized'; error: ApiError }
  | { status: 'closed' };

export interface ConnectionSource {
  getState(): ConnectionState;
  onState(listener: (state: ConnectionState) => void): Unsubscribe;
  /** Skip the backoff wait and try now (only meaningful while disconnected). */
  retryNow(): void;
}

/** The IPC link: there is nothing to connect, so it is connected from the start. */
export function staticConnection(): ConnectionSource {
  const state: ConnectionState = { status: 'connected', serverVersion: null };
  return { getState: () => state, onState: () => () => {}, retryNow: () => {} };
}
