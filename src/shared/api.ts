// The API object the renderer talks to: one function per contract method, nested by its dotted parts
// (`api.config.set(...)`, `api.channels.login.start(...)`), and `on` for push events returning an unsubscribe.
// Built the same way over Electron IPC (preload) and over WebSocket (browser), so a UI test over one transport is
// a test of the other. Functions resolve to the Result envelope rather than throwing: errors cross the context
// bridge intact that way.
import type { EventPayload, Events, MethodRequest, MethodResponse, Methods } from './contract';
import { METHOD_NAMES, type EventName, type MethodName } from './names';
import type { Result } from './result';

export type Unsubscribe = () => void;

export interface Transport {
  invoke(method: MethodName, params: unknown): Promise<Result<unknown>>;
  subscribe(event: EventName, listener: (payload: unknown) => void): Unsubscribe;
}

export type MethodFn<M extends keyof Methods> = (
  params?: MethodRequest<M>,
) => Promise<Result<MethodResponse<M>>>;

/** The rest of each method name that starts with `P` (`channels.` → `status`, `login.start`, …). */
type Below<P extends string> = MethodName extends infer M ? (M extends `${P}${infer R}` ? R : never) : never;
type Leaves<R extends string> = R extends `${string}.${string}` ? never : R;
type Groups<R extends string> = R extends `${infer G}.${string}` ? G : never;

/** One level of the API object: leaf functions, and a nested object per further dotted part. */
export type ApiNode<P extends string> = {
  [L in Leaves<Below<P>>]: MethodFn<`${P}${L}` & MethodName>;
} & { [G in Groups<Below<P>>]: ApiNode<`${P}${G}.`> };

export type OpenClawApi = ApiNode<''> & {
  on<E extends keyof Events>(event: E, listener: (payload: EventPayload<E>) => void): Unsubscribe;
};

export function buildApi(transport: Transport): OpenClawApi {
  const api: Record<string, unknown> = {};
  for (const name of METHOD_NAMES) {
    // `channels.login.start` lives at api.channels.login.start: every part but the last is a nested object.
    const parts = name.split('.');
    const leaf = parts.pop()!;
    let node = api;
    for (const part of parts) {
      const next = (node[part] ??= {}) as unknown;
      if (typeof next !== 'object') throw new Error(`method ${name} collides with method ${part}`);
      node = next as Record<string, unknown>;
    }
    if (leaf in node) throw new Error(`method ${name} collides with a group of the same name`);
    node[leaf] = (params?: unknown) => transport.invoke(name, params);
  }
  api.on = (event: EventName, listener: (payload: unknown) => void) => transport.subscribe(event, listener);
  return api as OpenClawApi;
}
