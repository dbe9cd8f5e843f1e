import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expectedNextPurchase, expectedPurchases, probabilityAlive } from './bg-nbd-predict.ts';
import { purchasesGivenAliveByQuadrature, purchasesGivenAliveBySeries } from './purchases-given-alive.ts';
import { createRandom } from './random.ts';
import { simulateBgNbdPerson } from './simulate.ts';
import { hyp2f1 } from './special.ts';
import type { PurchaseSummary } from './summary.ts';

const person = (x: number, tx: number, T: number): PurchaseSummary => ({ x, tx, T, meanSpend: null });

// The CDNOW maximum-likelihood estimate (FHL 2005: r = 0.243, α = 4.414, a = 0.793, b = 2.426;
// log-likelihood -9582.4) at full precision as re-estimated in a public notebook, with the
// conditional expectations E[Y(39) | x, tx, T] it printed (scipy hyp2f1). The first is the
// paper's worked example (x = 2, tx = 30.43, T = 38.86 -> 1.226).
const CDNOW = { r: 0.24259455367664842, alpha: 4.413602964372849, a: 0.7929243343804369, b: 2.4259152626264657 };
const CDNOW_EXPECTATIONS: [number, number, number, number][] = [
  [2, 213 / 7, 272 / 7, 1.225994],
  [1, 12 / 7, 272 / 7, 0.203419],
  [0, 0, 272 / 7, 0.194794],
  [0, 0, 27, 0.258979],
  [5, 170 / 7, 27, 4.112099],
  [4, 186 / 7, 27, 3.488177],
];

test('expected purchases reproduce published CDNOW conditional expectations', () => {
  for (const [x, tx, T, expected] of CDNOW_EXPECTATIONS) {
    const got = expectedPurchases(CDNOW, 39, person(x, tx, T));
    assert.ok(Math.abs(got - expected) < 5e-7, `x=${x}: ${got} vs ${expected}`);
  }
});

test('the transformed series equals the textbook formula with a plain 2F1', () => {
  const { r, alpha, a, b } = { r: 0.7, alpha: 9, a: 1.8, b: 5 };
  for (const [x, tx, T, t] of [
    [0, 0, 10, 5],
    [3, 8, 20, 26],
    [12, 50, 52, 52],
  ] as const) {
    const z = t / (alpha + T + t);
    const textbook =
      ((a + b + x - 1) / (a - 1)) *
      (1 - Math.pow((alpha + T) / (alpha + T + t), r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z)) *
      probabilityAlive({ r, alpha, a, b }, person(x, tx, T));
    const got = expectedPurchases({ r, alpha, a, b }, t, person(x, tx, T));
    assert.ok(Math.abs(got - textbook) < 1e-10 * Math.max(1, textbook), `${got} vs ${textbook}`);
  }
});

test('series and quadrature agree where both apply (z up to 0.993)', () => {
  let worst = 0;
  for (const r of [1e-4, 0.24, 2, 30])
    for (const a of [1e-3, 0.3, 1, 1.5, 20])
      for (const b of [0.05, 2.43, 50])
        for (const x of [0, 1, 5, 100])
          for (const k of [0.01, 3, 150]) {
            const series = purchasesGivenAliveBySeries(r, a, b, x, k);
            const quadrature = purchasesGivenAliveByQuadrature(r, a, b, x, k);
            worst = Math.max(worst, Math.abs(series - quadrature) / Math.max(1e-12, Math.abs(series)));
          }
  assert.ok(worst < 1e-7, `worst relative difference ${worst}`);
});

test('a = 1 is not a singularity', () => {
  const at = (a: number): number => expectedPurchases({ r: 0.5, alpha: 3, a, b: 2 }, 20, person(3, 10, 15));
  const exact = at(1);
  assert.ok(Number.isFinite(exact) && exact > 0);
  for (const a of [1 - 1e-6, 1 + 1e-6, 1 - 1e-9, 1 + 1e-9]) assert.ok(Math.abs(at(a) - exact) < 1e-5, String(a));
});

test('unconditional E[X(t)] of new customers matches simulation', () => {
  const params = { r: 0.24, alpha: 4.41, a: 0.79, b: 2.43 };
  const rng = createRandom(21);
  const n = 40_000;
  const t = 52;
  let total = 0;
  for (let i = 0; i < n; i += 1) total += simulateBgNbdPerson(params, t, rng).times.length;
  const predicted = expectedPurchases(params, t, person(0, 0, 0));
  assert.ok(Math.abs(total / n - predicted) < 0.04 * predicted, `${total / n} vs ${predicted}`);
});

