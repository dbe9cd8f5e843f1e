// The demo store's storefront behaviour, generated: four weeks of web pixel history for about a
// third of the customers (stored as the endpoint would have stored it), and the live visits the
// demo replays through the pixel to show segments changing in real time. Deterministic: the same
// sample gives the same shoppers and events, only moved to the demo's clock.
import { isHeldOut } from '../../core/holdout/holdout.ts';
import { emailPersonId, normaliseEmail } from '../../core/identity.ts';
import type { SeedCustomer, SeedOrder } from '../../test/emulators/shopify/types.ts';
import type { PixelEventRecord } from '../store/store.ts';
import { fnvHash } from './fnv-hash.ts';
import type { ShopperStep, ShopperVisit, StorefrontProduct } from './storefront-simulator.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;

/** The rule segments the demo defines on storefront behaviour. */
export const DEMO_BEHAVIOUR_RULES = [
  { key: 'cart-abandoners', name: 'Cart abandoners', rule: 'cart_adds_without_purchase >= 1' },
  { key: 'checkout-abandoners', name: 'Checkout abandoners', rule: 'checkouts_abandoned >= 1' },
] as const;

/** The store's most ordered products (by order lines), for the storefront's product pages. */
export function demoProducts(orders: readonly SeedOrder[], currency: string, limit = 40): StorefrontProduct[] {
  const counts = new Map<string, { lines: number; price: number; productType: string }>();
  for (const order of orders) {
    for (const item of order.lineItems) {
      const entry = counts.get(item.title) ?? { lines: 0, price: item.price, productType: item.productType ?? 'Gifts' };
      entry.lines += 1;
      counts.set(item.title, entry);
    }
  }
  return [...counts.entries()]
    .sort(([a, x], [b, y]) => y.lines - x.lines || (a < b ? -1 : 1))
    .slice(0, limit)
    .map(([title, e]) => ({ id: String(8_000_000_000 + fnvHash(title) % 1_000_000_000), title, productType: e.productType, price: e.price, currency }));
}

/** One visit's events: a landing page, product pages, maybe a cart add, a checkout, a purchase. */
function visitSteps(h: number, start: number, products: readonly StorefrontProduct[], depth: 'browse' | 'cart' | 'checkout' | 'buy'): ShopperStep[] {
  const pick = (n: number) => products[(h + n * 7) % products.length] as StorefrontProduct;
  const steps: ShopperStep[] = [{ name: 'page_viewed', at: start }];
  const views = 1 + (h % 4);
  for (let i = 0; i < views; i++) steps.push({ name: 'product_viewed', at: start + (i + 1) * 2 * MINUTE, product: pick(i) });
  let t = start + (views + 1) * 2 * MINUTE;
  if (depth === 'browse') return steps;
  steps.push({ name: 'product_added_to_cart', at: t, product: pick(0) });
  if (depth === 'cart') return steps;
  t += 3 * MINUTE;
  steps.push({ name: 'checkout_started', at: t, product: pick(0) });
  if (depth === 'checkout') return steps;
  steps.push({ name: 'checkout_completed', at: t + 4 * MINUTE, product: pick(0) });
  return steps;
}

/** How deep a generated visit goes: mostly browsing, some carts left, fewer checkouts. */
function depthOf(h: number): 'browse' | 'cart' | 'checkout' | 'buy' {
  const bucket = h % 100;
  if (bucket < 62) return 'browse';
  if (bucket < 80) return 'cart';
  if (bucket < 88) return 'checkout';
  return 'buy';
}

/** The browser id the demo gives a customer. */
const browserOf = (customerId: number) => `demo-browser-${customerId.toString(36)}`;

/**
 * Four weeks of storefront history (the pixel's retention is longer; the demo's pixel "was
 * installed" four weeks ago): about a third of the customers, one to five visits each.
 */
export function buildStorefrontHistory(customers: readonly SeedCustomer[], products: readonly StorefrontProduct[], now: Date): PixelEventRecord[] {
  const events: PixelEventRecord[] = [];
  const received = now.toISOString();
  const today = now.getTime();
  for (const customer of customers) {
    if (customer.id === undefined) continue;
    const h = fnvHash(`storefront:${customer.id}`);
    if (h % 3 !== 0) continue;
    const visits = 1 + ((h >>> 4) % 5);
    for (let v = 0; v < visits; v++) {
      const vh = fnvHash(`visit:${customer.id}:${v}`);
      // Between 2 and 28 days ago, at a daytime hour.
      const start = today - (2 + (vh % 27)) * DAY + ((vh >>> 8) % 600) * MINUTE;
      const steps = visitSteps(vh, start, products, depthOf(vh >>> 3));
      steps.forEach((step, i) => {
        events.push({
          eventId: `demo-${customer.id}-${v}-${i}`,
          clientId: browserOf(customer.id as number),
          customerId: `gid://shopify/Customer/${customer.id}`,
          name: step.name,
          occurredAt: new Date(step.at).toISOString(),
          url: null,
          data: step.product ? { productId: step.product.id, productType: step.product.productType, price: step.product.price, currency: step.product.currency } : {},
          receivedAt: received,
        });
      });
    }
  }
  return events;
}

