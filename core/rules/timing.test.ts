// How fast a compiled rule runs over a shop's worth of customers. Prints the time; asserts only
// a generous bound, so a slow machine does not fail the build.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CATALOGUE } from './catalogue.ts';
import { compileRule, type RuleRecord } from './evaluate.ts';
import { parseRule } from './parse.ts';

const RFM = ['CHAMPIONS', 'LOYAL', 'ACTIVE', 'AT_RISK', 'DORMANT', 'PROSPECTS'];
const CLUSTERS = ['Big spenders', 'Bargain hunters', 'One-timers', 'Window shoppers'];
const TYPES = ['Kitchen', 'Garden', 'Toys', 'Books', 'Outdoor'];

function records(count: number): RuleRecord[] {
  let seed = 42;
  const next = (): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const asOfMs = Date.UTC(2024, 5, 30);
  return Array.from({ length: count }, (_, i) => ({
    rfm_group: RFM[i % RFM.length],
    cluster: next() < 0.05 ? null : CLUSTERS[Math.floor(next() * CLUSTERS.length)],
    purchase_propensity: next(),
    churn_risk: next() < 0.1 ? null : next(),
    orders_count: Math.floor(next() * 12),
    amount_spent: Math.round(next() * 200_000) / 100,
    last_order_date: new Date(asOfMs - Math.floor(next() * 720) * 86_400_000 - Math.floor(next() * 86_400_000)).toISOString(),
    email_subscribed: next() < 0.6,
    email_opted_out: next() < 0.1 ? null : next() < 0.1,
    product_types: TYPES.filter(() => next() < 0.3),
  }));
}

test('a compiled rule evaluates 100,000 records well under a second', () => {
  const text =
    "(rfm_group IN ('champions', 'loyal') OR (orders_count >= 5 AND last_order_date > -90d)) " +
    "AND NOT email_opted_out = true AND (cluster = 'big spenders' OR purchase_propensity >= 0.7 OR product_types CONTAINS 'kitchen') " +
    'AND amount_spent BETWEEN 50 AND 1500 AND churn_risk IS NOT NULL';
  const parsed = parseRule(text, DEFAULT_CATALOGUE);
  assert.ok(parsed.ok);
  const data = records(100_000);
  const predicate = compileRule(parsed.rule, { asOf: '2024-06-30T12:00:00Z' });
  const pass = (): { elapsed: number; matched: number } => {
    const started = performance.now();
    let matched = 0;
    for (const record of data) if (predicate(record)) matched += 1;
    return { elapsed: performance.now() - started, matched };
  };
  const { elapsed, matched } = pass();
  const warm = pass();
  console.log(`rules: 100,000 records in ${elapsed.toFixed(1)} ms on the first pass, ${warm.elapsed.toFixed(1)} ms warm; ${matched} matched`);
  assert.equal(warm.matched, matched);
  assert.ok(matched > 0 && matched < data.length, 'the rule selects some records, not all');
  assert.ok(elapsed < 5000, `took ${elapsed} ms`);
});

test('parsing is fast too: a rule at the length limit', () => {
  const text = `orders_count = 1${' OR amount_spent BETWEEN 1 AND 2'.repeat(61)}`;
  assert.ok(text.length <= 2000);
  const started = performance.now();
  for (let i = 0; i < 100; i += 1) assert.ok(parseRule(text, DEFAULT_CATALOGUE).ok);
  console.log(`rules: a ${text.length}-character rule parses in ${((performance.now() - started) / 100).toFixed(2)} ms`);
});
