// Test doubles for the web pixel sandbox: an analytics bus that emits Shopify's standard events
// with realistic payloads (shapes from @shopify/web-pixels-extension's PixelEvents types), the
// customerPrivacy bus, browser.sendBeacon / localStorage, fetch, and a manual clock with timers.
import type { PixelApi, PixelDeps } from '../src/pixel.ts';
import type { StandardEventName } from '../src/wire.ts';

export const SHOP = 'refinery-demo.myshopify.com';
export const SHOP_KEY = 'pk_test_0123456789abcdef';
export const ENDPOINT = 'http://127.0.0.1:8787/pixel/events';
export const CLIENT_ID = 'd7e0fb7a-1f5c-4a52-9b8f-1c2d3e4f5a6b';
export const STORE = 'https://refinery-demo.myshopify.com';

const money = (amount: number, currencyCode = 'EUR') => ({ amount, currencyCode });

export const variant = {
  id: '44003150577876',
  image: { src: 'https://cdn.shopify.com/s/files/1/0000/products/mug.jpg' },
  price: money(24.5),
  product: { id: '8124001665236', title: 'Enamel mug', untranslatedTitle: 'Enamel mug', type: 'Kitchen', url: '/products/enamel-mug', vendor: 'Refinery Goods' },
  sku: 'MUG-ENAMEL-BLUE',
  title: 'Blue',
  untranslatedTitle: 'Blue',
};

const checkout = (withOrder: boolean) => ({
  attributes: [],
  billingAddress: null,
  buyerAcceptsEmailMarketing: false,
  buyerAcceptsSmsMarketing: false,
  currencyCode: 'EUR',
  delivery: null,
  discountApplications: [],
  discountsAmount: money(0),
  email: 'ada@example.com',
  phone: null,
  lineItems: [
    { id: 'li-1', quantity: 2, title: 'Enamel mug', variant, finalLinePrice: money(49), discountAllocations: [], properties: [], sellingPlanAllocation: null },
    { id: 'li-2', quantity: 1, title: 'Tea towel', variant: { ...variant, id: '44003150610644', price: money(12) }, finalLinePrice: money(12), discountAllocations: [], properties: [], sellingPlanAllocation: null },
  ],
  localization: { country: { isoCode: 'FR' }, language: { isoCode: 'fr' }, market: { id: 'gid://shopify/Market/1', handle: 'fr' } },
  order: withOrder ? { id: '5901234567890', customer: { id: '7012345678901', isFirstOrder: true } } : null,
  shippingAddress: null,
  shippingLine: { price: money(5) },
  smsMarketingPhone: null,
  subtotalPrice: money(61),
  token: 'c1-8f3b2a9d7e6c5b4a3f2e1d0c9b8a7f6e',
  totalPrice: money(66),
  totalTax: money(11),
  transactions: [],
});

/** The `data` of each standard event, as Shopify documents it. */
export const SAMPLE_DATA: Record<StandardEventName, unknown> = {
  page_viewed: {},
  product_viewed: { productVariant: variant },
  collection_viewed: { collection: { id: '455621935316', title: 'Kitchen', productVariants: [variant] } },
  product_added_to_cart: { cartLine: { cost: { totalAmount: money(49) }, merchandise: variant, quantity: 2 } },
  cart_viewed: { cart: { id: 'Z2NwLWV1cm9wZS13ZXN0MTo', attributes: [], cost: { totalAmount: money(61) }, lines: [], totalQuantity: 3 } },
  checkout_started: { checkout: checkout(false) },
  checkout_completed: { checkout: checkout(true) },
  search_submitted: { searchResult: { query: 'blue mug', productVariants: [variant] } },
};

export const SAMPLE_PATHS: Record<StandardEventName, string> = {
  page_viewed: '/',
  product_viewed: '/products/enamel-mug',
  collection_viewed: '/collections/kitchen',
  product_added_to_cart: '/products/enamel-mug',
  cart_viewed: '/cart',
  checkout_started: '/checkouts/cn/c1-8f3b2a9d7e6c5b4a3f2e1d0c9b8a7f6e',
  checkout_completed: '/checkouts/cn/c1-8f3b2a9d7e6c5b4a3f2e1d0c9b8a7f6e/thank-you',
  search_submitted: '/search?q=blue+mug',
};

let seq = 0;

/** One bus event as the sandbox delivers it. */
export function standardEvent(name: string, options: { id?: string; data?: unknown; href?: string; clientId?: string; timestamp?: string } = {}) {
  seq++;
  const href = options.href ?? STORE + (SAMPLE_PATHS[name as StandardEventName] ?? '/');
  const url = new URL(href);
  return {
    id: options.id ?? `sh-${seq.toString(16).padStart(8, '0')}-8F2D-4CCA-3231-EF5C032A4C3B`,
    name,
    clientId: options.clientId ?? CLIENT_ID,
    seq,
    timestamp: options.timestamp ?? '2026-05-04T10:00:00.000Z',
    type: 'standard',
    context: {
      document: { characterSet: 'UTF-8', location: { href, hash: url.hash, host: url.host, hostname: url.hostname, origin: url.origin, pathname: url.pathname, port: url.port, protocol: url.protocol, search: url.search }, referrer: '', title: 'Refinery demo' },
      navigator: { cookieEnabled: true, language: 'fr-FR', languages: ['fr-FR', 'en'], userAgent: 'Mozilla/5.0 (test)' },
      window: { innerHeight: 900, innerWidth: 1440, location: { href }, origin: url.origin, screen: { height: 1080, width: 1920 } },
    },
    data: options.data ?? SAMPLE_DATA[name as StandardEventName] ?? {},
  };
}

