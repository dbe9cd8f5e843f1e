// Customer clusters: k-means (ml-kmeans) on robust-scaled features, k chosen from the data, stable
// identities from one run to the next, each cluster named and explained in words.
//
// How a run goes (all deterministic for the same rows, options and seed):
// 1. Only people with at least one counted order are clustered. Below `minPeople` of them no
//    clusters are made: the run returns `{ status: 'skipped', reason }`.
// 2. Rows are sorted by person id (input order does not matter), scaled (core/features/scaler.ts).
// 3. A fixed-size sample (default 2,000) is drawn by seeded hash of the person id: the people
//    with the smallest hashes. For every k in the range (default 2..10), several seeded kmeans++
//    starts (default 3) run on the sample and the lowest WCSS is kept; with a previous model of k
//    clusters, its centroids are one more start. The mean silhouette of the sample (distances
//    computed once, O(s^2), never O(n^2)) picks k; ties go to the smaller k, and the previous k is
//    kept while its silhouette is within `stickiness` of the best.
// 4. The chosen centroids are refined by Lloyd iterations (ml-kmeans) on a larger fixed-size
//    sample (default 20,000, the next people in the same hash order, so it contains the first
//    sample; everyone when there are no more people than that), then every clustered person is
//    assigned to the nearest refined centroid, and WCSS is computed on all of them. Centroids
//    from 20,000 people differ from those of 100,000 by far less than the clusters' spread, and
//    the cost stays fixed as the store grows. Clusters left empty are dropped. Clusters are
//    ordered largest first.
// 5. New centroids are matched to the previous model's (core/clusters/matching.ts): a match keeps
//    the id and the name; other clusters get new ids and names unique within the run.
// 6. Each cluster is explained from its top 3 distinguishing features (core/clusters/explain.ts).
import { featureInfo, isCategoryFeature, isFeatureName, type BaseFeatureName, type FeatureName, type FeatureRow } from '../features/feature-names.ts';
import { fitScalerOnColumns, mapBetweenScalers, rawColumns, scaleRawColumns, type ScaleColumnSpec } from '../features/scaler.ts';
import { compareStrings } from '../instant.ts';
import {
  clusterIdOf,
  createClusterAssigner,
  isClusterable,
  type ClusterAssignment,
  type ClusterEntry,
  type ClusterModel,
} from './cluster-model.ts';
import { describeClusters, nameClusters, type Highlight } from './explain.ts';
import { assignAllFlat, countDistinct, fitBestOfStarts, refine, type KmeansFit } from './kmeans.ts';
import { matchCentroids } from './matching.ts';
import { hashSample } from '../prng.ts';
import { meanSilhouette, sampleDistances } from './silhouette.ts';

export interface ClusterOptions {
  /** Seed of every random choice (sample, kmeans++ starts). */
  seed: number;
  /** Fewest people with orders to make clusters (default 50). */
  minPeople?: number;
  /** Candidate numbers of clusters, inclusive (default [2, 10]). */
  kRange?: readonly [number, number];
  /** kmeans++ starts per k (default 3). */
  starts?: number;
  /** Size of the sample k is chosen on and the silhouette is computed on (default 2,000). */
  sampleSize?: number;
  /** Size of the sample the chosen centroids are refined on before everyone is assigned (default 20,000). */
  refineSampleSize?: number;
  /** Lloyd iterations per fit (default 100). */
  maxIterations?: number;
  /** Columns to cluster on (default: `defaultClusterColumns`). */
  columns?: readonly (FeatureName | ScaleColumnSpec)[];
  /** Clip of the scaler, in IQR units (default 5; null: none). */
  clip?: number | null;
  /** The previous run's model, for stable ids and names. */
  previous?: ClusterModel | null;
  /** Keep the previous k while its silhouette is within this of the best (default 0.02). */
  stickiness?: number;
  /** Matched centroids must also be at most this far apart, in scaled space (default: no limit). */
  maxMatchDistance?: number | null;
}

export const CLUSTER_DEFAULTS = {
  minPeople: 50,
  kRange: [2, 10] as const,
  starts: 3,
  sampleSize: 2000,
  refineSampleSize: 10_000,
  maxIterations: 100,
  stickiness: 0.02,
};

/** Base features clustered on by default (others: in the table, not in the distance). */
export const DEFAULT_CLUSTER_FEATURES: readonly BaseFeatureName[] = [
  'recencyDays',
  'frequency',
  'monetaryTotal',
  'averageOrderValue',
  'tenureDays',
  'meanDaysBetween',
  'discountedShare',
  'refundRate',
  'categoryOtherShare',
  'emailOpenRate',
  'emailClickRate',
  'emailOptOut',
  'visits',
  'storefrontVisits',
  'cartAddsWithoutPurchase',
];

