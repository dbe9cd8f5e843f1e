import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RefineryError } from '../errors.ts';
import { DEFAULT_CATALOGUE } from './catalogue.ts';
import { compileRule, evaluateRule, type RuleRecord } from './evaluate.ts';
import { parseRule } from './parse.ts';
import type { Rule } from './rule.ts';

const AS_OF = '2024-06-30T15:00:00Z';

function rule(text: string): Rule {
  const result = parseRule(text, DEFAULT_CATALOGUE);
  if (!result.ok) assert.fail(`${text}: ${JSON.stringify(result.errors)}`);
  return result.rule;
}

function matches(text: string, record: RuleRecord, asOf: string = AS_OF): boolean {
  return evaluateRule(rule(text), record, { asOf });
}

/** The texts among `texts` that match `record`. */
function matching(texts: string[], record: RuleRecord): string[] {
  return texts.filter((text) => matches(text, record));
}

test('comparison operators on numbers', () => {
  const record = { amount_spent: 100 };
  assert.deepEqual(
    matching(['amount_spent = 100', 'amount_spent != 100', 'amount_spent > 100', 'amount_spent >= 100', 'amount_spent < 100', 'amount_spent <= 100', 'amount_spent > 99.5', 'amount_spent != 7'], record),
    ['amount_spent = 100', 'amount_spent >= 100', 'amount_spent <= 100', 'amount_spent > 99.5', 'amount_spent != 7'],
  );
});

test('text equality ignores letter case; IN and NOT IN', () => {
  const record = { cluster: 'Big Spenders', rfm_group: 'LOYAL' };
  assert.deepEqual(
    matching(["cluster = 'big spenders'", "cluster != 'BIG SPENDERS'", "cluster = 'Big'", "cluster IN ('Bargain hunters', 'big spenders')", "cluster NOT IN ('Bargain hunters')", "rfm_group IN ('champions', 'loyal')", "rfm_group NOT IN ('loyal')"], record),
    ["cluster = 'big spenders'", "cluster IN ('Bargain hunters', 'big spenders')", "cluster NOT IN ('Bargain hunters')", "rfm_group IN ('champions', 'loyal')"],
  );
});

test('booleans', () => {
  assert.deepEqual(matching(['email_subscribed = true', 'email_subscribed = false', 'email_subscribed != true'], { email_subscribed: false }), ['email_subscribed = false', 'email_subscribed != true']);
});

test('BETWEEN is inclusive at both ends; NOT BETWEEN is its opposite', () => {
  const texts = ['amount_spent BETWEEN 100 AND 500', 'amount_spent NOT BETWEEN 100 AND 500'];
  assert.deepEqual(matching(texts, { amount_spent: 100 }), [texts[0]]);
  assert.deepEqual(matching(texts, { amount_spent: 500 }), [texts[0]]);
  assert.deepEqual(matching(texts, { amount_spent: 99.99 }), [texts[1]]);
  assert.deepEqual(matching(texts, { amount_spent: 500.01 }), [texts[1]]);
});

test('CONTAINS and NOT CONTAINS on lists, ignoring letter case', () => {
  const record = { product_types: ['Kitchen', 'Garden tools'] };
  assert.deepEqual(
    matching(["product_types CONTAINS 'kitchen'", "product_types CONTAINS 'Garden'", "product_types NOT CONTAINS 'Garden'", "product_types NOT CONTAINS 'garden TOOLS'"], record),
    ["product_types CONTAINS 'kitchen'", "product_types NOT CONTAINS 'Garden'"],
  );
  assert.equal(matches("product_types NOT CONTAINS 'Kitchen'", { product_types: [] }), true, 'an empty list contains nothing');
  assert.equal(matches("product_types CONTAINS 'Kitchen'", { product_types: [3, null, 'kitchen'] }), true, 'non-text items are skipped');
});

test('IS NULL and IS NOT NULL: missing, null and wrongly typed values are null', () => {
  for (const record of [{}, { churn_risk: null }, { churn_risk: undefined }, { churn_risk: 'high' }, { churn_risk: Number.NaN }]) {
    assert.equal(matches('churn_risk IS NULL', record), true, JSON.stringify(record));
    assert.equal(matches('churn_risk IS NOT NULL', record), false);
  }
  assert.equal(matches('churn_risk IS NULL', { churn_risk: 0 }), false, 'zero is a value');
  assert.equal(matches('cluster IS NULL', { cluster: '' }), false, 'empty text is a value');
  assert.equal(matches('product_types IS NULL', { product_types: [] }), false, 'an empty list is a value');
  assert.equal(matches('product_types IS NULL', { product_types: 'Kitchen' }), true, 'text is not a list');
  assert.equal(matches('email_subscribed IS NULL', { email_subscribed: 'true' }), true);
  assert.equal(matches('last_order_date IS NULL', { last_order_date: 'last week' }), true);
  assert.equal(matches('last_order_date IS NOT NULL', { last_order_date: '2024-01-01' }), true);
});

