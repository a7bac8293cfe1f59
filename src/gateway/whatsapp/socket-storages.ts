// Why this exists: every Baileys socket makes an AsyncLocalStorage for its key transactions (rc14,
// Utils/auth-utils.js addTransactionCapability) and never disables it. Before Node 24 (the headless gateway runs on
// Node 20), each enabled AsyncLocalStorage is visited by an async hook for every promise the process creates, for
// as long as the process lives: every reconnect added a cost to every promise from then on. Measured on a 300-message
// group backlog: the hook's share of the round grew from 2 ms to 36 ms over 16 sockets. Electron's Node 24 keeps the
// context in AsyncContextFrame, without that hook; disable() is harmless there.
//
// Baileys holds its storage in a closure, so the storages a socket creates are recorded while it is made (makeWASocket
// creates it synchronously, so nothing else runs in between) and disabled once the socket is over.
import type * as asyncHooks from 'node:async_hooks';
import { createRequire, syncBuiltinESMExports } from 'node:module';

type Storage = InstanceType<typeof asyncHooks.AsyncLocalStorage<unknown>>;
// The CommonJS exports object, whose properties the ESM named exports mirror after syncBuiltinESMExports().
const hooks = createRequire(import.meta.url)('node:async_hooks') as typeof asyncHooks;

/** Runs `make` (which creates a socket) and returns what it made with the AsyncLocalStorages created meanwhile. */
export function recordStorages<T>(make: () => T): { value: T; storages: Storage[] } {
  // A plain value on Node 20, a getter on Node 24: the descriptor is swapped and put back as it was.
  const own = Object.getOwnPropertyDescriptor(hooks, 'AsyncLocalStorage');
  // A Node that fixes the export in place cannot be recorded from; its sockets work the same, unreleased.
  if (!own?.configurable) return { value: make(), storages: [] };
  const Original = hooks.AsyncLocalStorage;
  const storages: Storage[] = [];
  const Recorded = class extends Original<unknown> {
    constructor() {
      super();
      storages.push(this);
    }
  };
  Object.defineProperty(hooks, 'AsyncLocalStorage', {
    value: Recorded,
    writable: true,
    enumerable: own.enumerable,
    configurable: true,
  });
  syncBuiltinESMExports();
  try {
    return { value: make(), storages };
  } finally {
    Object.defineProperty(hooks, 'AsyncLocalStorage', own);
    syncBuiltinESMExports();
  }
}

/** Disables storages whose socket is over; their transactions see no context from then on. */
export function releaseStorages(storages: readonly Storage[]): void {
  for (const storage of storages) storage.disable();
}

/**
 * How long a closed socket's storages stay enabled: what it was decrypting when it closed still runs its key
 * transaction to the end (milliseconds; its offline queue stops at the close), and must not lose its context
 * halfway.
 */
export const RETIRED_GRACE_MS = 3_000;

/** The storages of one account's sockets: each closed socket's released once its grace is over, all on stop. */
export class SocketStorages<Socket extends object> {
  private readonly live = new WeakMap<Socket, Storage[]>();
  private readonly retired = new Map<NodeJS.Timeout, Storage[]>();

  track(sock: Socket, storages: Storage[]): void {
    this.live.set(sock, storages);
  }

  /** The socket is over: its storages are released after the grace, by a timer that does not hold the process. */
  retire(sock: Socket): void {
    const storages = this.live.get(sock);
    if (!storages) return;
    this.live.delete(sock);
    const timer = setTimeout(() => {
      this.retired.delete(timer);
      releaseStorages(storages);
    }, RETIRED_GRACE_MS);
    timer.unref();
    this.retired.set(timer, storages);
  }

  /** Releases every retired socket's storages now (stop). */
  releaseRetired(): void {
    for (const [timer, storages] of this.retired) {
      clearTimeout(timer);
      releaseStorages(storages);
    }
    this.retired.clear();
  }
}
