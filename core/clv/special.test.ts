import assert from 'node:assert/strict';
import { test } from 'node:test';
import { digamma, hyp2f1, logBeta, logGamma } from './special.ts';

const close = (actual: number, expected: number, tol: number): void => {
  assert.ok(Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)), `${actual} vs ${expected}`);
};

test('logGamma: factorials, half-integers, tiny and huge arguments', () => {
  let logFactorial = 0;
  for (let n = 1; n <= 30; n += 1) {
    close(logGamma(n), logFactorial, 1e-13); // Γ(n) = (n-1)!
    logFactorial += Math.log(n);
  }
  close(logGamma(0.5), 0.5 * Math.log(Math.PI), 1e-14);
  close(logGamma(1.5), Math.log(Math.sqrt(Math.PI) / 2), 1e-14);
  // Γ(x) ~ 1/x - γ for small x
  close(logGamma(1e-8), -Math.log(1e-8) - 0.5772156649015329 * 1e-8, 1e-12);
  // Stirling with two correction terms at 1e6
  const x = 1e6;
  close(logGamma(x), (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x), 1e-14);
  close(logBeta(2, 3), Math.log(1 / 12), 1e-14);
});

test('digamma: known values and the recurrence', () => {
  const eulerGamma = 0.5772156649015329;
  close(digamma(1), -eulerGamma, 1e-13);
  close(digamma(0.5), -eulerGamma - 2 * Math.LN2, 1e-13);
  for (const v of [0.01, 0.3, 2.7, 15, 400]) close(digamma(v + 1), digamma(v) + 1 / v, 1e-12);
  assert.ok(Number.isNaN(digamma(0)));
});

test('hyp2f1: closed forms', () => {
  for (const z of [0.1, 0.5, 0.9]) {
    close(hyp2f1(1, 1, 2, z), -Math.log(1 - z) / z, 1e-13);
    close(hyp2f1(0.7, 2.5, 2.5, z), Math.pow(1 - z, -0.7), 1e-13);
  }
  assert.equal(hyp2f1(1, 2, 3, 0), 1);
});
