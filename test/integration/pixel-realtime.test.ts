// The web pixel end to end, in real time: shoppers' visits replayed through the pixel's own code
// (app/demo/storefront-simulator.ts drives extensions/web-pixel) -> POST /pixel/events -> stored ->
// ingest -> the person re-scored with their storefront behaviour -> tags in the Shopify emulator,
// written through the real SDK. A later batch sync agrees with what real time wrote.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { replayVisits, type ShopperVisit, type StorefrontProduct } from '../../app/demo/storefront-simulator.ts';
import { createLocalCoordination } from '../../app/jobs/coordination.ts';
import { createHandlers } from '../../app/jobs/handlers.ts';
import { createLocalQueue } from '../../app/jobs/local-queue.ts';
import { createLocalShopLock } from '../../app/jobs/shop-lock.ts';
import { PIXEL_EVENTS_PATH } from '../../app/pixel/activate-pixel.ts';
import { pixelKey } from '../../app/pixel/pixel-key.ts';
import { createServer } from '../../app/server/create-server.ts';
import { runSync } from '../../app/sync/run-sync.ts';
import { STOREFRONT_POLICY } from '../../core/features/storefront-activity.ts';
import { DEFAULT_TAG_PREFIX } from '../../core/segment-tags.ts';
import { startHarness } from '../support/harness.ts';
import { makeCustomers, makeOrders } from '../support/seed-fixtures.ts';

const SECRET = `shpss_${randomBytes(8).toString('hex')}`;
const MINUTE = 60_000;
const CART = `${DEFAULT_TAG_PREFIX}rule-cart-abandoners`;
const CHECKOUT = `${DEFAULT_TAG_PREFIX}rule-checkout-abandoners`;
const HAT: StorefrontProduct = { id: '8100000001', title: 'Wool hat', productType: 'Hats', price: 24, currency: 'EUR' };

const visit = (customerId: string | null, clientId: string, steps: Array<[ShopperVisit['steps'][number]['name'], number]>): ShopperVisit => ({
  customerId,
  clientId,
  steps: steps.map(([name, at]) => ({ name, at, product: HAT })),
});

