import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CATALOGUE, defineCatalogue } from './catalogue.ts';
import { parseRule } from './parse.ts';
import type { Rule } from './rule.ts';

function parse(text: string): Rule {
  const result = parseRule(text, DEFAULT_CATALOGUE);
  if (!result.ok) assert.fail(`expected ${JSON.stringify(text)} to parse: ${JSON.stringify(result.errors)}`);
  return result.rule;
}

const num = (value: number) => ({ type: 'number', value }) as const;
const str = (value: string) => ({ type: 'string', value }) as const;

test('comparison operators on numbers', () => {
  for (const operator of ['=', '!=', '>', '>=', '<', '<='] as const) {
    assert.deepEqual(parse(`amount_spent ${operator} 100`), { kind: 'compare', field: 'amount_spent', fieldType: 'number', operator, value: num(100) });
  }
  assert.deepEqual(parse('amount_spent <> 5'), parse('amount_spent != 5'));
  assert.deepEqual(parse('amount_spent>=2.5'), { kind: 'compare', field: 'amount_spent', fieldType: 'number', operator: '>=', value: num(2.5) });
  const signed = defineCatalogue({ balance: { type: 'number' } });
  assert.deepEqual(parseRule('balance>-2.5', signed), { ok: true, rule: { kind: 'compare', field: 'balance', fieldType: 'number', operator: '>', value: num(-2.5) } });
});

test('numbers: decimals, signs and exponents', () => {
  assert.deepEqual((parse('predicted_clv = 0.75') as { value: unknown }).value, num(0.75));
  assert.deepEqual((parse('predicted_clv = +12') as { value: unknown }).value, num(12));
  assert.deepEqual((parse('predicted_clv = 1e3') as { value: unknown }).value, num(1000));
  assert.ok(Object.is((parse('predicted_clv = -0') as { value: { value: number } }).value.value, 0), '-0 reads as 0');
});

test('strings: single quotes and escapes', () => {
  assert.deepEqual(parse("cluster = 'Big spenders'"), { kind: 'compare', field: 'cluster', fieldType: 'string', operator: '=', value: str('Big spenders') });
  assert.deepEqual((parse("cluster = 'Men\\'s socks \\\\ \\n\\t\\r \\u00e9'") as { value: unknown }).value, str("Men's socks \\ \n\t\r é"));
  assert.deepEqual((parse("cluster = ''") as { value: unknown }).value, str(''));
  assert.deepEqual((parse("cluster = 'AND OR ( ) , = \"'") as { value: unknown }).value, str('AND OR ( ) , = "'));
});

test('booleans, in any letter case', () => {
  assert.deepEqual(parse('email_subscribed = true'), { kind: 'compare', field: 'email_subscribed', fieldType: 'boolean', operator: '=', value: { type: 'boolean', value: true } });
  assert.deepEqual(parse('email_subscribed != FALSE'), { kind: 'compare', field: 'email_subscribed', fieldType: 'boolean', operator: '!=', value: { type: 'boolean', value: false } });
});

test('absolute and relative dates; quoted dates are dates too', () => {
  assert.deepEqual(parse('last_order_date >= 2024-01-31'), { kind: 'compare', field: 'last_order_date', fieldType: 'date', operator: '>=', value: { type: 'date', value: '2024-01-31' } });
  assert.deepEqual(parse("last_order_date >= '2024-01-31'"), parse('last_order_date >= 2024-01-31'));
  for (const [text, amount, unit] of [['-30d', -30, 'd'], ['-12w', -12, 'w'], ['-6m', -6, 'm'], ['-1y', -1, 'y'], ['+7D', 7, 'd'], ['-0d', 0, 'd']] as const) {
    assert.deepEqual((parse(`last_order_date > ${text}`) as { value: unknown }).value, { type: 'relative-date', amount, unit });
  }
});

