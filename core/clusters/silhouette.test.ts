import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mulberry32 } from '../prng.ts';
import { meanSilhouette, sampleDistances } from './silhouette.ts';

function naiveSilhouette(points: number[][], labels: number[]): number {
  const distance = (a: number[], b: number[]) => Math.sqrt(a.reduce((s, x, i) => s + (x - (b[i] as number)) ** 2, 0));
  const clusters = [...new Set(labels)];
  let total = 0;
  points.forEach((p, i) => {
    const own = labels[i] as number;
    const mean = (c: number, excludeSelf: boolean) => {
      const others = points.filter((_, j) => labels[j] === c && !(excludeSelf && j === i));
      return others.length === 0 ? 0 : others.reduce((s, q) => s + distance(p, q), 0) / others.length;
    };
    if (labels.filter((l) => l === own).length <= 1) return;
    const a = mean(own, true);
    const b = Math.min(...clusters.filter((c) => c !== own).map((c) => mean(c, false)));
    total += (b - a) / Math.max(a, b);
  });
  return total / points.length;
}

test('matches the textbook definition on random data', () => {
  const random = mulberry32(3);
  const points = Array.from({ length: 60 }, () => [random() * 10, random() * 10, random()]);
  const labels = points.map((p) => (p[0]! < 3 ? 0 : p[1]! < 5 ? 1 : 2));
  const fast = meanSilhouette(sampleDistances(points), labels, 3);
  assert.ok(fast !== null && Math.abs(fast - naiveSilhouette(points, labels)) < 1e-12);
});

test('well separated clusters score near 1, a singleton scores 0, one cluster is undefined', () => {
  const points = [[0, 0], [0, 0.1], [10, 10], [10, 10.1], [50, 50]];
  const distances = sampleDistances(points);
  const score = meanSilhouette(distances, [0, 0, 1, 1, 2], 3);
  assert.ok(score !== null && score > 0.78 && score < 0.8, `score ${score}`); // 4 points near 1, the singleton 0
  assert.equal(meanSilhouette(distances, [0, 0, 0, 0, 0], 3), null);
  assert.throws(() => meanSilhouette(distances, [0, 1], 2), /one label per sample point/);
});
