// Screens are addressed by the URL hash (#/logs, #/link?account=work), so a reload keeps the screen and links
// work in both shells.
export const ROUTES = [
  { id: 'link', label: 'Link' },
  { id: 'accounts', label: 'Accounts' },
  { id: 'pairing', label: 'Pairing' },
  { id: 'settings', label: 'Settings' },
  { id: 'logs', label: 'Logs' },
] as const;

export type RouteId = (typeof ROUTES)[number]['id'];

export const DEFAULT_ROUTE: RouteId = 'link';

export function routeFromHash(hash: string): RouteId {
  const id = hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
  return ROUTES.some((r) => r.id === id) ? (id as RouteId) : DEFAULT_ROUTE;
}

/** `#/link?account=work` links to a screen about one account. */
export function hashFor(route: RouteId, params: { account?: string } = {}): string {
  return params.account ? `#/${route}?account=${encodeURIComponent(params.account)}` : `#/${route}`;
}

/** The account a hash names (`?account=`), or null. */
export function accountFromHash(hash: string): string | null {
  const query = hash.indexOf('?');
  if (query < 0) return null;
  const value = new URLSearchParams(hash.slice(query + 1)).get('account');
  return value ? value : null;
}