test('IN and NOT IN lists', () => {
  assert.deepEqual(parse("cluster IN ('a', 'b')"), { kind: 'in', field: 'cluster', fieldType: 'string', negated: false, values: [str('a'), str('b')] });
  assert.deepEqual(parse('orders_count NOT IN (1,2 , 3)'), { kind: 'in', field: 'orders_count', fieldType: 'number', negated: true, values: [num(1), num(2), num(3)] });
  assert.deepEqual(parse('last_order_date in (2024-01-01, -1d)'), {
    kind: 'in',
    field: 'last_order_date',
    fieldType: 'date',
    negated: false,
    values: [{ type: 'date', value: '2024-01-01' }, { type: 'relative-date', amount: -1, unit: 'd' }],
  });
});

test('enum values take the catalogue spelling, in any letter case', () => {
  assert.deepEqual(parse("rfm_group IN ('champions', 'Loyal')"), { kind: 'in', field: 'rfm_group', fieldType: 'string', negated: false, values: [str('CHAMPIONS'), str('LOYAL')] });
  assert.deepEqual(parse("rfm_group = 'at_risk'"), { kind: 'compare', field: 'rfm_group', fieldType: 'string', operator: '=', value: str('AT_RISK') });
});

test('BETWEEN and NOT BETWEEN', () => {
  assert.deepEqual(parse('amount_spent BETWEEN 100 AND 500'), { kind: 'between', field: 'amount_spent', fieldType: 'number', negated: false, low: num(100), high: num(500) });
  assert.deepEqual(parse('amount_spent not between 100 and 100'), { kind: 'between', field: 'amount_spent', fieldType: 'number', negated: true, low: num(100), high: num(100) });
  assert.deepEqual(parse('first_order_date BETWEEN -1y AND -6m'), {
    kind: 'between',
    field: 'first_order_date',
    fieldType: 'date',
    negated: false,
    low: { type: 'relative-date', amount: -1, unit: 'y' },
    high: { type: 'relative-date', amount: -6, unit: 'm' },
  });
});

test('CONTAINS and NOT CONTAINS on list fields', () => {
  assert.deepEqual(parse("product_types CONTAINS 'Kitchen'"), { kind: 'contains', field: 'product_types', fieldType: 'string-list', negated: false, value: 'Kitchen' });
  assert.deepEqual(parse("product_types NOT CONTAINS 'Garden'"), { kind: 'contains', field: 'product_types', fieldType: 'string-list', negated: true, value: 'Garden' });
});

test('IS NULL and IS NOT NULL on every type', () => {
  for (const field of ['churn_risk', 'cluster', 'email_subscribed', 'last_order_date', 'product_types']) {
    const fieldType = DEFAULT_CATALOGUE[field as keyof typeof DEFAULT_CATALOGUE].type;
    assert.deepEqual(parse(`${field} IS NULL`), { kind: 'is-null', field, fieldType, negated: false });
    assert.deepEqual(parse(`${field} is not null`), { kind: 'is-null', field, fieldType, negated: true });
  }
});

test('keywords and field names are case-insensitive', () => {
  assert.deepEqual(parse("Amount_Spent Between 1 aNd 2 Or CLUSTER iS nOt NuLl"), parse('amount_spent BETWEEN 1 AND 2 OR cluster IS NOT NULL'));
});

const a = parse('orders_count = 1');
const b = parse('orders_count = 2');
const c = parse('orders_count = 3');
const d = parse('orders_count = 4');

test('precedence: NOT binds tighter than AND, AND tighter than OR', () => {
  assert.deepEqual(parse('orders_count = 1 OR orders_count = 2 AND orders_count = 3'), { kind: 'or', rules: [a, { kind: 'and', rules: [b, c] }] });
  assert.deepEqual(parse('orders_count = 1 AND orders_count = 2 OR orders_count = 3'), { kind: 'or', rules: [{ kind: 'and', rules: [a, b] }, c] });
  assert.deepEqual(parse('NOT orders_count = 1 AND orders_count = 2'), { kind: 'and', rules: [{ kind: 'not', rule: a }, b] });
  assert.deepEqual(parse('NOT orders_count = 1 OR orders_count = 2'), { kind: 'or', rules: [{ kind: 'not', rule: a }, b] });
  assert.deepEqual(parse('NOT NOT orders_count = 1'), { kind: 'not', rule: { kind: 'not', rule: a } });
});

