// Fuzzing parseRule: whatever the text, a result and never an exception; every error well formed;
// every accepted rule formats, parses back to itself and evaluates without throwing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CATALOGUE, type FieldSpec } from './catalogue.ts';
import { compileRule } from './evaluate.ts';
import { formatRule } from './format.ts';
import { parseRule } from './parse.ts';
import { DEFAULT_RULE_LIMITS, RULE_ERROR_CODES, positionAt, type ParseResult, type Rule, type RuleValue } from './rule.ts';
import { mulberry32 } from '../prng.ts';


// A seeded generator, so failures reproduce.
const rand = mulberry32(20240630);
const int = (n: number): number => Math.floor(rand() * n);
const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;

const CODES = new Set<string>(RULE_ERROR_CODES);
const FIELDS = Object.keys(DEFAULT_CATALOGUE);
const AS_OF = '2024-06-30T12:00:00Z';

const SAMPLE_RECORDS = [
  {},
  { rfm_group: 'CHAMPIONS', cluster: 'Big spenders', purchase_propensity: 0.8, churn_risk: 0.1, orders_count: 7, amount_spent: 420.5, last_order_date: '2024-06-01T10:00:00Z', first_order_date: '2021-01-01', email_subscribed: true, email_opted_out: false, product_types: ['Kitchen', 'Garden'] },
  { rfm_group: null, cluster: 7, purchase_propensity: 'x', last_order_date: 'never', product_types: 'Kitchen', email_subscribed: 'yes' },
  { orders_count: Number.NaN, amount_spent: Number.POSITIVE_INFINITY, last_order_date: Number.MAX_VALUE, first_order_date: new Date(Number.NaN), product_types: [null, 3, 'kitchen'] },
];

function check(text: string): ParseResult {
  let result: ParseResult;
  try {
    result = parseRule(text, DEFAULT_CATALOGUE);
  } catch (error) {
    assert.fail(`parseRule threw on ${JSON.stringify(text)}: ${String(error)}`);
  }
  assert.equal(typeof result.ok, 'boolean');
  if (result.ok) {
    const canonical = formatRule(result.rule);
    const again = parseRule(canonical, DEFAULT_CATALOGUE);
    assert.ok(again.ok, `canonical text of ${JSON.stringify(text)} does not parse: ${canonical}`);
    assert.deepEqual(again.rule, result.rule, `round trip of ${JSON.stringify(text)}`);
    const predicate = compileRule(result.rule, { asOf: AS_OF });
    for (const record of SAMPLE_RECORDS) assert.equal(typeof predicate(record), 'boolean');
    return result;
  }
  assert.ok(result.errors.length > 0, `no errors for ${JSON.stringify(text)}`);
  let previous = -1;
  for (const error of result.errors) {
    assert.ok(CODES.has(error.code), `unknown code ${error.code}`);
    assert.ok(typeof error.message === 'string' && error.message.length > 0);
    const { offset } = error.position;
    assert.ok(Number.isInteger(offset) && offset >= 0 && offset <= text.length, `offset ${offset} in ${JSON.stringify(text)}`);
    assert.ok(Number.isInteger(error.length) && error.length >= 0 && offset + error.length <= text.length, `length ${error.length} at ${offset} in ${JSON.stringify(text)}`);
    assert.deepEqual(error.position, positionAt(text, offset));
    assert.ok(offset >= previous, 'errors in text order');
    previous = offset;
  }
  return result;
}

test('random characters from all of Unicode', () => {
  for (let n = 0; n < 3000; n += 1) {
    const length = int(60);
    let text = '';
    for (let i = 0; i < length; i += 1) {
      const kind = int(4);
      text += kind === 0 ? String.fromCharCode(int(0x80)) : kind === 1 ? String.fromCharCode(int(0x10000)) : kind === 2 ? String.fromCodePoint(int(0x110000)) : pick(["'", '\\', '(', ')', ' ', '-', '\n']);
    }
    check(text);
  }
});

const VOCABULARY = [
  ...FIELDS,
  'unknown_field',
  'AND', 'OR', 'NOT', 'IN', 'BETWEEN', 'CONTAINS', 'IS', 'NULL', 'TRUE', 'false', 'and', 'not',
  '=', '!=', '<>', '>', '>=', '<', '<=', '==', '!', '&&',
  '(', ')', ',', "'", "'x'", "'champions'", "'Kitchen'", "'a\\'b'", "'\\q'", "'\\u00e9'", '"x"',
  '0', '1', '-1', '0.7', '1e3', '1e999', '.5', '100abc', '2024-01-31', '2024-02-30', '2024-5-3', '-30d', '30d', '+2w', '-6m', '-1y', '-1.5d',
  ' ', '  ', '\n', '\t',
];

test('random sequences of the language own tokens', () => {
  for (let n = 0; n < 20_000; n += 1) {
    const length = 1 + int(14);
    const parts: string[] = [];
    for (let i = 0; i < length; i += 1) parts.push(pick(VOCABULARY));
    check(parts.join(int(4) === 0 ? '' : ' '));
  }
});

const SEEDS = [
  "cluster = 'Big spenders' AND purchase_propensity >= 0.7 AND email_subscribed = true",
  "rfm_group IN ('champions', 'loyal') OR (orders_count >= 5 AND last_order_date > -90d)",
  'NOT email_opted_out = true',
  "product_types NOT CONTAINS 'Kitchen' AND amount_spent BETWEEN 100 AND 500 AND churn_risk IS NOT NULL",
  "NOT (last_order_date IN (2024-01-31, -1d) OR cluster = 'it\\'s')",
];

