// What a person reads when a call fails. The gateway's own messages are written for people, but the control
// layer's are written for developers and CLI users: they name the internal method (`invalid params for
// pairing.approve: …`) or the transport's plumbing. Every result the screens see passes through here once, on
// both transports, so no screen has to remember to clean up a message.
import type { OpenClawApi, Transport } from '../../../shared/api';
import { METHOD_NAMES, type MethodName } from '../../../shared/names';
import type { ApiError, Result } from '../../../shared/result';

export const GATEWAY_UNREACHABLE =
  'The gateway is not running or cannot be reached right now. This page reconnects by itself; try again once the top of the page says Connected.';
export const GATEWAY_TIMEOUT =
  'The gateway did not answer in time. It may be busy or stopped; check the connection at the top of the page and try again.';

// Dotted method names only: a single word such as "health" is ordinary English in a sentence.
const METHOD_RE = new RegExp(
  `(?<![\\w.])(?:${METHOD_NAMES.filter((m) => m.includes('.'))
    .map((m) => m.replace(/\./g, '\\.'))
    .join('|')})(?![\\w.])`,
  'g',
);

/** The tail of a control-layer message after "… in <method>: " (its useful part), or null. */
function detailAfterMethod(message: string): string | null {
  const match = /^[a-z ]+ (?:for|in) [\w.]+: (.+)$/s.exec(message);
  return match ? match[1]! : null;
}

function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?)]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

export function humanMessage(error: ApiError): string {
  switch (error.code) {
    case 'control.unavailable':
      return GATEWAY_UNREACHABLE;
    case 'control.timeout':
      return GATEWAY_TIMEOUT;
    case 'control.unknown_method':
      return 'This gateway does not know this action; it may be an older version than this page. Update and restart the gateway.';
    case 'control.invalid_frame':
      return 'The gateway could not read the request this page sent. Reload the page and try again.';
    case 'control.invalid_params': {
      const detail = detailAfterMethod(error.message);
      return `The gateway did not accept this request${detail ? `: ${sentence(detail.replace(METHOD_RE, 'the request'))}` : '.'}`;
    }
    case 'control.internal': {
      const detail = detailAfterMethod(error.message);
      return detail && !/^see the gateway log/.test(detail)
        ? `Something went wrong in the gateway: ${sentence(detail.replace(METHOD_RE, 'the request'))} The Logs screen has the details.`
        : 'Something went wrong in the gateway. The Logs screen has the details.';
    }
    default:
      return error.message.replace(METHOD_RE, 'the request');
  }
}

export function humanError(error: ApiError): ApiError {
  const message = humanMessage(error);
  return message === error.message ? error : { ...error, message };
}

/** The same transport, with every failed result's message made fit to show. */
export function withHumanErrors(transport: Transport): Transport {
  return {
    invoke: async (method, params) => {
      const result: Result<unknown> = await transport.invoke(method, params);
      return result.ok ? result : { ok: false, error: humanError(result.error) };
    },
    subscribe: (event, listener) => transport.subscribe(event, listener),
  };
}

/** The preload hands the page an API object, not a transport: this calls into it by method name. */
export function apiTransport(api: OpenClawApi): Transport {
  return {
    invoke(method: MethodName, params: unknown) {
      let node: unknown = api;
      for (const part of method.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
      if (typeof node !== 'function') {
        return Promise.resolve<Result<unknown>>({
          ok: false,
          error: { code: 'control.unknown_method', message: `unknown method ${method}` },
        });
      }
      return (node as (params: unknown) => Promise<Result<unknown>>)(params);
    },
    subscribe: (event, listener) => api.on(event, listener as never),
  };
}
