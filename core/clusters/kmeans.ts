// k-means fits through ml-kmeans, with what it lacks: several seeded kmeans++ starts keeping the
// lowest within-cluster sum of squares (WCSS), and WCSS itself. ml-kmeans' own labels belong to
// the centroids of the step before the last, so labels and WCSS are recomputed here against the
// final centroids. 'mostDistant' initialisation is never used: it builds an n x n matrix.
//
// The kmeans++ seeding is done here (greedy kmeans++, as scikit-learn does it: 2 + ln k candidate
// centres per step, keep the one that lowers the potential most), with the core PRNG, and the
// centres are handed to ml-kmeans as its initialisation; ml-kmeans runs the Lloyd iterations.
// ml-kmeans' own 'kmeans++' does the same through ml-matrix row copies and costs ~20 ms per start
// on 2,000 points (several starts x nine values of k made that the bulk of a run); this one
// costs well under a millisecond, and its randomness is visibly ours.
import { kmeans } from 'ml-kmeans';
import { deriveSeed, mulberry32 } from '../prng.ts';

export interface KmeansFit {
  k: number;
  centroids: number[][];
  /** Nearest centroid of each point (ties: the lower index). */
  labels: Int32Array;
  wcss: number;
  /** Which start won: 0..starts-1 for kmeans++ starts, 'warm' for given centroids (and `refine`). */
  start: number | 'warm';
  iterations: number;
}

export function squaredDistance(a: readonly number[], b: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const delta = (a[i] as number) - (b[i] as number);
    sum += delta * delta;
  }
  return sum;
}

/** Index of the nearest centroid (lowest index on ties) and the squared distance to it. */
export function nearestCentroid(point: readonly number[], centroids: readonly (readonly number[])[]): { index: number; distance: number } {
  let index = -1;
  let distance = Number.POSITIVE_INFINITY;
  for (let c = 0; c < centroids.length; c++) {
    const d = squaredDistance(point, centroids[c] as number[]);
    if (d < distance) {
      distance = d;
      index = c;
    }
  }
  return { index, distance };
}

/** Labels and WCSS of points against fixed centroids. */
export function assignAll(points: readonly (readonly number[])[], centroids: readonly (readonly number[])[]): { labels: Int32Array; wcss: number } {
  const labels = new Int32Array(points.length);
  let wcss = 0;
  for (let i = 0; i < points.length; i++) {
    const { index, distance } = nearestCentroid(points[i] as number[], centroids);
    labels[i] = index;
    wcss += distance;
  }
  return { labels, wcss };
}

/**
 * `assignAll` of points stored flat, row by row (`width` numbers each): the same labels and WCSS
 * (the same sums in the same order), without an array per point.
 */
export function assignAllFlat(data: Float64Array, width: number, centroids: readonly (readonly number[])[]): { labels: Int32Array; wcss: number } {
  const n = width === 0 ? 0 : data.length / width;
  const k = centroids.length;
  const flat = new Float64Array(k * width);
  centroids.forEach((centroid, c) => {
    for (let d = 0; d < width; d++) flat[c * width + d] = centroid[d] as number;
  });
  const labels = new Int32Array(n);
  let wcss = 0;
  for (let i = 0; i < n; i++) {
    const base = i * width;
    let index = -1;
    let distance = Number.POSITIVE_INFINITY;
    for (let c = 0; c < k; c++) {
      const cb = c * width;
      let sum = 0;
      for (let d = 0; d < width; d++) {
        const delta = (data[base + d] as number) - (flat[cb + d] as number);
        sum += delta * delta;
      }
      if (sum < distance) {
        distance = sum;
        index = c;
      }
    }
    labels[i] = index;
    wcss += distance;
  }
  return { labels, wcss };
}

/** Number of distinct points, counting no further than `limit`. */
export function countDistinct(points: readonly (readonly number[])[], limit: number): number {
  const seen = new Set<string>();
  for (const point of points) {
    seen.add(point.join(','));
    if (seen.size >= limit) break;
  }
  return seen.size;
}

export interface FitOptions {
  /** kmeans++ starts (findClusters uses 3 by default). */
  starts: number;
  seed: number;
  maxIterations: number;
  /** Extra starts from given centroids (e.g. the previous run's), tried after the kmeans++ starts. */
  warmStart?: number[][] | null;
  /**
   * A warm start is kept when its WCSS is within this fraction of the best kmeans++ start
   * (default 0.01): the same solution as last time is preferred to an almost identical new one.
   */
  warmTolerance?: number;
}

