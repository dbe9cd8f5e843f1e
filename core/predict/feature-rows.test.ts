import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RefineryError } from '../errors.ts';
import { fitFeatureSchema, median, resolveFeatureNames, toFeatureMatrix, toFeatureVector } from './feature-rows.ts';

const rows = [
  { id: 'a', features: { spend: 10, delta: -2, clicks: null } },
  { id: 'b', features: { spend: 30, delta: 4, clicks: 3 } },
  { id: 'c', features: { spend: Number.NaN, delta: 1, clicks: 1, ignored: 9 } },
  { id: 'd', features: { delta: 0, clicks: Infinity } },
];

test('feature names: given, or the sorted union of keys', () => {
  assert.deepEqual(resolveFeatureNames(rows), ['clicks', 'delta', 'ignored', 'spend']);
  assert.deepEqual(resolveFeatureNames(rows, ['spend', 'clicks']), ['spend', 'clicks']);
  assert.throws(() => resolveFeatureNames(rows, ['a', 'a']), RefineryError);
  assert.throws(() => resolveFeatureNames([{ id: 'x', features: {} }]), RefineryError);
});

test('missing values (null, undefined, NaN, Infinity, absent) take the training median and are counted', () => {
  const schema = fitFeatureSchema(rows, ['spend', 'delta', 'clicks'], 'none');
  assert.deepEqual(schema.fill, [20, 0.5, 2]);
  assert.deepEqual(schema.log, [false, false, false]);
  const { matrix, imputed, imputedCells } = toFeatureMatrix(schema, rows);
  assert.deepEqual(matrix, [
    [10, -2, 2],
    [30, 4, 3],
    [20, 1, 1],
    [20, 0, 2],
  ]);
  assert.deepEqual(imputed, { clicks: 2, spend: 2 });
  assert.equal(imputedCells, 4);
  // A feature named but with no finite training value at all fills 0.
  assert.deepEqual(fitFeatureSchema([{ id: 'x', features: { f: null } }], ['f']).fill, [0]);
});

test('without names, features too few training rows know are left out', () => {
  const many = Array.from({ length: 300 }, (_, i) => ({ id: `r${i}`, features: { spend: i, visits: i < 2 ? 1 : null, views: i < 3 ? 2 : null, never: null } }));
  // 1 % of 300 is 3 rows: views (3 known) stays, visits (2) and never (0) are left out.
  assert.deepEqual(fitFeatureSchema(many).names, ['spend', 'views']);
  assert.throws(() => fitFeatureSchema([{ id: 'x', features: { f: null } }]), (e: unknown) => (e as { code?: string }).code === 'VALIDATION');
});

test('auto log transform: non-negative features become log(1 + x), others stay', () => {
  const schema = fitFeatureSchema(rows, ['spend', 'delta', 'clicks']);
  assert.deepEqual(schema.log, [true, false, true]);
  assert.deepEqual(toFeatureVector(schema, { id: 'z', features: { spend: Math.E - 1, delta: -7, clicks: -3 } }), [1, -7, 0]);
  for (const v of toFeatureMatrix(schema, rows).matrix.flat()) assert.ok(Number.isFinite(v));
});

test('median', () => {
  assert.equal(median([]), null);
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
});