type Callback = (event: unknown) => void;

/** The analytics and customerPrivacy buses. */
export function createFakeBus() {
  const analytics = new Map<string, Callback[]>();
  const privacy = new Map<string, Callback[]>();
  const on = (map: Map<string, Callback[]>) => (name: string, callback: Callback) => {
    map.set(name, [...(map.get(name) ?? []), callback]);
    return () => true;
  };
  return {
    analytics: { subscribe: on(analytics) },
    customerPrivacy: { subscribe: on(privacy) as (name: 'visitorConsentCollected', callback: Callback) => unknown },
    subscribedNames: () => [...analytics.keys()],
    /** Publishes a raw event to its subscribers. */
    publish(event: { name: string } & Record<string, unknown>) {
      for (const callback of analytics.get(event.name) ?? []) callback(event);
    },
    emit(name: string, options: Parameters<typeof standardEvent>[1] = {}) {
      const event = standardEvent(name, options);
      this.publish(event);
      return event;
    },
    consent(analyticsProcessingAllowed: boolean) {
      const payload = { customerPrivacy: { analyticsProcessingAllowed, marketingAllowed: false, preferencesProcessingAllowed: false, saleOfDataAllowed: false } };
      for (const callback of privacy.get('visitorConsentCollected') ?? []) callback(payload);
    },
  };
}

/** A manual clock: timers fire only when the test advances time. */
export function createFakeClock(start = Date.parse('2026-05-04T10:00:00.000Z')) {
  let now = start;
  let nextId = 1;
  const timers = new Map<number, { at: number; callback: () => void }>();
  return {
    now: () => now,
    setTimer(callback: () => void, ms: number) {
      const id = nextId++;
      timers.set(id, { at: now + ms, callback });
      return id;
    },
    clearTimer(handle: unknown) {
      timers.delete(handle as number);
    },
    pending: () => timers.size,
    advance(ms: number) {
      const until = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].callback();
      }
      now = until;
    },
  };
}

export interface Sent {
  via: 'beacon' | 'fetch';
  url: string;
  body: string;
  init?: unknown;
}

/** A whole pixel environment: bus, clock, browser and fetch, with what was sent. */
export function createPixelEnv(options: { analytics?: boolean; beacon?: boolean | 'missing' | 'throws'; customer?: { id: string } | null; settings?: unknown; storage?: Map<string, string> } = {}) {
  const bus = createFakeBus();
  const clock = createFakeClock();
  const sent: Sent[] = [];
  const storage = options.storage ?? new Map<string, string>();
  const beacon = options.beacon ?? true;
  const browser: NonNullable<PixelApi['browser']> = {
    localStorage: {
      getItem: async (key) => storage.get(key) ?? null,
      setItem: async (key, value) => {
        storage.set(key, value);
      },
    },
  };
  if (beacon !== 'missing') {
    browser.sendBeacon = async (url, body) => {
      if (beacon === 'throws') throw new Error('sendBeacon unavailable');
      if (beacon) sent.push({ via: 'beacon', url, body: body ?? '' });
      return beacon;
    };
  }
  const api: PixelApi = {
    analytics: bus.analytics,
    customerPrivacy: bus.customerPrivacy,
    browser,
    settings: options.settings ?? { endpoint: ENDPOINT, shop: SHOP, shopKey: SHOP_KEY },
    init: {
      context: {},
      data: { customer: options.customer === undefined ? { id: '7012345678901', email: 'ada@example.com' } : options.customer, cart: null, shop: { name: 'Refinery demo', myShopifyDomain: SHOP } },
      customerPrivacy: { analyticsProcessingAllowed: options.analytics ?? true, marketingAllowed: false, preferencesProcessingAllowed: false, saleOfDataAllowed: false },
    },
  };
  const deps: PixelDeps = {
    now: clock.now,
    setTimer: clock.setTimer,
    clearTimer: clock.clearTimer,
    fetch: async (url, init) => {
      sent.push({ via: 'fetch', url, body: init.body, init });
      return {};
    },
  };
  /** The parsed bodies sent so far (after pending promises settle). */
  const bodies = async () => {
    await settle();
    return sent.map((s) => JSON.parse(s.body) as Record<string, unknown> & { events: Array<Record<string, unknown> & { data: Record<string, unknown> }> });
  };
  return { bus, clock, sent, storage, api, deps, bodies };
}

/** Lets queued promise callbacks (the transport is async) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
