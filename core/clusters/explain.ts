// Clusters explained in words. For each clustered feature, z = (cluster mean - store mean) / store
// standard deviation, over the non-null values, computed on the values the clusters were formed
// on (log1p for heavy-tailed features, so one big spender does not decide what a cluster "is").
// For a feature with a missing-value indicator, the share of unknown values is compared the same
// way (z of a proportion). A feature known for less than half of a cluster is not used to describe
// it. The top 3 by |z| (at least MIN_Z, one per concept) are said in words
// with raw, unscaled numbers; the name is made from the same ranking. Deterministic.
import { featureInfo, type FeatureName, type FeatureRow } from '../features/feature-names.ts';
import { applyTransform, type ScaleTransform } from '../features/scaler.ts';
import { meanAndStd, quantilesInPlace } from '../features/stats.ts';
import {
  candidateNames,
  capitalise,
  conceptOf,
  missingPhrase,
  nameTerm,
  phrase,
  type Direction,
  type FeatureFigures,
  type NameTerm,
} from './cluster-words.ts';

/** Below this |z| a feature does not distinguish a cluster. */
export const MIN_Z = 0.25;
/**
 * A feature known for fewer than this share of a cluster's people does not describe the cluster
 * (the days between orders of the few repeat buyers among one-timers say nothing about them).
 */
export const MIN_COVERAGE = 0.5;
export const HIGHLIGHTS = 3;
/** Naming terms kept per cluster (the name uses two; the rest make alternatives unique). */
const MAX_TERMS = 4;

export interface ExplainedFeature {
  feature: FeatureName;
  transform: ScaleTransform;
  /** Also compare the share of unknown values. */
  missingIndicator: boolean;
}

export interface Highlight {
  /** The feature, or `<feature>:missing` for a share of unknown values. */
  feature: string;
  z: number;
  direction: Direction;
  phrase: string;
}

export interface ClusterDescription {
  highlights: Highlight[];
  /** The highlights in one sentence ("6+ orders, last order 2 weeks ago, spends 3× the store average"). */
  explanation: string;
  /** Naming terms in rank order (internal to naming, kept for tests). */
  terms: NameTerm[];
}

interface Candidate {
  feature: FeatureName;
  missing: boolean;
  z: number;
  order: number;
}

function rawValue(row: FeatureRow, feature: FeatureName): number | null {
  const value = row.values[feature];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** The raw values of features as columns, NaN for null; one row-major pass. */
function columns(rows: readonly FeatureRow[], features: readonly FeatureName[]): Float64Array[] {
  const out = features.map(() => new Float64Array(rows.length));
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as FeatureRow;
    for (let f = 0; f < features.length; f++) (out[f] as Float64Array)[i] = rawValue(row, features[f] as FeatureName) ?? Number.NaN;
  }
  return out;
}

/** The non-NaN values of `values` at `indices` (all of them when indices is null), in that order. */
function knownValues(values: Float64Array, indices: readonly number[] | null): Float64Array {
  const count = indices === null ? values.length : indices.length;
  const out = new Float64Array(count);
  let known = 0;
  for (let j = 0; j < count; j++) {
    const value = values[indices === null ? j : (indices[j] as number)] as number;
    if (!Number.isNaN(value)) out[known++] = value;
  }
  return out.subarray(0, known);
}

/** Mean and the quartiles of known values (0 for none); the quartiles by selection, not a sort. */
function summaryOf(known: Float64Array): { mean: number; p25: number; median: number; p75: number } {
  if (known.length === 0) return { mean: 0, p25: 0, median: 0, p75: 0 };
  const mean = meanAndStd(known)?.mean ?? 0;
  const [p25, median, p75] = quantilesInPlace(known, [0.25, 0.5, 0.75]) as [number, number, number];
  return { mean, p25, median, p75 };
}

/**
 * Describe each cluster (0..k-1) of `rows` (labels[i] is the cluster of rows[i]). `extracted`:
 * the raw values of `features` when the caller has them already (column f, row by row, NaN for
 * null), so the rows are not read again.
 */
