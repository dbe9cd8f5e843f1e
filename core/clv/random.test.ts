import assert from 'node:assert/strict';
import { test } from 'node:test';
import { beta, createRandom, gamma } from './random.ts';

test('the same seed gives the same sequence; different seeds differ', () => {
  const a = createRandom(42);
  const b = createRandom(42);
  const c = createRandom(43);
  const sa = Array.from({ length: 5 }, () => a.next());
  assert.deepEqual(sa, Array.from({ length: 5 }, () => b.next()));
  assert.notDeepEqual(sa, Array.from({ length: 5 }, () => c.next()));
  for (const v of sa) assert.ok(v >= 0 && v < 1);
});

test('uniform, gamma and beta have the right moments', () => {
  const rng = createRandom(7);
  const n = 100_000;
  let u = 0;
  for (let i = 0; i < n; i += 1) u += rng.next() / n;
  assert.ok(Math.abs(u - 0.5) < 0.005, `uniform mean ${u}`);
  for (const [shape, rate] of [
    [0.24, 4.41],
    [1, 2],
    [6.25, 0.5],
  ] as const) {
    let m = 0;
    let m2 = 0;
    for (let i = 0; i < n; i += 1) {
      const g = gamma(rng, shape, rate);
      m += g / n;
      m2 += (g * g) / n;
    }
    const mean = shape / rate;
    const variance = shape / rate ** 2;
    assert.ok(Math.abs(m - mean) < 0.03 * mean, `gamma(${shape}) mean ${m} vs ${mean}`);
    assert.ok(Math.abs(m2 - m * m - variance) < 0.08 * variance, `gamma(${shape}) variance ${m2 - m * m} vs ${variance}`);
  }
  let bm = 0;
  for (let i = 0; i < n; i += 1) bm += beta(rng, 0.79, 2.43) / n;
  assert.ok(Math.abs(bm - 0.79 / (0.79 + 2.43)) < 0.005, `beta mean ${bm}`);
});