/** Features whose missing-value indicator is clustered on: one for email, one for web analytics, one for the storefront. */
const DEFAULT_INDICATORS: ReadonlySet<FeatureName> = new Set<FeatureName>(['emailOpenRate', 'visits', 'storefrontVisits']);

/**
 * The default columns for these rows: the default features plus every `category:*` feature the
 * rows carry, leaving out columns with no known value at all among them. The category columns
 * (kept types and other) share a weight of 1/sqrt(count), so the category mix as a whole counts
 * about as much as one feature.
 */
export function defaultClusterColumns(rows: readonly FeatureRow[]): ScaleColumnSpec[] {
  // Rows of one table share their keys: the first row names the columns.
  const present = rows.length === 0 ? [] : Object.keys((rows[0] as FeatureRow).values);
  const known = (name: FeatureName): boolean => rows.some((row) => row.values[name] != null);
  const categories = present.filter((name) => isCategoryFeature(name)).sort(compareStrings) as FeatureName[];
  const features: FeatureName[] = [];
  for (const name of DEFAULT_CLUSTER_FEATURES) {
    if (name === 'categoryOtherShare') features.push(...categories.filter(known));
    if (known(name)) features.push(name);
  }
  const categoryColumns = features.filter((name) => isCategoryFeature(name) || name === 'categoryOtherShare').length;
  return features.map((feature) => ({
    feature,
    missingIndicator: DEFAULT_INDICATORS.has(feature),
    weight: isCategoryFeature(feature) || feature === 'categoryOtherShare' ? 1 / Math.sqrt(categoryColumns) : 1,
  }));
}

export type SkipCode = 'TOO_FEW_PEOPLE' | 'NO_VARIATION';

export interface ClusterRunSkipped {
  status: 'skipped';
  reason: { code: SkipCode; message: string };
  people: number;
  peopleWithOrders: number;
  minPeople: number;
}

export interface ClusterSummary {
  id: string;
  name: string;
  size: number;
  /** Share of clustered people. */
  share: number;
  explanation: string;
  highlights: Highlight[];
  /** The id was carried over from the previous model. */
  matchedPrevious: boolean;
}

export interface KCandidate {
  k: number;
  /** Mean silhouette of the sample; null when undefined (one cluster in the sample). */
  silhouette: number | null;
  /** WCSS of the best start, on the sample. */
  sampleWcss: number;
  /** Which start won ('warm': the previous model's centroids). */
  start: number | 'warm';
}

export interface ClusterReport {
  k: number;
  /** Mean silhouette of the final clusters on the sample. */
  silhouette: number;
  /** Within-cluster sum of squares over all clustered people, in scaled space. */
  wcss: number;
  people: number;
  clusteredPeople: number;
  /** People without a counted order: not clustered. */
  unclusteredPeople: number;
  sampleSize: number;
  candidates: KCandidate[];
  chosenBy: 'silhouette' | 'previous-k';
  columns: string[];
  clusters: ClusterSummary[];
  /** Previous cluster ids no new cluster continues. */
  retiredClusterIds: string[];
  /** Clustered people whose cluster id changed since the previous model (by re-assigning them to it). */
  movedPeople: number | null;
}

export interface ClusterRunDone {
  status: 'clustered';
  model: ClusterModel;
  report: ClusterReport;
  /** Every clustered person, by person id. */
  memberships: { personId: string; clusterId: string }[];
  /** Nearest cluster of one person (null without orders); same as `createClusterAssigner(model)`. */
  assign(row: FeatureRow): ClusterAssignment | null;
}

export type ClusterRun = ClusterRunSkipped | ClusterRunDone;

