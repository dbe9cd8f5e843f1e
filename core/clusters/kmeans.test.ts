import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assignAll, countDistinct, fitBestOfStarts, kmeansPlusPlus, refine } from './kmeans.ts';
import { mulberry32 } from '../prng.ts';

function blobs(perBlob: number, centres: number[][], spread: number, seed: number): number[][] {
  const random = mulberry32(seed);
  const points: number[][] = [];
  for (let i = 0; i < perBlob; i++) for (const centre of centres) points.push(centre.map((x) => x + (random() - 0.5) * spread));
  return points;
}

test('kmeans++ seeding picks distinct points, deterministically', () => {
  const points = blobs(50, [[0, 0], [10, 10], [0, 10]], 1, 1);
  const a = kmeansPlusPlus(points, 3, mulberry32(5));
  assert.deepEqual(a, kmeansPlusPlus(points, 3, mulberry32(5)));
  assert.equal(new Set(a.map((c) => c.join())).size, 3);
  // With 3 far-apart blobs, seeding lands one centre in each.
  const labels = assignAll(a, [[0, 0], [10, 10], [0, 10]]).labels;
  assert.deepEqual([...labels].sort(), [0, 1, 2]);
  const duplicates = [[1, 1], [1, 1], [2, 2]];
  assert.equal(kmeansPlusPlus(duplicates, 3, mulberry32(1)).length, 3, 'fewer distinct points than k still gives k centres');
});

test('best of starts keeps the lowest WCSS, computed against the final centroids', () => {
  const points = blobs(40, [[0, 0], [6, 0], [0, 6], [6, 6]], 2, 2);
  const fit = fitBestOfStarts(points, 4, { starts: 5, seed: 3, maxIterations: 100 });
  const single = [0, 1, 2, 3, 4].map((s) => fitBestOfStarts(points, 4, { starts: 1, seed: 1000 + s, maxIterations: 100 }).wcss);
  const again = fitBestOfStarts(points, 4, { starts: 5, seed: 3, maxIterations: 100 });
  assert.deepEqual(again, fit);
  const check = assignAll(points, fit.centroids);
  assert.deepEqual(check.labels, fit.labels);
  assert.ok(Math.abs(check.wcss - fit.wcss) < 1e-9);
  assert.ok(fit.wcss <= Math.max(...single) + 1e-9);
  // 4 blobs of 40 points, uniform in a 2x2 square: WCSS about 160 * 2 * (4 / 12).
  assert.ok(fit.wcss < 160, `wcss ${fit.wcss}`);
});

test('a warm start wins when it is as good, and refine keeps converged centroids', () => {
  const points = blobs(30, [[0, 0], [8, 8]], 1, 4);
  const cold = fitBestOfStarts(points, 2, { starts: 3, seed: 1, maxIterations: 100 });
  const warm = fitBestOfStarts(points, 2, { starts: 3, seed: 1, maxIterations: 100, warmStart: cold.centroids });
  assert.equal(warm.start, 'warm');
  assert.ok(Math.abs(warm.wcss - cold.wcss) < 1e-9);
  const refined = refine(points, cold.centroids, 10);
  assert.ok(Math.abs(refined.wcss - cold.wcss) < 1e-9);
  assert.throws(() => fitBestOfStarts(points, 61, { starts: 1, seed: 1, maxIterations: 10 }), /k must be/);
});

test('countDistinct stops at the limit', () => {
  assert.equal(countDistinct([[1], [1], [2], [3], [4]], 10), 4);
  assert.equal(countDistinct([[1], [1], [2], [3], [4]], 2), 2);
});