test('parentheses override precedence; AND and OR chains are flattened', () => {
  assert.deepEqual(parse('(orders_count = 1 OR orders_count = 2) AND orders_count = 3'), { kind: 'and', rules: [{ kind: 'or', rules: [a, b] }, c] });
  assert.deepEqual(parse('NOT (orders_count = 1 OR orders_count = 2)'), { kind: 'not', rule: { kind: 'or', rules: [a, b] } });
  assert.deepEqual(parse('orders_count = 1 AND (orders_count = 2 AND orders_count = 3) AND orders_count = 4'), { kind: 'and', rules: [a, b, c, d] });
  assert.deepEqual(parse('((orders_count = 1))'), a);
  assert.deepEqual(parse('orders_count = 1 OR (orders_count = 2 OR orders_count = 3)'), { kind: 'or', rules: [a, b, c] });
});

test('BETWEEN ... AND does not end the condition early', () => {
  assert.deepEqual(parse('amount_spent BETWEEN 1 AND 2 AND orders_count = 1'), {
    kind: 'and',
    rules: [{ kind: 'between', field: 'amount_spent', fieldType: 'number', negated: false, low: num(1), high: num(2) }, a],
  });
});

test('whitespace of any kind, including line breaks and non-breaking spaces', () => {
  assert.deepEqual(parse('\n  orders_count\t=\u00a01\r\n  AND orders_count = 2  '), { kind: 'and', rules: [a, b] });
});

test('the examples of the brief all parse', () => {
  for (const text of [
    "cluster = 'Big spenders' AND purchase_propensity >= 0.7 AND email_subscribed = true",
    "rfm_group IN ('champions', 'loyal') OR (orders_count >= 5 AND last_order_date > -90d)",
    'NOT email_opted_out = true',
    "product_types CONTAINS 'Kitchen'",
    'amount_spent BETWEEN 100 AND 500',
    'churn_risk IS NOT NULL',
  ]) {
    assert.equal(parseRule(text, DEFAULT_CATALOGUE).ok, true, text);
  }
});

test('a caller catalogue: enums on list fields and its own names', () => {
  const catalogue = defineCatalogue({
    tier: { type: 'string', values: ['Gold', 'Silver'] },
    badges: { type: 'string-list', values: ['VIP', 'Wholesale'] },
  });
  const result = parseRule("tier = 'gold' AND badges CONTAINS 'vip'", catalogue);
  assert.deepEqual(result, {
    ok: true,
    rule: {
      kind: 'and',
      rules: [
        { kind: 'compare', field: 'tier', fieldType: 'string', operator: '=', value: str('Gold') },
        { kind: 'contains', field: 'badges', fieldType: 'string-list', negated: false, value: 'VIP' },
      ],
    },
  });
  assert.equal(parseRule('amount_spent > 1', catalogue).ok, false, 'only the given catalogue counts');
});

test('limits: a rule at the length limit parses, and nesting up to the depth limit', () => {
  const base = 'orders_count = 1';
  const padded = base + ' '.repeat(2000 - base.length);
  assert.equal(parseRule(padded, DEFAULT_CATALOGUE).ok, true);
  const nested = `${'('.repeat(16)}${base}${')'.repeat(16)}`;
  assert.equal(parseRule(nested, DEFAULT_CATALOGUE).ok, true);
  assert.equal(parseRule(`${'NOT '.repeat(16)}${base}`, DEFAULT_CATALOGUE).ok, true);
  assert.equal(parseRule(`${'('.repeat(3)}${base}${')'.repeat(3)}`, DEFAULT_CATALOGUE, { maxDepth: 2 }).ok, false);
});

test('the examples in README.md parse', async () => {
  const { readFile } = await import('node:fs/promises');
  const readme = await readFile(new URL('./README.md', import.meta.url), 'utf8');
  const block = /## Examples\s+```\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(block !== undefined);
  const lines = block.split('\n').filter((line) => line.trim() !== '');
  assert.ok(lines.length >= 5);
  for (const line of lines) assert.equal(parseRule(line, DEFAULT_CATALOGUE).ok, true, line);
});
