import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CustomerAggregate } from '../../core/customer-aggregate.ts';
import type { Person } from '../../core/identity.ts';
import { emptyScores } from '../../core/segments/person-scores.ts';
import { maskEmail, segmentProfile } from './segment-profile.ts';

const person = (n: number, consent: boolean): Person => ({
  personId: `email:p${n}@x.com`, email: `p${n}@x.com`, shopifyCustomerIds: [`gid://shopify/Customer/${n}`], csvCustomerIds: [], hubspotContactId: null, marketingConsent: consent,
});
const aggregate = (n: number, orders: number, spent: number, lastDaysAgo: number | null): CustomerAggregate => ({
  customerId: `email:p${n}@x.com`,
  firstOrderAt: lastDaysAgo === null ? null : new Date(Date.parse('2026-06-01T00:00:00Z') - (lastDaysAgo + 100) * 86_400_000).toISOString(),
  lastOrderAt: lastDaysAgo === null ? null : new Date(Date.parse('2026-06-01T00:00:00Z') - lastDaysAgo * 86_400_000).toISOString(),
  orderCount: orders,
  purchaseDays: orders,
  totalSpent: spent,
});

test('members against the store in one pass, the biggest spenders first', () => {
  const people = [person(1, true), person(2, false), person(3, true), person(4, false)];
  const aggregates = [aggregate(1, 2, 100, 10), aggregate(2, 4, 400, 30), aggregate(3, 0, 0, null), aggregate(4, 1, 50, 20)];
  const scores = new Map(people.map((p, i) => [p.personId, { ...emptyScores(), churnRisk: i === 2 ? null : i / 10 }]));
  const profile = segmentProfile({
    asOf: '2026-06-01T00:00:00Z',
    people,
    aggregateOf: new Map(aggregates.map((a) => [a.customerId, a])),
    scores,
    members: new Set(['email:p1@x.com', 'email:p2@x.com', 'email:p3@x.com']),
    sampleSize: 2,
  });
  assert.equal(profile.members, 3);
  const row = (f: string) => profile.profile.find((r) => r.feature === f);
  assert.deepEqual(row('orders_count'), { feature: 'orders_count', label: 'Orders', unit: 'count', segment: 2, store: 1.75 });
  assert.deepEqual([row('recency_days')?.segment, row('recency_days')?.store], [20, 20], 'people without orders have no recency');
  assert.deepEqual([row('average_order_value')?.segment, row('average_order_value')?.store], [75, 66.6667]);
  assert.deepEqual([row('churn_risk')?.segment, row('churn_risk')?.store], [0.05, 0.1333]);
  assert.deepEqual([row('email_subscribed')?.segment, row('email_subscribed')?.store], [0.6667, 0.5]);
  assert.deepEqual(profile.sample.map((m) => [m.personId, m.spent]), [['email:p2@x.com', 400], ['email:p1@x.com', 100]]);
  assert.equal(segmentProfile({ asOf: '2026-06-01T00:00:00Z', people, aggregateOf: new Map(), scores: new Map(), members: new Set() }).profile.find((r) => r.feature === 'orders_count')?.segment, null);
});

test('emails are masked to their first character and domain', () => {
  assert.equal(maskEmail('jane.doe@example.com'), 'j***@example.com');
  assert.equal(maskEmail('@odd'), '***');
  assert.equal(maskEmail(null), null);
});
