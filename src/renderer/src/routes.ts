// Screens are addressed by the URL hash (#/logs, #/link?account=work, #/pairing?code=ABCD2345), so a reload keeps
// the screen and links work in both shells — the desktop app opens a notification's request this way too.
export const ROUTES = [
  { id: 'link', label: 'Link' },
  { id: 'accounts', label: 'Accounts' },
  { id: 'pairing', label: 'Pairing' },
  { id: 'messages', label: 'Messages' },
  { id: 'conversations', label: 'Conversations' },
  { id: 'outbox', label: 'Outbox' },
  { id: 'settings', label: 'Settings' },
  { id: 'logs', label: 'Logs' },
  { id: 'setup', label: 'Setup' },
  { id: 'about', label: 'About' },
] as const;

export type RouteId = (typeof ROUTES)[number]['id'];

export const DEFAULT_ROUTE: RouteId = 'link';

export function routeFromHash(hash: string): RouteId {
  const id = hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
  return ROUTES.some((r) => r.id === id) ? (id as RouteId) : DEFAULT_ROUTE;
}

export interface RouteParams {
  account?: string;
  /** A pairing code (the Pairing screen highlights that request). */
  code?: string;
  /** A session key (the Conversations screen opens that session). */
  session?: string;
}

/** `#/link?account=work` links to a screen about one account; `#/pairing?code=…` to one request. */
export function hashFor(route: RouteId, params: RouteParams = {}): string {
  const query = new URLSearchParams();
  if (params.account) query.set('account', params.account);
  if (params.code) query.set('code', params.code);
  if (params.session) query.set('session', params.session);
  const text = query.toString();
  return text ? `#/${route}?${text}` : `#/${route}`;
}

/** A non-empty query parameter of the hash (`?account=`, `?code=`), or null. */
export function paramFromHash(hash: string, name: keyof RouteParams): string | null {
  const query = hash.indexOf('?');
  if (query < 0) return null;
  const value = new URLSearchParams(hash.slice(query + 1)).get(name);
  return value ? value : null;
}

/** The account a hash names (`?account=`), or null. */
export function accountFromHash(hash: string): string | null {
  return paramFromHash(hash, 'account');
}

/** The pairing code a hash names (`?code=`), upper-cased as the gateway compares codes, or null. */
export function codeFromHash(hash: string): string | null {
  return paramFromHash(hash, 'code')?.trim().toUpperCase() || null;
}
