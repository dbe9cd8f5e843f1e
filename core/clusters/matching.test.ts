import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hungarian, matchCentroids } from './matching.ts';
import { mulberry32 } from '../prng.ts';

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
}

test('hungarian finds the minimum-cost assignment (checked by brute force)', () => {
  const random = mulberry32(11);
  for (let trial = 0; trial < 30; trial++) {
    const n = 1 + (trial % 6);
    const cost = Array.from({ length: n }, () => Array.from({ length: n }, () => Math.round(random() * 100)));
    const assignment = hungarian(cost);
    const total = assignment.reduce((s, c, r) => s + (cost[r]?.[c] ?? 0), 0);
    const best = Math.min(...permutations(n).map((p) => p.reduce((s, c, r) => s + (cost[r]?.[c] ?? 0), 0)));
    assert.equal(total, best);
    assert.equal(new Set(assignment).size, n);
  }
});

test('hungarian handles rectangular matrices both ways', () => {
  assert.deepEqual(hungarian([[5, 1, 9]]), [1]);
  assert.deepEqual(hungarian([[5], [1], [9]]), [-1, 0, -1]);
  assert.deepEqual(hungarian([]), []);
});

test('matchCentroids keeps pairs whose previous centroid still falls in the new cluster', () => {
  const previous = [
    [0, 0],
    [10, 0],
    [0, 10],
  ];
  // New order differs; one old cluster (0, 10) is gone, a new one at (20, 20) appears.
  const current = [
    [10.5, 0],
    [20, 20],
    [0.1, -0.2],
  ];
  assert.deepEqual(matchCentroids(previous, current), [1, -1, 0]);
  assert.deepEqual(matchCentroids(previous, current, { maxDistance: 0.3 }), [-1, -1, 0]);
  // Missing coordinates (a feature the previous model lacked) are left out of the distance.
  assert.deepEqual(matchCentroids([[null, 0], [null, 10]], [[99, 10], [-99, 0]]), [1, 0]);
  assert.deepEqual(matchCentroids([], current), [-1, -1, -1]);
});
