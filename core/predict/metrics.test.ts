import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RefineryError } from '../errors.ts';
import { auc, backtestReport, baseRate, brierScore, calibrationError, calibrationTable, topDecileLift } from './metrics.ts';
import { seededRandom } from './test-support.ts';

const T = true;
const F = false;

function close(actual: number | null, expected: number, tolerance = 1e-12): void {
  assert.ok(actual !== null && Math.abs(actual - expected) <= tolerance, `${actual} ~ ${expected}`);
}

/** AUC by counting every positive-negative pair: 1 for a win, 1/2 for a tie. */
function pairwiseAuc(scores: readonly number[], labels: readonly boolean[]): number {
  let wins = 0;
  let pairs = 0;
  scores.forEach((sp, i) => {
    if (!labels[i]) return;
    scores.forEach((sn, j) => {
      if (labels[j]) return;
      pairs += 1;
      wins += sp > sn ? 1 : sp === sn ? 0.5 : 0;
    });
  });
  return wins / pairs;
}

test('AUC on hand-computed examples', () => {
  // Pairs (pos vs neg): 0.35>0.1 win, 0.35<0.4 loss, 0.8 beats both: 3 of 4.
  close(auc([0.1, 0.4, 0.35, 0.8], [F, F, T, T]), 0.75);
  close(auc([1, 2, 3, 4], [F, F, T, T]), 1);
  close(auc([4, 3, 2, 1], [F, F, T, T]), 0);
  // Ties: positive 0.5 ties both negatives 0.5 (2 x 1/2), positive 0.9 beats both: 3 / 4.
  close(auc([0.5, 0.5, 0.5, 0.9], [F, T, F, T]), 0.75);
  // Everything tied: 0.5 exactly.
  close(auc([7, 7, 7, 7, 7], [T, F, F, T, F]), 0.5);
  // 3 positives, 2 negatives, ranks with a tie block: scores 1,2,2,3,4 -> ranks 1, 2.5, 2.5, 4, 5.
  // Positives at 2 (rank 2.5), 3 (4), 4 (5): R+ = 11.5, AUC = (11.5 - 6) / 6 = 11/12.
  close(auc([1, 2, 2, 3, 4], [F, F, T, T, T]), 11 / 12);
});

test('AUC: undefined with one class, equals pairwise counting on random tied data, order-free', () => {
  assert.equal(auc([0.1, 0.2], [T, T]), null);
  assert.equal(auc([], []), null);
  const random = seededRandom(11);
  const scores = Array.from({ length: 300 }, () => Math.floor(random() * 12) / 12);
  const labels = scores.map((s) => random() < 0.2 + 0.6 * s);
  close(auc(scores, labels), pairwiseAuc(scores, labels), 1e-12);
  close(auc([...scores].reverse(), [...labels].reverse()), auc(scores, labels) ?? -1, 1e-12);
});

test('top-decile lift on known examples, ties at the cut shared in proportion', () => {
  // 20 rows, 5 positives (base 0.25); top 2 by score are both positive: rate 1, lift 4.
  const scores = Array.from({ length: 20 }, (_, i) => 20 - i);
  const labels = scores.map((_, i) => i < 2 || i === 5 || i === 9 || i === 15);
  close(topDecileLift(scores, labels), 4);
  // 10 rows, top 10% is 1 row, but two rows tie at the top (one positive): half of a positive.
  // Base rate 2/10: lift = 0.5 / 0.2 = 2.5, whatever the order of the tied rows.
  const s2 = [0.9, 0.9, 0.5, 0.4, 0.3, 0.2, 0.2, 0.1, 0.1, 0];
  const l2 = [T, F, F, F, T, F, F, F, F, F];
  close(topDecileLift(s2, l2), 2.5);
  close(topDecileLift([0.9, 0.9, ...s2.slice(2)], [F, T, ...l2.slice(2)]), 2.5);
  close(topDecileLift([...s2].reverse(), [...l2].reverse()), 2.5);
  // 30 rows: 10% is exactly 3 rows (no floating-point creep to 4).
  const s3 = Array.from({ length: 30 }, (_, i) => 30 - i);
  const l3 = s3.map((_, i) => i < 3 || i === 29);
  close(topDecileLift(s3, l3), 1 / (4 / 30));
  // Constant scores: lift 1. No positives: undefined.
  close(topDecileLift([1, 1, 1, 1], [T, F, F, F]), 1);
  assert.equal(topDecileLift([1, 2], [F, F]), null);
  assert.equal(topDecileLift([], []), null);
});

