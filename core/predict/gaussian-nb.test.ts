import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GaussianNB } from 'ml-naivebayes';
import { RefineryError } from '../errors.ts';
import { fitGaussianNB, logSumExp, positiveLogOdds, predictLabel, predictProba } from './gaussian-nb.ts';
import { logistic, normalFrom, seededRandom } from './test-support.ts';

function blobs(seed: number, centres: readonly (readonly number[])[], perClass: number): { X: number[][]; y: number[] } {
  const normal = normalFrom(seededRandom(seed));
  const X: number[][] = [];
  const y: number[] = [];
  centres.forEach((centre, c) => {
    for (let i = 0; i < perClass; i += 1) {
      X.push(centre.map((m) => m + normal()));
      y.push(c);
    }
  });
  return { X, y };
}

function assertProbabilities(probabilities: readonly number[]): void {
  for (const p of probabilities) {
    assert.ok(Number.isFinite(p), `probability ${p} is finite`);
    assert.ok(p >= 0 && p <= 1, `probability ${p} in [0, 1]`);
  }
  assert.ok(Math.abs(probabilities.reduce((s, p) => s + p, 0) - 1) < 1e-12, 'sums to 1');
}

test('probabilities are in [0, 1] and sum to 1, for two and three classes, near and far', () => {
  const { X, y } = blobs(1, [[0, 0], [3, 1], [-2, 4]], 40);
  const model = fitGaussianNB(X, y);
  for (const row of [...X, [0, 0], [100, -100], [1e6, 1e6], [-3.3, 2.2]]) {
    assertProbabilities(predictProba(model, row).map((c) => c.probability));
  }
  const binary = fitGaussianNB(X.slice(0, 80), y.slice(0, 80));
  assertProbabilities(predictProba(binary, [1e8, -1e8]).map((c) => c.probability));
});

test('a hand-computed posterior: P(class 1 | x = 4) = sigmoid(2)', () => {
  // Class 0 holds 0 and 2 (mean 1, unbiased variance 2); class 1 holds 4 and 6 (mean 5, variance 2).
  // Equal priors and variances: log-odds at 4 = ((4 - 1)^2 - (4 - 5)^2) / (2 x 2) = 2.
  const model = fitGaussianNB([[0], [2], [4], [6]], [0, 0, 1, 1]);
  const [p0, p1] = predictProba(model, [4]);
  assert.ok(Math.abs((p1?.probability ?? 0) - logistic(2)) < 1e-8);
  assert.ok(Math.abs((p0?.probability ?? 0) - logistic(-2)) < 1e-8);
  assert.ok(Math.abs(positiveLogOdds(model, [4], 1) - 2) < 1e-7);
  assert.ok(Math.abs((predictProba(model, [3])[1]?.probability ?? 0) - 0.5) < 1e-12);
});

test('labels other than 0..n-1 go in and come back out', () => {
  const { X, y } = blobs(2, [[0, 0], [4, 4], [8, 0]], 30);
  const strings = y.map((c) => ['silver', 'gold', 'bronze'][c] ?? 'none');
  const sModel = fitGaussianNB(X, strings);
  assert.deepEqual(sModel.classes, ['bronze', 'gold', 'silver']);
  assert.equal(predictLabel(sModel, [0, 0]), 'silver');
  assert.equal(predictLabel(sModel, [4, 4]), 'gold');
  assert.equal(predictLabel(sModel, [8, 0]), 'bronze');
  assert.deepEqual(
    predictProba(sModel, [4, 4]).map((c) => c.label),
    ['bronze', 'gold', 'silver'],
  );

  const numbers = y.map((c) => [30, -7, 1000][c] ?? 0);
  const nModel = fitGaussianNB(X, numbers);
  assert.deepEqual(nModel.classes, [-7, 30, 1000]);
  assert.equal(predictLabel(nModel, [0, 0]), 30);
  assert.equal(predictLabel(nModel, [8, 0]), 1000);

  const booleans = y.slice(0, 60).map((c) => c === 1);
  const bModel = fitGaussianNB(X.slice(0, 60), booleans);
  assert.deepEqual(bModel.classes, [false, true]);
  assert.equal(predictLabel(bModel, [4, 4]), true);
  assert.ok(positiveLogOdds(bModel, [4, 4], true) > 0);
});

