import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitCalibrationHoldout, summarize } from './summary.ts';

test('several orders on one day are one purchase occasion; the first day is not a repeat', () => {
  // days 100 (two orders), 107, 121 (three orders), as of day 128
  const s = summarize([121, 100, 107, 100, 121, 121], [5, 10, 20, 15, 1, 2], 128);
  assert.deepEqual(s, { x: 2, tx: 3, T: 4, meanSpend: (20 + 8) / 2 });
});

test('units: days, weeks (default) and months', () => {
  const days = [0, 14, 28];
  const amounts = [1, 1, 1];
  assert.deepEqual(summarize(days, amounts, 35, 'day'), { x: 2, tx: 28, T: 35, meanSpend: 1 });
  assert.deepEqual(summarize(days, amounts, 35), { x: 2, tx: 4, T: 5, meanSpend: 1 });
  const m = summarize(days, amounts, 365, 'month');
  assert.ok(m !== null && Math.abs(m.T - 365 / (365.25 / 12)) < 1e-12);
});

test('a single purchase: x = 0, tx = 0, no mean spend; purchases after asOf are ignored', () => {
  assert.deepEqual(summarize([10, 30], [9.99, 5], 20), { x: 0, tx: 0, T: 10 / 7, meanSpend: null });
  assert.equal(summarize([30], [5], 20), null);
  assert.equal(summarize([], [], 20), null);
});

test('money is added in cents, so the order of the input does not matter', () => {
  const a = summarize([0, 1, 1, 1], [1, 0.1, 0.2, 0.3], 7);
  const b = summarize([1, 1, 0, 1], [0.3, 0.2, 1, 0.1], 7);
  assert.deepEqual(a, b);
  assert.equal(a?.meanSpend, 0.6);
});

test('malformed input is a validation error', () => {
  assert.throws(() => summarize([1, 2], [1], 5), /differ in length/);
  assert.throws(() => summarize([1.5], [1], 5), /not an integer/);
  assert.throws(() => summarize([1], [Number.NaN], 5), /not a number/);
});

test('calibration/holdout split: summary at the split, purchase days in (split, end]', () => {
  const r = splitCalibrationHoldout([0, 7, 14, 15, 15, 28, 50], [1, 2, 3, 4, 5, 6, 7], 14, 28);
  assert.deepEqual(r, { summary: { x: 2, tx: 2, T: 2, meanSpend: 2.5 }, holdoutPurchases: 2, holdoutSpend: 15 });
  assert.equal(splitCalibrationHoldout([20], [1], 14, 28), null);
});
