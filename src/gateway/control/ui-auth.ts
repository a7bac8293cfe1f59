// Signs a browser into the UI without putting the control token in a URL or in page script: the gateway prints
// a one-time link; opening it swaps the code for an HttpOnly, SameSite=Strict session cookie. Both maps are
// bounded and expire, so a flood of links or logins cannot grow memory.
import { randomBytes } from 'node:crypto';

export const SESSION_COOKIE = 'openclaw_ui';
const CODE_TTL_MS = 10 * 60_000;
const SESSION_TTL_MS = 7 * 24 * 60 * 60_000;
const MAX_CODES = 16;
const MAX_SESSIONS = 32;

export class UiAuth {
  private readonly codes = new Map<string, number>();
  private readonly sessions = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  issueCode(): { code: string; expiresAt: number } {
    const code = randomBytes(18).toString('base64url');
    const expiresAt = this.now() + CODE_TTL_MS;
    this.codes.set(code, expiresAt);
    trim(this.codes, MAX_CODES);
    return { code, expiresAt };
  }

  /** Consumes a one-time code; returns a new session id, or null when the code is unknown, used or expired. */
  redeem(code: string): string | null {
    const expiresAt = this.codes.get(code);
    this.codes.delete(code);
    if (expiresAt === undefined || expiresAt < this.now()) return null;
    const session = randomBytes(32).toString('base64url');
    this.sessions.set(session, this.now() + SESSION_TTL_MS);
    trim(this.sessions, MAX_SESSIONS);
    return session;
  }

  isSession(session: string | undefined): boolean {
    if (!session) return false;
    const expiresAt = this.sessions.get(session);
    if (expiresAt === undefined) return false;
    if (expiresAt < this.now()) {
      this.sessions.delete(session);
      return false;
    }
    return true;
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
function trim(map: Map<string, number>, max: number): void {
  while (map.size > max) {
    const oldest = map.keys().next().value as string;
    map.delete(oldest);
  }
}
