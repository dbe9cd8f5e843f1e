// How the Shopify SDK's Admin API calls travel. Installed through the SDK's own runtime hook
// (`setAbstractFetchFunc`), once per process:
// - every call gets a timeout, so a connection that hangs becomes a retriable network error
//   instead of a sync that never ends (the SDK sets none);
// - for shops routed to an emulator (tests, the demo), https://{shop}/admin/api/... goes to
//   `{origin}/shops/{shop}/admin/api/...`. Other shops go to Shopify unchanged.
// The node adapter sets the SDK's fetch to globalThis.fetch when first loaded: load it before
// installing ours so that it can never overwrite it afterwards. The SDK ships an ES module build
// and a CommonJS build, each with its own runtime hook; @shopify/shopify-app-express (no "exports",
// "main" is CommonJS) loads the CommonJS one, so ours goes into both.
import { createRequire } from 'node:module';
import '@shopify/shopify-api/adapters/node';
import { setAbstractFetchFunc } from '@shopify/shopify-api/runtime';

type FetchHook = typeof setAbstractFetchFunc;
const require = createRequire(import.meta.url);

export const ADMIN_CALL_TIMEOUT_MS = 60_000;

const routes = new Map<string, string>();
let installed = false;

/** Installs the SDK fetch function; idempotent. */
export function installAdminTransport(): void {
  if (installed) return;
  installed = true;
  require('@shopify/shopify-api/adapters/node');
  const commonJsHook = (require('@shopify/shopify-api/runtime') as { setAbstractFetchFunc: FetchHook }).setAbstractFetchFunc;
  const routed: Parameters<FetchHook>[0] = (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const target = routes.get(url.host.toLowerCase());
    const options = { ...init, signal: init?.signal ?? AbortSignal.timeout(ADMIN_CALL_TIMEOUT_MS) };
    if (!target) return fetch(input, options);
    return fetch(`${target}/shops/${url.host}${url.pathname}${url.search}`, options);
  };
  setAbstractFetchFunc(routed);
  commonJsHook(routed);
}

/** Makes Admin API calls for `shop` go to `origin` (an emulator). Process-wide, per shop. */
export function routeShopToOrigin(shop: string, origin: string): void {
  const parsed = new URL(origin);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(`admin origin must be http(s), got ${origin}`);
  }
  installAdminTransport();
  routes.set(shop.toLowerCase(), parsed.origin);
}