/**
 * Greedy kmeans++ seeding: k centres drawn from the points, each with probability proportional
 * to its squared distance to the nearest centre so far (best of 2 + ln k draws). Needs at least k
 * distinct points to give k distinct centres.
 */
export function kmeansPlusPlus(points: readonly (readonly number[])[], k: number, random: () => number): number[][] {
  const n = points.length;
  if (n === 0 || k < 1) return [];
  const trials = 2 + Math.floor(Math.log(k));
  const first = Math.min(n - 1, Math.floor(random() * n));
  const centres: number[][] = [[...(points[first] as number[])]];
  let closest: Float64Array = new Float64Array(n);
  let potential = 0;
  for (let i = 0; i < n; i++) {
    const d = squaredDistance(points[i] as number[], points[first] as number[]);
    closest[i] = d;
    potential += d;
  }
  for (let c = 1; c < k; c++) {
    let bestIndex = -1;
    let bestPotential = Number.POSITIVE_INFINITY;
    let bestClosest: Float64Array | null = null as Float64Array | null;
    for (let t = 0; t < trials; t++) {
      const index = drawByWeight(closest, potential, random());
      if (index < 0) break;
      const candidate = points[index] as number[];
      const next = new Float64Array(n);
      let total = 0;
      for (let i = 0; i < n; i++) {
        const d = Math.min(closest[i] as number, squaredDistance(points[i] as number[], candidate));
        next[i] = d;
        total += d;
      }
      if (total < bestPotential) {
        bestIndex = index;
        bestPotential = total;
        bestClosest = next;
      }
    }
    if (bestIndex < 0 || bestClosest === null) {
      // Every point sits on a centre already (fewer distinct points than k): repeat a point.
      centres.push([...(points[c % n] as number[])]);
      continue;
    }
    centres.push([...(points[bestIndex] as number[])]);
    closest = bestClosest;
    potential = bestPotential;
  }
  return centres;
}

/** Index drawn with probability weight/total (u in [0, 1)); -1 when every weight is 0. */
function drawByWeight(weights: Float64Array, total: number, u: number): number {
  if (!(total > 0)) return -1;
  const target = u * total;
  let cumulative = 0;
  let last = -1;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i] as number;
    if (w <= 0) continue;
    cumulative += w;
    last = i;
    if (cumulative > target) return i;
  }
  return last;
}

function fitOnce(points: number[][], k: number, initialization: 'kmeans++' | number[][], seed: number, maxIterations: number) {
  const centres = initialization === 'kmeans++' ? kmeansPlusPlus(points, k, mulberry32(seed)) : initialization;
  const result = kmeans(points, k, { initialization: centres, maxIterations });
  const { labels, wcss } = assignAll(points, result.centroids);
  return { centroids: result.centroids, labels, wcss, iterations: result.iterations };
}

/**
 * Best of several seeded kmeans++ starts (lowest WCSS; ties: the earlier start). The caller makes
 * sure there are at least k distinct points (kmeans++ cannot pick k distinct centres otherwise).
 */
export function fitBestOfStarts(points: number[][], k: number, options: FitOptions): KmeansFit {
  if (!Number.isInteger(k) || k < 1 || k > points.length) throw new RangeError(`k must be in 1..${points.length}: ${k}`);
  let best: KmeansFit | null = null;
  const starts = Math.max(1, Math.floor(options.starts));
  for (let start = 0; start < starts; start++) {
    const fit = fitOnce(points, k, 'kmeans++', deriveSeed(options.seed, k, start), options.maxIterations);
    if (best === null || fit.wcss < best.wcss) best = { k, start, ...fit };
  }
  const warm = options.warmStart;
  if (warm != null && warm.length === k && best !== null) {
    const fit = fitOnce(points, k, warm.map((c) => [...c]), 0, options.maxIterations);
    if (fit.wcss <= best.wcss * (1 + (options.warmTolerance ?? 0.01))) best = { k, start: 'warm', ...fit };
  }
  if (best === null) throw new Error('unreachable: no k-means start ran');
  return best;
}

/** Lloyd iterations on all points from given centroids (one run, no restarts). */
export function refine(points: number[][], centroids: number[][], maxIterations: number): KmeansFit {
  const fit = fitOnce(points, centroids.length, centroids.map((c) => [...c]), 0, maxIterations);
  return { k: centroids.length, start: 'warm', ...fit };
}
