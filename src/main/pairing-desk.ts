// The desktop side of pairing: keeps the tray's list of waiting requests (a pairing.list snapshot, then each
// pairing.changed), notifies about each new request (pairing.requested), and carries out what the tray menu or
// a notification asks for. Written against the few members of the gateway and of a notifier it uses, so tests
// drive it with fakes under plain Node; notifier.ts is the Electron side.
import type { CallerContext, Gateway } from '../gateway/gateway';
import type { EventPayload, MethodResponse, PairingRequest } from '../shared/contract';
import type { EventName } from '../shared/names';
import {
  actionIntent,
  clickIntent,
  failureNotification,
  livePending,
  nextExpiryIn,
  notificationKey,
  pairingHash,
  requestNotification,
  staleKeys,
  type NotificationIntent,
  type NotificationSpec,
} from './pairing-notify';
import type { TrayPairing } from './tray-menu';

export interface NotifierLike {
  /** False where the desktop has no notifications at all. */
  supported(): boolean;
  show(spec: NotificationSpec, handlers: { onClick(): void; onAction(index: number): void }): void;
  close(key: string): void;
  /** Keys of the notifications still on screen. */
  shown(): string[];
}

export interface PairingDeskOptions {
  gateway: Pick<Gateway, 'call' | 'onEvent'>;
  notifier: NotifierLike;
  platform: NodeJS.Platform;
  /** The tray's list changed. */
  onPending(pending: TrayPairing[]): void;
  /** Show the window on a route (`#/pairing?…`). */
  openWindow(hash: string): void;
  now?: () => number;
}

export interface PairingDesk {
  /** Approve or deny from the tray; false when the gateway refused (the person is told). */
  act(action: 'approve' | 'deny', accountId: string, code: string): Promise<boolean>;
  refresh(): Promise<void>;
  dispose(): void;
}

// setTimeout fires at once for delays past 2^31-1 ms; codes live an hour, but a skewed clock should not spin.
const MAX_TIMER_MS = 2_147_483_647;

export function startPairingDesk(opts: PairingDeskOptions): PairingDesk {
  const now = opts.now ?? Date.now;
  const context: CallerContext = { transport: 'ipc', subscriptions: new Set<EventName>() };
  let pending: PairingRequest[] = [];
  let seq = 0;
  let expiryTimer: NodeJS.Timeout | undefined;
  let disposed = false;

  /**
   * Hands the tray the live list. `closeStale` (on pairing.changed, which is authoritative) also closes the
   * notifications of requests that are gone; an expiry tick closes only those that expired.
   */
  const publish = (closeStale: boolean) => {
    if (disposed) return;
    clearTimeout(expiryTimer);
    const at = now();
    const live = livePending(pending, at);
    opts.onPending(live);
    const liveKeys = new Set(live.map(notificationKey));
    const stale = closeStale
      ? staleKeys(opts.notifier.shown(), live)
      : pending.map(notificationKey).filter((key) => !liveKeys.has(key));
    for (const key of stale) if (!key.startsWith('failure:')) opts.notifier.close(key);
    // The gateway drops expired codes only when it next looks; the tray drops them on time by itself.
    const next = nextExpiryIn(pending, at);
    if (next !== null) expiryTimer = setTimeout(() => publish(false), Math.min(next + 50, MAX_TIMER_MS));
  };

  const tell = (spec: NotificationSpec) => {
    if (opts.notifier.supported()) opts.notifier.show(spec, { onClick: () => {}, onAction: () => {} });
  };

  const act = async (action: 'approve' | 'deny', accountId: string, code: string): Promise<boolean> => {
    const method = action === 'approve' ? 'pairing.approve' : 'pairing.deny';
    let message: string | null = null;
    try {
      const result = await opts.gateway.call(method, { channel: 'whatsapp', code, accountId }, context);
      if (!result.ok) message = result.error.message;
    } catch (err) {
      message = err instanceof Error ? err.message : String(err);
    }
    if (message === null) {
      opts.notifier.close(notificationKey({ accountId, code }));
      return true;
    }
    // Without notifications the window is where the person can see the request and try again.
    if (opts.notifier.supported()) tell(failureNotification(action, { accountId, code }, message));
    else opts.openWindow(pairingHash({ accountId, code }));
    return false;
  };

  const follow = (intent: NotificationIntent) => {
    if (intent.kind === 'approve') void act('approve', intent.accountId, intent.code);
    else opts.openWindow(intent.hash);
  };

  const notify = (r: PairingRequest) => {
    if (!opts.notifier.supported()) return;
    const spec = requestNotification(r, opts.platform, now());
    // The same request announced again (the sender wrote twice) keeps its one notification.
    if (opts.notifier.shown().includes(spec.key)) return;
    opts.notifier.show(spec, {
      onClick: () => follow(clickIntent(r)),
      onAction: (index) => follow(actionIntent(r, index)),
    });
  };

  const stopEvents = opts.gateway.onEvent((event, payload) => {
    if (event === 'pairing.changed') {
      seq++;
      pending = (payload as EventPayload<'pairing.changed'>).pending;
      publish(true);
    } else if (event === 'pairing.requested') {
      notify(payload as EventPayload<'pairing.requested'>);
    }
  });

  const refresh = async () => {
    const askedAt = seq;
    const result = await opts.gateway.call('pairing.list', undefined, context).catch(() => null);
    // A pairing.changed that arrived meanwhile is newer than this answer.
    if (!result?.ok || seq !== askedAt || disposed) return;
    pending = (result.value as MethodResponse<'pairing.list'>).pending;
    publish(false);
  };

  return {
    act,
    refresh,
    dispose() {
      disposed = true;
      clearTimeout(expiryTimer);
      stopEvents();
    },
  };
}
