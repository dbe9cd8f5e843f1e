// Pulling through the real SDK against the emulator: bulk export, incremental, resume, throttling.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { parseCheckpoint } from '../../connectors/shopify/checkpoint.ts';
import { customersStream } from '../../connectors/shopify/streams.ts';
import { pullShopify } from '../../app/sync/pull-shopify.ts';
import { createShopifyEmulator } from '../emulators/shopify/index.ts';
import type { ShopifyEmulator } from '../emulators/shopify/types.ts';
import { startHarness } from '../support/harness.ts';
import { makeCustomers, makeOrders } from '../support/seed-fixtures.ts';

const AS_OF = '2026-06-01T00:00:00.000Z';
let emulator: ShopifyEmulator;
before(async () => {
  emulator = await createShopifyEmulator();
});
after(async () => {
  await emulator.close();
});

const quiet = { pollIntervalMs: 10, progress: () => {} };

test('a first pull exports everything in bulk and leaves an incremental checkpoint', async () => {
  const customers = makeCustomers(300);
  const orders = makeOrders(customers, AS_OF, { lineItems: 12 });
  const h = await startHarness({ emulator, customers, orders });
  try {
    const result = await pullShopify(h.store, h.shop, h.client(), { full: false, pageSize: 100, ...quiet });
    assert.deepEqual(result, { customers: 300, orders: orders.length, mode: { customers: 'bulk', orders: 'bulk' } });
    assert.equal(await h.store.countCustomers(h.shop), 300);
    assert.equal(await h.store.countOrders(h.shop), orders.length);
    const first = orders[0];
    assert.ok(first);
    const stored = [];
    for await (const page of h.store.iterateOrders(h.shop)) stored.push(...page);
    const one = stored.find((o) => o.id === `gid://shopify/Order/${first.id}`);
    assert.ok(one, 'the seeded order is in the store');
    assert.equal(one.lineItems.length, 12, 'every line item of the order came along');
    assert.equal(one.lineItems[0]?.productType, 'Mugs');
    assert.equal(one.customerId, `gid://shopify/Customer/${first.customerId}`);
    const customer = await h.store.getCustomer(h.shop, 'shopify', 'gid://shopify/Customer/1');
    assert.equal(customer?.email, 'person1@example.com');
    assert.equal(customer?.marketingState, 'NOT_SUBSCRIBED');
    for (const stream of ['shopify.customers', 'shopify.orders']) {
      assert.equal(parseCheckpoint(stream, await h.store.getCheckpoint(h.shop, stream))?.mode, 'incremental');
    }
    assert.equal(h.emulator.stats(h.shop).bulkQueries, 2);
  } finally {
    await h.close();
  }
});

test('the next pull reads only what changed, including orders with more line items than fit inline', async () => {
  const customers = makeCustomers(40);
  const orders = makeOrders(customers, AS_OF, { lineItems: 12 });
  const h = await startHarness({ emulator, customers, orders });
  try {
    await pullShopify(h.store, h.shop, h.client(), { full: false, pageSize: 100, ...quiet });
    const later = new Date(Math.floor(Date.now() / 1000) * 1000 + 60_000).toISOString();
    h.emulator.updateCustomer(h.shop, 5, { firstName: 'Renamed', updatedAt: later });
    const changedOrder = orders[3];
    assert.ok(changedOrder?.id);
    h.emulator.updateOrder(h.shop, changedOrder.id, { cancelledAt: later, updatedAt: later });
    const result = await pullShopify(h.store, h.shop, h.client(), { full: false, pageSize: 100, ...quiet });
    assert.deepEqual(result.mode, { customers: 'incremental', orders: 'incremental' });
    assert.ok(result.customers >= 1 && result.customers <= 2, `read ${result.customers} customers`);
    assert.ok(result.orders >= 1 && result.orders <= 2, `read ${result.orders} orders`);
    assert.equal((await h.store.getCustomer(h.shop, 'shopify', 'gid://shopify/Customer/5'))?.firstName, 'Renamed');
    const stored = [];
    for await (const page of h.store.iterateOrders(h.shop)) stored.push(...page);
    const order = stored.find((o) => o.id === `gid://shopify/Order/${changedOrder.id}`);
    assert.equal(order?.cancelledAt, later);
    assert.equal(order?.lineItems.length, 12, 'line items beyond the inline ten were fetched');
    assert.equal(await h.store.countOrders(h.shop), orders.length);
  } finally {
    await h.close();
  }
});

