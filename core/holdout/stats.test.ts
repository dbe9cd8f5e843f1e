import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RefineryError } from '../errors.ts';
import { newcombeInterval, normalQuantile, twoSidedZ, welchInterval, wilsonInterval } from './stats.ts';

const close = (actual: number, expected: number, tolerance: number, what = ''): void =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what} ${actual} vs ${expected}`);

test('normalQuantile matches tabulated values', () => {
  close(normalQuantile(0.975), 1.959963984540054, 1e-8, '0.975');
  close(normalQuantile(0.95), 1.6448536269514722, 1e-8, '0.95');
  close(normalQuantile(0.995), 2.5758293035489004, 1e-8, '0.995');
  close(normalQuantile(0.01), -2.3263478740408408, 1e-8, '0.01');
  close(normalQuantile(1e-10), -6.361340902404056, 1e-7, '1e-10');
  assert.equal(normalQuantile(0.5), 0);
  close(twoSidedZ(0.95), 1.959963984540054, 1e-8);
  close(twoSidedZ(0.9), 1.6448536269514722, 1e-8);
  for (const p of [0, 1, -0.1, Number.NaN]) assert.throws(() => normalQuantile(p), RefineryError);
  for (const c of [0.4, 1, Number.NaN]) assert.throws(() => twoSidedZ(c), RefineryError);
});

test('Wilson interval matches Newcombe (1998a) worked examples', () => {
  const cases: [number, number, number, number][] = [
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ];
  for (const [x, n, lower, upper] of cases) {
    const interval = wilsonInterval(x, n, 1.96);
    close(interval.lower, lower, 5e-5, `${x}/${n} lower`);
    close(interval.upper, upper, 5e-5, `${x}/${n} upper`);
  }
  assert.deepEqual(wilsonInterval(0, 0, 1.96), { lower: 0, upper: 1 });
});

test('Newcombe hybrid score interval (method 10) matches the published table', () => {
  const cases: [number, number, number, number, number, number][] = [
    [56, 70, 48, 80, 0.0524, 0.3339],
    [9, 10, 3, 10, 0.1705, 0.809],
    [6, 7, 2, 7, 0.0582, 0.8062],
    [5, 56, 0, 29, -0.0381, 0.1926],
    [0, 10, 0, 20, -0.1611, 0.2775],
    [10, 10, 0, 20, 0.6791, 1],
    [10, 10, 0, 10, 0.6075, 1],
  ];
  // Published to 4 decimals (one value looks truncated rather than rounded): compare to 1e-4.
  for (const [x1, n1, x2, n2, lower, upper] of cases) {
    const interval = newcombeInterval(x1, n1, x2, n2, 1.96);
    close(interval.lower, lower, 1e-4, `${x1}/${n1} - ${x2}/${n2} lower`);
    close(interval.upper, upper, 1e-4, `${x1}/${n1} - ${x2}/${n2} upper`);
  }
});

test('Welch interval: difference of means +/- z * sqrt(v1/n1 + v2/n2)', () => {
  const interval = welchInterval({ n: 40, mean: 12, variance: 16 }, { n: 50, mean: 10, variance: 25 }, 1.96);
  const se = Math.sqrt(16 / 40 + 25 / 50);
  close(interval.standardError, se, 1e-12);
  close(interval.lower, 2 - 1.96 * se, 1e-12);
  close(interval.upper, 2 + 1.96 * se, 1e-12);
  const empty = welchInterval({ n: 0, mean: 0, variance: 0 }, { n: 0, mean: 0, variance: 0 }, 1.96);
  assert.deepEqual(empty, { lower: 0, upper: 0, standardError: 0 });
});
