// The one error prepareMedia throws. The code is for programs (the control API maps it, the outbox decides that
// a media error is permanent); the message is for people and always names the source it is about.

export type MediaErrorCode = 'too_large' | 'unreachable' | 'refused_address' | 'unsupported' | 'not_found';

export class MediaError extends Error {
  readonly code: MediaErrorCode;
  constructor(code: MediaErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MediaError';
    this.code = code;
  }
}

/** A URL can carry credentials or tokens (user:pass@, ?sig=…): people see scheme, host and path only. */
export function describeSource(source: string): string {
  try {
    const url = new URL(source);
    if (url.protocol === 'http:' || url.protocol === 'https:') {
      const path = url.pathname.length > 80 ? `${url.pathname.slice(0, 77)}...` : url.pathname;
      return `${url.protocol}//${url.host}${path}`;
    }
  } catch {
    // Not a URL: a local path, shown as given.
  }
  return source.length > 200 ? `${source.slice(0, 197)}...` : source;
}

export function formatBytes(n: number): string {
  const MB = 1024 * 1024;
  if (n >= MB) return `${Number((n / MB).toFixed(1))} MB`;
  if (n >= 1024) return `${Number((n / 1024).toFixed(1))} KB`;
  return `${n} bytes`;
}
