import assert from 'node:assert/strict';
import { test } from 'node:test';
import { refineSegments } from './refine.ts';
import { rescorePerson, type PersonData } from './score-person.ts';
import { isScoringSnapshot } from './scoring-snapshot.ts';
import { TEST_AS_OF, testRefineInput } from './test-shop.ts';

const rules = [{ key: 'regulars', name: 'Regulars', rule: 'orders_count >= 3 AND email_subscribed = true' }];

test('re-scoring one person against the stored snapshot gives what the batch gave them', () => {
  const input = testRefineInput({ customers: 400, prospects: 20 }, { rules });
  const batch = refineSegments(input);
  // The snapshot survives storage as JSON.
  const snapshot: unknown = JSON.parse(JSON.stringify(batch.snapshot));
  assert.ok(isScoringSnapshot(snapshot));
  assert.ok(snapshot.purchase && snapshot.churn && snapshot.clv && snapshot.clusters);
  const keysOf = new Map<string, string[]>();
  for (const [key, members] of batch.memberships) for (const id of members) keysOf.set(id, [...(keysOf.get(id) ?? []), key]);
  const aggregateOf = new Map(input.aggregates.map((a) => [a.customerId, a]));
  const featuresOf = new Map(input.featuresNow.rows.map((r) => [r.personId, r.values]));
  let checked = 0;
  for (const person of input.people) {
    const data: PersonData = {
      person,
      aggregate: aggregateOf.get(person.personId) ?? { customerId: person.personId, firstOrderAt: null, lastOrderAt: null, orderCount: 0, purchaseDays: 0, totalSpent: 0 },
      features: featuresOf.get(person.personId) ?? {},
      orders: input.orders.get(person.personId) ?? { times: [], amounts: [] },
      productTypes: input.productTypes.get(person.personId) ?? [],
    };
    const one = rescorePerson(snapshot, data, rules, TEST_AS_OF);
    assert.deepEqual(one.segmentKeys, [...(keysOf.get(person.personId) ?? [])].sort(), person.personId);
    assert.deepEqual(one.scores, batch.scores.get(person.personId), person.personId);
    checked++;
  }
  assert.equal(checked, 420);
});

test('a new order moves a prospect into buyer segments with scores; nothing is NaN', () => {
  const input = testRefineInput({ customers: 300, prospects: 5 });
  const batch = refineSegments(input);
  const prospect = input.people.find((p) => p.personId === 'email:prospect0@example.com');
  assert.ok(prospect);
  const at = Date.parse(TEST_AS_OF) - 86_400_000;
  const data: PersonData = {
    person: prospect,
    aggregate: { customerId: prospect.personId, firstOrderAt: new Date(at).toISOString(), lastOrderAt: new Date(at).toISOString(), orderCount: 1, purchaseDays: 1, totalSpent: 80 },
    features: { ...(input.featuresNow.rows.find((r) => r.personId === prospect.personId)?.values ?? {}), recencyDays: 1, frequency: 1, orderCount: 1, monetaryTotal: 80, averageOrderValue: 80, tenureDays: 1 },
    orders: { times: [at], amounts: [80] },
    productTypes: ['Wax'],
  };
  const before = rescorePerson(batch.snapshot, { ...data, aggregate: { ...data.aggregate, orderCount: 0, firstOrderAt: null, lastOrderAt: null, totalSpent: 0 }, orders: { times: [], amounts: [] } }, [], TEST_AS_OF);
  assert.deepEqual(before.segmentKeys, ['prospects']);
  const after = rescorePerson(batch.snapshot, data, [], TEST_AS_OF);
  assert.notEqual(after.rfmKey, 'prospects');
  assert.ok(after.segmentKeys.some((k) => k.startsWith('cluster-')));
  assert.ok(after.segmentKeys.some((k) => k.startsWith('propensity-')));
  for (const value of Object.values(after.scores)) if (typeof value === 'number') assert.ok(Number.isFinite(value));
});
