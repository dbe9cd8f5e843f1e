// Reads over real HTTP: schema validation, connections and pagination, search syntax, sort keys,
// read_all_orders visibility, node lookups and money formatting.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createShopifyEmulator } from './index.ts';
import type { ShopifyEmulator } from './index.ts';
import { OTHER_SHOP, OTHER_TOKEN, SHOP, TOKEN, data, gql, sampleCustomers, sampleOrders } from './test-support.ts';

interface Page<T> {
  nodes: T[];
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

describe('shopify emulator: reads', () => {
  let emulator: ShopifyEmulator;

  before(async () => {
    emulator = await createShopifyEmulator();
    emulator.addShop(SHOP, { accessToken: TOKEN });
    await emulator.seed(SHOP, { customers: sampleCustomers(7), orders: sampleOrders(7, 2) });
    emulator.addShop(OTHER_SHOP, { accessToken: OTHER_TOKEN, scopes: ['read_customers', 'read_orders'] });
    const now = Date.now();
    await emulator.seed(OTHER_SHOP, {
      customers: [{ email: 'old@example.com', createdAt: '2020-01-01T00:00:00Z' }],
      orders: [
        { customerId: 1, createdAt: new Date(now - 90 * 86_400_000).toISOString(), lineItems: [{ title: 'Old', quantity: 1, price: 10 }] },
        { customerId: 1, createdAt: new Date(now - 5 * 86_400_000).toISOString(), lineItems: [{ title: 'New', quantity: 1, price: 20 }] },
      ],
    });
  });

  after(async () => {
    await emulator.close();
  });

  it('rejects a field the schema lacks, as Shopify does', async () => {
    const response = await gql(emulator, '{ customers(first: 1) { nodes { id noSuchField } } }');
    assert.equal(response.status, 200);
    const errors = response.body.errors as { message: string; locations: unknown[]; extensions: { code: string } }[];
    assert.equal(errors[0]?.message, "Field 'noSuchField' doesn't exist on type 'Customer'");
    assert.equal(errors[0]?.extensions.code, 'undefinedField');
    assert.ok(Array.isArray(errors[0]?.locations));
    assert.equal(response.body.data, undefined);
  });

  it('rejects unknown arguments and syntax errors', async () => {
    const badArg = await gql(emulator, '{ customers(first: 1, bogus: 2) { nodes { id } } }');
    assert.equal((badArg.body.errors as { extensions: { code: string } }[])[0]?.extensions.code, 'argumentNotAccepted');
    const syntax = await gql(emulator, '{ customers(first: 1) { nodes { id } }');
    assert.equal((syntax.body.errors as { extensions: { code: string } }[])[0]?.extensions.code, 'syntaxError');
  });

  it('requires first or last on connections', async () => {
    const response = await gql(emulator, '{ customers { nodes { id } } }');
    const errors = response.body.errors as { message: string }[];
    assert.match(errors[0]?.message ?? '', /first or last/);
  });

  it('pages customers forward and backward with cursors', async () => {
    const query = `query($first: Int, $last: Int, $after: String, $before: String) {
      customers(first: $first, last: $last, after: $after, before: $before) {
        edges { cursor node { id } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      } }`;
    const ids: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 5; page++) {
      const result: { customers: Page<{ id: string }> } = await data(emulator, query, { first: 3, after: cursor });
      ids.push(...result.customers.edges.map((e) => e.node.id));
      assert.equal(result.customers.pageInfo.hasPreviousPage, cursor !== null);
      cursor = result.customers.pageInfo.endCursor;
      if (!result.customers.pageInfo.hasNextPage) break;
    }
    assert.deepEqual(ids, [1, 2, 3, 4, 5, 6, 7].map((n) => `gid://shopify/Customer/${n}`));
    const back: { customers: Page<{ id: string }> } = await data(emulator, query, { last: 2, before: cursor });
    assert.deepEqual(back.customers.edges.map((e) => e.node.id), ['gid://shopify/Customer/5', 'gid://shopify/Customer/6']);
    assert.equal(back.customers.pageInfo.hasPreviousPage, true);
    assert.equal(back.customers.pageInfo.hasNextPage, true);
  });

  it('filters by updated_at and sorts by UPDATED_AT with reverse', async () => {
    const result = await data<{ customers: Page<{ id: string; updatedAt: string }> }>(
      emulator,
      `{ customers(first: 10, sortKey: UPDATED_AT, reverse: true, query: "updated_at:>='2024-01-03T00:00:00Z' AND updated_at:<'2024-01-06T00:00:00Z'") { nodes { id updatedAt } } }`,
    );
    assert.deepEqual(result.customers.nodes.map((n) => n.id), ['gid://shopify/Customer/5', 'gid://shopify/Customer/4', 'gid://shopify/Customer/3']);
  });

  it('matches email exactly and reports ignored search terms', async () => {
    const response = await gql(emulator, `{ customers(first: 5, query: "email:customer2@example.com favourite_colour:blue") { nodes { id defaultEmailAddress { emailAddress marketingState } } } }`);
    const nodes = (response.body.data as { customers: Page<{ id: string }> }).customers.nodes;
    assert.deepEqual(nodes.map((n) => n.id), ['gid://shopify/Customer/2']);
    const search = response.body.extensions?.search as { warnings: { field: string }[] }[];
    assert.equal(search[0]?.warnings[0]?.field, 'favourite_colour');
  });

  it('serves customer fields with modern email consent and totals', async () => {
    const result = await data<{ customer: Record<string, unknown> }>(
      emulator,
      `{ customer(id: "gid://shopify/Customer/1") { id firstName lastName displayName tags createdAt updatedAt numberOfOrders
         amountSpent { amount currencyCode } defaultEmailAddress { emailAddress marketingState marketingOptInLevel marketingUpdatedAt } } }`,
    );
    assert.deepEqual(result.customer, {
      id: 'gid://shopify/Customer/1',
      firstName: 'First1',
      lastName: 'Last1',
      displayName: 'First1 Last1',
      tags: ['vip'],
      createdAt: '2024-01-01T00:00:00Z',
      updatedAt: '2024-01-01T01:00:00Z',
      numberOfOrders: '2',
      amountSpent: { amount: '49.99', currencyCode: 'USD' },
      defaultEmailAddress: { emailAddress: 'customer1@example.com', marketingState: 'SUBSCRIBED', marketingOptInLevel: 'SINGLE_OPT_IN', marketingUpdatedAt: null },
    });
  });

  it('serves orders with money, refunds, customer and line items', async () => {
    const result = await data<{ orders: Page<Record<string, unknown>> }>(
      emulator,
      `{ orders(first: 1, sortKey: PROCESSED_AT) { nodes { id name email createdAt processedAt updatedAt cancelledAt currencyCode customer { id }
          totalPriceSet { shopMoney { amount currencyCode } } currentTotalPriceSet { shopMoney { amount } }
          totalDiscountsSet { shopMoney { amount } } totalRefundedSet { shopMoney { amount } }
          refunds { createdAt totalRefundedSet { shopMoney { amount } } }
          lineItems(first: 5) { edges { node { id title quantity sku vendor originalUnitPriceSet { shopMoney { amount currencyCode } } product { productType } } } } } } }`,
    );
    const order = result.orders.nodes[0] as Record<string, unknown>;
    assert.equal(order['name'], '#1001');
    assert.equal(order['cancelledAt'], null);
    assert.deepEqual(order['customer'], { id: 'gid://shopify/Customer/1' });
    assert.deepEqual(order['totalPriceSet'], { shopMoney: { amount: '29.99', currencyCode: 'USD' } });
    assert.deepEqual(order['currentTotalPriceSet'], { shopMoney: { amount: '20.0' } });
    assert.deepEqual(order['totalDiscountsSet'], { shopMoney: { amount: '5.0' } });
    assert.deepEqual(order['refunds'], [{ createdAt: '2024-02-02T00:00:00Z', totalRefundedSet: { shopMoney: { amount: '9.99' } } }]);
    const lineItems = (order['lineItems'] as { edges: { node: Record<string, unknown> }[] }).edges.map((e) => e.node);
    assert.deepEqual(lineItems[0], {
      id: 'gid://shopify/LineItem/1',
      title: 'Blue Mug',
      quantity: 2,
      sku: 'MUG-1',
      vendor: 'Acme',
      originalUnitPriceSet: { shopMoney: { amount: '12.5', currencyCode: 'USD' } },
      product: { productType: 'Kitchen' },
    });
  });

  it('filters orders by processed_at and created_at', async () => {
    const result = await data<{ orders: Page<{ name: string }> }>(
      emulator,
      `{ orders(first: 50, query: "processed_at:>'2024-02-10T00:00:00Z' created_at:<='2024-02-12T00:00:00Z'") { nodes { name } } }`,
    );
    assert.deepEqual(result.orders.nodes.map((n) => n.name), ['#1010', '#1011']);
  });

  it('hides orders older than 60 days without read_all_orders', async () => {
    const result = await data<{ orders: Page<{ id: string }>; old: unknown }>(
      emulator,
      '{ orders(first: 10) { nodes { id } } old: order(id: "gid://shopify/Order/1") { id } }',
      {},
      { shop: OTHER_SHOP, token: OTHER_TOKEN },
    );
    assert.deepEqual(result.orders.nodes.map((n) => n.id), ['gid://shopify/Order/2']);
    assert.equal(result.old, null);
  });

  it('looks up node and nodes by GID', async () => {
    const result = await data<{ node: unknown; nodes: unknown[] }>(
      emulator,
      '{ node(id: "gid://shopify/Customer/3") { id ... on Customer { email } } nodes(ids: ["gid://shopify/Order/2", "gid://shopify/Order/999"]) { id ... on Order { name } } }',
    );
    assert.deepEqual(result.node, { id: 'gid://shopify/Customer/3', email: 'customer3@example.com' });
    assert.deepEqual(result.nodes, [{ id: 'gid://shopify/Order/2', name: '#1002' }, null]);
  });

  it('counts customers and orders', async () => {
    const result = await data<{ customersCount: { count: number; precision: string }; ordersCount: { count: number } }>(
      emulator,
      '{ customersCount(query: "tag:vip") { count precision } ordersCount { count } }',
    );
    assert.deepEqual(result.customersCount, { count: 4, precision: 'EXACT' });
    assert.equal(result.ordersCount.count, 14);
  });

  it('sees updates through incremental queries', async () => {
    emulator.updateCustomer(SHOP, 6, { firstName: 'Changed', updatedAt: '2025-06-01T00:00:00Z' });
    emulator.updateOrder(SHOP, 'gid://shopify/Order/3', { cancelledAt: '2025-06-01T00:00:00Z', updatedAt: '2025-06-01T00:00:00Z' });
    const result = await data<{ customers: Page<{ id: string; firstName: string }>; orders: Page<{ id: string; cancelledAt: string }> }>(
      emulator,
      `{ customers(first: 5, query: "updated_at:>'2025-01-01T00:00:00Z'") { nodes { id firstName } }
         orders(first: 5, sortKey: UPDATED_AT, query: "updated_at:>'2025-01-01T00:00:00Z'") { nodes { id cancelledAt } } }`,
    );
    assert.deepEqual(result.customers.nodes, [{ id: 'gid://shopify/Customer/6', firstName: 'Changed' }]);
    assert.deepEqual(result.orders.nodes, [{ id: 'gid://shopify/Order/3', cancelledAt: '2025-06-01T00:00:00Z' }]);
  });
});
