import assert from 'node:assert/strict';
import test from 'node:test';
import { pendingAbandonment, STOREFRONT_POLICY, summariseStorefront, type StorefrontEvent } from './storefront-activity.ts';

const AS_OF = Date.parse('2026-06-30T12:00:00Z');
const MIN = 60_000;
const DAY = 86_400_000;

function ev(name: string, minutesBefore: number, clientId = 'b1'): StorefrontEvent {
  return { name, occurredAt: new Date(AS_OF - minutesBefore * MIN).toISOString(), clientId };
}

test('sessions are counted per browser with a 30-minute gap; views by kind', () => {
  const events = [
    ev('page_viewed', 300),
    ev('product_viewed', 290), // same session (10 min later)
    ev('page_viewed', 250), // 40 min later: a new session
    ev('page_viewed', 249, 'b2'), // another browser: its own session
    ev('collection_viewed', 100),
    ev('search_submitted', 99),
  ];
  assert.deepEqual(summariseStorefront(events, AS_OF, null), { visits: 4, pageViews: 3, productViews: 1, cartAddsWithoutPurchase: 0, checkoutsAbandoned: 0 });
});

test('only the window counts: events after asOf or older than the window are ignored', () => {
  const events = [
    ev('page_viewed', -5), // after asOf
    ev('page_viewed', (STOREFRONT_POLICY.windowDays * DAY) / MIN + 1), // older than the window
    ev('page_viewed', (STOREFRONT_POLICY.windowDays * DAY) / MIN - 1),
    { name: 'page_viewed', occurredAt: 'not a date', clientId: 'b1' },
  ];
  const a = summariseStorefront(events, AS_OF, null);
  assert.equal(a?.pageViews, 1);
  assert.equal(a?.visits, 1);
  // Only events older than the window: known and inactive. Only events after asOf: unknown.
  assert.deepEqual(summariseStorefront([events[1] as StorefrontEvent], AS_OF, null), { visits: 0, pageViews: 0, productViews: 0, cartAddsWithoutPurchase: 0, checkoutsAbandoned: 0 });
  assert.equal(summariseStorefront([events[0] as StorefrontEvent], AS_OF, null), null);
  assert.equal(summariseStorefront([], AS_OF, null), null);
});

test('cart adds count only after the last purchase, from a checkout or an order', () => {
  const events = [ev('product_added_to_cart', 500), ev('checkout_completed', 400), ev('product_added_to_cart', 300), ev('product_added_to_cart', 200)];
  assert.equal(summariseStorefront(events, AS_OF, null)?.cartAddsWithoutPurchase, 2);
  // An order (e.g. placed by phone) after the second add: only the last add is left.
  assert.equal(summariseStorefront(events, AS_OF, AS_OF - 250 * MIN)?.cartAddsWithoutPurchase, 1);
  // An order after asOf is not known as of asOf.
  assert.equal(summariseStorefront(events, AS_OF, AS_OF + MIN)?.cartAddsWithoutPurchase, 2);
});

test('a checkout is abandoned once left for the delay without a purchase; restarts are one checkout', () => {
  const delay = STOREFRONT_POLICY.abandonAfterMinutes;
  // Started twice within the delay (a reload), then left: one abandoned checkout.
  assert.equal(summariseStorefront([ev('checkout_started', delay + 30), ev('checkout_started', delay + 10)], AS_OF, null)?.checkoutsAbandoned, 1);
  // Still in progress: younger than the delay.
  assert.equal(summariseStorefront([ev('checkout_started', delay - 1)], AS_OF, null)?.checkoutsAbandoned, 0);
  // Completed: not abandoned.
  assert.equal(summariseStorefront([ev('checkout_started', delay + 30), ev('checkout_completed', delay + 20)], AS_OF, null)?.checkoutsAbandoned, 0);
  // Two checkouts 2000 minutes apart, both left: two; with an order between them, only the later one.
  assert.equal(summariseStorefront([ev('checkout_started', 3000), ev('checkout_started', 1000)], AS_OF, null)?.checkoutsAbandoned, 2);
  assert.equal(summariseStorefront([ev('checkout_started', 3000), ev('checkout_started', 1000)], AS_OF, AS_OF - 2000 * MIN)?.checkoutsAbandoned, 1);
  // A restart measured from its latest start: started 100 and 50 min ago (50 apart, one checkout), left 50 min: in progress.
  assert.equal(summariseStorefront([ev('checkout_started', 100), ev('checkout_started', 50)], AS_OF, null)?.checkoutsAbandoned, 0);
});

test('the result does not depend on the order of the events', () => {
  const events = [ev('page_viewed', 10), ev('checkout_started', 200, 'b2'), ev('product_added_to_cart', 205, 'b2'), ev('page_viewed', 45), ev('checkout_completed', 5, 'b3')];
  const forward = summariseStorefront(events, AS_OF, null);
  assert.deepEqual(summariseStorefront([...events].reverse(), AS_OF, null), forward);
  assert.deepEqual(forward, { visits: 4, pageViews: 2, productViews: 0, cartAddsWithoutPurchase: 0, checkoutsAbandoned: 0 });
});

test('pendingAbandonment: the deadline of the latest open checkout, or null', () => {
  const now = AS_OF;
  const delay = STOREFRONT_POLICY.abandonAfterMinutes * MIN;
  assert.equal(pendingAbandonment([ev('checkout_started', 10)], now), AS_OF - 10 * MIN + delay);
  assert.equal(pendingAbandonment([ev('checkout_started', 10), ev('checkout_completed', 5)], now), null);
  assert.equal(pendingAbandonment([ev('checkout_started', STOREFRONT_POLICY.abandonAfterMinutes + 1)], now), null, 'already past its deadline');
  assert.equal(pendingAbandonment([ev('page_viewed', 1)], now), null);
  assert.equal(pendingAbandonment([], now), null);
});