test('agrees with ml-naivebayes where its predict is right (two features), not where it is wrong', () => {
  const { X, y } = blobs(3, [[0, 0], [1.5, 1]], 60);
  const model = fitGaussianNB(X, y);
  const nb = new GaussianNB();
  nb.train(X, y);
  const probe = blobs(4, [[0.7, 0.5]], 50).X;
  const theirs = nb.predict(probe);
  probe.forEach((row, i) => assert.equal(predictLabel(model, row), theirs[i]));

  // ml-naivebayes 4's predict loops over `classes[0][1].length` features, which is the length of
  // one [C1, C2] pair (2): from the third feature on it ignores everything. Here only feature 3
  // separates the classes; it gets it wrong, reading its parameters ourselves gets it right.
  const X3 = [[0, 0, 0], [1, 1, 0.2], [0, 1, -0.1], [1, 0, 0.1], [0, 0, 5], [1, 1, 5.2], [0, 1, 4.9], [1, 0, 5.1]];
  const y3 = [0, 0, 0, 0, 1, 1, 1, 1];
  const nb3 = new GaussianNB();
  nb3.train(X3, y3);
  const ours = fitGaussianNB(X3, y3);
  assert.equal(predictLabel(ours, [0.5, 0.5, 5]), 1);
  assert.equal(predictLabel(ours, [0.5, 0.5, 0]), 0);
  assert.equal(new Set(nb3.predict([[0.5, 0.5, 5], [0.5, 0.5, 0]])).size, 1, 'ml-naivebayes cannot tell them apart');
});

test('a feature constant within a class, a one-row class, all-constant features: no NaN', () => {
  // Feature 1 is constant (7) within class 0: ml-naivebayes alone gets std 0 there.
  const X = [[1, 7], [2, 7], [3, 7], [8, 1], [9, 2], [10, 3]];
  const y = [0, 0, 0, 1, 1, 1];
  const model = fitGaussianNB(X, y);
  assert.ok(model.variances.flat().every((v) => v > 0 && Number.isFinite(v)));
  assert.ok(model.epsilon > 0);
  for (const row of [[2, 7], [2, 7.0001], [9, 7], [9, 2], [-50, 50]]) {
    assertProbabilities(predictProba(model, row).map((c) => c.probability));
    assert.ok(!Number.isNaN(positiveLogOdds(model, row, 1)));
  }
  // ml-naivebayes itself cannot label a row off the constant (it returns -1 or NaN math).
  assert.equal(predictLabel(model, [9, 2]), 1);

  const oneRowClass = fitGaussianNB([[0], [1], [2], [10]], ['a', 'a', 'a', 'b']);
  assertProbabilities(predictProba(oneRowClass, [9]).map((c) => c.probability));
  assert.equal(predictLabel(oneRowClass, [10]), 'b');

  const allConstant = fitGaussianNB([[5, 5], [5, 5], [5, 5]], [0, 1, 1]);
  const p = predictProba(allConstant, [5, 5]).map((c) => c.probability);
  assertProbabilities(p);
  assert.ok(Math.abs((p[1] ?? 0) - 2 / 3) < 1e-9, 'only the prior is left');
});

test('one class only: the posterior is 1 for it; log-odds need two classes', () => {
  const model = fitGaussianNB([[1], [2]], ['x', 'x']);
  assert.deepEqual(predictProba(model, [3]), [{ label: 'x', probability: 1 }]);
  assert.throws(() => positiveLogOdds(model, [3], 'x'), RefineryError);
});

test('NaN, Infinity, null and ragged rows are rejected with a VALIDATION error', () => {
  const isValidation = (e: unknown): boolean => e instanceof RefineryError && e.code === 'VALIDATION';
  assert.throws(() => fitGaussianNB([[1], [Number.NaN]], [0, 1]), isValidation);
  assert.throws(() => fitGaussianNB([[1], [Infinity]], [0, 1]), isValidation);
  assert.throws(() => fitGaussianNB([[1], [null as unknown as number]], [0, 1]), isValidation);
  assert.throws(() => fitGaussianNB([[1, 2], [3]], [0, 1]), isValidation);
  assert.throws(() => fitGaussianNB([[1], [2]], [0]), isValidation);
  assert.throws(() => fitGaussianNB([], []), isValidation);
  const model = fitGaussianNB([[1], [2], [3], [4]], [0, 0, 1, 1]);
  assert.throws(() => predictProba(model, [Number.NaN]), isValidation);
  assert.throws(() => predictProba(model, [1, 2]), isValidation);
});

test('deterministic: the same data gives the same model and probabilities', () => {
  const { X, y } = blobs(5, [[0, 0], [1, 2]], 50);
  assert.deepEqual(fitGaussianNB(X, y), fitGaussianNB(X, y));
  const model = fitGaussianNB(X, y);
  assert.deepEqual(predictProba(model, [0.3, 0.9]), predictProba(fitGaussianNB(X, y), [0.3, 0.9]));
});

test('logSumExp is stable for large and -Infinity inputs', () => {
  assert.ok(Math.abs(logSumExp([1000, 1000]) - (1000 + Math.log(2))) < 1e-9);
  assert.equal(logSumExp([-Infinity, -Infinity]), -Infinity);
  assert.equal(logSumExp([]), -Infinity);
});
