import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RefineryError } from '../errors.ts';
import { resolveIdentities } from '../identity.ts';
import type { Contact, Customer, Order } from '../model.ts';
import { createOutcomeCollector, personIdOfOrder } from './outcomes.ts';

function order(id: string, fields: Partial<Order>): Order {
  return {
    source: 'shopify',
    id,
    customerId: 'c1',
    email: null,
    processedAt: '2026-03-10T12:00:00Z',
    cancelledAt: null,
    currency: 'EUR',
    total: 10,
    refunded: 0,
    discount: 0,
    lineItems: [],
    updatedAt: '2026-03-10T12:00:00Z',
    ...fields,
  };
}

const window = { windowStart: '2026-03-01T00:00:00Z', windowEnd: '2026-04-01T00:00:00Z' };

test('counts orders in [start, end), not cancelled, revenue net of refunds in cents', () => {
  const collector = createOutcomeCollector({ ...window, personIdOf: (o) => (o.customerId === null ? undefined : `p:${o.customerId}`) });
  collector.addOrders([
    order('1', { processedAt: '2026-03-01T00:00:00Z', total: 10.1, refunded: 0.2 }), // start is inside
    order('2', { processedAt: '2026-03-31T23:59:59Z', total: 0.2 }),
    order('3', { processedAt: '2026-04-01T00:00:00Z' }), // end is outside
    order('4', { processedAt: '2026-02-28T23:59:59Z' }),
    order('5', { cancelledAt: '2026-05-01T00:00:00Z' }), // cancelled later: still no purchase
    order('6', { processedAt: 'not a date' }),
    order('7', { customerId: null }),
    order('8', { customerId: 'c2', total: 5, refunded: 8 }), // over-refunded: revenue 0, still converted
  ]);
  assert.deepEqual(
    [...collector.outcomes()],
    [
      ['p:c1', { converted: true, revenue: 10.1 }],
      ['p:c2', { converted: true, revenue: 0 }],
    ],
  );
  assert.deepEqual(collector.stats(), { ordersSeen: 8, ordersCounted: 3, outsideWindow: 2, cancelled: 1, invalid: 1, unattributed: 1 });
});

test('an empty window is refused', () => {
  assert.throws(
    () => createOutcomeCollector({ windowStart: '2026-03-01T00:00:00Z', windowEnd: '2026-03-01T00:00:00Z', personIdOf: () => 'x' }),
    RefineryError,
  );
});

test('personIdOfOrder: customer id through the identity index, else the order email', () => {
  const customers: Customer[] = [
    { source: 'shopify', id: 'gid://shopify/Customer/1', email: 'Ann@Example.com', marketingState: null, firstName: null, lastName: null, tags: [], createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z' },
    { source: 'csv', id: '17', email: null, marketingState: null, firstName: null, lastName: null, tags: [], createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z' },
  ];
  const contacts: Contact[] = [];
  const { index } = resolveIdentities(customers, contacts);
  const of = personIdOfOrder(index);
  assert.equal(of(order('1', { customerId: 'gid://shopify/Customer/1' })), 'email:ann@example.com');
  assert.equal(of(order('2', { source: 'csv', customerId: '17' })), 'csv:17');
  assert.equal(of(order('3', { customerId: null, email: ' ANN@example.com' })), 'email:ann@example.com');
  assert.equal(of(order('4', { customerId: 'gid://shopify/Customer/404', email: 'ann@example.com' })), 'email:ann@example.com');
  assert.equal(of(order('5', { customerId: null, email: 'nobody@example.com' })), undefined);
  assert.equal(of(order('6', { customerId: null, email: null })), undefined);
});
