import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bgNbdLogLikelihood, bgNbdObjective, fitBgNbd } from './bg-nbd.ts';
import { searchLogParameters } from './fit-common.ts';
import type { BgNbdFitSuccess, BgNbdParams } from './bg-nbd.ts';
import { createRandom } from './random.ts';
import { simulatePopulation } from './simulate.ts';
import { logBeta, logGamma } from './special.ts';
import type { PurchaseSummary } from './summary.ts';

const person = (x: number, tx: number, T: number): PurchaseSummary => ({ x, tx, T, meanSpend: null });

/** The FHL (2005) likelihood written out literally with ln Γ and ln B, independent of the fit's code. */
function literalLogLikelihood({ r, alpha, a, b }: BgNbdParams, { x, tx, T }: PurchaseSummary): number {
  const common = logGamma(r + x) - logGamma(r) + r * Math.log(alpha);
  const alive = logBeta(a, b + x) - logBeta(a, b) + common - (r + x) * Math.log(alpha + T);
  if (x === 0) return alive;
  const gone = logBeta(a + 1, b + x - 1) - logBeta(a, b) + common - (r + x) * Math.log(alpha + tx);
  return Math.log(Math.exp(alive) + Math.exp(gone));
}

test('log-likelihood matches a hand-computed example', () => {
  // r = 1, α = 2, a = 2, b = 3 (integer Γ and B values):
  //   x = 2, tx = 3, T = 5: B(2,5)/B(2,3)·Γ(3)/Γ(1)·2/7^3 + B(3,4)/B(2,3)·2·2/5^3 = 1.6/343 + 0.8/125
  //   x = 0, T = 5:         (2/7)^1
  //   x = 1, tx = 2, T = 5: B(2,4)/B(2,3)·2/7^2 + B(3,3)/B(2,3)·2/4^2 = 1.2/49 + 0.05
  const params = { r: 1, alpha: 2, a: 2, b: 3 };
  const expected = Math.log(1.6 / 343 + 0.8 / 125) + Math.log(2 / 7) + Math.log(1.2 / 49 + 0.05);
  const got = bgNbdLogLikelihood(params, [person(2, 3, 5), person(0, 0, 5), person(1, 2, 5)]);
  assert.ok(Math.abs(got - expected) < 1e-12, `${got} vs ${expected}`);
});

test('log-likelihood agrees with the literal formula for non-integer parameters and large x', () => {
  const params = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
  const people = [person(0, 0, 38.86), person(2, 30.43, 38.86), person(17, 31.5, 32), person(150, 70, 78)];
  const literal = people.reduce((s, p) => s + literalLogLikelihood(params, p), 0);
  assert.ok(Math.abs(bgNbdLogLikelihood(params, people) - literal) < 1e-9);
});

test('analytic gradient matches finite differences', () => {
  const people = simulatePopulation({ r: 0.5, alpha: 6, a: 1.2, b: 3 }, { people: 300, minT: 10, maxT: 60 }, createRandom(5)).summaries;
  const objective = bgNbdObjective(people);
  const theta = [Math.log(0.4), Math.log(5), Math.log(0.9), Math.log(2.5)];
  const { g } = objective(theta);
  for (let i = 0; i < 4; i += 1) {
    const up = theta.slice();
    const down = theta.slice();
    up[i] = (up[i] as number) + 1e-6;
    down[i] = (down[i] as number) - 1e-6;
    const numeric = (objective(up).f - objective(down).f) / 2e-6;
    assert.ok(Math.abs(numeric - (g[i] as number)) < 1e-6, `component ${i}: ${numeric} vs ${g[i]}`);
  }
});

/** True parameters recovered: within 25 % and within 3 standard errors of the observed information. */
function assertRecovered(fit: BgNbdFitSuccess, truth: BgNbdParams): void {
  assert.ok(fit.standardErrors !== null, 'standard errors');
  for (const k of ['r', 'alpha', 'a', 'b'] as const) {
    const est = fit.params[k];
    const se = fit.standardErrors[k];
    assert.ok(Math.abs(est - truth[k]) <= 0.25 * truth[k], `${k}: ${est} vs ${truth[k]} (more than 25 % off)`);
    assert.ok(Math.abs(est - truth[k]) <= 3 * se, `${k}: ${est} vs ${truth[k]} (se ${se})`);
  }
}

for (const [name, truth, seed] of [
  ['CDNOW-like (weeks)', { r: 0.24, alpha: 4.41, a: 0.79, b: 2.43 }, 11],
  ['frequent buyers, a > 1', { r: 2, alpha: 15, a: 1.5, b: 6 }, 12],
] as const) {
  test(`parameter recovery on 10,000 simulated people: ${name}`, () => {
    const { summaries } = simulatePopulation(truth, { people: 10_000, minT: 26, maxT: 78 }, createRandom(seed));
    const fit = fitBgNbd(summaries);
    assert.ok(fit.ok, JSON.stringify(fit));
    assert.ok(fit.converged);
    assert.deepEqual(fit.warnings, []);
    assert.equal(fit.n, 10_000);
    assert.equal(fit.unit, 'week');
    assertRecovered(fit, truth);
    // It is the maximum: the true parameters fit these data no better.
    assert.ok(fit.logLikelihood >= bgNbdLogLikelihood(truth, summaries));
    assert.ok(Math.abs(fit.logLikelihood - bgNbdLogLikelihood(fit.params, summaries)) < 1e-6 * Math.abs(fit.logLikelihood));
  });
}

