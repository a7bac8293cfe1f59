// One method table for every transport (Electron IPC and the control WebSocket): look the method up, validate
// params against the contract, run the handler, and check the response against the contract before it leaves.
import type { Logger } from 'pino';
import { methods, type MethodParams, type MethodResponse } from '../../shared/contract';
import { isMethodName, type EventName, type MethodName } from '../../shared/names';
import { fail, ok, type Result } from '../../shared/result';
import { GatewayError } from '../errors';
import { describeZodError } from './zod-message';

/** Who is calling: lets `events.subscribe` record what this caller wants pushed to it. */
export interface CallerContext {
  transport: 'ipc' | 'ws';
  subscriptions: Set<EventName>;
}

export type Handler<M extends MethodName> = (
  params: MethodParams<M>,
  caller: CallerContext,
) => MethodResponse<M> | Promise<MethodResponse<M>>;

export type Handlers = { [M in MethodName]: Handler<M> };

export type Dispatch = (method: unknown, params: unknown, caller: CallerContext) => Promise<Result<unknown>>;

export function createDispatcher(handlers: Handlers, log: Logger): Dispatch {
  return async (method, params, caller) => {
    if (!isMethodName(method)) {
      return fail('control.unknown_method', `unknown method ${JSON.stringify(String(method)).slice(0, 120)}`);
    }
    const parsed = methods[method].request.safeParse(params);
    if (!parsed.success) {
      return fail(
        'control.invalid_params',
        `invalid params for ${method}: ${describeZodError(parsed.error, 'params')}`,
      );
    }
    try {
      const handler = handlers[method] as Handler<MethodName>;
      const value = await handler(parsed.data as never, caller);
      const checked = methods[method].response.safeParse(value);
      if (!checked.success) {
        log.error(
          { method, problem: describeZodError(checked.error, 'result') },
          'handler returned a value outside the contract',
        );
        return fail('control.internal', `internal error in ${method}: see the gateway log`);
      }
      return ok(checked.data);
    } catch (err) {
      if (err instanceof GatewayError) return { ok: false, error: err.toApiError() };
      log.error({ method, err }, 'method failed');
      return fail(
        'control.internal',
        `internal error in ${method}: ${(err as Error).message ?? String(err)}`,
      );
    }
  };
}
