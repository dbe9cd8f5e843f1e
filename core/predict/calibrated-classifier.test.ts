import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RefineryError } from '../errors.ts';
import { assignFolds, predictProbability, trainCalibratedClassifier } from './calibrated-classifier.ts';
import { positiveLogOdds } from './gaussian-nb.ts';
import { brierScore } from './metrics.ts';
import { sigmoid } from './platt.ts';
import { normalFrom, seededRandom } from './test-support.ts';

/**
 * Naive Bayes's worst case: one signal (x | y ~ N(y, 1), base rate 0.3) seen through 8 nearly
 * identical features. NB multiplies the same evidence 8 times, so its probabilities are far too
 * extreme.
 */
function redundant(seed: number, n: number): { X: number[][]; y: boolean[]; ids: string[] } {
  const random = seededRandom(seed);
  const normal = normalFrom(random);
  const X: number[][] = [];
  const y: boolean[] = [];
  const ids: string[] = [];
  for (let i = 0; i < n; i += 1) {
    const label = random() < 0.3;
    const x = (label ? 1 : 0) + normal();
    X.push(Array.from({ length: 8 }, () => x + 0.05 * normal()));
    y.push(label);
    ids.push(`c${seed}-${i}`);
  }
  return { X, y, ids };
}

test('calibration improves Brier where naive Bayes is over-confident (cross-fitted and on fresh data)', () => {
  const train = redundant(1, 1500);
  const model = trainCalibratedClassifier(train.X, train.y, train.ids);
  assert.equal(model.kind, 'naive-bayes');
  if (model.kind !== 'naive-bayes') return;
  const { calibrated, uncalibrated } = model.report;
  assert.equal(model.report.method, 'cross-validated');
  assert.equal(model.report.folds, 5);
  assert.ok(uncalibrated !== null && calibrated.brier !== null && uncalibrated.brier !== null);
  assert.ok(calibrated.brier < uncalibrated.brier - 0.01, `cross-fitted Brier ${calibrated.brier} < ${uncalibrated.brier}`);
  assert.ok(Math.abs((calibrated.auc ?? 0) - (uncalibrated.auc ?? 0)) < 0.01, 'calibration keeps the ranking');
  assert.ok(model.calibration.a < 0.5, `Platt slope ${model.calibration.a} shrinks the log-odds`);
  assert.ok((calibrated.calibrationError ?? 1) < (uncalibrated.calibrationError ?? 0));

  const fresh = redundant(2, 3000);
  const raw = fresh.X.map((row) => sigmoid(positiveLogOdds(model.nb, row, true)));
  const cal = fresh.X.map((row) => predictProbability(model, row));
  const rawBrier = brierScore(raw, fresh.y) ?? 0;
  const calBrier = brierScore(cal, fresh.y) ?? 1;
  assert.ok(calBrier < rawBrier - 0.01, `fresh-data Brier ${calBrier} < ${rawBrier}`);
  for (const p of cal) assert.ok(p >= 0 && p <= 1 && Number.isFinite(p));
});

test('one class only: the base rate, with a reason', () => {
  const X = [[1], [2], [3], [4]];
  const none = trainCalibratedClassifier(X, [false, false, false, false], ['a', 'b', 'c', 'd']);
  assert.equal(none.kind, 'base-rate');
  if (none.kind !== 'base-rate') return;
  assert.match(none.reason, /only one class/);
  assert.equal(predictProbability(none, [9]), 0);
  assert.equal(none.report.method, 'in-sample');
  assert.equal(none.report.calibrated.auc, null);

  const all = trainCalibratedClassifier(X, [true, true, true, true], ['a', 'b', 'c', 'd']);
  assert.equal(predictProbability(all, [9]), 1);
});

test('tiny data: too few of the rarer class gives the base rate; no rows gives 0', () => {
  const random = seededRandom(5);
  const X = Array.from({ length: 40 }, () => [random(), random()]);
  const y = X.map((_, i) => i < 3);
  const ids = X.map((_, i) => `id${i}`);
  const tiny = trainCalibratedClassifier(X, y, ids);
  assert.equal(tiny.kind, 'base-rate');
  if (tiny.kind === 'base-rate') assert.match(tiny.reason, /too few positive rows to learn from \(3 < 5\)/);
  assert.equal(predictProbability(tiny, [0.5, 0.5]), 3 / 40);

  const empty = trainCalibratedClassifier([], [], []);
  assert.equal(empty.kind, 'base-rate');
  assert.equal(predictProbability(empty, [1, 2]), 0);
  assert.equal(empty.baseRate, 0);

  // Just enough (5 of each, 2 rows in a fold of one class): trains, probabilities finite.
  const five = trainCalibratedClassifier(X.slice(0, 10), X.slice(0, 10).map((_, i) => i % 2 === 0), ids.slice(0, 10));
  assert.equal(five.kind, 'naive-bayes');
  const p = predictProbability(five, [0.3, 0.3]);
  assert.ok(Number.isFinite(p) && p > 0 && p < 1);
});

