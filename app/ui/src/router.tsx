// Client-side routing by path. Navigation keeps the query string (shop, host, embedded...), and
// follows App Bridge's `shopify:navigate` event for the `<ui-nav-menu>` links of the admin.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ComponentProps, type MouseEvent, type ReactNode } from 'react';
import type { AppProviderProps } from '@shopify/polaris';
import { parseRoute, withQuery, type Route } from '../lib/routes.ts';

interface RouterValue {
  route: Route;
  pathname: string;
  search: string;
  /** Go to an app path; the current query string is kept. */
  navigate(path: string, options?: { replace?: boolean }): void;
  /** The href of an app path, query string included. */
  href(path: string): string;
}

type LinkLikeComponentProps = ComponentProps<NonNullable<AppProviderProps['linkComponent']>>;

const RouterContext = createContext<RouterValue | null>(null);

function readLocation(): { pathname: string; search: string } {
  return { pathname: window.location.pathname, search: window.location.search };
}

export function RouterProvider({ children }: { children: ReactNode }) {
  const [location, setLocation] = useState(readLocation);

  const navigate = useCallback((path: string, options?: { replace?: boolean }) => {
    const url = withQuery(path, window.location.search);
    if (options?.replace) window.history.replaceState(null, '', url);
    else window.history.pushState(null, '', url);
    setLocation(readLocation());
    window.scrollTo(0, 0);
  }, []);

  useEffect(() => {
    const onPop = () => setLocation(readLocation());
    const onShopifyNavigate = (event: Event) => {
      const target = event.target;
      const href = target instanceof Element ? target.getAttribute('href') : null;
      if (href) navigate(href);
    };
    window.addEventListener('popstate', onPop);
    document.addEventListener('shopify:navigate', onShopifyNavigate);
    return () => {
      window.removeEventListener('popstate', onPop);
      document.removeEventListener('shopify:navigate', onShopifyNavigate);
    };
  }, [navigate]);

  const value = useMemo<RouterValue>(
    () => ({ route: parseRoute(location.pathname), pathname: location.pathname, search: location.search, navigate, href: (path) => withQuery(path, location.search) }),
    [location, navigate],
  );
  return <RouterContext.Provider value={value}>{children}</RouterContext.Provider>;
}

export function useRouter(): RouterValue {
  const value = useContext(RouterContext);
  if (!value) throw new Error('useRouter outside RouterProvider');
  return value;
}

function isPlainLeftClick(event: MouseEvent): boolean {
  return event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey && !event.defaultPrevented;
}

/** Polaris' link component: app paths route in place, anything else is an ordinary link. */
export function AppLink({ url, external, children, ...rest }: LinkLikeComponentProps) {
  const router = useRouter();
  const appPath = !external && url.startsWith('/') && !url.startsWith('//') && !url.startsWith('/api/');
  if (!appPath) {
    return (
      <a href={url} target={external ? '_blank' : undefined} rel={external ? 'noopener noreferrer' : undefined} {...rest}>
        {children}
      </a>
    );
  }
  return (
    <a
      href={router.href(url)}
      onClick={(event) => {
        if (!isPlainLeftClick(event)) return;
        event.preventDefault();
        router.navigate(url);
      }}
      {...rest}
    >
      {children}
    </a>
  );
}
