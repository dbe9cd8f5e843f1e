// The UI's pages and their paths. Links keep the query string Shopify passes (shop, host,
// embedded, ...): App Bridge and the document route need it on every load. Pure.

export type Route =
  | { page: 'overview' }
  | { page: 'segment'; key: string }
  | { page: 'models' }
  | { page: 'quality' }
  | { page: 'runs' }
  | { page: 'rules' }
  | { page: 'settings' }
  | { page: 'not-found'; path: string };

export interface NavItem {
  page: Exclude<Route['page'], 'segment' | 'not-found'>;
  path: string;
  label: string;
}

/** The pages of the navigation (also the `<ui-nav-menu>` links of the embedded admin). */
export const NAV_ITEMS: readonly NavItem[] = [
  { page: 'overview', path: '/', label: 'Overview' },
  { page: 'models', path: '/models', label: 'Models' },
  { page: 'quality', path: '/quality', label: 'Data quality' },
  { page: 'runs', path: '/runs', label: 'Sync history' },
  { page: 'rules', path: '/rules', label: 'Rule segments' },
  { page: 'settings', path: '/settings', label: 'Settings' },
];

export function parseRoute(pathname: string): Route {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  if (path === '' || path === '/') return { page: 'overview' };
  const segment = /^\/segments\/([^/]+)$/.exec(path);
  if (segment?.[1]) {
    try {
      return { page: 'segment', key: decodeURIComponent(segment[1]) };
    } catch {
      return { page: 'not-found', path };
    }
  }
  const item = NAV_ITEMS.find((n) => n.path === path);
  return item ? ({ page: item.page } as Route) : { page: 'not-found', path };
}

export function segmentPath(key: string): string {
  return `/segments/${encodeURIComponent(key)}`;
}

/** The path with the current query string kept ("?shop=...&host=..."); a path's own query wins. */
export function withQuery(path: string, search: string): string {
  if (path.includes('?') || !search || search === '?') return path;
  return `${path}${search.startsWith('?') ? search : `?${search}`}`;
}

/** The navigation item a route belongs to (a segment page belongs to the overview). */
export function activeNavPath(route: Route): string | null {
  if (route.page === 'segment') return '/';
  if (route.page === 'not-found') return null;
  return NAV_ITEMS.find((n) => n.page === route.page)?.path ?? null;
}