function positiveInteger(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${what} must be a positive integer: ${value}`);
  return value;
}

function compareVectors(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return 0;
}

/** Find, name and explain clusters among the people of `rows` who have orders. */
export function findClusters(rows: readonly FeatureRow[], options: ClusterOptions): ClusterRun {
  const minPeople = positiveInteger(options.minPeople ?? CLUSTER_DEFAULTS.minPeople, 'minPeople');
  const [kMin, kMax] = options.kRange ?? CLUSTER_DEFAULTS.kRange;
  positiveInteger(kMin, 'kRange[0]');
  positiveInteger(kMax, 'kRange[1]');
  if (kMin < 2 || kMax < kMin) throw new RangeError(`kRange must satisfy 2 <= min <= max: ${kMin}..${kMax}`);
  const starts = positiveInteger(options.starts ?? CLUSTER_DEFAULTS.starts, 'starts');
  const sampleSize = positiveInteger(options.sampleSize ?? CLUSTER_DEFAULTS.sampleSize, 'sampleSize');
  const refineSampleSize = positiveInteger(options.refineSampleSize ?? CLUSTER_DEFAULTS.refineSampleSize, 'refineSampleSize');
  const maxIterations = positiveInteger(options.maxIterations ?? CLUSTER_DEFAULTS.maxIterations, 'maxIterations');
  const stickiness = options.stickiness ?? CLUSTER_DEFAULTS.stickiness;
  const seed = options.seed >>> 0;
  const previous = options.previous ?? null;

  const eligible = rows.filter((row) => isClusterable(row.values)).sort((a, b) => compareStrings(a.personId, b.personId));
  const n = eligible.length;
  const skipped = (code: SkipCode, message: string): ClusterRunSkipped => ({
    status: 'skipped',
    reason: { code, message },
    people: rows.length,
    peopleWithOrders: n,
    minPeople,
  });
  if (n < minPeople) {
    return skipped('TOO_FEW_PEOPLE', `${n} people with orders; clusters need at least ${minPeople}.`);
  }

  const columns = options.columns ?? defaultClusterColumns(eligible);
  for (const column of columns) {
    const name = typeof column === 'string' ? column : column.feature;
    if (!isFeatureName(name)) throw new RangeError(`Unknown feature: ${String(name)}`);
  }
  // The clustered features' raw values, read from the rows once: for the scaler, the points and
  // the explanations.
  const raw = rawColumns(
    eligible,
    columns.map((column) => (typeof column === 'string' ? column : column.feature)),
  );
  const scaler = fitScalerOnColumns(raw, columns, { clip: options.clip });
  // Everyone's scaled vector in one flat array; plain arrays (what ml-kmeans takes) only for the
  // people in the samples.
  const scaled = scaleRawColumns(scaler.model, raw);
  const width = scaled.width;
  const pointOf = (i: number): number[] => Array.from(scaled.data.subarray(i * width, (i + 1) * width));

  // One hash order: its first sampleSize people choose k, its first refineSize refine the centroids.
  const refineSize = Math.max(sampleSize, refineSampleSize);
  const hashOrder = hashSample(
    eligible.map((row) => row.personId),
    refineSize,
    seed,
  );
  const sampleIndex = hashOrder.slice(0, sampleSize);
  const sample = sampleIndex.map(pointOf);
  const distinct = countDistinct(sample, kMax + 1);
  const kHigh = Math.min(kMax, distinct, sample.length - 1);
  if (distinct < 2 || kHigh < kMin) {
    return skipped('NO_VARIATION', `The people with orders do not differ enough on the clustered features for ${kMin} clusters.`);
  }

  const previousInSpace =
    previous === null ? [] : previous.clusters.map((cluster) => mapBetweenScalers(previous.scaler, scaler.model, cluster.centroid));
  const warmStart = previousInSpace.length === 0 ? null : previousInSpace.map((centroid) => centroid.map((value) => value ?? 0));

  const distances = sampleDistances(sample);
  const fits = new Map<number, KmeansFit>();
  const candidates: KCandidate[] = [];
  for (let k = kMin; k <= kHigh; k++) {
    const fit = fitBestOfStarts(sample, k, { starts, seed, maxIterations, warmStart });
    fits.set(k, fit);
    candidates.push({ k, silhouette: meanSilhouette(distances, fit.labels, k), sampleWcss: fit.wcss, start: fit.start });
  }
  let best: KCandidate | null = null;
  for (const candidate of candidates) {
    if (candidate.silhouette === null) continue;
    if (best === null || best.silhouette === null || candidate.silhouette > best.silhouette) best = candidate;
  }
  let chosenBy: ClusterReport['chosenBy'] = 'silhouette';
  const previousK = previous?.clusters.length ?? 0;
  const sticky = candidates.find((c) => c.k === previousK && c.silhouette !== null);
  if (best !== null && sticky !== undefined && sticky !== best && (sticky.silhouette as number) >= (best.silhouette as number) - stickiness) {
    best = sticky;
    chosenBy = 'previous-k';
  }
  if (best === null) {
    return skipped('NO_VARIATION', 'No number of clusters gave a defined silhouette on the sample.');
  }
  const chosen = fits.get(best.k) as KmeansFit;

  // Refine on the larger sample (everyone in a small store), assign everyone, drop empty
  // clusters, order largest first (ties: by centroid).
  const refinePoints =
    n <= refineSize ? Array.from({ length: n }, (_, i) => pointOf(i)) : [...sample, ...hashOrder.slice(sampleSize).map(pointOf)];
  const refined = n > sample.length ? refine(refinePoints, chosen.centroids, maxIterations).centroids : chosen.centroids;
  const firstPass = assignAllFlat(scaled.data, width, refined);
  const sizes = new Array<number>(refined.length).fill(0);
  for (const label of firstPass.labels) sizes[label] = (sizes[label] as number) + 1;
  const order = refined
    .map((centroid, index) => ({ centroid, index, size: sizes[index] as number }))
    .filter((c) => c.size > 0)
    .sort((a, b) => b.size - a.size || compareVectors(a.centroid, b.centroid));
  const centroids = order.map((c) => c.centroid);
  const { labels, wcss } = assignAllFlat(scaled.data, width, centroids);
  const k = centroids.length;
  const finalSizes = new Array<number>(k).fill(0);
  for (const label of labels) finalSizes[label] = (finalSizes[label] as number) + 1;
  const sampleLabels = Int32Array.from(sampleIndex, (i) => labels[i] as number);
  const silhouette = meanSilhouette(distances, sampleLabels, k) ?? 0;

  // Identities.
  const matches = matchCentroids(previousInSpace, centroids, { maxDistance: options.maxMatchDistance ?? null });
  let nextId = Math.max(1, previous?.nextId ?? 1);
  const ids = matches.map((old) => (old >= 0 ? (previous?.clusters[old]?.id as string) : clusterIdOf(nextId++)));
  const keptNames = matches.map((old) => (old >= 0 ? (previous?.clusters[old]?.name ?? null) : null));
  const matchedOld = new Set(matches.filter((old) => old >= 0));
  const retiredClusterIds = (previous?.clusters ?? []).filter((_, index) => !matchedOld.has(index)).map((c) => c.id);

  const descriptions = describeClusters(
    eligible,
    labels,
    k,
    scaler.model.columns.map((c) => ({ feature: c.feature, transform: c.transform, missingIndicator: c.missingIndicator })),
    raw,
  );
  const names = nameClusters(descriptions, keptNames);

  const entries: ClusterEntry[] = centroids.map((centroid, index) => ({
    id: ids[index] as string,
    name: names[index] as string,
    centroid,
    size: finalSizes[index] as number,
  }));
  const model: ClusterModel = { kind: 'cluster-model', version: 1, scaler: scaler.model, clusters: entries, nextId };
  const memberships = eligible.map((row, i) => ({ personId: row.personId, clusterId: ids[labels[i] as number] as string }));

  let movedPeople: number | null = null;
  if (previous !== null && previous.clusters.length > 0) {
    const before = createClusterAssigner(previous);
    movedPeople = 0;
    eligible.forEach((row, i) => {
      if (before.assign(row)?.clusterId !== memberships[i]?.clusterId) movedPeople = (movedPeople ?? 0) + 1;
    });
  }

  const assigner = createClusterAssigner(model);
  return {
    status: 'clustered',
    model,
    memberships,
    assign: (row) => assigner.assign(row),
    report: {
      k,
      silhouette,
      wcss,
      people: rows.length,
      clusteredPeople: n,
      unclusteredPeople: rows.length - n,
      sampleSize: sample.length,
      candidates,
      chosenBy,
      columns: scaler.model.outputNames,
      clusters: entries.map((entry, index) => ({
        id: entry.id,
        name: entry.name,
        size: entry.size,
        share: entry.size / n,
        explanation: descriptions[index]?.explanation ?? '',
        highlights: descriptions[index]?.highlights ?? [],
        matchedPrevious: (matches[index] ?? -1) >= 0,
      })),
      retiredClusterIds,
      movedPeople,
    },
  };
}

/** The meaning of each clustered column, for reports ("what the clusters were formed on"). */
export function describeColumns(model: ClusterModel): { column: string; meaning: string }[] {
  const out: { column: string; meaning: string }[] = [];
  for (const column of model.scaler.columns) {
    out.push({ column: column.feature, meaning: featureInfo(column.feature).meaning });
    if (column.missingIndicator) out.push({ column: `${column.feature}:missing`, meaning: `1 when ${column.feature} is unknown.` });
  }
  return out;
}
