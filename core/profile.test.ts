import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Customer, Order } from './model.ts';
import { testContact, testCustomer } from './test-records.ts';
import { aggregateCustomers, createCustomerAggregator } from './customer-aggregate.ts';
import { resolveIdentities } from './identity.ts';
import { buildProfiles, createPersonOrderKeyer, engagementOf, keyOrdersByPerson, personKeyOf } from './profile.ts';

const AS_OF = '2024-06-30T00:00:00Z';
const gid = (n: number): string => `gid://shopify/Customer/${n}`;

function customer(id: string, email: string | null, source: 'shopify' | 'csv' = 'shopify'): Customer {
  return testCustomer(id, email, { marketingState: 'SUBSCRIBED', source });
}

const contact = testContact;

function order(id: string, customerId: string | null, processedAt: string, total: number, source: 'shopify' | 'csv' = 'shopify'): Order {
  return {
    source,
    id,
    customerId,
    email: null,
    processedAt,
    cancelledAt: null,
    currency: 'EUR',
    total,
    refunded: 0,
    discount: 0,
    lineItems: [],
    updatedAt: processedAt,
  };
}

const customers = [
  customer(gid(1), 'ann@example.com'),
  customer(gid(2), 'ann@example.com'),
  customer('17850', 'ann@example.com', 'csv'),
  customer(gid(3), 'bo@example.com'),
];
const contacts = [
  contact('11', 'ann@example.com', { emailDelivered: 20, emailOpens: 5, emailClicks: 1, emailBounces: 0, emailOptOut: false, pageViews: 12, visits: 4, lastVisitAt: '2024-06-01T10:00:00+02:00' }),
  contact('12', 'pat@example.com'),
];
const orders = [
  order('o1', gid(1), '2024-03-01T09:00:00Z', 10),
  order('o2', gid(2), '2024-03-01T18:00:00Z', 20), // same day, other customer of the same person
  order('o3', '17850', '2024-01-15T12:00:00Z', 5, 'csv'),
  order('o4', gid(3), '2024-05-01T12:00:00Z', 7),
  order('o5', null, '2024-05-02T12:00:00Z', 99), // guest
  order('o6', gid(99), '2024-05-03T12:00:00Z', 99), // customer the resolution never saw
];

test('orders are aggregated by person: counts and spend summed, purchase days a true union', () => {
  const { people, index } = resolveIdentities(customers, contacts);
  const keyer = createPersonOrderKeyer(index);
  const aggregator = createCustomerAggregator({ asOf: AS_OF });
  aggregator.addCustomers(people.map((p) => p.personId));
  aggregator.addOrders(keyer.keyOrders(orders));
  const byId = new Map(aggregator.result().map((a) => [a.customerId, a]));
  assert.deepEqual(byId.get('email:ann@example.com'), {
    customerId: 'email:ann@example.com',
    firstOrderAt: '2024-01-15T12:00:00.000Z',
    lastOrderAt: '2024-03-01T18:00:00.000Z',
    orderCount: 3,
    purchaseDays: 2, // 2024-01-15 and 2024-03-01: the same day bought by two customers counts once
    totalSpent: 35,
  });
  assert.equal(byId.get('email:pat@example.com')?.orderCount, 0, 'a prospect has an empty aggregate');
  assert.deepEqual(keyer.stats(), { orders: 6, keyed: 4, guest: 1, unknownCustomer: 1 });
  assert.equal(aggregator.stats().guestOrders, 2, 'guest and unknown-customer orders both stay out');
  // Summing per-customer aggregates would have counted that shared day twice:
  const perCustomer = aggregateCustomers(orders, AS_OF);
  const summedDays = perCustomer
    .filter((a) => [gid(1), gid(2), '17850'].includes(a.customerId))
    .reduce((sum, a) => sum + a.purchaseDays, 0);
  assert.equal(summedDays, 3);
});

test('personKeyOf maps an order through its source and customer id', () => {
  const { index } = resolveIdentities(customers, contacts);
  assert.equal(personKeyOf(order('x', gid(2), AS_OF, 1), index), 'email:ann@example.com');
  assert.equal(personKeyOf(order('x', '17850', AS_OF, 1, 'csv'), index), 'email:ann@example.com');
  assert.equal(personKeyOf(order('x', '17850', AS_OF, 1, 'shopify'), index), null, 'ids are per source');
  assert.equal(personKeyOf(order('x', null, AS_OF, 1), index), null);
  assert.equal(personKeyOf(order('x', '', AS_OF, 1), index), null);
});

