import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mulberry32 } from '../prng.ts';
import { medianInPlace, quantileSorted, quantilesInPlace, selectInPlace } from './stats.ts';

/** Random arrays with many ties, negatives and a few extremes, of sizes around the cut-overs. */
function samples(): Float64Array[] {
  const random = mulberry32(11);
  const out: Float64Array[] = [];
  for (const n of [1, 2, 3, 4, 5, 15, 16, 17, 64, 65, 100, 1001, 5000]) {
    for (const ties of [2, 50, 1e9]) {
      out.push(Float64Array.from({ length: n }, () => (random() < 0.01 ? (random() - 0.5) * 1e12 : Math.floor((random() - 0.3) * ties))));
    }
  }
  out.push(new Float64Array(3000).fill(7));
  out.push(Float64Array.from({ length: 3000 }, (_, i) => i));
  out.push(Float64Array.from({ length: 3000 }, (_, i) => 3000 - i));
  return out;
}

test('quantilesInPlace gives exactly what sorting and quantileSorted give', () => {
  const qs = [0.75, 0.25, 0.5, 0, 1, 0.1];
  for (const values of samples()) {
    const sorted = Float64Array.from(values).sort();
    const expected = qs.map((q) => quantileSorted(sorted, q));
    assert.deepEqual(quantilesInPlace(Float64Array.from(values), qs), expected);
  }
  assert.deepEqual(quantilesInPlace(new Float64Array(0), [0.5]), [Number.NaN]);
});

test('selectInPlace puts the k-th smallest at k, smaller before, larger after', () => {
  for (const values of samples()) {
    const sorted = Float64Array.from(values).sort();
    for (const k of [0, values.length >> 1, values.length - 1]) {
      const copy = Float64Array.from(values);
      selectInPlace(copy, k);
      assert.equal(copy[k], sorted[k]);
      for (let i = 0; i < k; i++) assert.ok((copy[i] as number) <= (copy[k] as number));
      for (let i = k + 1; i < copy.length; i++) assert.ok((copy[i] as number) >= (copy[k] as number));
    }
  }
});

test('medianInPlace is the middle value, or the mean of the two middle values', () => {
  for (const values of samples()) {
    const sorted = Float64Array.from(values).sort();
    const mid = Math.floor(sorted.length / 2);
    const expected = sorted.length % 2 === 1 ? sorted[mid] : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
    assert.equal(medianInPlace(Float64Array.from(values)), expected);
  }
  assert.equal(medianInPlace(new Float64Array(0)), null);
});
