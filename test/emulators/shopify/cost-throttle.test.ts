// Calculated query cost and the leaky bucket: requested vs actual cost, the 1000-point ceiling,
// THROTTLED when the bucket is short, recovery at the restore rate, and the stats that prove it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createShopifyEmulator } from './index.ts';
import type { ShopifyEmulator } from './index.ts';
import { SHOP, TOKEN, gql, sampleCustomers, sampleOrders } from './test-support.ts';

const SLOW_SHOP = 'slow.myshopify.com';
const SLOW_TOKEN = 'shpat_slow';

describe('shopify emulator: cost and throttling', () => {
  let emulator: ShopifyEmulator;

  before(async () => {
    emulator = await createShopifyEmulator();
    emulator.addShop(SHOP, { accessToken: TOKEN });
    await emulator.seed(SHOP, { customers: sampleCustomers(3), orders: sampleOrders(3, 1) });
    emulator.addShop(SLOW_SHOP, { accessToken: SLOW_TOKEN, maximumAvailable: 100, restoreRate: 10 });
    await emulator.seed(SLOW_SHOP, { customers: sampleCustomers(3) });
  });

  after(async () => {
    await emulator.close();
  });

  it('prices connections as 2 + first x node cost, nested connections multiplying', async () => {
    const response = await gql(emulator, '{ orders(first: 10) { edges { node { id totalPriceSet { shopMoney { amount } } lineItems(first: 5) { nodes { id title } } } } pageInfo { hasNextPage } } }');
    const cost = response.body.extensions?.cost;
    // node: 1 + MoneyBag(1 + MoneyV2 1) + lineItems(2 + 5 x 1) = 10; connection 2 + 10 x 10.
    assert.equal(cost?.requestedQueryCost, 102);
    // 3 orders returned: 2 + 3 x (1 + 2 + 2 + 2 line items).
    assert.equal(cost?.actualQueryCost, 23);
    assert.equal(cost?.throttleStatus.maximumAvailable, 2000);
    assert.equal(cost?.throttleStatus.restoreRate, 100);
  });

  it('charges 10 per mutation', async () => {
    const response = await gql(emulator, 'mutation { tagsAdd(id: "gid://shopify/Customer/1", tags: ["a"]) { node { id } userErrors { field message } } }');
    assert.equal(response.body.extensions?.cost?.requestedQueryCost, 10);
    assert.equal(response.body.extensions?.cost?.actualQueryCost, 10);
  });

  it('refuses a query over 1000 points without executing it', async () => {
    const response = await gql(emulator, '{ customers(first: 250) { nodes { id orders(first: 250) { nodes { id } } } } }');
    const errors = response.body.errors as { message: string; extensions: { code: string; cost: number; maxCost: number } }[];
    assert.equal(errors[0]?.extensions.code, 'MAX_COST_EXCEEDED');
    assert.equal(errors[0]?.extensions.maxCost, 1000);
    assert.ok((errors[0]?.extensions.cost ?? 0) > 1000);
    assert.equal(response.body.data, undefined);
  });

  it('throttles when the bucket is short, then succeeds after waiting', async () => {
    const heavy = '{ customers(first: 95) { nodes { id } } }'; // requested 97, actual 2 + 3
    const opts = { shop: SLOW_SHOP, token: SLOW_TOKEN };
    const first = await gql(emulator, heavy, {}, opts);
    assert.equal(first.body.errors, undefined);
    assert.equal(first.body.extensions?.cost?.throttleStatus.currentlyAvailable, 95);
    const second = await gql(emulator, heavy, {}, opts);
    assert.equal(second.status, 200);
    const errors = second.body.errors as { message: string; extensions: { code: string; documentation: string } }[];
    assert.equal(errors[0]?.message, 'Throttled');
    assert.equal(errors[0]?.extensions.code, 'THROTTLED');
    assert.equal(errors[0]?.extensions.documentation, 'https://shopify.dev/api/usage/rate-limits');
    assert.equal(second.body.extensions?.cost?.requestedQueryCost, 97);
    assert.equal(second.body.extensions?.cost?.actualQueryCost, null);
    assert.equal(second.body.data, undefined);
    const available = second.body.extensions?.cost?.throttleStatus.currentlyAvailable ?? 0;
    await new Promise((resolve) => setTimeout(resolve, ((97 - available) / 10) * 1000 + 100));
    const third = await gql(emulator, heavy, {}, opts);
    assert.equal(third.body.errors, undefined);
    const stats = emulator.stats(SLOW_SHOP);
    assert.equal(stats.throttled, 1);
    assert.equal(stats.throttledRefusals, 1);
    assert.equal(stats.queries, 2);
    assert.ok(stats.lowestAvailable !== null && stats.lowestAvailable >= 0 && stats.lowestAvailable < 10);
  });

  it('counts requests by kind and the points spent', async () => {
    const stats = emulator.stats(SHOP);
    assert.equal(stats.queries, 1);
    assert.equal(stats.mutations, 1);
    assert.equal(stats.errors, 1);
    assert.equal(stats.costSpent, 23 + 10);
  });
});
