// Pure state and helpers behind the Pairing screen and the nav badge: the pending requests and approved senders
// as the gateway last reported them, which of them to show, and what a deep link (`#/pairing?code=…`) points at.
// `pairing.changed` carries the whole snapshot, so an event is always at least as new as a `pairing.list` answer
// requested before it arrived; such an answer is dropped.
import type { ApprovedSender, PairingRequest, PairingSnapshot } from '../../shared/contract';
import type { ApiError } from '../../shared/result';

export interface PairingState {
  /** False until the first snapshot (answer or event). */
  loaded: boolean;
  pending: PairingRequest[];
  approved: ApprovedSender[];
  error: ApiError | null;
  /** Counts pairing.changed events, so a list answer can tell whether one overtook it. */
  seq: number;
}

export const EMPTY_PAIRING: PairingState = { loaded: false, pending: [], approved: [], error: null, seq: 0 };

/** A pairing.changed event: the whole new snapshot. */
export function applyPairingEvent(state: PairingState, snapshot: PairingSnapshot): PairingState {
  return {
    loaded: true,
    pending: snapshot.pending,
    approved: snapshot.approved,
    error: null,
    seq: state.seq + 1,
  };
}

/** A pairing.list answer to a request made when `state.seq` was `requestedAt`. */
export function applyPairingList(
  state: PairingState,
  snapshot: PairingSnapshot,
  requestedAt: number,
): PairingState {
  if (state.seq > requestedAt) return { ...state, loaded: true, error: null };
  return { ...state, loaded: true, pending: snapshot.pending, approved: snapshot.approved, error: null };
}

/** Codes are unique while pending, but only per gateway; the account makes the key safe across accounts. */
export function requestKey(r: Pick<PairingRequest, 'accountId' | 'code'>): string {
  return `${r.accountId}:${r.code}`;
}

export function expiresInMs(r: PairingRequest, now: number): number {
  const at = Date.parse(r.expiresAt);
  return Number.isNaN(at) ? Infinity : at - now;
}

/**
 * The requests that can still be approved, newest first. The gateway drops expired ones only when it next looks,
 * so the UI hides them itself the moment their countdown reaches zero.
 */
export function livePending(pending: readonly PairingRequest[], now: number): PairingRequest[] {
  return pending
    .filter((r) => expiresInMs(r, now) > 0)
    .sort((a, b) => (Date.parse(b.createdAt) || 0) - (Date.parse(a.createdAt) || 0));
}

/** Approved senders, most recently approved first. */
export function approvedNewestFirst(approved: readonly ApprovedSender[]): ApprovedSender[] {
  return [...approved].sort((a, b) => (Date.parse(b.approvedAt) || 0) - (Date.parse(a.approvedAt) || 0));
}

/** "Alice (+15551234567)" or just the number. */
export function senderLabel(who: { sender: string; name?: string }): string {
  const name = who.name?.trim();
  return name ? `${name} (${who.sender})` : who.sender;
}

export type DeepLink =
  | { kind: 'none' }
  | { kind: 'pending'; key: string }
  | { kind: 'expired'; code: string }
  | { kind: 'gone'; code: string };

/**
 * What `#/pairing?code=…[&account=…]` points at: a request still pending (highlight it), one whose code has
 * expired, or one no longer listed (approved or denied meanwhile, from the tray, the CLI or another window).
 */
export function deepLinkTarget(
  code: string | null,
  account: string | null,
  state: Pick<PairingState, 'loaded' | 'pending'>,
  now: number,
): DeepLink {
  if (!code || !state.loaded) return { kind: 'none' };
  const match = state.pending.find((r) => r.code === code && (account === null || r.accountId === account));
  if (!match) return { kind: 'gone', code };
  return expiresInMs(match, now) > 0
    ? { kind: 'pending', key: requestKey(match) }
    : { kind: 'expired', code };
}

/** Show which account a request belongs to only when there is more than one to tell apart. */
export function showsAccounts(state: Pick<PairingState, 'pending' | 'approved'>): boolean {
  const ids = new Set([...state.pending, ...state.approved].map((x) => x.accountId));
  return ids.size > 1;
}
