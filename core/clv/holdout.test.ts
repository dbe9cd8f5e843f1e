import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitBgNbd } from './bg-nbd.ts';
import { fitGammaGamma } from './gamma-gamma.ts';
import { holdoutCheck } from './holdout.ts';
import { createRandom } from './random.ts';
import { simulateBgNbdPerson, simulatePopulation, simulateSpends } from './simulate.ts';
import { splitCalibrationHoldout } from './summary.ts';
import type { PurchaseSummary } from './summary.ts';

test('with the true parameters, predicted holdout purchases match simulated ones in total and by x', () => {
  const params = { r: 0.24, alpha: 4.41, a: 0.79, b: 2.43 };
  const { summaries, holdoutPurchases } = simulatePopulation(params, { people: 20_000, minT: 26, maxT: 52, holdout: 39 }, createRandom(41));
  const check = holdoutCheck(params, summaries, holdoutPurchases, 39);
  assert.equal(check.people, 20_000);
  assert.ok(check.relativeError !== null && Math.abs(check.relativeError) < 0.04, `relative error ${check.relativeError}`);
  assert.equal(check.byFrequency.length, 8);
  assert.equal(check.byFrequency[7]?.label, '7+');
  assert.equal(check.byFrequency.reduce((s, b) => s + b.people, 0), 20_000);
  for (const bin of check.byFrequency.slice(0, 4)) {
    assert.ok(Math.abs(bin.predictedMean - bin.actualMean) < 0.12 * bin.actualMean + 0.02, JSON.stringify(bin));
  }
  assert.ok(check.correlation !== null && check.correlation > 0.4);
});

test('end to end from purchase days: split, fit, predict the holdout', () => {
  const truth = { r: 0.24, alpha: 4.41, a: 0.79, b: 2.43 };
  const spend = { p: 6.25, q: 3.74, gamma: 15.44 };
  const rng = createRandom(42);
  const split = 20_000;
  const horizonDays = 273; // 39 weeks
  const calibration: PurchaseSummary[] = [];
  const actual: number[] = [];
  for (let i = 0; i < 10_000; i += 1) {
    const tDays = 182 + Math.floor(rng.next() * 183); // first purchase 26..52 weeks before the split
    const first = split - tDays;
    const person = simulateBgNbdPerson(truth, (tDays + horizonDays) / 7, rng);
    const days = [first, ...person.times.map((t) => first + Math.floor(t * 7))];
    const amounts = simulateSpends(spend, days.length, rng).map((v) => Math.round(v * 100) / 100);
    const row = splitCalibrationHoldout(days, amounts, split, split + horizonDays, 'week');
    assert.ok(row !== null);
    calibration.push(row.summary);
    actual.push(row.holdoutPurchases);
  }
  const fit = fitBgNbd(calibration, { unit: 'week' });
  assert.ok(fit.ok, JSON.stringify(fit));
  for (const k of ['r', 'alpha', 'a', 'b'] as const) {
    assert.ok(Math.abs(fit.params[k] - truth[k]) < 0.25 * truth[k], `${k}: ${fit.params[k]} vs ${truth[k]}`);
  }
  const check = holdoutCheck(fit.params, calibration, actual, horizonDays / 7);
  assert.ok(check.relativeError !== null && Math.abs(check.relativeError) < 0.1, `relative error ${check.relativeError}`);
  const gg = fitGammaGamma(calibration);
  assert.ok(gg.ok);
  for (const k of ['p', 'q', 'gamma'] as const) {
    assert.ok(Math.abs(gg.params[k] - spend[k]) < 0.3 * spend[k], `${k}: ${gg.params[k]} vs ${spend[k]}`);
  }
});

test('edge cases: nobody bought in the holdout, empty input, mismatched lengths', () => {
  const params = { r: 0.24, alpha: 4.41, a: 0.79, b: 2.43 };
  const s: PurchaseSummary = { x: 1, tx: 2, T: 5, meanSpend: 10 };
  const none = holdoutCheck(params, [s, s], [0, 0], 10);
  assert.equal(none.relativeError, null);
  assert.equal(none.correlation, null);
  const empty = holdoutCheck(params, [], [], 10);
  assert.equal(empty.people, 0);
  assert.equal(empty.meanAbsoluteError, 0);
  assert.throws(() => holdoutCheck(params, [s], [], 10), /holdout counts/);
});
