// The API object the renderer talks to: one function per contract method (`api.config.set(...)`), and `on`
// for push events returning an unsubscribe. Built the same way over Electron IPC (preload) and over WebSocket
// (browser), so a UI test over one transport is a test of the other. Functions resolve to the Result envelope
// rather than throwing: errors cross the context bridge intact that way.
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

type TopLevel = Exclude<MethodName, `${string}.${string}`>;
type Group = MethodName extends infer M ? (M extends `${infer G}.${string}` ? G : never) : never;

export type OpenClawApi = { [M in TopLevel]: MethodFn<M> } & {
  [G in Group]: { [M in MethodName as M extends `${G}.${infer L}` ? L : never]: MethodFn<M> };
} & {
  on<E extends keyof Events>(event: E, listener: (payload: EventPayload<E>) => void): Unsubscribe;
};

export function buildApi(transport: Transport): OpenClawApi {
  const api: Record<string, unknown> = {};
  for (const name of METHOD_NAMES) {
    const fn = (params?: unknown) => transport.invoke(name, params);
    const dot = name.indexOf('.');
    if (dot < 0) {
      api[name] = fn;
    } else {
      const group = name.slice(0, dot);
      const leaf = name.slice(dot + 1);
      const bucket = (api[group] ??= {}) as Record<string, unknown>;
      bucket[leaf] = fn;
    }
  }
  api.on = (event: EventName, listener: (payload: unknown) => void) => transport.subscribe(event, listener);
  return api as OpenClawApi;
}
