// Storefront behaviour of one person as of a date, from the web pixel's events (the standard
// events of extensions/web-pixel, stored by app/server/pixel-routes.ts). Pure: the caller gives the
// person's events and the instant of their last purchase known from orders.
//
// Rules (STOREFRONT_POLICY holds the numbers):
// - Only events that occurred in the window (windowDays before asOf, up to asOf inclusive) count;
//   events after asOf are ignored, so a snapshot one horizon back sees only what was known then. A
//   person none of whose events had occurred by asOf is unknown (null), one whose events are all
//   older than the window is known and inactive (zeros).
// - visits: sessions per browser (client id): a browser's event more than sessionGapMinutes after
//   its previous event starts a new session.
// - pageViews / productViews: page_viewed / product_viewed events.
// - A purchase is a checkout_completed event or a counted order. "Last purchase" is the latest of
//   the last counted order on or before asOf (given by the caller) and the last checkout_completed
//   in the window.
// - cartAddsWithoutPurchase: product_added_to_cart events after the last purchase.
// - checkoutsAbandoned: checkouts started after the last purchase and left for at least
//   abandonAfterMinutes by asOf (a checkout younger than that is still in progress). A browser's
//   checkout_started events less than abandonAfterMinutes apart are one checkout (a shopper who
//   reloads the checkout starts it again), left when its latest start is.
import { MS_PER_DAY } from '../instant.ts';

export const STOREFRONT_POLICY = {
  /** Events older than this many days before the as-of date do not count. */
  windowDays: 90,
  /** A browser's silence longer than this ends its session. */
  sessionGapMinutes: 30,
  /** A checkout not completed (and no order) this long after it started is abandoned. */
  abandonAfterMinutes: 60,
} as const;

export type StorefrontPolicy = { [K in keyof typeof STOREFRONT_POLICY]: number };

/** The storefront events that feed the features; other names are read and ignored. */
export const STOREFRONT_EVENT_NAMES = ['page_viewed', 'product_viewed', 'product_added_to_cart', 'checkout_started', 'checkout_completed'] as const;

/** One event as the features need it. */
export interface StorefrontEvent {
  /** The standard event name, e.g. `product_viewed`. */
  name: string;
  /** Epoch ms or an ISO-8601 instant. */
  occurredAt: number | string;
  /** The browser's id (sessions are counted per browser). */
  clientId: string;
}

/** Storefront event counts for one person. Absent or null means unknown. */
export interface StorefrontActivity {
  visits?: number | null;
  pageViews?: number | null;
  productViews?: number | null;
  /** Add-to-cart events not followed by a purchase. */
  cartAddsWithoutPurchase?: number | null;
  /** Checkouts started, not followed by a purchase, and left for at least the abandonment delay. */
  checkoutsAbandoned?: number | null;
}

interface Timed {
  at: number;
  name: string;
  clientId: string;
}

function epochMs(value: number | string): number {
  return typeof value === 'number' ? value : Date.parse(value);
}

/**
 * The person's storefront activity as of `asOfMs` (every count known, possibly 0), from their events
 * in any order; null when none of the events had occurred by asOf (the storefront had not seen the
 * person yet: unknown, not zero). `lastOrderMs` is their last counted order on or before asOf (null: none).
 */
export function summariseStorefront(
  events: Iterable<StorefrontEvent>,
  asOfMs: number,
  lastOrderMs: number | null,
  policy: StorefrontPolicy = STOREFRONT_POLICY,
): Required<StorefrontActivity> | null {
  const from = asOfMs - policy.windowDays * MS_PER_DAY;
  const timed: Timed[] = [];
  let seen = false;
  for (const e of events) {
    const at = epochMs(e.occurredAt);
    if (!Number.isFinite(at) || at > asOfMs) continue;
    seen = true;
    if (at > from) timed.push({ at, name: e.name, clientId: e.clientId });
  }
  if (!seen) return null;
  // Oldest first; ties in a fixed order so that the result never depends on the input's order.
  timed.sort((a, b) => a.at - b.at || (a.clientId < b.clientId ? -1 : a.clientId > b.clientId ? 1 : 0) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  let lastPurchase = lastOrderMs !== null && Number.isFinite(lastOrderMs) && lastOrderMs <= asOfMs ? lastOrderMs : -Infinity;
  for (const e of timed) if (e.name === 'checkout_completed') lastPurchase = Math.max(lastPurchase, e.at);

  const gapMs = policy.sessionGapMinutes * 60_000;
  const abandonMs = policy.abandonAfterMinutes * 60_000;
  const lastSeen = new Map<string, number>();
  let visits = 0;
  let pageViews = 0;
  let productViews = 0;
  let cartAdds = 0;
  let abandoned = 0;
  // Per browser, the latest start of its current checkout, counted when it is closed.
  const openCheckout = new Map<string, number>();
  const closeCheckout = (clientId: string): void => {
    const start = openCheckout.get(clientId);
    if (start !== undefined && start > lastPurchase && start + abandonMs <= asOfMs) abandoned += 1;
    openCheckout.delete(clientId);
  };
  for (const e of timed) {
    const seen = lastSeen.get(e.clientId);
    if (seen === undefined || e.at - seen > gapMs) visits += 1;
    lastSeen.set(e.clientId, e.at);
    switch (e.name) {
      case 'page_viewed':
        pageViews += 1;
        break;
      case 'product_viewed':
        productViews += 1;
        break;
      case 'product_added_to_cart':
        if (e.at > lastPurchase) cartAdds += 1;
        break;
      case 'checkout_started': {
        const previous = openCheckout.get(e.clientId);
        // A new checkout, or the same one started again: it is measured from its latest start.
        if (previous === undefined || e.at - previous >= abandonMs) closeCheckout(e.clientId);
        openCheckout.set(e.clientId, e.at);
        break;
      }
      case 'checkout_completed':
        openCheckout.delete(e.clientId);
        break;
      default:
        break;
    }
  }
  for (const clientId of [...openCheckout.keys()]) closeCheckout(clientId);
  return { visits, pageViews, productViews, cartAddsWithoutPurchase: cartAdds, checkoutsAbandoned: abandoned };
}

/**
 * When a person's latest checkout becomes abandoned if nothing else happens: the abandonment
 * deadline of their latest checkout_started when no purchase (checkout_completed) followed it and
 * the deadline is still after `nowMs`; else null. Real-time re-scoring schedules a re-score then.
 */
export function pendingAbandonment(events: Iterable<StorefrontEvent>, nowMs: number, policy: StorefrontPolicy = STOREFRONT_POLICY): number | null {
  let started = -Infinity;
  let completed = -Infinity;
  for (const e of events) {
    const at = epochMs(e.occurredAt);
    if (!Number.isFinite(at) || at > nowMs) continue;
    if (e.name === 'checkout_started') started = Math.max(started, at);
    else if (e.name === 'checkout_completed') completed = Math.max(completed, at);
  }
  if (started === -Infinity || completed >= started) return null;
  const deadline = started + policy.abandonAfterMinutes * 60_000;
  return deadline > nowMs ? deadline : null;
}
