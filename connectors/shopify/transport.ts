// Routes the Shopify SDK's Admin API calls. The SDK always calls https://{shop}/admin/api/...;
// when an emulator origin is configured (tests, the demo), this installs a fetch function through
// the SDK's own runtime hook that sends those calls to `{origin}/shops/{shop}/admin/api/...`.
// Without an origin configured, the SDK's own fetch is used untouched (a real store).
// The node adapter sets the SDK's fetch to globalThis.fetch when first loaded: load it before
// installing the route so that it can never overwrite it afterwards.
import '@shopify/shopify-api/adapters/node';
import { setAbstractFetchFunc } from '@shopify/shopify-api/runtime';

const routes = new Map<string, string>();
let installed = false;

/** Makes Admin API calls for `shop` go to `origin` (an emulator). Process-wide, per shop. */
export function routeShopToOrigin(shop: string, origin: string): void {
  const parsed = new URL(origin);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(`admin origin must be http(s), got ${origin}`);
  }
  routes.set(shop.toLowerCase(), parsed.origin);
  if (installed) return;
  installed = true;
  setAbstractFetchFunc((input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const target = routes.get(url.host.toLowerCase());
    if (!target) return fetch(input, init);
    return fetch(`${target}/shops/${url.host}${url.pathname}${url.search}`, init);
  });
}