test('null semantics: every comparison with a missing value is unknown, and unknown never matches', () => {
  const none = {};
  for (const text of [
    'churn_risk = 0.5',
    'churn_risk != 0.5',
    'churn_risk > 0.5',
    'churn_risk <= 0.5',
    'churn_risk IN (0.5)',
    'churn_risk NOT IN (0.5)',
    'churn_risk BETWEEN 0 AND 1',
    'churn_risk NOT BETWEEN 0 AND 1',
    "product_types CONTAINS 'Kitchen'",
    "product_types NOT CONTAINS 'Kitchen'",
    "cluster != 'x'",
    'email_opted_out = true',
    'NOT email_opted_out = true',
    'NOT churn_risk > 0.5',
    'NOT NOT churn_risk > 0.5',
    'last_order_date < -30d',
  ]) {
    assert.equal(matches(text, none), false, text);
  }
});

test('null semantics: three-valued AND, OR, NOT', () => {
  const record = { orders_count: 3 };
  // unknown AND true = unknown; unknown AND false = false; unknown OR true = true; unknown OR false = unknown
  assert.equal(matches('churn_risk > 0.5 AND orders_count = 3', record), false);
  assert.equal(matches('NOT (churn_risk > 0.5 AND orders_count = 3)', record), false, 'NOT unknown is unknown');
  assert.equal(matches('NOT (churn_risk > 0.5 AND orders_count = 4)', record), true, 'NOT false is true');
  assert.equal(matches('churn_risk > 0.5 OR orders_count = 3', record), true);
  assert.equal(matches('NOT (churn_risk > 0.5 OR orders_count = 4)', record), false, 'NOT unknown is unknown');
  assert.equal(matches('churn_risk > 0.5 OR churn_risk IS NULL', record), true, 'IS NULL takes missing values in');
  assert.equal(matches('NOT email_opted_out = true OR email_opted_out IS NULL', record), true);
});

test('NOT x = v always agrees with x != v, and NOT IN with NOT (IN)', () => {
  const values = [{}, { orders_count: null }, { orders_count: 1 }, { orders_count: 2 }, { orders_count: '1' }];
  for (const record of values) {
    assert.equal(matches('NOT orders_count = 1', record), matches('orders_count != 1', record), JSON.stringify(record));
    assert.equal(matches('NOT orders_count IN (1, 3)', record), matches('orders_count NOT IN (1, 3)', record), JSON.stringify(record));
    assert.equal(matches('NOT orders_count BETWEEN 1 AND 1', record), matches('orders_count NOT BETWEEN 1 AND 1', record));
  }
});

test('dates compare by UTC calendar day', () => {
  const record = { last_order_date: '2024-05-30T23:59:59Z' };
  assert.deepEqual(
    matching(['last_order_date = 2024-05-30', 'last_order_date > 2024-05-30', 'last_order_date >= 2024-05-30', 'last_order_date < 2024-05-31', 'last_order_date != 2024-05-29', 'last_order_date IN (2024-01-01, 2024-05-30)', 'last_order_date BETWEEN 2024-05-30 AND 2024-05-30'], record),
    ['last_order_date = 2024-05-30', 'last_order_date >= 2024-05-30', 'last_order_date < 2024-05-31', 'last_order_date != 2024-05-29', 'last_order_date IN (2024-01-01, 2024-05-30)', 'last_order_date BETWEEN 2024-05-30 AND 2024-05-30'],
  );
});

test('record dates: date-only text, ISO with or without offset, epoch ms, Date', () => {
  const on30 = 'last_order_date = 2024-05-30';
  assert.equal(matches(on30, { last_order_date: '2024-05-30' }), true);
  assert.equal(matches(on30, { last_order_date: '2024-05-30T10:00:00.000Z' }), true);
  assert.equal(matches(on30, { last_order_date: '2024-05-30T10:00:00' }), true, 'no offset: read as UTC');
  assert.equal(matches(on30, { last_order_date: '2024-05-30 10:00' }), true);
  assert.equal(matches(on30, { last_order_date: '2024-05-31T01:00:00+02:00' }), true, 'the UTC day counts');
  assert.equal(matches(on30, { last_order_date: Date.UTC(2024, 4, 30, 12) }), true);
  assert.equal(matches(on30, { last_order_date: new Date(Date.UTC(2024, 4, 30, 12)) }), true);
  for (const bad of ['2024-02-30', '2024-02-30T10:00Z', 'May 30 2024', '', new Date(Number.NaN), true]) {
    assert.equal(matches('last_order_date IS NULL', { last_order_date: bad }), true, String(bad));
  }
});

