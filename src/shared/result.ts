// The one result envelope every method returns, over IPC and WebSocket alike. Codes are namespaced and stable:
// callers branch on `code`, people read `message`.
export const ERROR_CODES = [
  'auth.missing_token',
  'auth.invalid_token',
  'control.unknown_method',
  'control.invalid_params',
  'control.invalid_frame',
  'control.forbidden_sender',
  'control.internal',
  'control.timeout',
  'control.unavailable',
  'config.invalid',
  'config.parse_error',
  'config.path_invalid',
  'config.conflict',
  'config.write_failed',
  'config.not_found',
  'logs.unavailable',
  'whatsapp.unknown_account',
  'whatsapp.not_linked',
  'whatsapp.already_linked',
  'whatsapp.disabled',
  'whatsapp.login_failed',
  'whatsapp.timeout',
  'whatsapp.not_connected',
  'outbound.invalid_message',
  'outbound.media_failed',
  'outbox.not_found',
  'outbox.wrong_state',
  'pairing.code_unknown',
  'pairing.code_expired',
  'pairing.account_mismatch',
  'agent.not_configured',
  'agent.unavailable',
  'agent.invalid',
  'agent.unknown',
  'sessions.unknown',
  'models.unknown',
  'models.invalid',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ApiError {
  code: ErrorCode;
  message: string;
  /** Machine-readable extras, e.g. the config issues behind `config.invalid`. */
  details?: unknown;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail(code: ErrorCode, message: string, details?: unknown): Result<never> {
  return details === undefined
    ? { ok: false, error: { code, message } }
    : { ok: false, error: { code, message, details } };
}
