import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Order } from './model.ts';
import { aggregateCustomers, createCustomerAggregator } from './customer-aggregate.ts';

function order(id: string, customerId: string | null, processedAt: string, extra: Partial<Order> = {}): Order {
  return {
    source: 'shopify',
    id,
    customerId,
    email: null,
    processedAt,
    cancelledAt: null,
    currency: 'EUR',
    total: 10,
    refunded: 0,
    discount: 0,
    lineItems: [],
    updatedAt: processedAt,
    ...extra,
  };
}

const AS_OF = '2024-06-30T00:00:00Z';

test('folds orders into first/last dates, counts, distinct days and net spend', () => {
  const result = aggregateCustomers(
    [
      order('1', 'a', '2024-01-10T09:00:00Z', { total: 20, refunded: 5 }),
      order('2', 'a', '2024-01-10T18:00:00Z', { total: 10.1 }),
      order('3', 'a', '2024-03-01T12:00:00+02:00', { total: 0.2 }),
      order('4', 'b', '2024-02-01T00:00:00Z', { total: 7 }),
    ],
    AS_OF,
  );
  assert.deepEqual(result, [
    {
      customerId: 'a',
      firstOrderAt: '2024-01-10T09:00:00.000Z',
      lastOrderAt: '2024-03-01T10:00:00.000Z',
      orderCount: 3,
      purchaseDays: 2,
      totalSpent: 25.3,
    },
    {
      customerId: 'b',
      firstOrderAt: '2024-02-01T00:00:00.000Z',
      lastOrderAt: '2024-02-01T00:00:00.000Z',
      orderCount: 1,
      purchaseDays: 1,
      totalSpent: 7,
    },
  ]);
});

test('an order refunded beyond its total counts as 0 spent, not negative', () => {
  const [a] = aggregateCustomers([order('1', 'a', '2024-01-01T00:00:00Z', { total: 10, refunded: 12 })], AS_OF);
  assert.equal(a?.totalSpent, 0);
  assert.equal(a?.orderCount, 1);
});

test('excludes orders cancelled as of the date and orders after it; keeps ones cancelled later', () => {
  const aggregator = createCustomerAggregator({ asOf: AS_OF });
  aggregator.addOrders([
    order('1', 'a', '2024-01-01T00:00:00Z', { cancelledAt: '2024-01-02T00:00:00Z' }),
    order('2', 'a', '2024-07-01T00:00:00Z'),
    order('3', 'a', '2024-06-01T00:00:00Z', { cancelledAt: '2024-07-05T00:00:00Z', total: 4 }),
    order('4', null, '2024-06-01T00:00:00Z'),
    order('5', 'a', 'not a date'),
  ]);
  assert.deepEqual(aggregator.result(), [
    {
      customerId: 'a',
      firstOrderAt: '2024-06-01T00:00:00.000Z',
      lastOrderAt: '2024-06-01T00:00:00.000Z',
      orderCount: 1,
      purchaseDays: 1,
      totalSpent: 4,
    },
  ]);
  assert.deepEqual(aggregator.stats(), {
    ordersSeen: 5,
    ordersCounted: 1,
    guestOrders: 1,
    cancelledOrders: 1,
    futureOrders: 1,
    invalidOrders: 1,
  });
});

test('an order processed exactly at asOf counts; one cancelled exactly at asOf does not', () => {
  const result = aggregateCustomers(
    [order('1', 'a', AS_OF), order('2', 'b', '2024-01-01T00:00:00Z', { cancelledAt: AS_OF })],
    AS_OF,
    ['b'],
  );
  assert.equal(result.find((row) => row.customerId === 'a')?.orderCount, 1);
  assert.equal(result.find((row) => row.customerId === 'b')?.orderCount, 0);
});

test('customers without a counted order are represented as prospects', () => {
  const result = aggregateCustomers(
    [order('1', 'a', '2024-01-01T00:00:00Z', { cancelledAt: '2024-01-01T01:00:00Z' })],
    AS_OF,
    [{ id: 'z' }, 'a'],
  );
  assert.deepEqual(result, [
    { customerId: 'a', firstOrderAt: null, lastOrderAt: null, orderCount: 0, purchaseDays: 0, totalSpent: 0 },
    { customerId: 'z', firstOrderAt: null, lastOrderAt: null, orderCount: 0, purchaseDays: 0, totalSpent: 0 },
  ]);
});

test('the result does not depend on how orders are split into pages or ordered', () => {
  const orders = Array.from({ length: 60 }, (_, i) =>
    order(String(i), `c${i % 7}`, `2024-0${1 + (i % 5)}-1${i % 10}T0${i % 9}:00:00Z`, { total: 0.1 + i / 100, refunded: i % 4 === 0 ? 0.05 : 0 }),
  );
  const oneShot = aggregateCustomers(orders, AS_OF);
  const paged = createCustomerAggregator({ asOf: new Date(AS_OF) });
  const reversed = [...orders].reverse();
  for (let i = 0; i < reversed.length; i += 11) paged.addOrders(reversed.slice(i, i + 11));
  assert.deepEqual(paged.result(), oneShot);
});

test('rejects an invalid asOf', () => {
  assert.throws(() => createCustomerAggregator({ asOf: 'yesterday' }), /asOf is not a valid date/);
});
