// Signs a browser into the UI without putting the control token in a URL or in page script: the gateway prints
// a one-time link; opening it swaps the code for an HttpOnly, SameSite=Strict session cookie plus a second secret,
// the session key. Cookies are not scoped by port, so every other service on 127.0.0.1 the browser visits receives
// the cookie; the key only ever travels in the sign-in redirect's URL fragment, which only our own page (our
// origin, port included) can read, and a socket signs in by cookie only with both. Both maps are bounded and
// expire, so a flood of links or logins cannot grow memory.
import { randomBytes } from 'node:crypto';
import { tokensEqual } from './token';

export const SESSION_COOKIE = 'openclaw_ui';
const CODE_TTL_MS = 10 * 60_000;
const SESSION_TTL_MS = 7 * 24 * 60 * 60_000;
const MAX_CODES = 16;
const MAX_SESSIONS = 32;

interface Session {
  expiresAt: number;
  key: string;
}

export class UiAuth {
  private readonly codes = new Map<string, number>();
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly now: () => number = Date.now) {}

  issueCode(): { code: string; expiresAt: number } {
    const code = randomBytes(18).toString('base64url');
    const expiresAt = this.now() + CODE_TTL_MS;
    this.codes.set(code, expiresAt);
    trim(this.codes, MAX_CODES);
    return { code, expiresAt };
  }

  /** Whether a code would sign in now, without using it up (HEAD requests and link previews only look). */
  isCodeValid(code: string): boolean {
    const expiresAt = this.codes.get(code);
    return expiresAt !== undefined && expiresAt >= this.now();
  }

  /**
   * Consumes a one-time code; returns a new session id (for the cookie) and the key bound to it (for our page
   * only), or null when the code is unknown, used or expired.
   */
  redeem(code: string): { session: string; key: string } | null {
    const valid = this.isCodeValid(code);
    this.codes.delete(code);
    if (!valid) return null;
    const session = randomBytes(32).toString('base64url');
    const key = randomBytes(32).toString('base64url');
    this.sessions.set(session, { expiresAt: this.now() + SESSION_TTL_MS, key });
    trim(this.sessions, MAX_SESSIONS);
    return { session, key };
  }

  /** True only for a live session presented together with the key it was given at sign-in. */
  verify(session: string | undefined, key: string | undefined): boolean {
    if (!session || !key) return false;
    const entry = this.sessions.get(session);
    if (!entry) return false;
    if (entry.expiresAt < this.now()) {
      this.sessions.delete(session);
      return false;
    }
    return tokensEqual(key, entry.key);
  }

  sessionFromCookieHeader(header: string | undefined): string | undefined {
    if (!header) return undefined;
    for (const part of header.split(';')) {
      const [name, ...rest] = part.trim().split('=');
      if (name === SESSION_COOKIE) return rest.join('=');
    }
    return undefined;
  }

  cookieFor(session: string): string {
    return `${SESSION_COOKIE}=${session}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${SESSION_TTL_MS / 1000}`;
  }
}

/** Maps keep insertion order: dropping the first entries drops the oldest. */
function trim(map: Map<string, unknown>, max: number): void {
  while (map.size > max) {
    const oldest = map.keys().next().value as string;
    map.delete(oldest);
  }
}