test('pixel events re-score their customer in real time: cart and checkout abandonment reach Shopify as tags, a purchase takes them away', async () => {
  const customers = makeCustomers(60);
  const h = await startHarness({ customers, orders: makeOrders(customers, new Date().toISOString()) });
  const server = createHttpServer();
  try {
    const now = new Date().toISOString();
    await h.store.saveRuleSegment(h.shop, { key: 'cart-abandoners', name: 'Cart abandoners', rule: 'cart_adds_without_purchase >= 1', createdAt: now, updatedAt: now });
    await h.store.saveRuleSegment(h.shop, { key: 'checkout-abandoners', name: 'Checkout abandoners', rule: 'checkouts_abandoned >= 1', createdAt: now, updatedAt: now });
    const batch = await runSync(h.store, h.deps, { shopId: h.shop, trigger: 'test', pollIntervalMs: 10 });
    assert.deepEqual(batch.errors, []);
    const tags = (id: number) => h.emulator.customerTags(h.shop, `gid://shopify/Customer/${id}`);
    for (const id of [2, 3, 4]) assert.ok(!tags(id).includes(CART) && !tags(id).includes(CHECKOUT), `customer ${id} starts outside both`);

    const queue = createLocalQueue();
    queue.setHandlers(createHandlers({ store: h.store, deps: h.deps, queue, shopLock: createLocalShopLock(), personLock: createLocalShopLock(), ...createLocalCoordination(), coalesceMs: 20 }));
    server.on('request', createServer({ store: h.store, queue, shopifyApiSecret: SECRET, admin: null, now: () => new Date(), pixel: { coalesceMs: 50, knownShopTtlMs: 0, log: () => {} } }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const target = { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}${PIXEL_EVENTS_PATH}`, shop: h.shop, key: pixelKey(SECRET, h.shop) };
    const othersBefore = new Map(h.emulator.listCustomers(h.shop).map((c) => [c.id, [...c.tags].sort()]));

    const t = Date.now();
    const sent = await replayVisits(target, [
      // Customer 2 adds to the cart and leaves.
      visit('2', 'browser-2', [['page_viewed', t - 4 * MINUTE], ['product_viewed', t - 3 * MINUTE], ['product_added_to_cart', t - 2 * MINUTE]]),
      // Customer 3 started a checkout two hours ago and left (the events arrive now).
      visit('3', 'browser-3', [['product_viewed', t - 125 * MINUTE], ['product_added_to_cart', t - 122 * MINUTE], ['checkout_started', t - 120 * MINUTE]]),
      // Customer 4 is in a checkout right now: not abandoned yet.
      visit('4', 'browser-4', [['checkout_started', t - 5 * MINUTE]]),
      // An anonymous visitor: stored, nobody re-scored.
      visit(null, 'browser-anon', [['page_viewed', t - MINUTE], ['product_viewed', t]]),
    ]);
    assert.deepEqual(sent.statuses, { '202': sent.bodies });
    assert.equal(sent.accepted, 9);
    assert.equal(await h.store.countPixelEvents(h.shop), 9);
    await queue.idle();

    assert.ok(tags(2).includes(CART), 'the cart abandoner is tagged');
    assert.ok(!tags(2).includes(CHECKOUT));
    assert.ok(tags(3).includes(CHECKOUT), 'the checkout left two hours ago is abandoned');
    assert.ok(tags(3).includes(CART), 'its cart add was not bought either');
    assert.ok(!tags(4).includes(CHECKOUT), 'a checkout in progress is not abandoned');
    const ingests = queue.done.filter((d) => d.kind === 'ingest').map((d) => d.result as { status: string; recheckAtMs?: number });
    assert.equal(ingests.length, 3, 'one ingest per known customer; the anonymous visitor re-scores nobody');
    const recheck = ingests.find((r) => r.recheckAtMs !== undefined)?.recheckAtMs;
    assert.equal(recheck, Date.parse(new Date(t - 5 * MINUTE).toISOString()) + STOREFRONT_POLICY.abandonAfterMinutes * MINUTE, "customer 4 is re-scored again when the checkout would count as abandoned");
    for (const c of h.emulator.listCustomers(h.shop)) {
      if (!['gid://shopify/Customer/2', 'gid://shopify/Customer/3', 'gid://shopify/Customer/4'].includes(c.id)) assert.deepEqual([...c.tags].sort(), othersBefore.get(c.id), `${c.id} untouched`);
    }

    // Customer 2 comes back and buys: out of the cart abandoners.
    const buy = Date.now();
    await replayVisits(target, [visit('2', 'browser-2', [['checkout_started', buy - 2 * MINUTE], ['checkout_completed', buy - MINUTE]])]);
    await queue.idle();
    assert.ok(!tags(2).includes(CART), 'the purchase takes the cart abandoner out');
    assert.ok(!tags(2).includes(CHECKOUT));

    // The same batch again (a browser retrying): duplicates, nothing re-scored.
    const scoringsBefore = queue.done.filter((d) => d.kind === 'scoring').length;
    const ids = await h.store.listPixelEvents(h.shop, { customerId: 'gid://shopify/Customer/3', limit: 10 });
    const replay = await fetch(target.endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: JSON.stringify({ v: 1, shop: h.shop, key: target.key, clientId: 'browser-3', sentAt: new Date().toISOString(), events: ids.map((e) => ({ id: e.eventId, name: e.name, timestamp: e.occurredAt, customerId: '3', url: null, data: {} })) }),
    });
    assert.equal(replay.status, 202);
    assert.deepEqual(await replay.json(), { accepted: 0, duplicates: 3, dropped: 0 });
    await queue.idle();
    assert.equal(queue.done.filter((d) => d.kind === 'scoring').length, scoringsBefore);

    // The next batch sync reads the same events and agrees with what real time wrote.
    const next = await runSync(h.store, h.deps, { shopId: h.shop, trigger: 'test', pollIntervalMs: 10 });
    assert.deepEqual(next.errors, []);
    assert.ok(tags(3).includes(CHECKOUT) && tags(3).includes(CART));
    assert.ok(!tags(2).includes(CART) && !tags(4).includes(CHECKOUT));
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await h.close();
  }
});