test('relative dates count from the UTC day of asOf', () => {
  // asOf 2024-06-30T15:00Z: -30d is 2024-05-31, -2w is 2024-06-16, -1m is 2024-05-30, -1y is 2023-06-30.
  assert.equal(matches('last_order_date = -30d', { last_order_date: '2024-05-31T00:00:00Z' }), true);
  assert.equal(matches('last_order_date > -30d', { last_order_date: '2024-05-31T23:59:59Z' }), false);
  assert.equal(matches('last_order_date > -30d', { last_order_date: '2024-06-01T00:00:00Z' }), true);
  assert.equal(matches('last_order_date = -2w', { last_order_date: '2024-06-16' }), true);
  assert.equal(matches('last_order_date = -1m', { last_order_date: '2024-05-30' }), true);
  assert.equal(matches('last_order_date = -1y', { last_order_date: '2023-06-30' }), true);
  assert.equal(matches('last_order_date = +7d', { last_order_date: '2024-07-07' }), true);
  assert.equal(matches('last_order_date = -0d', { last_order_date: '2024-06-30T01:00:00Z' }), true);
  assert.equal(matches('last_order_date BETWEEN -90d AND -30d', { last_order_date: '2024-04-01' }), true);
  assert.equal(matches('last_order_date BETWEEN -90d AND -30d', { last_order_date: '2024-03-31' }), false);
  assert.equal(matches('last_order_date IN (-1d, -2d)', { last_order_date: '2024-06-28' }), true);
});

test('months and years keep the day of the month, clamped to the month end', () => {
  assert.equal(matches('last_order_date = -1m', { last_order_date: '2024-02-29' }, '2024-03-31T12:00:00Z'), true);
  assert.equal(matches('last_order_date = -13m', { last_order_date: '2023-02-28' }, '2024-03-31T12:00:00Z'), true);
  assert.equal(matches('last_order_date = -1y', { last_order_date: '2023-02-28' }, '2024-02-29T12:00:00Z'), true);
  assert.equal(matches('last_order_date = +1m', { last_order_date: '2025-01-31' }, '2024-12-31T00:00:00Z'), true);
  assert.equal(matches('last_order_date = -12m', { last_order_date: '2023-12-31' }, '2024-12-31T00:00:00Z'), true);
});

test('the same rule gives different answers for different asOf', () => {
  const recent = rule('last_order_date >= -7d');
  const record = { last_order_date: '2024-06-25' };
  assert.equal(evaluateRule(recent, record, { asOf: '2024-06-30T00:00:00Z' }), true);
  assert.equal(evaluateRule(recent, record, { asOf: '2024-07-03T00:00:00Z' }), false);
  assert.equal(evaluateRule(recent, record, { asOf: Date.UTC(2024, 6, 2) }), true, 'epoch ms');
  assert.equal(evaluateRule(recent, record, { asOf: new Date(Date.UTC(2024, 6, 2)) }), true, 'Date');
});

test('an invalid asOf is a VALIDATION error (a programming error)', () => {
  assert.throws(
    () => compileRule(rule('orders_count = 1'), { asOf: 'not a date' }),
    (error: unknown) => error instanceof RefineryError && error.code === 'VALIDATION',
  );
});

test('the brief examples on customer records', () => {
  const bigSpender = rule("cluster = 'Big spenders' AND purchase_propensity >= 0.7 AND email_subscribed = true");
  const predicate = compileRule(bigSpender, { asOf: AS_OF });
  assert.equal(predicate({ cluster: 'Big spenders', purchase_propensity: 0.7, email_subscribed: true }), true);
  assert.equal(predicate({ cluster: 'Big spenders', purchase_propensity: 0.69, email_subscribed: true }), false);
  assert.equal(predicate({ cluster: 'Big spenders', purchase_propensity: 0.9 }), false);

  const loyal = compileRule(rule("rfm_group IN ('champions', 'loyal') OR (orders_count >= 5 AND last_order_date > -90d)"), { asOf: AS_OF });
  assert.equal(loyal({ rfm_group: 'CHAMPIONS' }), true);
  assert.equal(loyal({ rfm_group: 'AT_RISK', orders_count: 5, last_order_date: '2024-04-02' }), true);
  assert.equal(loyal({ rfm_group: 'AT_RISK', orders_count: 5, last_order_date: '2024-04-01' }), false);
  assert.equal(loyal({ rfm_group: 'AT_RISK', orders_count: 4, last_order_date: '2024-06-01' }), false);
});

test('records with inherited names do not leak prototype values', () => {
  const catalogue = { constructor: { type: 'string' } } as const;
  const parsed = parseRule('constructor IS NULL', catalogue);
  assert.ok(parsed.ok);
  assert.equal(evaluateRule(parsed.rule, {}, { asOf: AS_OF }), true);
});
