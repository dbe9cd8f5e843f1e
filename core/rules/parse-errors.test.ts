import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CATALOGUE } from './catalogue.ts';
import { parseRule } from './parse.ts';
import type { RuleError } from './rule.ts';

function errors(text: string): RuleError[] {
  const result = parseRule(text, DEFAULT_CATALOGUE);
  if (result.ok) assert.fail(`expected ${JSON.stringify(text)} to fail`);
  return [...result.errors];
}

/** code@offset+length, the compact form the tests compare. */
function brief(text: string): string[] {
  return errors(text).map((e) => `${e.code}@${e.position.offset}+${e.length}`);
}

function only(text: string): RuleError {
  const all = errors(text);
  assert.equal(all.length, 1, JSON.stringify(all));
  return all[0] as RuleError;
}

test('empty rule, and a rule of only blanks', () => {
  assert.deepEqual(brief(''), ['EMPTY_RULE@0+0']);
  assert.deepEqual(brief('  \n '), ['EMPTY_RULE@0+4']);
});

test('rule too long: the error starts where the limit is passed', () => {
  const text = `orders_count = 1${' OR orders_count = 1'.repeat(110)}`;
  assert.deepEqual(brief(text), [`RULE_TOO_LONG@2000+${text.length - 2000}`]);
  assert.deepEqual(parseRule('orders_count = 1', DEFAULT_CATALOGUE, { maxLength: 10 }).ok, false);
});

test('rule too long once written out in full (canonical text adds spaces)', () => {
  const text = `orders_count IN (${'1,'.repeat(990)}1)`;
  assert.equal(text.length, 1999);
  assert.deepEqual(brief(text), ['RULE_TOO_LONG@0+1999']);
  assert.match(only(text).message, /written out in full, this one has 2989/);
});

test('too deep: parentheses or NOT nested beyond the limit', () => {
  const text = `${'('.repeat(17)}orders_count = 1${')'.repeat(17)}`;
  assert.deepEqual(brief(text), ['TOO_DEEP@16+1']);
  assert.deepEqual(brief(`${'NOT '.repeat(17)}orders_count = 1`), ['TOO_DEEP@64+3']);
  // Very deep input is refused quickly, without exhausting the stack.
  assert.deepEqual(brief(`${'('.repeat(1999)}`), ['TOO_DEEP@16+1']);
});

test('unknown field, with a did-you-mean suggestion by edit distance', () => {
  const error = only('amount_spnt > 100');
  assert.equal(error.code, 'UNKNOWN_FIELD');
  assert.deepEqual(error.position, { offset: 0, line: 1, column: 1 });
  assert.equal(error.length, 11);
  assert.equal(error.suggestion, 'amount_spent');
  assert.match(error.message, /Did you mean amount_spent\?/);
  assert.equal(only('orders_cuont >= 5').suggestion, 'orders_count', 'swapped letters');
  assert.equal(only('propensity > 0.5').suggestion, 'purchase_propensity', 'a part of the name');
  assert.equal(only('zebra > 1').suggestion, undefined, 'nothing close');
});

test('type mismatch: the value is pinpointed', () => {
  assert.deepEqual(brief("amount_spent > 'abc'"), ['TYPE_MISMATCH@15+5']);
  assert.deepEqual(brief('email_subscribed = 1'), ['TYPE_MISMATCH@19+1']);
  assert.deepEqual(brief("cluster = 5"), ['TYPE_MISMATCH@10+1']);
  assert.deepEqual(brief('last_order_date > 30'), ['TYPE_MISMATCH@18+2']);
  assert.deepEqual(brief("last_order_date > 'yesterday'"), ['TYPE_MISMATCH@18+11']);
  assert.deepEqual(brief('orders_count > -30d'), ['TYPE_MISMATCH@15+4']);
  assert.deepEqual(brief("product_types CONTAINS 3"), ['TYPE_MISMATCH@23+1']);
  assert.deepEqual(brief("orders_count IN (1, 'two', 3)"), ['TYPE_MISMATCH@20+5']);
});

test('operator not allowed for the field type: the operator is pinpointed', () => {
  assert.deepEqual(brief("product_types = 'Kitchen'"), ['OPERATOR_NOT_ALLOWED@14+1']);
  assert.deepEqual(brief("cluster CONTAINS 'Big'"), ['OPERATOR_NOT_ALLOWED@8+8']);
  assert.deepEqual(brief("cluster NOT CONTAINS 'Big'"), ['OPERATOR_NOT_ALLOWED@8+12']);
  assert.deepEqual(brief('email_subscribed > true'), ['OPERATOR_NOT_ALLOWED@17+1']);
  assert.deepEqual(brief("cluster BETWEEN 'a' AND 'b'"), ['OPERATOR_NOT_ALLOWED@8+7']);
  assert.deepEqual(brief('email_subscribed NOT IN (true)'), ['OPERATOR_NOT_ALLOWED@17+6']);
});