test('P(alive): 1 without repeat purchases, falls with time since the last one, calibrated on simulation', () => {
  const params = { r: 0.24, alpha: 4.41, a: 0.79, b: 2.43 };
  assert.equal(probabilityAlive(params, person(0, 0, 50)), 1);
  const recent = probabilityAlive(params, person(3, 49, 50));
  const lapsed = probabilityAlive(params, person(3, 5, 50));
  assert.ok(recent > 0.8 && lapsed < 0.3 && lapsed > 0, `${recent} ${lapsed}`);
  assert.equal(probabilityAlive(params, person(5000, 1, 1e6)), 0); // odds overflow: 0, not NaN

  const rng = createRandom(22);
  let predicted = 0;
  let actual = 0;
  for (let i = 0; i < 20_000; i += 1) {
    const T = 26 + 52 * rng.next();
    const p = simulateBgNbdPerson(params, T, rng);
    const x = p.times.length;
    if (x === 0) continue;
    predicted += probabilityAlive(params, person(x, p.times[x - 1] as number, T));
    actual += p.droppedOutAt === null ? 1 : 0;
  }
  assert.ok(Math.abs(predicted - actual) < 0.03 * actual, `${predicted} vs ${actual}`);
});

test('next purchase: median wait given alive matches simulation', () => {
  const params = { r: 2, alpha: 15, a: 1.5, b: 6 };
  const T = 52;
  const rng = createRandom(23);
  const waits: Record<number, number[]> = { 0: [], 2: [] };
  for (let i = 0; i < 60_000; i += 1) {
    const p = simulateBgNbdPerson(params, T + 2000, rng);
    const before = p.times.filter((t) => t <= T);
    const alive = p.droppedOutAt === null || p.droppedOutAt > T;
    const list = waits[before.length];
    if (list === undefined || !alive) continue;
    const next = p.times.find((t) => t > T);
    list.push(next === undefined ? Infinity : next - T);
  }
  for (const x of [0, 2]) {
    const sorted = (waits[x] as number[]).slice().sort((u, v) => u - v);
    const empirical = sorted[Math.floor(sorted.length / 2)] as number;
    const summary = person(x, x > 0 ? 30 : 0, T);
    const next = expectedNextPurchase(params, summary, { asOfDay: 1000, unit: 'week', minProbabilityAlive: 0 });
    assert.ok(next !== null);
    assert.ok(Math.abs(next.medianWait - empirical) < 0.06 * empirical, `x=${x}: ${next.medianWait} vs ${empirical} (${sorted.length} people)`);
    assert.equal(next.day, 1000 + Math.max(1, Math.round(next.medianWait * 7)));
  }
});

test('next purchase is null when the person is probably gone or the rate is ~0', () => {
  const params = { r: 0.24, alpha: 4.41, a: 0.79, b: 2.43 };
  const options = { asOfDay: 20_000, unit: 'week' as const };
  assert.equal(expectedNextPurchase(params, person(3, 5, 50), options), null); // P(alive) < 0.1
  assert.equal(expectedNextPurchase(params, person(0, 0, 50), options), null); // median wait ~ 17 years
  const active = expectedNextPurchase(params, person(10, 49, 50), options);
  assert.ok(active !== null && active.day > 20_000 && active.probabilityAlive > 0.9);
  assert.equal(expectedNextPurchase({ ...params, r: 1e-5 }, person(0, 0, 5), { ...options, minProbabilityAlive: 0 }), null);
});

test('extreme inputs stay finite, non-negative and monotone in t', () => {
  const cases: [{ r: number; alpha: number; a: number; b: number }, PurchaseSummary][] = [
    [{ r: 0.24, alpha: 4.41, a: 0.79, b: 2.43 }, person(0, 0, 1e6)],
    [{ r: 0.24, alpha: 1e-5, a: 0.79, b: 2.43 }, person(0, 0, 0)],
    [{ r: 1e-5, alpha: 1e5, a: 1e-5, b: 1e5 }, person(2, 1, 3)],
    [{ r: 50, alpha: 0.5, a: 20, b: 0.1 }, person(400, 51, 52)],
    [{ r: 0.3, alpha: 2, a: 0.2, b: 0.3 }, person(0, 0, 4)], // a + b < 1: C = a+b-1 < 0
  ];
  for (const [params, summary] of cases) {
    let previous = 0;
    for (const t of [0, 1e-6, 1, 52, 520, 1e5]) {
      const e = expectedPurchases(params, t, summary);
      assert.ok(Number.isFinite(e) && e >= previous - 1e-9 * Math.max(1, e), `${JSON.stringify(params)} t=${t}: ${e} after ${previous}`);
      previous = e;
    }
    assert.ok(Number.isFinite(probabilityAlive(params, summary)));
  }
});