test('keyOrdersByPerson copies orders and leaves the originals untouched', () => {
  const { index } = resolveIdentities(customers, contacts);
  const original = order('o1', gid(1), AS_OF, 10);
  const [keyed] = [...keyOrdersByPerson([original], index)];
  assert.equal(keyed?.customerId, 'email:ann@example.com');
  assert.equal(original.customerId, gid(1));
});

test('profiles join order aggregates and contact engagement, in people order', () => {
  const { people, index } = resolveIdentities(customers, contacts);
  const aggregates = aggregateCustomers(
    keyOrdersByPerson(orders, index),
    AS_OF,
    people.map((p) => p.personId),
  );
  const { profiles, stats } = buildProfiles(people, aggregates, contacts);
  assert.deepEqual(
    profiles.map((p) => p.personId),
    ['email:ann@example.com', 'email:bo@example.com', 'email:pat@example.com'],
  );
  const [ann, bo, pat] = profiles;
  assert.deepEqual(ann?.orders, {
    firstOrderAt: '2024-01-15T12:00:00.000Z',
    lastOrderAt: '2024-03-01T18:00:00.000Z',
    orderCount: 3,
    purchaseDays: 2,
    totalSpent: 35,
  });
  assert.deepEqual(ann?.engagement, {
    emailDelivered: 20,
    emailOpens: 5,
    emailClicks: 1,
    emailBounces: 0,
    emailOptOut: false,
    pageViews: 12,
    visits: 4,
    lastVisitAt: '2024-06-01T08:00:00.000Z',
    openRate: 0.25,
    clickRate: 0.05,
  });
  assert.deepEqual(ann?.shopifyCustomerIds, [gid(1), gid(2)]);
  assert.equal(ann?.hubspotContactId, '11');
  assert.equal(bo?.orders.orderCount, 1);
  assert.equal(bo?.engagement.emailOpens, null, 'no contact: engagement unknown, not zero');
  assert.equal(pat?.orders.orderCount, 0);
  assert.equal(pat?.orders.firstOrderAt, null);
  assert.equal(pat?.engagement.openRate, null, 'contact with nothing recorded');
  assert.deepEqual(stats, { profiles: 3, withOrders: 2, withContact: 2, missingContacts: 0, strayAggregates: 0 });
});

test('a person without an aggregate has no orders; stray aggregates and missing contacts are counted', () => {
  const { people } = resolveIdentities([customer(gid(1), 'a@x.io')], [contact('5', 'a@x.io')]);
  const stray = { customerId: gid(1), firstOrderAt: null, lastOrderAt: null, orderCount: 2, purchaseDays: 1, totalSpent: 3 };
  const { profiles, stats } = buildProfiles(people, [stray], []);
  assert.deepEqual(profiles[0]?.orders, { firstOrderAt: null, lastOrderAt: null, orderCount: 0, purchaseDays: 0, totalSpent: 0 });
  assert.equal(profiles[0]?.engagement.emailDelivered, null);
  assert.equal(stats.strayAggregates, 1, 'keyed by customer id, not person id');
  assert.equal(stats.missingContacts, 1);
});

test('engagement: unknown stays null; rates need something delivered; rates are capped at 1', () => {
  assert.equal(engagementOf(undefined).openRate, null);
  const nothingDelivered = engagementOf(contact('1', null, { emailDelivered: 0, emailOpens: 0, emailClicks: 0 }));
  assert.equal(nothingDelivered.emailDelivered, 0, 'zero is known, not null');
  assert.equal(nothingDelivered.openRate, null);
  assert.equal(nothingDelivered.clickRate, null);
  const opensUnknown = engagementOf(contact('1', null, { emailDelivered: 10, emailOpens: null, emailClicks: 0 }));
  assert.equal(opensUnknown.openRate, null);
  assert.equal(opensUnknown.clickRate, 0);
  const moreOpensThanDelivered = engagementOf(contact('1', null, { emailDelivered: 2, emailOpens: 5 }));
  assert.equal(moreOpensThanDelivered.openRate, 1);
  const garbage = engagementOf(
    contact('1', null, { emailDelivered: -1, emailOpens: Number.NaN, visits: Number.POSITIVE_INFINITY, lastVisitAt: 'yesterday' }),
  );
  assert.equal(garbage.emailDelivered, null);
  assert.equal(garbage.emailOpens, null);
  assert.equal(garbage.visits, null);
  assert.equal(garbage.lastVisitAt, null);
  assert.equal(garbage.openRate, null);
  assert.equal(engagementOf(contact('1', null, { emailOptOut: true })).emailOptOut, true);
});