test('Brier score and base rate on known examples', () => {
  close(brierScore([0.9, 0.2, 0.5], [T, F, T]), (0.01 + 0.04 + 0.25) / 3);
  close(brierScore([1, 0], [T, F]), 0);
  close(brierScore([0, 1], [T, F]), 1);
  assert.equal(brierScore([], []), null);
  close(baseRate([T, F, F, F]), 0.25);
  assert.equal(baseRate([]), null);
});

test('calibration table: fixed bins and quantile bins, ties kept together', () => {
  const table = calibrationTable([0.05, 0.15, 0.12, 0.95, 1], [F, T, F, T, T]);
  assert.deepEqual(
    table.map((b) => [b.bin, b.count]),
    [
      [0, 1],
      [1, 2],
      [9, 2],
    ],
  );
  const second = table[1];
  close(second?.meanPredicted ?? null, 0.135);
  close(second?.observedRate ?? null, 0.5);
  close(second?.lower ?? null, 0.1);
  close(second?.upper ?? null, 0.2);
  close(calibrationError(table), (1 * 0.05 + 2 * Math.abs(0.135 - 0.5) + 2 * Math.abs(0.975 - 1)) / 5);

  const q = calibrationTable([0.1, 0.2, 0.2, 0.2, 0.3, 0.4], [F, F, T, F, T, T], { bins: 3, strategy: 'quantile' });
  // 0.1 has 0 below -> bin 0; the three 0.2s have 1 below -> bin floor(3 x 1 / 6) = 0;
  // 0.3 has 4 below -> bin 2; 0.4 has 5 below -> bin 2.
  assert.deepEqual(
    q.map((b) => [b.bin, b.count, b.lower, b.upper]),
    [
      [0, 4, 0.1, 0.2],
      [2, 2, 0.3, 0.4],
    ],
  );
  assert.deepEqual(calibrationTable([], []), []);
  assert.equal(calibrationError([]), null);
});

test('report: every metric at once, nulls (not NaN) where undefined', () => {
  const report = backtestReport([0.2, 0.2, 0.2], [F, F, F]);
  assert.equal(report.n, 3);
  assert.equal(report.baseRate, 0);
  assert.equal(report.auc, null);
  assert.equal(report.topDecileLift, null);
  close(report.brier, 0.04);
  assert.equal(report.brierSkill, null);
  const empty = backtestReport([], []);
  assert.deepEqual([empty.n, empty.baseRate, empty.auc, empty.brier, empty.calibrationError], [0, null, null, null, null]);
  const good = backtestReport([0.9, 0.8, 0.1, 0.2], [T, T, F, F]);
  close(good.auc, 1);
  close(good.brierBaseline, 0.25);
  close(good.brierSkill, 1 - 0.025 / 0.25, 1e-12);
});

test('bad inputs are rejected, not turned into NaN', () => {
  const isValidation = (e: unknown): boolean => e instanceof RefineryError && e.code === 'VALIDATION';
  assert.throws(() => auc([0.1, Number.NaN], [T, F]), isValidation);
  assert.throws(() => auc([0.1], [T, F]), isValidation);
  assert.throws(() => brierScore([1.2], [T]), isValidation);
  assert.throws(() => calibrationTable([0.5], [T], { bins: 0 }), isValidation);
  assert.throws(() => topDecileLift([1], [T], 0), isValidation);
});
