import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RefineryError } from '../errors.ts';
import { DEFAULT_CATALOGUE, defineCatalogue, lookupField } from './catalogue.ts';
import { civilFromDay, dayFromCivil, shiftDay } from './days.ts';
import { referencedFields, ruleErrorsToRefineryError } from './index.ts';
import { tokenize } from './lexer.ts';
import { parseRule } from './parse.ts';
import { positionAt } from './rule.ts';
import { editDistance, suggest } from './suggest.ts';

test('civil days agree with Date.UTC from year 1 to 9999, both ways', () => {
  for (let year = 1; year <= 9999; year += 37) {
    for (const [month, day] of [[1, 1], [2, 28], [3, 1], [12, 31]] as const) {
      const date = new Date(0);
      date.setUTCFullYear(year, month - 1, day);
      const expected = Math.floor(date.getTime() / 86_400_000);
      assert.equal(dayFromCivil(year, month, day), expected, `${year}-${month}-${day}`);
      assert.deepEqual(civilFromDay(expected), { year, month, day });
    }
  }
  assert.equal(dayFromCivil(1970, 1, 1), 0);
});

test('shifting by months clamps to the end of the month', () => {
  const day = (y: number, m: number, d: number) => dayFromCivil(y, m, d);
  assert.equal(shiftDay(day(2024, 3, 31), -1, 'm'), day(2024, 2, 29));
  assert.equal(shiftDay(day(2023, 3, 31), -1, 'm'), day(2023, 2, 28));
  assert.equal(shiftDay(day(2024, 1, 15), -13, 'm'), day(2022, 12, 15));
  assert.equal(shiftDay(day(2024, 2, 29), 1, 'y'), day(2025, 2, 28));
  assert.equal(shiftDay(day(2024, 1, 1), -2, 'w'), day(2023, 12, 18));
});

test('edit distance counts a swap of neighbours as one edit, ignoring case', () => {
  assert.equal(editDistance('orders_cuont', 'orders_count'), 1);
  assert.equal(editDistance('AMOUNT_SPENT', 'amount_spent'), 0);
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(editDistance('', 'abc'), 3);
  assert.equal(editDistance('abcdef', 'uvwxyz', 2), 3, 'stops early past the limit');
  assert.equal(suggest('visit', ['visits', 'email_opens']), 'visits');
  assert.equal(suggest('x', ['visits']), undefined);
  assert.equal(suggest('clv', ['predicted_clv']), undefined, 'too short to match a part');
});

test('catalogues are checked where they are built', () => {
  const bad = (fields: Record<string, unknown>) => () => defineCatalogue(fields as never);
  const isValidation = (error: unknown) => error instanceof RefineryError && error.code === 'VALIDATION';
  assert.throws(bad({ 'Amount-Spent': { type: 'number' } }), isValidation);
  assert.throws(bad({ between: { type: 'number' } }), isValidation);
  assert.throws(bad({ flag: { type: 'boolean', values: ['a'] } }), isValidation);
  assert.throws(bad({ tier: { type: 'string', values: [] } }), isValidation);
  assert.throws(bad({ tier: { type: 'string', values: ['Gold', 'GOLD'] } }), isValidation);
  assert.throws(bad({ name: { type: 'string', min: 0 } }), isValidation);
  assert.throws(bad({ n: { type: 'number', min: 2, max: 1 } }), isValidation);
  assert.equal(Object.keys(DEFAULT_CATALOGUE).length, 26);
  assert.deepEqual(lookupField(DEFAULT_CATALOGUE, 'Visits'), { name: 'visits', spec: DEFAULT_CATALOGUE.visits });
  assert.equal(lookupField(DEFAULT_CATALOGUE, 'toString'), null, 'inherited names are not fields');
});

test('tokens carry their exact spans', () => {
  const tokens = tokenize("a>=-3d AND b IN ('x',2024-01-02)");
  assert.deepEqual(
    tokens.map((t) => [t.kind, t.start, t.end]),
    [
      ['identifier', 0, 1],
      ['operator', 1, 3],
      ['offset', 3, 6],
      ['keyword', 7, 10],
      ['identifier', 11, 12],
      ['keyword', 13, 15],
      ['(', 16, 17],
      ['string', 17, 20],
      [',', 20, 21],
      ['date', 21, 31],
      [')', 31, 32],
      ['end', 32, 32],
    ],
  );
});

test('positions: 1-based lines and columns', () => {
  assert.deepEqual(positionAt('ab\ncd', 4), { offset: 4, line: 2, column: 2 });
  assert.deepEqual(positionAt('ab\r\ncd', 4), { offset: 4, line: 2, column: 1 });
  assert.deepEqual(positionAt('ab\rcd', 3), { offset: 3, line: 2, column: 1 });
  assert.deepEqual(positionAt('ab', 2), { offset: 2, line: 1, column: 3 });
});

test('referenced fields, and rule errors as one VALIDATION error for throwing boundaries', () => {
  const parsed = parseRule("visits > 1 AND (cluster = 'a' OR NOT visits < 3) AND product_types CONTAINS 'x'", DEFAULT_CATALOGUE);
  assert.ok(parsed.ok);
  assert.deepEqual(referencedFields(parsed.rule), ['visits', 'cluster', 'product_types']);
  const failed = parseRule('visits > 1 AND\n  vists > 2 AND zebra = 1', DEFAULT_CATALOGUE);
  assert.ok(!failed.ok);
  const error = ruleErrorsToRefineryError(failed.errors);
  assert.equal(error.code, 'VALIDATION');
  assert.equal(error.message, "invalid rule: Unknown field 'vists'. Did you mean visits? (line 2, column 3) and 1 more");
  assert.deepEqual(error.details, { ruleErrors: failed.errors });
});
