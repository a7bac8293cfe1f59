// Ref-counted event subscriptions shared by both UI transports (preload IPC and the browser WebSocket). The
// gateway pushes an event to a connection only after `events.subscribe`, so the first local listener for an event
// subscribes and the last one to leave unsubscribes. Listeners are isolated from each other: one that throws does
// not stop delivery to the rest.
import type { Unsubscribe } from './api';
import type { EventName, MethodName } from './names';
import type { ApiError, Result } from './result';

export type SubscriptionInvoke = (method: MethodName, params: unknown) => Promise<Result<unknown>>;

export interface SubscriptionsOptions {
  /** Told about failed (un)subscribe calls and throwing listeners; defaults to ignoring them. */
  onError?: (problem: { event: EventName; error: ApiError | Error }) => void;
}

export interface Subscriptions {
  subscribe(event: EventName, listener: (payload: unknown) => void): Unsubscribe;
  /** Delivers one pushed event to every local listener for it. */
  dispatch(event: EventName, payload: unknown): void;
  /** Asks the gateway again for every event that has listeners (a new connection starts with none). */
  resubscribeAll(): Promise<void>;
  /** The events that currently have at least one listener. */
  active(): EventName[];
  /** Forgets every listener without telling the gateway (the connection is going away). */
  clear(): void;
}

/** The contract accepts at most this many names per events.subscribe call. */
const MAX_EVENTS_PER_CALL = 20;

export function createSubscriptions(
  invoke: SubscriptionInvoke,
  options: SubscriptionsOptions = {},
): Subscriptions {
  // Each subscribe() gets its own entry object, so the same function added twice needs two unsubscribes.
  const listeners = new Map<EventName, Set<{ fn: (payload: unknown) => void }>>();

  const report = (event: EventName, error: ApiError | Error) => {
    try {
      options.onError?.({ event, error });
    } catch {
      // A broken error reporter must not break event delivery.
    }
  };

  const call = (method: 'events.subscribe' | 'events.unsubscribe', events: EventName[]): Promise<void> =>
    invoke(method, { events }).then(
      (result) => {
        if (!result.ok) for (const event of events) report(event, result.error);
      },
      (err: unknown) => {
        for (const event of events) report(event, err instanceof Error ? err : new Error(String(err)));
      },
    );

  return {
    subscribe(event, listener) {
      let set = listeners.get(event);
      const first = set === undefined || set.size === 0;
      if (!set) {
        set = new Set();
        listeners.set(event, set);
      }
      const entry = { fn: listener };
      set.add(entry);
      if (first) void call('events.subscribe', [event]);

      let done = false;
      return () => {
        if (done) return;
        done = true;
        const current = listeners.get(event);
        if (!current?.delete(entry)) return;
        if (current.size === 0) {
          listeners.delete(event);
          void call('events.unsubscribe', [event]);
        }
      };
    },

    dispatch(event, payload) {
      const set = listeners.get(event);
      if (!set) return;
      // Copy first: a listener may unsubscribe itself or others while we iterate.
      for (const entry of [...set]) {
        try {
          entry.fn(payload);
        } catch (err) {
          report(event, err instanceof Error ? err : new Error(String(err)));
        }
      }
    },

    async resubscribeAll() {
      const events = [...listeners.keys()];
      const calls: Array<Promise<void>> = [];
      for (let i = 0; i < events.length; i += MAX_EVENTS_PER_CALL) {
        calls.push(call('events.subscribe', events.slice(i, i + MAX_EVENTS_PER_CALL)));
      }
      await Promise.all(calls);
    },

    active() {
      return [...listeners.keys()];
    },

    clear() {
      listeners.clear();
    },
  };
}
