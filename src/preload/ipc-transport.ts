// The preload's Transport over Electron IPC, written against two plain functions so it runs under Node in tests.
// Nothing here touches ipcRenderer directly: index.ts hands in `invoke` and `onEvent`, and only the API object
// built from this transport crosses the context bridge.
import type { Transport } from '../shared/api';
import { isEventName, isMethodName } from '../shared/names';
import { fail, type Result } from '../shared/result';
import { createSubscriptions } from '../shared/subscriptions';

export interface IpcTransportDeps {
  /** Sends one method call to the main process (ipcRenderer.invoke on the invoke channel). */
  invoke(method: string, params: unknown): Promise<unknown>;
  /** Registers the single handler for pushed event messages. */
  onEvent(handler: (message: unknown) => void): void;
}

export function createIpcTransport(deps: IpcTransportDeps): Transport {
  const invoke = async (method: string, params: unknown): Promise<Result<unknown>> => {
    if (!isMethodName(method))
      return fail('control.unknown_method', `unknown method ${JSON.stringify(method)}`);
    try {
      const result = await deps.invoke(method, params);
      if (isResult(result)) return result;
      return fail(
        'control.internal',
        `the main process answered ${method} with something that is not a result`,
      );
    } catch (err) {
      // No handler yet (the gateway is still starting) or it is shutting down.
      return fail(
        'control.unavailable',
        `the gateway is not reachable: ${(err as Error)?.message ?? String(err)}`,
      );
    }
  };

  const subscriptions = createSubscriptions(invoke);

  deps.onEvent((message) => {
    if (typeof message !== 'object' || message === null) return;
    const { event, payload } = message as { event?: unknown; payload?: unknown };
    if (isEventName(event)) subscriptions.dispatch(event, payload);
  });

  return {
    invoke,
    subscribe: (event, listener) => subscriptions.subscribe(event, listener),
  };
}

function isResult(value: unknown): value is Result<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { ok?: unknown; error?: unknown };
  if (v.ok === true) return true;
  return v.ok === false && typeof v.error === 'object' && v.error !== null;
}