test('unknown value of an enumeration, with a suggestion', () => {
  const error = only("rfm_group = 'champion'");
  assert.equal(error.code, 'UNKNOWN_VALUE');
  assert.deepEqual([error.position.offset, error.length], [12, 10]);
  assert.equal(error.suggestion, 'CHAMPIONS');
  const far = only("rfm_group IN ('LOYAL', 'whales')");
  assert.deepEqual([far.code, far.position.offset, far.suggestion], ['UNKNOWN_VALUE', 23, undefined]);
  assert.match(far.message, /Known values: CHAMPIONS, LOYAL/);
});

test('value out of the field range', () => {
  const error = only('purchase_propensity >= 70');
  assert.deepEqual([error.code, error.position.offset, error.length], ['VALUE_OUT_OF_RANGE', 23, 2]);
  assert.match(error.message, /between 0 and 1/);
});

test('reversed BETWEEN bounds', () => {
  assert.deepEqual(brief('amount_spent BETWEEN 500 AND 100'), ['EMPTY_RANGE@21+11']);
  assert.deepEqual(brief('last_order_date BETWEEN -30d AND -90d'), ['EMPTY_RANGE@24+13']);
  assert.deepEqual(brief('last_order_date BETWEEN 2024-02-01 AND 2024-01-01'), ['EMPTY_RANGE@24+25']);
  // Months against days depend on asOf: not judged.
  assert.equal(parseRule('last_order_date BETWEEN -1m AND -40d', DEFAULT_CATALOGUE).ok, true);
});

test('unterminated string: from the opening quote to the end', () => {
  assert.deepEqual(brief("cluster = 'Big spenders AND orders_count = 1"), ['UNTERMINATED_STRING@10+34']);
  assert.deepEqual(brief("cluster = 'ends in a backslash\\"), ['UNTERMINATED_STRING@10+21']);
});

test('invalid escape', () => {
  assert.deepEqual(brief("cluster = 'a\\qb'"), ['INVALID_ESCAPE@12+2']);
  assert.deepEqual(brief("cluster = 'a\\u12'"), ['INVALID_ESCAPE@12+2']);
});

test('unexpected characters, with hints for common slips', () => {
  assert.deepEqual(brief('cluster = "Big"'), ['UNEXPECTED_CHARACTER@10+1']);
  assert.match(only('cluster = \u2018Big\u2019').message, /straight single quotes/);
  assert.match(only('orders_count == 1').message, /single =/);
  assert.deepEqual(brief('orders_count = 1 && orders_count = 2'), ['UNEXPECTED_CHARACTER@17+2']);
  assert.match(only('orders_count = 1 || orders_count = 2').message, /OR/);
  assert.deepEqual(brief('orders_count = 1 ; '), ['UNEXPECTED_CHARACTER@17+1']);
  assert.deepEqual(brief('orders_count = 1 \u{1f600}'), ['UNEXPECTED_CHARACTER@17+2'], 'an emoji is one character of two code units');
});

test('invalid numbers, dates and date offsets', () => {
  assert.deepEqual(brief('amount_spent > 100abc'), ['INVALID_NUMBER@15+6']);
  assert.deepEqual(brief('amount_spent > 1.'), ['INVALID_NUMBER@15+2']);
  assert.deepEqual(brief('amount_spent > .5'), ['INVALID_NUMBER@15+1']);
  assert.deepEqual(brief('amount_spent > 1e999'), ['INVALID_NUMBER@15+5']);
  assert.deepEqual(brief('last_order_date > 2024-02-30'), ['INVALID_DATE@18+10']);
  assert.deepEqual(brief('last_order_date > 2024-5-3'), ['INVALID_DATE@18+8']);
  assert.deepEqual(brief('last_order_date > 2024-05-30T10:00'), ['INVALID_DATE@18+13']);
  assert.deepEqual(brief('last_order_date > 30d'), ['INVALID_DATE_OFFSET@18+3']);
  assert.match(only('last_order_date > 30d').message, /-30d for 30 days ago/);
  assert.deepEqual(brief('last_order_date > -1.5m'), ['INVALID_DATE_OFFSET@18+5']);
  assert.deepEqual(brief('last_order_date > -1000000d'), ['INVALID_DATE_OFFSET@18+9']);
});

test('missing operand: pinpointed where it should be', () => {
  assert.deepEqual(brief('amount_spent >'), ['MISSING_OPERAND@14+0']);
  assert.deepEqual(brief('amount_spent > AND orders_count = 1'), ['MISSING_OPERAND@15+3']);
  assert.deepEqual(brief('orders_count = 1 AND'), ['MISSING_OPERAND@17+3']);
  assert.deepEqual(brief('orders_count = 1 OR OR orders_count = 2'), ['MISSING_OPERAND@20+2']);
  assert.deepEqual(brief('AND orders_count = 1'), ['MISSING_OPERAND@0+3']);
  assert.deepEqual(brief('OR orders_count = 1'), ['MISSING_OPERAND@0+2']);
  assert.deepEqual(brief('NOT'), ['MISSING_OPERAND@0+3']);
  assert.deepEqual(brief('()'), ['MISSING_OPERAND@0+2']);
  assert.deepEqual(brief('orders_count IN ()'), ['MISSING_OPERAND@16+2']);
  assert.deepEqual(brief('orders_count IN (1,)'), ['MISSING_OPERAND@19+1']);
  assert.deepEqual(brief('amount_spent BETWEEN 1 AND'), ['MISSING_OPERAND@26+0']);
});

