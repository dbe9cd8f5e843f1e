// An emulated storefront for the demo and the end-to-end tests: shoppers' visits replayed through
// the web pixel's own code (extensions/web-pixel/src/pixel.ts) on a stand-in analytics bus, so that
// the events reach the app's endpoint as a storefront's would: mapped, batched and sent over HTTP
// with the shop's pixel key. The bus events carry the shapes of Shopify's standard events
// (productVariant, cartLine, checkout) that the pixel reads.
import { randomUUID } from 'node:crypto';
import { startPixel, type PixelApi } from '../../extensions/web-pixel/src/pixel.ts';
import type { StandardEventName } from '../../extensions/web-pixel/src/wire.ts';

export interface StorefrontProduct {
  id: string;
  title: string;
  productType: string;
  price: number;
  currency: string;
}

export interface ShopperStep {
  name: StandardEventName;
  /** When it happened (epoch ms). */
  at: number;
  product?: StorefrontProduct;
}

export interface ShopperVisit {
  /** The logged-in customer's numeric Shopify id, or null for an anonymous visitor. */
  customerId: string | null;
  /** The browser's id (the pixel's clientId). */
  clientId: string;
  steps: ShopperStep[];
}

/** What the pixel's settings hold (app/pixel/activate-pixel.ts sets them on the real shop). */
export interface PixelTarget {
  endpoint: string;
  shop: string;
  key: string;
}

export interface ReplayResult {
  /** Events published on the bus. */
  events: number;
  /** Request bodies the pixel sent. */
  bodies: number;
  /** HTTP status -> bodies answered with it. */
  statuses: Record<string, number>;
  /** Totals of the endpoint's 202 answers. */
  accepted: number;
  duplicates: number;
  dropped: number;
}

function variantOf(product: StorefrontProduct, origin: string) {
  const money = { amount: product.price, currencyCode: product.currency };
  return {
    id: `${product.id}01`,
    price: money,
    title: 'Default',
    product: { id: product.id, title: product.title, untranslatedTitle: product.title, type: product.productType, vendor: 'Demo', url: `${origin}/products/${product.id}` },
  };
}

function checkoutOf(step: ShopperStep, token: string, customerId: string | null, completed: boolean) {
  const product = step.product;
  const total = product ? product.price : 0;
  return {
    token,
    currencyCode: product?.currency ?? 'GBP',
    totalPrice: { amount: total, currencyCode: product?.currency ?? 'GBP' },
    lineItems: product ? [{ id: 'line-1', quantity: 1, title: product.title, variant: variantOf(product, '') }] : [],
    order: completed ? { id: String(Math.floor(step.at / 1000)), customer: customerId ? { id: customerId } : null } : null,
  };
}

/** The bus event of one step, shaped as the analytics bus delivers Shopify's standard events. */
function busEvent(step: ShopperStep, visit: ShopperVisit, origin: string, checkoutToken: string) {
  const path =
    step.name === 'product_viewed' || step.name === 'product_added_to_cart'
      ? `/products/${step.product?.id ?? 'item'}`
      : step.name.startsWith('checkout')
        ? `/checkouts/${checkoutToken}`
        : step.name === 'cart_viewed'
          ? '/cart'
          : '/';
  const href = `${origin}${path}`;
  const product = step.product;
  let data: unknown = {};
  if (step.name === 'product_viewed' && product) data = { productVariant: variantOf(product, origin) };
  if (step.name === 'product_added_to_cart' && product) data = { cartLine: { quantity: 1, merchandise: variantOf(product, origin), cost: { totalAmount: { amount: product.price, currencyCode: product.currency } } } };
  if (step.name === 'checkout_started') data = { checkout: checkoutOf(step, checkoutToken, visit.customerId, false) };
  if (step.name === 'checkout_completed') data = { checkout: checkoutOf(step, checkoutToken, visit.customerId, true) };
  return {
    id: `sh-${randomUUID()}`,
    name: step.name,
    clientId: visit.clientId,
    timestamp: new Date(step.at).toISOString(),
    type: 'standard',
    context: { document: { location: { href } } },
    data,
  };
}

/**
 * Replays the visits, each in its own page session of the pixel, and waits for every body to be
 * answered. `fetchImpl` sends the bodies (the global fetch by default).
 */
export async function replayVisits(target: PixelTarget, visits: readonly ShopperVisit[], fetchImpl: typeof fetch = fetch): Promise<ReplayResult> {
  const result: ReplayResult = { events: 0, bodies: 0, statuses: {}, accepted: 0, duplicates: 0, dropped: 0 };
  const origin = `https://${target.shop}`;
  for (const visit of visits) {
    const inFlight: Promise<void>[] = [];
    const send = (url: string, init: { method: string; body: string; headers: Record<string, string> }): Promise<unknown> => {
      const answered = fetchImpl(url, { method: init.method, body: init.body, headers: init.headers }).then(async (response) => {
        result.bodies += 1;
        result.statuses[String(response.status)] = (result.statuses[String(response.status)] ?? 0) + 1;
        if (response.status === 202) {
          const body = (await response.json()) as { accepted?: number; duplicates?: number; dropped?: number };
          result.accepted += body.accepted ?? 0;
          result.duplicates += body.duplicates ?? 0;
          result.dropped += body.dropped ?? 0;
        } else {
          await response.arrayBuffer();
        }
      });
      inFlight.push(answered);
      return answered;
    };
    const subscribers = new Map<string, Array<(event: unknown) => void>>();
    const api: PixelApi = {
      analytics: {
        subscribe(name, callback) {
          subscribers.set(name, [...(subscribers.get(name) ?? []), callback]);
          return true;
        },
      },
      init: {
        data: { customer: visit.customerId ? { id: visit.customerId } : null },
        customerPrivacy: { analyticsProcessingAllowed: true, marketingAllowed: true, preferencesProcessingAllowed: true, saleOfDataAllowed: false },
      },
      settings: { endpoint: target.endpoint, shop: target.shop, shopKey: target.key },
    };
    const pixel = startPixel(api, {
      now: () => Date.now(),
      setTimer: (callback, ms) => setTimeout(callback, ms),
      clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
      fetch: send,
    });
    if (!pixel) throw new Error('the pixel settings are not usable');
    const checkoutToken = randomUUID().replaceAll('-', '');
    for (const step of visit.steps) {
      const event = busEvent(step, visit, origin, checkoutToken);
      for (const callback of subscribers.get(step.name) ?? []) callback(event);
      result.events += 1;
    }
    pixel.batcher.flush();
    await Promise.all(inFlight);
  }
  return result;
}
