import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Memberships } from './model.ts';
import { summarizeSegments } from './segment-summary.ts';

const aggregates = [
  { customerId: 'a', totalSpent: 60.1 },
  { customerId: 'b', totalSpent: 30.2 },
  { customerId: 'c', totalSpent: 9.7 },
  { customerId: 'd', totalSpent: 0 },
];

test('sizes, revenue and shares, in definition order then other keys', () => {
  const memberships: Memberships = new Map([
    ['zeta', new Set(['d'])],
    ['loyal', new Set(['b', 'c'])],
    ['champions', new Set(['a'])],
    ['alpha', new Set(['a', 'd'])],
  ]);
  const summary = summarizeSegments(memberships, aggregates, [
    { key: 'champions', name: 'Champions' },
    { key: 'loyal', name: 'Loyal' },
    { key: 'dormant', name: 'Dormant' },
  ]);
  assert.equal(summary.customers, 4);
  assert.equal(summary.shopRevenue, 100);
  assert.deepEqual(summary.segments, [
    { key: 'champions', name: 'Champions', size: 1, revenue: 60.1, revenueShare: 0.601, customerShare: 0.25 },
    { key: 'loyal', name: 'Loyal', size: 2, revenue: 39.9, revenueShare: 0.399, customerShare: 0.5 },
    { key: 'dormant', name: 'Dormant', size: 0, revenue: 0, revenueShare: 0, customerShare: 0 },
    { key: 'alpha', name: 'alpha', size: 2, revenue: 60.1, revenueShare: 0.601, customerShare: 0.5 },
    { key: 'zeta', name: 'zeta', size: 1, revenue: 0, revenueShare: 0, customerShare: 0.25 },
  ]);
});

test('a shop without revenue has revenue share 0 everywhere', () => {
  const summary = summarizeSegments(new Map([['prospects', new Set(['x', 'y'])]]), [
    { customerId: 'x', totalSpent: 0 },
    { customerId: 'y', totalSpent: 0 },
  ]);
  assert.equal(summary.shopRevenue, 0);
  assert.deepEqual(summary.segments, [{ key: 'prospects', name: 'prospects', size: 2, revenue: 0, revenueShare: 0, customerShare: 1 }]);
});

test('an empty shop', () => {
  assert.deepEqual(summarizeSegments(new Map(), []), { customers: 0, shopRevenue: 0, segments: [] });
});
