// Screens are addressed by the URL hash (#/logs), so a reload keeps the screen and links work in both shells.
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

export function hashFor(route: RouteId): string {
  return `#/${route}`;
}