export interface LiveShopper {
  customer: SeedCustomer;
  /** What the shopper does, in words. */
  story: string;
  visit: ShopperVisit;
  /** The rule segment the visit should move the shopper into or out of. */
  segmentKey: string;
  enters: boolean;
}

export interface LiveShopperOptions {
  /** Shopify customer GID -> the tags the store holds now. */
  tagsOf: (customerGid: string) => readonly string[];
  tagPrefix: string;
  holdout: { share: number; salt: string };
}

/**
 * The demo's live shoppers, chosen among customers written back (not held out of the segment the
 * visit concerns): one adds to the cart and leaves, one left a checkout two hours ago, and one who
 * had left items in the cart comes back and buys.
 */
export function chooseLiveShoppers(customers: readonly SeedCustomer[], products: readonly StorefrontProduct[], now: Date, options: LiveShopperOptions): LiveShopper[] {
  const t = now.getTime();
  const cartTag = `${options.tagPrefix}rule-cart-abandoners`;
  const checkoutTag = `${options.tagPrefix}rule-checkout-abandoners`;
  const eligible = (c: SeedCustomer, ruleKey: string) => {
    const email = normaliseEmail(c.email);
    return c.id !== undefined && email !== null && !isHeldOut(emailPersonId(email), `rule-${ruleKey}`, options.holdout.share, options.holdout.salt);
  };
  const tags = (c: SeedCustomer) => options.tagsOf(`gid://shopify/Customer/${c.id}`);
  const ordered = [...customers].sort((a, b) => fnvHash(`live:${a.id}`) - fnvHash(`live:${b.id}`));
  const used = new Set<number>();
  const find = (test: (c: SeedCustomer) => boolean) => {
    const found = ordered.find((c) => c.id !== undefined && !used.has(c.id) && test(c));
    if (found?.id !== undefined) used.add(found.id);
    return found;
  };
  const shoppers: LiveShopper[] = [];
  const visit = (c: SeedCustomer, steps: ShopperStep[]): ShopperVisit => ({ customerId: String(c.id), clientId: browserOf(c.id as number), steps });
  const product = (c: SeedCustomer, n: number) => products[(fnvHash(`p:${c.id}`) + n) % products.length] as StorefrontProduct;

  const carter = find((c) => eligible(c, 'cart-abandoners') && tags(c).length > 0 && !tags(c).includes(cartTag));
  if (carter) {
    const p = product(carter, 0);
    shoppers.push({
      customer: carter,
      story: `views ${p.title.toLowerCase()}, adds it to the cart and leaves`,
      visit: visit(carter, [
        { name: 'page_viewed', at: t - 4 * MINUTE },
        { name: 'product_viewed', at: t - 3 * MINUTE, product: product(carter, 1) },
        { name: 'product_viewed', at: t - 2 * MINUTE, product: p },
        { name: 'product_added_to_cart', at: t - MINUTE, product: p },
      ]),
      segmentKey: 'rule-cart-abandoners',
      enters: true,
    });
  }
  const checkouter = find((c) => eligible(c, 'checkout-abandoners') && tags(c).length > 0 && !tags(c).includes(checkoutTag));
  if (checkouter) {
    const p = product(checkouter, 0);
    const start = t - 2 * 60 * MINUTE;
    shoppers.push({
      customer: checkouter,
      story: `started a checkout for ${p.title.toLowerCase()} two hours ago and left (the browser sends the events now)`,
      visit: visit(checkouter, [
        { name: 'page_viewed', at: start - 6 * MINUTE },
        { name: 'product_viewed', at: start - 5 * MINUTE, product: p },
        { name: 'product_added_to_cart', at: start - 4 * MINUTE, product: p },
        { name: 'checkout_started', at: start, product: p },
      ]),
      segmentKey: 'rule-checkout-abandoners',
      enters: true,
    });
  }
  const returner = find((c) => eligible(c, 'cart-abandoners') && tags(c).includes(cartTag));
  if (returner) {
    const p = product(returner, 2);
    shoppers.push({
      customer: returner,
      story: `had left items in the cart; comes back and buys ${p.title.toLowerCase()}`,
      visit: visit(returner, [
        { name: 'page_viewed', at: t - 5 * MINUTE },
        { name: 'product_added_to_cart', at: t - 4 * MINUTE, product: p },
        { name: 'checkout_started', at: t - 3 * MINUTE, product: p },
        { name: 'checkout_completed', at: t - MINUTE, product: p },
      ]),
      segmentKey: 'rule-cart-abandoners',
      enters: false,
    });
  }
  return shoppers;
}