test('a feature constant within a class does not produce NaN anywhere', () => {
  const random = seededRandom(6);
  const X: number[][] = [];
  const y: boolean[] = [];
  for (let i = 0; i < 200; i += 1) {
    const label = i % 4 === 0;
    // Feature 1: every negative has exactly 0 (say "no email clicks"), positives vary.
    X.push([random() + (label ? 0.5 : 0), label ? Math.floor(random() * 4) : 0]);
    y.push(label);
  }
  const model = trainCalibratedClassifier(
    X,
    y,
    X.map((_, i) => `r${i}`),
  );
  assert.equal(model.kind, 'naive-bayes');
  for (const row of [...X, [0.5, 0], [0.5, 3], [0.5, 0.5], [100, -100]]) {
    const p = predictProbability(model, row);
    assert.ok(Number.isFinite(p) && p >= 0 && p <= 1, `p = ${p}`);
  }
  const r = model.report.calibrated;
  for (const v of [r.auc, r.brier, r.topDecileLift, r.calibrationError]) assert.ok(v !== null && Number.isFinite(v));
});

test('deterministic: the same rows in any order give the same model', () => {
  const data = redundant(7, 300);
  const model = trainCalibratedClassifier(data.X, data.y, data.ids);
  const order = data.ids.map((_, i) => i).reverse();
  const shuffled = trainCalibratedClassifier(
    order.map((i) => data.X[i] ?? []),
    order.map((i) => data.y[i] === true),
    order.map((i) => data.ids[i] ?? ''),
  );
  assert.deepEqual(shuffled, model);
  assert.equal(predictProbability(shuffled, [0.2, 0.1, 0.3, 0.2, 0.2, 0.2, 0.1, 0.3]), predictProbability(model, [0.2, 0.1, 0.3, 0.2, 0.2, 0.2, 0.1, 0.3]));
});

test('folds are stratified, balanced and do not depend on row order', () => {
  const ids = Array.from({ length: 103 }, (_, i) => `cust-${i}`);
  const labels = ids.map((_, i) => i % 5 === 0); // 21 positives
  const folds = assignFolds(ids, labels, 5);
  for (let f = 0; f < 5; f += 1) {
    const pos = folds.filter((g, i) => g === f && labels[i]).length;
    const neg = folds.filter((g, i) => g === f && !labels[i]).length;
    assert.ok(pos >= 4 && pos <= 5, `fold ${f}: ${pos} positives`);
    assert.ok(neg >= 16 && neg <= 17, `fold ${f}: ${neg} negatives`);
  }
  const reversed = assignFolds([...ids].reverse(), [...labels].reverse(), 5).reverse();
  assert.deepEqual(reversed, folds);
});

test('duplicate ids and mismatched lengths are rejected', () => {
  const isValidation = (e: unknown): boolean => e instanceof RefineryError && e.code === 'VALIDATION';
  assert.throws(() => trainCalibratedClassifier([[1], [2]], [true, false], ['a', 'a']), isValidation);
  assert.throws(() => trainCalibratedClassifier([[1], [2]], [true], ['a', 'b']), isValidation);
});

test('above trainingRows the models train on a sample; every row is still scored out of fold and calibrated', () => {
  const data = redundant(9, 3000);
  const sampled = trainCalibratedClassifier(data.X, data.y, data.ids, { trainingRows: 1000 });
  const full = trainCalibratedClassifier(data.X, data.y, data.ids);
  assert.equal(sampled.kind, 'naive-bayes');
  if (sampled.kind !== 'naive-bayes' || full.kind !== 'naive-bayes') return;
  // The final model on a stratified sample of 1,000 rows; calibration and report on all 3,000.
  assert.equal(sampled.nb.classCounts.reduce((a, b) => a + b, 0), 1000);
  assert.ok(Math.abs((sampled.nb.classCounts[1] ?? 0) / 1000 - sampled.baseRate) < 0.002, 'stratified');
  assert.equal(sampled.calibration.n, 3000);
  assert.equal(sampled.report.calibrated.n, 3000);
  assert.equal(sampled.report.folds, 5);
  assert.ok(Math.abs((sampled.report.calibrated.auc ?? 0) - (full.report.calibrated.auc ?? 0)) < 0.01);
  assert.ok(Math.abs(sampled.calibration.a - full.calibration.a) < 0.25 * full.calibration.a);
  assert.ok(Math.abs((sampled.report.calibrated.brier ?? 1) - (full.report.calibrated.brier ?? 0)) < 0.005);
  const fresh = redundant(10, 2000);
  const brier = (model: typeof full): number => brierScore(fresh.X.map((row) => predictProbability(model, row)), fresh.y) ?? 1;
  assert.ok(Math.abs(brier(sampled) - brier(full)) < 0.005, `fresh-data Brier ${brier(sampled)} vs ${brier(full)}`);
  // Still independent of row order.
  const order = data.ids.map((_, i) => i).reverse();
  const shuffled = trainCalibratedClassifier(
    order.map((i) => data.X[i] ?? []),
    order.map((i) => data.y[i] === true),
    order.map((i) => data.ids[i] ?? ''),
    { trainingRows: 1000 },
  );
  assert.deepEqual(shuffled, sampled);
  // At or above the row count nothing is sampled.
  assert.deepEqual(trainCalibratedClassifier(data.X, data.y, data.ids, { trainingRows: 3000 }), full);
  assert.throws(() => trainCalibratedClassifier(data.X, data.y, data.ids, { trainingRows: 0 }), RefineryError);
});
