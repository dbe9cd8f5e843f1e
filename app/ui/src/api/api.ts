// The UI's API client and a loading hook: one request per mount (and per reload), its state as
// loading / ok / error, late answers of an unmounted page ignored.
import { useCallback, useEffect, useState } from 'react';
import { createApiClient, errorMessage, type ApiClient, ApiRequestError } from '../../lib/api-client.ts';

async function idToken(): Promise<string> {
  const shopify = window.shopify;
  if (!shopify || typeof shopify.idToken !== 'function') {
    throw new ApiRequestError(0, 'NO_APP_BRIDGE', 'App Bridge did not load, so the app cannot authenticate. Open the app from the Shopify admin.', [], null);
  }
  return shopify.idToken();
}

export const api: ApiClient = createApiClient({ fetch: (url, init) => window.fetch(url, init), idToken });

export type Loadable<T> = { status: 'loading' } | { status: 'ok'; data: T } | { status: 'error'; error: ApiRequestError | Error; message: string };

export interface UseApi<T> {
  state: Loadable<T>;
  reload(): void;
  /** Replace the data in place (after a save that returned the new value). */
  set(data: T): void;
}

export function useApi<T>(path: string | null): UseApi<T> {
  const [state, setState] = useState<Loadable<T>>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (path === null) return;
    let live = true;
    setState({ status: 'loading' });
    api.get<T>(path).then(
      (data) => {
        if (live) setState({ status: 'ok', data });
      },
      (error: unknown) => {
        if (live) setState({ status: 'error', error: error instanceof Error ? error : new Error(String(error)), message: errorMessage(error) });
      },
    );
    return () => {
      live = false;
    };
  }, [path, attempt]);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  const set = useCallback((data: T) => setState({ status: 'ok', data }), []);
  return { state, reload, set };
}
