import assert from 'node:assert/strict';
import { test } from 'node:test';
import { brierScore } from './metrics.ts';
import { applyPlatt, fitPlatt, sigmoid } from './platt.ts';
import { logistic, normalFrom, seededRandom } from './test-support.ts';

/** True log-odds t ~ N(0, 1.5^2), y ~ Bernoulli(sigmoid(t)), reported score = factor x t. */
function overConfident(seed: number, n: number, factor: number): { scores: number[]; labels: boolean[] } {
  const random = seededRandom(seed);
  const normal = normalFrom(random);
  const scores: number[] = [];
  const labels: boolean[] = [];
  for (let i = 0; i < n; i += 1) {
    const t = 1.5 * normal() - 1;
    labels.push(random() < logistic(t));
    scores.push(factor * t);
  }
  return { scores, labels };
}

test('Platt recovers the shrink factor of over-confident scores and improves Brier on held-out data', () => {
  const fit = overConfident(1, 3000, 4);
  const held = overConfident(2, 3000, 4);
  const platt = fitPlatt(fit.scores, fit.labels);
  assert.ok(platt.converged);
  assert.ok(Math.abs(platt.a - 0.25) < 0.03, `slope ${platt.a} ~ 1/4`);
  assert.ok(Math.abs(platt.b) < 0.15, `intercept ${platt.b} ~ 0`);
  const raw = brierScore(
    held.scores.map((s) => sigmoid(s)),
    held.labels,
  );
  const calibrated = brierScore(
    held.scores.map((s) => applyPlatt(platt, s)),
    held.labels,
  );
  assert.ok(raw !== null && calibrated !== null);
  assert.ok(calibrated < raw - 0.01, `calibrated ${calibrated} < raw ${raw}`);
});

test('Platt keeps the ranking (monotone) and is near identity on calibrated scores', () => {
  const fit = overConfident(3, 3000, 1);
  const platt = fitPlatt(fit.scores, fit.labels);
  assert.ok(Math.abs(platt.a - 1) < 0.12, `slope ${platt.a} ~ 1`);
  const xs = [-60, -5, -1, 0, 1, 5, 60];
  const ps = xs.map((s) => applyPlatt(platt, s));
  ps.slice(1).forEach((p, i) => assert.ok(p >= (ps[i] ?? 0)));
});

test('degenerate held-out sets give finite, sensible calibrations', () => {
  // One class only: Platt's smoothed targets keep it finite (all negative -> low probability).
  const allNegative = fitPlatt([-1, 0, 1, 2], [false, false, false, false]);
  assert.ok(Number.isFinite(allNegative.a) && Number.isFinite(allNegative.b));
  assert.ok(applyPlatt(allNegative, 2) < 0.3);
  // Constant scores: slope 0, intercept = smoothed base rate: (1 + 1) / (1 + 2) = 2/3 for the
  // positive, 1 / (3 + 2) for each negative -> mean target (2/3 + 3/5) / 4.
  const constant = fitPlatt([3, 3, 3, 3], [true, false, false, false]);
  assert.equal(constant.a, 0);
  assert.ok(Math.abs(applyPlatt(constant, 3) - (2 / 3 + 3 / 5) / 4) < 1e-12);
  // Perfect separation: finite (smoothed targets), steep but not infinite.
  const separated = fitPlatt([-2, -1, 1, 2], [false, false, true, true]);
  assert.ok(Number.isFinite(separated.a) && separated.a > 0);
  // Backwards ranking: never flipped; the base rate instead.
  const backwards = fitPlatt([-2, -1, 1, 2, -3, 3], [true, true, false, false, true, false]);
  assert.equal(backwards.a, 0);
  // Huge scores are clipped, not overflowed.
  const huge = fitPlatt([-1e9, -1e6, 1e6, 1e9, 0.5, -0.5], [false, false, true, true, true, false]);
  assert.ok(Number.isFinite(huge.a) && Number.isFinite(huge.b));
  assert.ok(Number.isFinite(applyPlatt(huge, 1e300)));
});

test('deterministic: same inputs, same fit', () => {
  const fit = overConfident(4, 500, 3);
  assert.deepEqual(fitPlatt(fit.scores, fit.labels), fitPlatt(fit.scores, fit.labels));
});