export function describeClusters(
  rows: readonly FeatureRow[],
  labels: ArrayLike<number>,
  k: number,
  features: readonly ExplainedFeature[],
  extracted: readonly Float64Array[] = columns(
    rows,
    features.map((spec) => spec.feature),
  ),
): ClusterDescription[] {
  const n = rows.length;
  const sizes = new Float64Array(k);
  const members: number[][] = Array.from({ length: k }, () => []);
  for (let i = 0; i < n; i++) {
    const label = labels[i] as number;
    sizes[label] = (sizes[label] as number) + 1;
    members[label]?.push(i);
  }
  const raw = new Map<FeatureName, Float64Array>();
  const candidates: Candidate[][] = Array.from({ length: k }, () => []);
  const unknownShares = new Map<FeatureName, { store: number; clusters: Float64Array }>();
  if (extracted.length !== features.length) throw new RangeError(`${extracted.length} extracted columns for ${features.length} features`);
  const transformed = new Float64Array(n); // reused for every feature
  features.forEach((spec, order) => {
    const values = extracted[order] as Float64Array;
    raw.set(spec.feature, values);
    const sums = new Float64Array(k);
    const counts = new Float64Array(k);
    let storeSum = 0;
    let storeSquares = 0;
    let storeCount = 0;
    for (let i = 0; i < n; i++) {
      const value = values[i] as number;
      if (Number.isNaN(value)) continue;
      const t = applyTransform(spec.transform, value);
      transformed[i] = t;
      const label = labels[i] as number;
      sums[label] = (sums[label] as number) + t;
      counts[label] = (counts[label] as number) + 1;
      storeSum += t;
      storeCount += 1;
    }
    const storeMean = storeCount === 0 ? 0 : storeSum / storeCount;
    for (let i = 0; i < n; i++) {
      if (Number.isNaN(values[i] as number)) continue;
      const delta = (transformed[i] as number) - storeMean;
      storeSquares += delta * delta;
    }
    const storeStd = storeCount === 0 ? 0 : Math.sqrt(storeSquares / storeCount);
    const storeUnknown = n === 0 ? 0 : (n - storeCount) / n;
    const clusterUnknown = new Float64Array(k);
    for (let c = 0; c < k; c++) {
      const count = counts[c] as number;
      const size = sizes[c] as number;
      clusterUnknown[c] = size === 0 ? 0 : (size - count) / size;
      if (storeStd > 1e-12 && count > 0 && count >= MIN_COVERAGE * size) {
        const z = ((sums[c] as number) / count - storeMean) / storeStd;
        candidates[c]?.push({ feature: spec.feature, missing: false, z, order: order * 2 });
      }
      const std = Math.sqrt(storeUnknown * (1 - storeUnknown));
      if (spec.missingIndicator && std > 1e-12 && size > 0) {
        const z = ((clusterUnknown[c] as number) - storeUnknown) / std;
        candidates[c]?.push({ feature: spec.feature, missing: true, z, order: order * 2 + 1 });
      }
    }
    unknownShares.set(spec.feature, { store: storeUnknown, clusters: clusterUnknown });
  });

  const storeFigures = new Map<FeatureName, { mean: number; median: number }>();
  function storeFigure(feature: FeatureName, values: Float64Array): { mean: number; median: number } {
    let figure = storeFigures.get(feature);
    if (figure === undefined) {
      const summary = summaryOf(knownValues(values, null));
      figure = { mean: summary.mean, median: summary.median };
      storeFigures.set(feature, figure);
    }
    return figure;
  }
  function figures(cluster: number, feature: FeatureName): FeatureFigures {
    const values = raw.get(feature) ?? (columns(rows, [feature])[0] as Float64Array);
    const summary = summaryOf(knownValues(values, members[cluster] ?? []));
    const store = storeFigure(feature, values);
    return {
      clusterMean: summary.mean,
      clusterMedian: summary.median,
      clusterP25: summary.p25,
      clusterP75: summary.p75,
      storeMean: store.mean,
      storeMedian: store.median,
    };
  }

  return candidates.map((list, cluster) => {
    const ranked = list
      .filter((candidate) => Math.abs(candidate.z) >= MIN_Z)
      .sort((a, b) => Math.abs(b.z) - Math.abs(a.z) || a.order - b.order);
    const highlights: Highlight[] = [];
    const terms: NameTerm[] = [];
    const concepts = new Set<string>();
    const termConcepts = new Set<string>();
    for (const candidate of ranked) {
      if (highlights.length >= HIGHLIGHTS && terms.length >= MAX_TERMS) break;
      const direction: Direction = candidate.z > 0 ? 'high' : 'low';
      const source = featureInfo(candidate.feature).source;
      const concept = candidate.missing ? `${source}:missing` : conceptOf(candidate.feature);
      const fig = candidate.missing ? null : figures(cluster, candidate.feature);
      if (fig !== null && terms.length < MAX_TERMS) {
        const t = nameTerm(candidate.feature, direction, fig);
        if (t !== null && !termConcepts.has(t.concept)) {
          termConcepts.add(t.concept);
          terms.push(t);
        }
      }
      if (highlights.length >= HIGHLIGHTS || concepts.has(concept)) continue;
      concepts.add(concept);
      let words: string;
      if (fig === null) {
        const shares = unknownShares.get(candidate.feature);
        words = missingPhrase(candidate.feature, shares?.clusters[cluster] ?? 0, shares?.store ?? 0, source);
      } else {
        words = phrase(candidate.feature, direction, fig);
      }
      highlights.push({
        feature: candidate.missing ? `${candidate.feature}:missing` : candidate.feature,
        z: candidate.z,
        direction,
        phrase: words,
      });
    }
    const explanation =
      highlights.length === 0 ? 'Close to the store on every measure' : capitalise(highlights.map((h) => h.phrase).join(', '));
    return { highlights, explanation, terms };
  });
}

/**
 * A short name per cluster, unique within the run (case-insensitive) and not among `reserved`
 * (names kept by matched clusters). Clusters are named in the order given; `fixed[i]` (a kept
 * name) is used as is when set.
 */
export function nameClusters(
  descriptions: readonly ClusterDescription[],
  fixed: readonly (string | null)[],
): string[] {
  const used = new Set<string>();
  for (const name of fixed) if (name !== null) used.add(name.toLowerCase());
  return descriptions.map((description, index) => {
    const kept = fixed[index];
    if (kept != null) return kept;
    const candidates = candidateNames(description.terms);
    for (const candidate of candidates) {
      if (!used.has(candidate.toLowerCase())) {
        used.add(candidate.toLowerCase());
        return candidate;
      }
    }
    const base = candidates[0] ?? 'Customers';
    for (let suffix = 2; ; suffix++) {
      const name = `${base} ${suffix}`;
      if (!used.has(name.toLowerCase())) {
        used.add(name.toLowerCase());
        return name;
      }
    }
  });
}
