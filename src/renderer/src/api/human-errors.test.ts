import { describe, expect, it } from 'vitest';
import { METHOD_NAMES } from '../../../shared/names';
import { fail, ok, type ApiError } from '../../../shared/result';
import {
  GATEWAY_TIMEOUT,
  GATEWAY_UNREACHABLE,
  humanError,
  humanMessage,
  withHumanErrors,
} from './human-errors';

const err = (code: ApiError['code'], message: string): ApiError => ({ code, message });

describe('humanMessage', () => {
  it('says in a sentence that the gateway is gone or slow, whatever the transport said', () => {
    expect(
      humanMessage(err('control.unavailable', 'lost the connection to the gateway during pairing.approve')),
    ).toBe(GATEWAY_UNREACHABLE);
    expect(
      humanMessage(err('control.unavailable', "the gateway is not reachable: No handler registered for 'x'")),
    ).toBe(GATEWAY_UNREACHABLE);
    expect(
      humanMessage(err('control.timeout', 'the gateway did not answer pairing.approve within 15 s')),
    ).toBe(GATEWAY_TIMEOUT);
  });

  it('keeps the useful part of a control-layer message and drops the method name', () => {
    expect(
      humanMessage(
        err('control.invalid_params', 'invalid params for pairing.approve: code: a pairing code is required'),
      ),
    ).toBe('The gateway did not accept this request: code: a pairing code is required.');
    expect(humanMessage(err('control.internal', 'internal error in channels.logout: disk full'))).toBe(
      'Something went wrong in the gateway: disk full. The Logs screen has the details.',
    );
    expect(humanMessage(err('control.internal', 'internal error in config.set: see the gateway log'))).toBe(
      'Something went wrong in the gateway. The Logs screen has the details.',
    );
    expect(humanMessage(err('control.unknown_method', 'unknown method "pairing.approve"'))).toMatch(
      /^This gateway does not know this action/,
    );
  });

  it('passes the gateway’s own sentences through, config paths and CLI commands included', () => {
    const own = [
      'No pending pairing request has the code ABCD2345. Codes expire after 1 hour; list the pending ones with `openclaw pairing list whatsapp`.',
      'channels.whatsapp.allowFrom.0: "abc" is not a phone number',
      'The config file changed on disk; reload it (`openclaw config get channels.whatsapp`).',
    ];
    for (const message of own) expect(humanMessage(err('pairing.code_unknown', message))).toBe(message);
  });

  it('never lets a dotted method name through, whatever the code', () => {
    for (const method of METHOD_NAMES.filter((m) => m.includes('.'))) {
      for (const code of ['control.internal', 'control.invalid_params', 'whatsapp.timeout'] as const) {
        const text = humanMessage(err(code, `internal error in ${method}: ${method} failed`));
        expect(text, `${code} ${method}`).not.toContain(method);
      }
    }
  });

  it('humanError keeps the code (callers branch on it) and the same object when nothing changes', () => {
    const fine = err('config.conflict', 'The config file changed on disk.');
    expect(humanError(fine)).toBe(fine);
    expect(humanError(err('control.timeout', 'x'))).toEqual({
      code: 'control.timeout',
      message: GATEWAY_TIMEOUT,
    });
  });
});

describe('withHumanErrors', () => {
  it('rewords failed results only and passes subscriptions through', async () => {
    const off = () => undefined;
    const transport = withHumanErrors({
      invoke: async (method) =>
        method === 'health'
          ? ok({ up: true })
          : fail('control.unavailable', `lost the connection during ${method}`),
      subscribe: () => off,
    });
    expect(await transport.invoke('health', undefined)).toEqual(ok({ up: true }));
    expect(await transport.invoke('pairing.deny', {})).toEqual(
      fail('control.unavailable', GATEWAY_UNREACHABLE),
    );
    expect(transport.subscribe('log', () => undefined)).toBe(off);
  });
});
