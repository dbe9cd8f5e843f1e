import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CATALOGUE } from './catalogue.ts';
import { formatRule } from './format.ts';
import { parseRule } from './parse.ts';
import type { Rule } from './rule.ts';

function rule(text: string): Rule {
  const result = parseRule(text, DEFAULT_CATALOGUE);
  if (!result.ok) assert.fail(`${text}: ${JSON.stringify(result.errors)}`);
  return result.rule;
}

const ROUND_TRIP_CORPUS = [
  "cluster = 'Big spenders' AND purchase_propensity >= 0.7 AND email_subscribed = true",
  "rfm_group IN ('champions', 'loyal') OR (orders_count >= 5 AND last_order_date > -90d)",
  'NOT email_opted_out = true',
  "product_types CONTAINS 'Kitchen'",
  "product_types not contains 'Kitchen'",
  'amount_spent BETWEEN 100 AND 500',
  'amount_spent not between 1e-7 and 1e21',
  'churn_risk IS NOT NULL',
  'churn_risk is null',
  "cluster = 'it\\'s \\\\ \\n \\t \\r \\u0001 \u00e9 \u{1f600}'",
  'visits = 1',
  'NOT NOT (orders_count = 1 OR NOT (orders_count = 2 AND orders_count = 3))',
  '((orders_count = 1 AND (orders_count = 2 AND orders_count = 3)) OR orders_count = 4) AND orders_count = 5',
  'orders_count = 1 OR orders_count = 2 AND orders_count = 3',
  "last_order_date in (2024-01-31, -1d, +2W, -6M, -1y, '2024-02-29') AND first_order_date <> -0d",
  'predicted_clv > +0.5 AND expected_purchases <= 3 AND average_order_value < 250.75',
  'has_shopify_customer = TRUE AND has_hubspot_contact = FALSE',
  'email_opens >= 1 OR email_clicks >= 1 OR visits >= 3 OR days_since_last_order < 30',
];

test('canonical text: upper-case keywords, single spaces, catalogue spellings', () => {
  assert.equal(formatRule(rule("  Rfm_Group   in('champions','Loyal')or(ORDERS_COUNT>=5 and last_order_date>-90D)")), "rfm_group IN ('CHAMPIONS', 'LOYAL') OR (orders_count >= 5 AND last_order_date > -90d)");
  assert.equal(formatRule(rule('amount_spent <> 5')), 'amount_spent != 5');
  assert.equal(formatRule(rule('amount_spent = +5.50')), 'amount_spent = 5.5');
  assert.equal(formatRule(rule('last_order_date > +3w')), 'last_order_date > +3w');
  assert.equal(formatRule(rule("last_order_date = '2024-01-02'")), 'last_order_date = 2024-01-02');
  assert.equal(formatRule(rule("churn_risk is not null and product_types not contains 'x'")), "churn_risk IS NOT NULL AND product_types NOT CONTAINS 'x'");
});

test('parentheses wherever AND and OR meet, even where precedence makes them optional', () => {
  assert.equal(formatRule(rule('orders_count = 1 OR orders_count = 2 AND orders_count = 3')), 'orders_count = 1 OR (orders_count = 2 AND orders_count = 3)');
  assert.equal(formatRule(rule('(orders_count = 1 OR orders_count = 2) AND orders_count = 3')), '(orders_count = 1 OR orders_count = 2) AND orders_count = 3');
  assert.equal(formatRule(rule('NOT (orders_count = 1 AND orders_count = 2)')), 'NOT (orders_count = 1 AND orders_count = 2)');
  assert.equal(formatRule(rule('((orders_count = 1))')), 'orders_count = 1');
  assert.equal(formatRule(rule('NOT NOT orders_count = 1')), 'NOT NOT orders_count = 1');
});

test('text is quoted with escapes', () => {
  assert.equal(formatRule(rule("cluster = 'Men\\'s \\\\ socks'")), "cluster = 'Men\\'s \\\\ socks'");
  assert.equal(formatRule(rule("cluster = 'a\\nb\\u0007'")), "cluster = 'a\\nb\\u0007'");
});

test('round trip: parse(format(parse(x))) equals parse(x), and format is a fixed point', () => {
  for (const text of ROUND_TRIP_CORPUS) {
    const first = rule(text);
    const canonical = formatRule(first);
    assert.deepEqual(rule(canonical), first, `${text} -> ${canonical}`);
    assert.equal(formatRule(rule(canonical)), canonical);
  }
});

test('hand-built trees format so that they parse back to the same meaning', () => {
  const a = rule('orders_count = 1');
  const b = rule('orders_count = 2');
  const nested: Rule = { kind: 'and', rules: [{ kind: 'and', rules: [a, b] }, a] };
  assert.equal(formatRule(nested), '(orders_count = 1 AND orders_count = 2) AND orders_count = 1');
  assert.deepEqual(rule(formatRule(nested)), { kind: 'and', rules: [a, b, a] });
});