test('deterministic: the same data give the same fit, to the bit', () => {
  const { summaries } = simulatePopulation({ r: 0.8, alpha: 10, a: 0.6, b: 4 }, { people: 2000, minT: 20, maxT: 52 }, createRandom(3));
  assert.deepEqual(fitBgNbd(summaries), fitBgNbd(summaries));
  // and the order of people does not change the estimate beyond rounding
  const a = fitBgNbd(summaries);
  const b = fitBgNbd([...summaries].reverse());
  assert.ok(a.ok && b.ok);
  for (const k of ['r', 'alpha', 'a', 'b'] as const) assert.ok(Math.abs(a.params[k] - b.params[k]) < 1e-5 * a.params[k]);
});

test('not enough data is a clear failure, not garbage', () => {
  const nobodyReturned = Array.from({ length: 500 }, (_, i) => person(0, 0, 1 + (i % 40)));
  const r1 = fitBgNbd(nobodyReturned);
  assert.equal(r1.ok, false);
  assert.ok(!r1.ok && r1.reason === 'not-enough-data' && /bought again/.test(r1.detail));
  const r2 = fitBgNbd([person(3, 10, 20)]);
  assert.ok(!r2.ok && r2.reason === 'not-enough-data');
  const r3 = fitBgNbd([]);
  assert.ok(!r3.ok && r3.reason === 'not-enough-data');
  const r4 = fitBgNbd(Array.from({ length: 50 }, () => person(0, 0, 0)), { minPeople: 1, minRepeatBuyers: 0 });
  assert.ok(!r4.ok && r4.reason === 'not-enough-data');
});

test('malformed summaries are refused', () => {
  const good = Array.from({ length: 100 }, (_, i) => person(i % 3, i % 3 ? 5 : 0, 10));
  for (const bad of [person(-1, 0, 5), person(1.5, 1, 5), person(2, 6, 5), person(0, 0, Number.NaN), person(1, Number.NaN, 5)]) {
    const r = fitBgNbd([...good, bad]);
    assert.ok(!r.ok && r.reason === 'invalid-input', JSON.stringify(bad));
  }
});

test('edge cases never give NaN: forced fit on x = 0 only, one person, huge T', () => {
  const allZero = Array.from({ length: 200 }, (_, i) => person(0, 0, 1 + (i % 30)));
  const forced = fitBgNbd(allZero, { minPeople: 1, minRepeatBuyers: 0 });
  assert.ok(forced.ok);
  assert.ok(Object.values(forced.params).every(Number.isFinite) && Number.isFinite(forced.logLikelihood));
  assert.ok(forced.warnings.length > 0, 'a parameter at the edge is reported');

  const one = fitBgNbd([person(4, 20, 30)], { minPeople: 1, minRepeatBuyers: 1 });
  assert.ok(one.ok && Object.values(one.params).every(Number.isFinite) && Number.isFinite(one.logLikelihood));

  const { summaries } = simulatePopulation({ r: 0.24, alpha: 4.41, a: 0.79, b: 2.43 }, { people: 500, minT: 26, maxT: 78 }, createRandom(9));
  const huge = [...summaries, person(0, 0, 1e6), person(3, 5e5, 1e6), person(1000, 9e5, 1e6)];
  const fit = fitBgNbd(huge);
  assert.ok(fit.ok && Object.values(fit.params).every(Number.isFinite) && Number.isFinite(fit.logLikelihood));
  assert.ok(Number.isFinite(bgNbdLogLikelihood({ r: 1e-5, alpha: 1e5, a: 1e-5, b: 1e5 }, huge)));
});

test('a large population: the starts run on a subsample, the maximum is found on everyone', () => {
  const truth = { r: 0.24, alpha: 4.41, a: 0.79, b: 2.43 };
  const { summaries } = simulatePopulation(truth, { people: 30_000, minT: 26, maxT: 78 }, createRandom(21));
  const fit = fitBgNbd(summaries);
  assert.ok(fit.ok && fit.converged, JSON.stringify(fit));
  assertRecovered(fit, truth);
  // The gradient of the likelihood of everyone vanishes there ...
  const objective = bgNbdObjective(summaries);
  const theta = [fit.params.r, fit.params.alpha, fit.params.a, fit.params.b].map(Math.log);
  for (const g of objective(theta).g) assert.ok(Math.abs(g) < 1e-8, `gradient ${g}`);
  // ... and BFGS on everyone from far-away starts lands on the same point.
  const direct = searchLogParameters(objective, [
    [0, 0, 0, 0],
    [Math.log(2), Math.log(20), Math.log(0.3), Math.log(8)],
  ]);
  assert.ok(direct.converged);
  direct.theta.forEach((t, i) => assert.ok(Math.abs(Math.exp(t) / Math.exp(theta[i] as number) - 1) < 1e-5, `parameter ${i}`));
});