test('mutations of valid rules: deletions, insertions, swaps and repeats', () => {
  for (let n = 0; n < 10_000; n += 1) {
    let text = pick(SEEDS);
    const edits = 1 + int(4);
    for (let e = 0; e < edits; e += 1) {
      const at = int(text.length + 1);
      const span = int(8);
      switch (int(4)) {
        case 0:
          text = text.slice(0, at) + text.slice(at + span);
          break;
        case 1:
          text = text.slice(0, at) + pick(VOCABULARY) + text.slice(at);
          break;
        case 2:
          text = text.slice(0, at) + String.fromCharCode(int(0x100)) + text.slice(at + 1);
          break;
        default:
          text = text.slice(0, at) + text.slice(at, at + span).repeat(1 + int(3)) + text.slice(at + span);
      }
    }
    check(text);
  }
});

test('long and deep inputs around the limits', () => {
  for (const text of [
    '('.repeat(2000),
    ')'.repeat(2000),
    'NOT '.repeat(500),
    "'".repeat(2000),
    'orders_count = 1 AND '.repeat(95) + 'orders_count = 1',
    'a'.repeat(2000),
    'a'.repeat(2001),
    `orders_count IN (${'1,'.repeat(990)}1)`,
    '\\'.repeat(1999),
    '\u{1f600}'.repeat(1000),
  ]) {
    check(text);
  }
});

// Random valid rules, built as trees and printed: each must parse back to the same tree.
function randomValue(spec: FieldSpec): RuleValue {
  switch (spec.type) {
    case 'number': {
      const min = spec.min ?? -1000;
      const max = spec.max ?? 1000;
      const value = min + rand() * (max - min);
      return { type: 'number', value: int(2) === 0 ? Math.round(value) : value };
    }
    case 'boolean':
      return { type: 'boolean', value: int(2) === 0 };
    case 'date':
      return int(2) === 0
        ? { type: 'date', value: `${2000 + int(30)}-${String(1 + int(12)).padStart(2, '0')}-${String(1 + int(28)).padStart(2, '0')}` }
        : { type: 'relative-date', amount: int(200) - 150, unit: pick(['d', 'w', 'm', 'y'] as const) };
    default:
      return { type: 'string', value: spec.values !== undefined ? pick(spec.values) : pick(['', 'Big spenders', "it's", 'a\\b', 'line\nbreak', '\u00e9t\u00e9', '\u{1f600}', 'AND OR']) };
  }
}

function ordered(a: RuleValue, b: RuleValue): [RuleValue, RuleValue] {
  if (a.type === 'number' && b.type === 'number') return a.value <= b.value ? [a, b] : [b, a];
  if (a.type === 'date' && b.type === 'date') return a.value <= b.value ? [a, b] : [b, a];
  if (a.type === 'relative-date' && b.type === 'relative-date') {
    const scale = (v: typeof a): [string, number] => (v.unit === 'd' || v.unit === 'w' ? ['days', v.amount * (v.unit === 'w' ? 7 : 1)] : ['months', v.amount * (v.unit === 'y' ? 12 : 1)]);
    const [sa, va] = scale(a);
    const [sb, vb] = scale(b);
    if (sa === sb && va > vb) return [b, a];
  }
  return [a, b];
}

function randomCondition(): Rule {
  const field = pick(FIELDS);
  const spec = DEFAULT_CATALOGUE[field as keyof typeof DEFAULT_CATALOGUE] as FieldSpec;
  const fieldType = spec.type;
  const negated = int(2) === 0;
  const choice = int(4);
  if (choice === 0) return { kind: 'is-null', field, fieldType, negated };
  if (fieldType === 'string-list') return { kind: 'contains', field, fieldType, negated, value: (randomValue({ type: 'string' }) as { value: string }).value };
  if (fieldType === 'boolean') return { kind: 'compare', field, fieldType, operator: pick(['=', '!='] as const), value: randomValue(spec) };
  if (choice === 1) return { kind: 'in', field, fieldType, negated, values: Array.from({ length: 1 + int(3) }, () => randomValue(spec)) };
  if (choice === 2 && (fieldType === 'number' || fieldType === 'date')) {
    const [low, high] = ordered(randomValue(spec), randomValue(spec));
    return { kind: 'between', field, fieldType, negated, low, high };
  }
  const operators = fieldType === 'string' ? (['=', '!='] as const) : (['=', '!=', '>', '>=', '<', '<='] as const);
  return { kind: 'compare', field, fieldType, operator: pick(operators), value: randomValue(spec) };
}

function randomRule(depth: number, parent: 'and' | 'or' | null): Rule {
  const choice = depth >= 4 ? 0 : int(5);
  if (choice <= 1) return randomCondition();
  if (choice === 2) return { kind: 'not', rule: randomRule(depth + 1, null) };
  const kind = parent === 'and' ? 'or' : parent === 'or' ? 'and' : pick(['and', 'or'] as const);
  return { kind, rules: Array.from({ length: 2 + int(3) }, () => randomRule(depth + 1, kind)) };
}

test('random rule trees print to text that parses back to the same tree', () => {
  let checked = 0;
  for (let n = 0; n < 3000; n += 1) {
    const tree = randomRule(0, null);
    const text = formatRule(tree);
    // A tree that prints beyond the length limit is refused by design (checked elsewhere); draw another.
    if (text.length > DEFAULT_RULE_LIMITS.maxLength) continue;
    checked += 1;
    const result = check(text);
    assert.ok(result.ok, `${text}: ${JSON.stringify(result.ok ? [] : result.errors)}`);
    assert.deepEqual(result.rule, tree, text);
  }
  assert.ok(checked >= 2900, `${checked} of 3000 trees fit the length limit`);
});
