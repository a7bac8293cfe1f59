// The WhatsApp part of the UI state, as pure transitions: a `channels.status` snapshot, each `channels.state`
// event and each `channels.qr` event. Every state change in the gateway emits an event, so an event that
// arrived after a snapshot was requested is at least as new as the snapshot: it wins over it.
import type { AccountStatus, MethodResponse, QrEvent } from '../../shared/contract';
import type { ApiError } from '../../shared/result';

export interface ChannelsState {
  /** False until the first channels.status answer. */
  loaded: boolean;
  /** Keyed by account id. */
  accounts: Record<string, AccountStatus>;
  /** The latest QR per account, while the account is linking. */
  qr: Record<string, QrEvent>;
  defaultAccount: string | null;
  /** The simulator's URL when every account talks to it instead of WhatsApp. */
  simulator: string | null;
  error: ApiError | null;
  /** Counts channels.state events; `seenAt` records the count at each account's last event. */
  seq: number;
  seenAt: Record<string, number>;
}

export const EMPTY_CHANNELS: ChannelsState = {
  loaded: false,
  accounts: {},
  qr: {},
  defaultAccount: null,
  simulator: null,
  error: null,
  seq: 0,
  seenAt: {},
};

export type ChannelsSnapshot = MethodResponse<'channels.status'>;

/**
 * Takes a snapshot requested when `seq` was `requestedAt`: accounts with an event since then keep the event's
 * version; the snapshot decides which other accounts exist.
 */
export function applySnapshot(
  state: ChannelsState,
  snapshot: ChannelsSnapshot,
  requestedAt: number,
): ChannelsState {
  const accounts: Record<string, AccountStatus> = {};
  for (const status of snapshot.accounts) accounts[status.accountId] = status;
  for (const [id, seen] of Object.entries(state.seenAt)) {
    const current = state.accounts[id];
    if (seen > requestedAt && current) accounts[id] = current;
  }
  const qr: Record<string, QrEvent> = {};
  for (const [id, event] of Object.entries(state.qr)) {
    if (accounts[id]?.state === 'linking') qr[id] = event;
  }
  return {
    ...state,
    loaded: true,
    accounts,
    qr,
    defaultAccount: snapshot.defaultAccount,
    simulator: snapshot.simulator,
    error: null,
  };
}

/** A channels.state event; a QR is kept only while its account is linking. */
export function applyStatus(state: ChannelsState, status: AccountStatus): ChannelsState {
  const seq = state.seq + 1;
  const next: ChannelsState = {
    ...state,
    seq,
    seenAt: { ...state.seenAt, [status.accountId]: seq },
    accounts: { ...state.accounts, [status.accountId]: status },
  };
  if (status.state !== 'linking' && state.qr[status.accountId]) {
    const { [status.accountId]: _dropped, ...rest } = state.qr;
    next.qr = rest;
  }
  return next;
}

/** A channels.qr event (or the QR a login.start answer carried); ignored once the account has moved on. */
export function applyQr(state: ChannelsState, event: QrEvent): ChannelsState {
  const account = state.accounts[event.accountId];
  if (account && account.state !== 'linking') return state;
  const existing = state.qr[event.accountId];
  // The answer to login.start can carry a QR that an event has already replaced with a newer one.
  if (existing && Date.parse(existing.expiresAt) > Date.parse(event.expiresAt)) return state;
  return { ...state, qr: { ...state.qr, [event.accountId]: event } };
}
