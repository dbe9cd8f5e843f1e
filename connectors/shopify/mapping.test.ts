import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mapCustomer, mapOrder } from './mapping.ts';
import { rawCustomerSchema, rawOrderSchema } from './raw-schemas.ts';

test('a customer maps email and consent from defaultEmailAddress', () => {
  const raw = rawCustomerSchema.parse({
    id: 'gid://shopify/Customer/7', firstName: 'Ada', lastName: null, tags: ['vip', 'refinery:loyal'],
    createdAt: '2024-01-02T03:04:05Z', updatedAt: '2024-02-02T03:04:05Z',
    defaultEmailAddress: { emailAddress: ' Ada@Example.COM ', marketingState: 'SUBSCRIBED' },
  });
  assert.deepEqual(mapCustomer(raw), {
    source: 'shopify', id: 'gid://shopify/Customer/7', email: 'ada@example.com', marketingState: 'SUBSCRIBED',
    firstName: 'Ada', lastName: null, tags: ['vip', 'refinery:loyal'],
    createdAt: '2024-01-02T03:04:05.000Z', updatedAt: '2024-02-02T03:04:05.000Z',
  });
  const noEmail = mapCustomer(rawCustomerSchema.parse({ ...raw, defaultEmailAddress: null }));
  assert.equal(noEmail.email, null);
  assert.equal(noEmail.marketingState, null);
});

test('an order maps money strings, refunds, cancellation and line items', () => {
  const raw = rawOrderSchema.parse({
    id: 'gid://shopify/Order/9', name: '#1001', email: null, createdAt: '2024-03-01T10:00:00Z',
    processedAt: '2024-03-01T10:00:00Z', updatedAt: '2024-03-02T10:00:00Z', cancelledAt: '2024-03-03T00:00:00Z',
    currencyCode: 'GBP', customer: { id: 'gid://shopify/Customer/7' },
    totalPriceSet: { shopMoney: { amount: '19.90' } }, totalRefundedSet: { shopMoney: { amount: '5.00' } },
    totalDiscountsSet: { shopMoney: { amount: '1.10' } },
  });
  const order = mapOrder(raw, [{
    id: 'gid://shopify/LineItem/1', title: 'Mug', quantity: 2, sku: 'M-1', vendor: 'Acme',
    originalUnitPriceSet: { shopMoney: { amount: '10.50' } }, product: { productType: 'Kitchen' },
  }]);
  assert.equal(order.total, 19.9);
  assert.equal(order.refunded, 5);
  assert.equal(order.discount, 1.1);
  assert.equal(order.cancelledAt, '2024-03-03T00:00:00.000Z');
  assert.equal(order.customerId, 'gid://shopify/Customer/7');
  assert.deepEqual(order.lineItems, [{ title: 'Mug', quantity: 2, price: 10.5, productType: 'Kitchen', vendor: 'Acme', sku: 'M-1' }]);
});

test('a malformed amount is a validation error naming the record', () => {
  const raw = rawOrderSchema.parse({
    id: 'gid://shopify/Order/9', createdAt: '2024-03-01T10:00:00Z', processedAt: '2024-03-01T10:00:00Z',
    updatedAt: '2024-03-02T10:00:00Z', currencyCode: 'GBP', totalPriceSet: { shopMoney: { amount: 'abc' } },
    totalRefundedSet: { shopMoney: { amount: '0' } },
  });
  assert.throws(() => mapOrder(raw, []), /gid:\/\/shopify\/Order\/9: totalPriceSet is not a number/);
});
