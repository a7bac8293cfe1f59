// Desktop notifications about pairing, as plain data: what a notification for a new request says, which buttons
// it has, and what a click or a button press asks for. Action buttons exist only on macOS (Electron's
// `actions`); elsewhere the notification has none and a click opens the window on that request instead, so the
// owner still approves in one step from there.
import type { PairingRequest } from '../shared/contract';
import type { TrayPairing } from './tray-menu';

export interface NotificationSpec {
  /** Identifies the notification so it can be closed once its request is handled elsewhere. */
  key: string;
  title: string;
  body: string;
  /** Button labels; the index of the pressed one comes back in the 'action' event. */
  actions: string[];
}

export type NotificationIntent =
  { kind: 'approve'; accountId: string; code: string } | { kind: 'open'; hash: string };

export const notificationKey = (r: Pick<PairingRequest, 'accountId' | 'code'>) => `${r.accountId}:${r.code}`;

/** Electron shows `actions` on macOS only. */
export function supportsActions(platform: NodeJS.Platform): boolean {
  return platform === 'darwin';
}

/** The window route that shows one request (the renderer reads `code` and `account` from it). */
export function pairingHash(r: Pick<PairingRequest, 'accountId' | 'code'>): string {
  return `#/pairing?${new URLSearchParams({ account: r.accountId, code: r.code }).toString()}`;
}

function minutesLeft(r: PairingRequest, now: number): number | null {
  const at = Date.parse(r.expiresAt);
  return Number.isNaN(at) ? null : Math.max(0, Math.round((at - now) / 60_000));
}

export function requestNotification(
  r: PairingRequest,
  platform: NodeJS.Platform,
  now: number,
): NotificationSpec {
  const who = r.name ? `${r.name} (${r.sender})` : r.sender;
  const left = minutesLeft(r, now);
  const expiry = left === null ? '' : ` Expires in ${left} min.`;
  const how = supportsActions(platform) ? '' : ' Click to review it in OpenClaw.';
  const wrote = r.firstLine ? ` They wrote: “${r.firstLine}”` : '';
  return {
    key: notificationKey(r),
    title: 'New pairing request',
    body: `${who} wants to talk to the assistant.${wrote} Code ${r.code}.${expiry}${how}`,
    actions: supportsActions(platform) ? ['Approve'] : [],
  };
}

/** A click on the notification's body: open the window on that request. */
export function clickIntent(r: Pick<PairingRequest, 'accountId' | 'code'>): NotificationIntent {
  return { kind: 'open', hash: pairingHash(r) };
}

/** A button press: the only button approves; anything else falls back to opening the request. */
export function actionIntent(
  r: Pick<PairingRequest, 'accountId' | 'code'>,
  index: number,
): NotificationIntent {
  return index === 0 ? { kind: 'approve', accountId: r.accountId, code: r.code } : clickIntent(r);
}

/** Told when an approval or denial from the tray or a notification did not go through. */
export function failureNotification(
  action: 'approve' | 'deny',
  r: Pick<PairingRequest, 'accountId' | 'code'>,
  message: string,
): NotificationSpec {
  return {
    key: `failure:${notificationKey(r)}`,
    title:
      action === 'approve' ? 'Could not approve the pairing request' : 'Could not deny the pairing request',
    body: `Code ${r.code}: ${message}`,
    actions: [],
  };
}

/** Keys of shown notifications whose request is no longer pending (approved, denied or expired elsewhere). */
export function staleKeys(shown: Iterable<string>, pending: readonly TrayPairing[]): string[] {
  const live = new Set(pending.map(notificationKey));
  return [...shown].filter((key) => !live.has(key));
}

/** Pending requests still valid at `now`, newest first, as the tray lists them. */
export function livePending(pending: readonly PairingRequest[], now: number): TrayPairing[] {
  return pending
    .filter((r) => {
      const at = Date.parse(r.expiresAt);
      return Number.isNaN(at) || at > now;
    })
    .sort((a, b) => (Date.parse(b.createdAt) || 0) - (Date.parse(a.createdAt) || 0))
    .map((r) => ({
      accountId: r.accountId,
      sender: r.sender,
      name: r.name,
      code: r.code,
      ...(r.firstLine ? { firstLine: r.firstLine } : {}),
    }));
}

/** When the next of these requests expires (ms from `now`), so the tray can drop it then; null if none. */
export function nextExpiryIn(pending: readonly PairingRequest[], now: number): number | null {
  const future = pending.map((r) => Date.parse(r.expiresAt)).filter((at) => !Number.isNaN(at) && at > now);
  return future.length === 0 ? null : Math.min(...future) - now;
}
