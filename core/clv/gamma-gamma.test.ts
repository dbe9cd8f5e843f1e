import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expectedSpend, fitGammaGamma, gammaGammaLogLikelihood } from './gamma-gamma.ts';
import type { GammaGammaParams } from './gamma-gamma.ts';
import { createRandom } from './random.ts';
import { simulateSpends } from './simulate.ts';
import type { PurchaseSummary } from './summary.ts';

const spender = (x: number, meanSpend: number | null): PurchaseSummary => ({ x, tx: x > 0 ? 1 : 0, T: 2, meanSpend });

function simulate(params: GammaGammaParams, people: number, seed: number): PurchaseSummary[] {
  const rng = createRandom(seed);
  const out: PurchaseSummary[] = [];
  for (let i = 0; i < people; i += 1) {
    const x = 1 + Math.floor(8 * rng.next() * rng.next()); // 1..8, mostly small
    const spends = simulateSpends(params, x, rng);
    out.push(spender(x, spends.reduce((s, v) => s + v, 0) / x));
  }
  return out;
}

test('log-likelihood matches a hand-computed example', () => {
  // p = 2, q = 3, γ = 4:
  //   x = 1, m = 2: Γ(5)/(Γ(2)Γ(3)) · 4^3 · 2^1 · 1^2 / 6^5 = 12 · 128 / 7776
  //   x = 2, m = 3: Γ(7)/(Γ(4)Γ(3)) · 4^3 · 3^3 · 2^4 / 10^7 = 60 · 27648 / 1e7
  const expected = Math.log((12 * 128) / 7776) + Math.log((60 * 27648) / 1e7);
  const got = gammaGammaLogLikelihood({ p: 2, q: 3, gamma: 4 }, [spender(1, 2), spender(2, 3), spender(0, null)]);
  assert.ok(Math.abs(got - expected) < 1e-12, `${got} vs ${expected}`);
});

for (const [name, truth, seed] of [
  ['CDNOW-like spend (Fader & Hardie 2013: p 6.25, q 3.74, γ 15.44)', { p: 6.25, q: 3.74, gamma: 15.44 }, 31],
  ['more variable spend per purchase', { p: 2, q: 5, gamma: 60 }, 32],
] as const) {
  test(`parameter recovery on 8,000 simulated repeat buyers: ${name}`, () => {
    const summaries = simulate(truth, 8000, seed);
    const fit = fitGammaGamma(summaries);
    assert.ok(fit.ok, JSON.stringify(fit));
    assert.ok(fit.converged);
    assert.equal(fit.n, 8000);
    assert.ok(fit.standardErrors !== null);
    for (const k of ['p', 'q', 'gamma'] as const) {
      const err = Math.abs(fit.params[k] - truth[k]);
      assert.ok(err <= 0.25 * truth[k], `${k}: ${fit.params[k]} vs ${truth[k]}`);
      assert.ok(err <= 3 * fit.standardErrors[k], `${k}: ${fit.params[k]} vs ${truth[k]} (se ${fit.standardErrors[k]})`);
    }
    assert.ok(fit.logLikelihood >= gammaGammaLogLikelihood(truth, summaries));
    assert.ok(Math.abs(fit.frequencySpendCorrelation) < 0.1);
    const mean = (truth.p * truth.gamma) / (truth.q - 1);
    assert.ok(fit.populationMeanSpend !== null && Math.abs(fit.populationMeanSpend - mean) < 0.1 * mean);
  });
}

test('expected spend: a weighted average of the population mean and the person\'s own mean', () => {
  const params = { p: 6.25, q: 3.74, gamma: 15.44 };
  const population = (params.p * params.gamma) / (params.q - 1);
  assert.equal(expectedSpend(params, spender(0, null)), population);
  const one = expectedSpend(params, spender(1, 100)) as number;
  const many = expectedSpend(params, spender(20, 100)) as number;
  assert.ok(one > population && one < 100 && many > one && many < 100, `${population} ${one} ${many}`);
  const w = (params.p * 20) / (params.p * 20 + params.q - 1);
  assert.ok(Math.abs(many - ((1 - w) * population + w * 100)) < 1e-9);
  // no finite population mean when q <= 1
  assert.equal(expectedSpend({ p: 2, q: 0.8, gamma: 10 }, spender(0, null)), null);
  assert.ok(Number.isFinite(expectedSpend({ p: 2, q: 0.8, gamma: 10 }, spender(3, 40)) as number));
});

test('not enough data, people without repeat purchases or spend are skipped', () => {
  const r = fitGammaGamma([spender(0, null), spender(2, 10), spender(3, 0)]);
  assert.ok(!r.ok && r.reason === 'not-enough-data');
  const mixed = [...simulate({ p: 6.25, q: 3.74, gamma: 15.44 }, 500, 4), spender(0, null), spender(2, 0), spender(1, -5)];
  const fit = fitGammaGamma(mixed);
  assert.ok(fit.ok && fit.n === 500);
});

test('degenerate spend (everyone spends the same) gives finite numbers and a warning, never NaN', () => {
  const same = Array.from({ length: 100 }, (_, i) => spender(1 + (i % 4), 25));
  const fit = fitGammaGamma(same);
  assert.ok(fit.ok);
  assert.ok(Object.values(fit.params).every(Number.isFinite) && Number.isFinite(fit.logLikelihood));
  assert.ok(fit.warnings.length > 0);
  const spend = expectedSpend(fit.params, spender(2, 25));
  assert.ok(spend !== null && Math.abs(spend - 25) < 0.5, String(spend));
});

test('deterministic', () => {
  const summaries = simulate({ p: 3, q: 4, gamma: 30 }, 1000, 8);
  assert.deepEqual(fitGammaGamma(summaries), fitGammaGamma(summaries));
});

test('a large population: the starts run on a subsample, the maximum is found on everyone', () => {
  const truth = { p: 6.25, q: 3.74, gamma: 15.44 };
  const summaries = simulate(truth, 30_000, 33);
  const fit = fitGammaGamma(summaries);
  assert.ok(fit.ok && fit.converged, JSON.stringify(fit));
  for (const k of ['p', 'q', 'gamma'] as const) assert.ok(Math.abs(fit.params[k] - truth[k]) <= 0.25 * truth[k], `${k}: ${fit.params[k]}`);
  // A maximum of everyone's likelihood: moving any parameter by 0.1 % either way lowers it.
  const best = gammaGammaLogLikelihood(fit.params, summaries);
  assert.ok(Math.abs(fit.logLikelihood - best) < 1e-9 * Math.abs(best));
  for (const k of ['p', 'q', 'gamma'] as const) {
    for (const factor of [0.999, 1.001]) assert.ok(gammaGammaLogLikelihood({ ...fit.params, [k]: fit.params[k] * factor }, summaries) < best);
  }
});