test('missing operator after a field name', () => {
  assert.deepEqual(brief('orders_count'), ['MISSING_OPERATOR@0+12']);
  assert.deepEqual(brief('orders_count AND cluster IS NULL'), ['MISSING_OPERATOR@13+3']);
  assert.deepEqual(brief('orders_count 5'), ['MISSING_OPERATOR@13+1']);
});

test('unexpected tokens, with a suggestion for a misspelt operator', () => {
  const error = only('amount_spent BETWEN 1 AND 2');
  assert.deepEqual([error.code, error.position.offset, error.length, error.suggestion], ['UNEXPECTED_TOKEN', 13, 6, 'BETWEEN']);
  assert.equal(only('product_types CONTIANS 1').suggestion, 'CONTAINS');
  assert.deepEqual(brief('amount_spent = NULL'), ['UNEXPECTED_TOKEN@15+4']);
  assert.match(only('amount_spent = NULL').message, /IS NULL/);
  assert.deepEqual(brief('amount_spent IS 5'), ['UNEXPECTED_TOKEN@16+1']);
  assert.deepEqual(brief('amount_spent NOT 5'), ['UNEXPECTED_TOKEN@17+1']);
  assert.deepEqual(brief('amount_spent BETWEEN 1 OR 2'), ['UNEXPECTED_TOKEN@23+2']);
  assert.deepEqual(brief("cluster IN 'a'"), ['UNEXPECTED_TOKEN@11+3']);
  assert.deepEqual(brief("cluster IN ('a' 'b')"), ['UNEXPECTED_TOKEN@16+3']);
  assert.deepEqual(brief("'Big' = cluster"), ['UNEXPECTED_TOKEN@0+5']);
  assert.deepEqual(brief('(orders_count = 1 orders_count = 2)'), ['UNEXPECTED_TOKEN@18+12']);
});

test('unclosed parentheses point at the opening one', () => {
  assert.deepEqual(brief('(orders_count = 1 OR orders_count = 2'), ['UNCLOSED_PAREN@0+1']);
  assert.deepEqual(brief("cluster IN ('a', 'b'"), ['UNCLOSED_PAREN@11+1']);
});

test('trailing input after a complete rule', () => {
  assert.deepEqual(brief('orders_count = 1 orders_count = 2'), ['TRAILING_INPUT@17+12']);
  assert.deepEqual(brief('orders_count = 1)'), ['TRAILING_INPUT@16+1']);
  assert.match(only('orders_count = 1)').message, /closes no/);
});

test('unquoted text: reported, and reading goes on', () => {
  assert.deepEqual(brief('cluster = Big'), ['UNQUOTED_TEXT@10+3']);
  assert.deepEqual(brief('cluster = Big spenders'), ['UNQUOTED_TEXT@10+3', 'TRAILING_INPUT@14+8']);
});

test('every error about meaning is reported at once, in text order', () => {
  const text = "amount_spnt > 100 AND rfm_group = 'champion' AND email_subscribed = 'yes' AND visits > 1";
  assert.deepEqual(
    errors(text).map((e) => e.code),
    ['UNKNOWN_FIELD', 'UNKNOWN_VALUE', 'TYPE_MISMATCH'],
  );
  // A syntax error ends parsing but keeps the errors found before it.
  assert.deepEqual(brief('amount_spnt > 1 AND ('), ['UNKNOWN_FIELD@0+11', 'MISSING_OPERAND@21+0']);
  // An unknown field's values are not checked against a guessed type.
  assert.deepEqual(brief("zebra > 'x'"), ['UNKNOWN_FIELD@0+5']);
});

test('line and column on later lines (\\n, \\r\\n and \\r breaks)', () => {
  const error = only("orders_count = 1\nAND\r\n  cluster = 'x' AND\r  amount_spnt > 5");
  assert.equal(error.code, 'UNKNOWN_FIELD');
  assert.deepEqual(error.position, { offset: 44, line: 4, column: 3 });
  const missing = only('orders_count = 1 AND\n');
  assert.deepEqual(missing.position, { offset: 17, line: 1, column: 18 });
});

test('not text at all', () => {
  const result = parseRule(undefined as unknown as string, DEFAULT_CATALOGUE);
  assert.equal(result.ok, false);
  assert.equal(result.ok ? '' : result.errors[0]?.code, 'NOT_TEXT');
});
