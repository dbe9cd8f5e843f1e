import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CUSTOMER_GID, fakeFetch, knownInsights, unknownInsights } from '../test-support/fixtures.ts';
import { customerIdFromData, insightsPath, loadInsights, money, nextOrderText, parseInsights, percent, toView } from './view-model.ts';

const NOW = new Date('2026-03-02T10:00:00Z');

test('the customer comes from data.selected[0].id, a customer GID only', () => {
  assert.equal(customerIdFromData({ selected: [{ id: CUSTOMER_GID }] }), CUSTOMER_GID);
  assert.equal(customerIdFromData({ selected: [] }), null);
  assert.equal(customerIdFromData({ selected: [{ id: 'gid://shopify/Order/6' }] }), null);
  assert.equal(customerIdFromData(undefined), null);
});

test('the route is the relative app path with the numeric id', () => {
  assert.equal(insightsPath(CUSTOMER_GID), '/api/customers/6/insights');
  assert.throws(() => insightsPath('6'));
});

test('formatting: percent, money, next order day against now', () => {
  assert.equal(percent(0.8123), '81 %');
  assert.equal(money(1234567.5), '1,234,567.50');
  assert.equal(nextOrderText('2026-03-14', NOW), '2026-03-14 (in 12 days)');
  assert.equal(nextOrderText('2026-03-02', NOW), '2026-03-02 (today)');
  assert.equal(nextOrderText('2026-02-25', NOW), '2026-02-25 (5 days ago)');
  assert.equal(nextOrderText('not a day', NOW), 'not a day');
});

test('a scored customer: segment badges (held out marked), cluster, tiers with scores, CLV, next order, holdout', () => {
  const view = toView(knownInsights(), NOW);
  assert.equal(view.known, true);
  assert.equal(view.notScored, null);
  assert.deepEqual(view.segments.map((s) => [s.label, s.tone, s.heldOut]), [
    ['Champions', 'info', false],
    ['Frequent big spenders', 'success', false],
    ['Likely to buy (held out)', 'caution', true],
  ]);
  assert.equal(view.rfmGroup, 'Champions');
  assert.deepEqual(view.cluster, { name: 'Frequent big spenders', explanation: 'Order often and spend well above the store average.' });
  assert.deepEqual(view.scores, [
    { label: 'Purchase propensity', value: '81 %', badge: { label: 'High', tone: 'success' } },
    { label: 'Churn risk', value: '12 %', badge: { label: 'Low', tone: 'success' } },
    { label: 'Predicted CLV (12 months)', value: '1,234.50', badge: null },
    { label: 'Expected next order', value: '2026-03-14 (in 12 days)', badge: null },
  ]);
  assert.match(view.holdout, /holdout group of 1 segment \(Likely to buy\)/);
});

test('missing scores read as such; a customer held out of nothing says so', () => {
  const view = toView(knownInsights({ purchasePropensity: null, churnRisk: { score: 0.7, tier: 'high' }, predictedClv: null, expectedNextOrderAt: null, holdout: { heldOut: false, segments: [] }, segments: [], cluster: null }), NOW);
  assert.deepEqual(view.scores.map((s) => s.value), ['Not scored', '70 %', 'Not enough history', 'No estimate']);
  assert.deepEqual(view.scores[1]?.badge, { label: 'High', tone: 'critical' });
  assert.equal(view.cluster, null);
  assert.equal(view.holdout, 'Not held out of any segment.');
});

test('an unknown customer: not scored yet, with the reason', () => {
  const view = toView(unknownInsights(), NOW);
  assert.equal(view.known, false);
  assert.equal(view.notScored, 'Not scored yet: the app has not synced this customer yet: the next sync scores them');
  assert.deepEqual(view.segments, []);
});

test('parseInsights refuses what is not an insights answer', () => {
  assert.throws(() => parseInsights({ error: { code: 'X', message: 'm' } }));
  assert.throws(() => parseInsights(null));
  assert.equal(parseInsights(knownInsights()).customerId, CUSTOMER_GID);
});

test('loadInsights: fetches the relative route; ready, 401, 404, 500 with a message, network failure, no customer', async () => {
  const good = fakeFetch(200, knownInsights());
  const ready = await loadInsights(good.fn, CUSTOMER_GID, () => NOW);
  assert.deepEqual(good.urls, ['/api/customers/6/insights']);
  assert.equal(ready.kind, 'ready');

  const denied = await loadInsights(fakeFetch(401, { error: { code: 'UNAUTHENTICATED', message: 'no' } }).fn, CUSTOMER_GID, () => NOW);
  assert.deepEqual(denied, { kind: 'error', message: 'The app could not verify this admin session. Reload the page to try again.' });
  const missing = await loadInsights(fakeFetch(404, {}).fn, CUSTOMER_GID, () => NOW);
  assert.match(missing.kind === 'error' ? missing.message : '', /not set up/);
  const broken = await loadInsights(fakeFetch(500, { error: { code: 'INTERNAL', message: 'internal error' } }).fn, CUSTOMER_GID, () => NOW);
  assert.deepEqual(broken, { kind: 'error', message: "Segment Refinery could not load this customer's insights (HTTP 500: internal error)." });
  const offline = await loadInsights(async () => { throw new Error('network down'); }, CUSTOMER_GID, () => NOW);
  assert.deepEqual(offline, { kind: 'error', message: 'Segment Refinery could not be reached: network down' });
  const garbage = await loadInsights(fakeFetch(200, { nope: true }).fn, CUSTOMER_GID, () => NOW);
  assert.equal(garbage.kind, 'error');
  const nowhere = await loadInsights(good.fn, null, () => NOW);
  assert.deepEqual(nowhere, { kind: 'error', message: 'This block only works on a customer page.' });
  assert.equal(good.urls.length, 1, 'no fetch without a customer');
});