test('an export cut off part-way resumes from its checkpoint without a new bulk operation', async () => {
  const customers = makeCustomers(250);
  const h = await startHarness({ emulator, customers });
  try {
    const client = h.client();
    // Save the first page, then stop as a killed process would.
    for await (const page of customersStream.pull({ client, full: false, pageSize: 100, pollIntervalMs: 10 }, null)) {
      await h.store.savePage(h.shop, { customers: page.records as never, checkpoint: { stream: 'shopify.customers', value: page.checkpoint } });
      break;
    }
    assert.equal(await h.store.countCustomers(h.shop), 100);
    const checkpoint = parseCheckpoint('shopify.customers', await h.store.getCheckpoint(h.shop, 'shopify.customers'));
    assert.equal(checkpoint?.mode, 'bulk');
    assert.equal(checkpoint?.mode === 'bulk' ? checkpoint.linesDone : -1, 100);
    const before = h.emulator.stats(h.shop).bulkQueries;
    const result = await pullShopify(h.store, h.shop, client, { full: false, pageSize: 100, ...quiet });
    assert.equal(result.customers, 150, 'only the rest was read');
    assert.equal(h.emulator.stats(h.shop).bulkQueries - before, 1, 'one new bulk query: the orders export, not customers again');
    assert.equal(await h.store.countCustomers(h.shop), 250);
  } finally {
    await h.close();
  }
});

test('with a low restore rate a long incremental pull completes without a THROTTLED failure and within the bucket', async () => {
  // 990 changed customers: just under the count at which a bulk export takes over.
  const customers = makeCustomers(990);
  const h = await startHarness({ emulator, customers, restoreRate: 250, maximumAvailable: 600 });
  try {
    const client = h.client();
    // Start incremental from the beginning of time: every customer is "changed", 4 pages.
    await h.store.savePage(h.shop, { checkpoint: { stream: 'shopify.customers', value: JSON.stringify({ mode: 'incremental', updatedAtMin: '2000-01-01T00:00:00.000Z' }) } });
    const pages = [];
    for await (const page of customersStream.pull({ client, full: false, pageSize: 250 }, await h.store.getCheckpoint(h.shop, 'shopify.customers'))) {
      pages.push(page.records.length);
      await h.store.savePage(h.shop, { customers: page.records as never, checkpoint: { stream: 'shopify.customers', value: page.checkpoint } });
    }
    assert.deepEqual(pages, [250, 250, 250, 240]);
    const stats = h.emulator.stats(h.shop);
    assert.equal(stats.throttledRefusals, 0, 'the client waited for points instead of being refused');
    assert.ok(stats.lowestAvailable !== null && stats.lowestAvailable >= 0, `bucket went to ${stats.lowestAvailable}`);
    assert.ok(client.stats().waitedMs > 0, 'the client did have to wait');
    assert.equal(await h.store.countCustomers(h.shop), 990);
  } finally {
    await h.close();
  }
});

test('many changes since the checkpoint are read with a filtered bulk export, not cost-limited pages', async () => {
  const customers = makeCustomers(1500);
  const h = await startHarness({ emulator, customers });
  try {
    await pullShopify(h.store, h.shop, h.client(), { full: false, pageSize: 500, ...quiet });
    const later = new Date(Math.floor(Date.now() / 1000) * 1000 + 60_000).toISOString();
    for (let id = 1; id <= 1200; id++) h.emulator.updateCustomer(h.shop, id, { lastName: 'Changed', updatedAt: later });
    const before = h.emulator.stats(h.shop);
    const result = await pullShopify(h.store, h.shop, h.client(), { full: false, pageSize: 500, ...quiet });
    assert.ok(result.customers >= 1200 && result.customers < 1500, `read ${result.customers}`);
    const after = h.emulator.stats(h.shop);
    assert.equal(after.bulkQueries - before.bulkQueries, 1, 'one filtered export for customers; orders had no change');
    assert.equal((await h.store.getCustomer(h.shop, 'shopify', 'gid://shopify/Customer/1200'))?.lastName, 'Changed');
    assert.equal((await h.store.getCustomer(h.shop, 'shopify', 'gid://shopify/Customer/1201'))?.lastName, 'Tester');
    assert.equal(parseCheckpoint('shopify.customers', await h.store.getCheckpoint(h.shop, 'shopify.customers'))?.mode, 'incremental');
  } finally {
    await h.close();
  }
});
