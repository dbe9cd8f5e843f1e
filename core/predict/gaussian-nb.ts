// Gaussian naive Bayes with probabilities: a wrapper around ml-naivebayes's GaussianNB.
//
// ml-naivebayes only predicts labels, needs labels 0..n-1, and breaks on a feature that is
// constant within a class (std 0 -> division by zero) or on a one-row class (std NaN). This
// wrapper:
// - maps any label values (string, number, boolean) to 0..n-1 in a fixed order (booleans
//   false < true, numbers ascending, strings by code unit) and maps them back out;
// - standardises every feature (overall mean 0, population std 1; a constant feature keeps
//   scale 1) before fitting. Gaussian NB itself does not care about per-feature scale, but the
//   variance smoothing below does: without this a money feature in cents would swamp a ratio;
// - fits ml-naivebayes, then reads its fitted parameters back through toJSON(): per-class
//   means, log-priors and variances (variance = -C2 / 2 from its [C1, C2] pair; NaN or missing,
//   as for a one-row class, reads as 0). Note ml-naivebayes uses the unbiased (n - 1) variance
//   where scikit-learn uses the population one;
// - smooths variances like scikit-learn's var_smoothing: every variance gets
//   epsilon = varSmoothing x (largest population variance of any standardised feature), which
//   is 1 unless every feature is constant (then epsilon = varSmoothing), so no variance is 0;
// - scores in log space: log P(c) + sum_j log N(x_j; mean_cj, var_cj), normalised with
//   log-sum-exp, so P(class | x) never underflows to 0/0 and never produces NaN.
//
// Inputs must be finite numbers: NaN, Infinity, null are rejected with a VALIDATION error here.
// Imputing missing values is the caller's job (time-split.ts imputes training medians).
import { GaussianNB } from 'ml-naivebayes';
import { RefineryError } from '../errors.ts';
import type { DenseMatrix } from './dense-matrix.ts';

export type ClassLabel = string | number | boolean;

export interface GaussianNBOptions {
  /** Fraction of the largest feature variance added to every variance. Default 1e-9. */
  varSmoothing?: number;
}

export const DEFAULT_VAR_SMOOTHING = 1e-9;

/** A fitted model: plain data (JSON-serialisable), so it can be stored and reloaded. */
export interface GaussianNBModel<L extends ClassLabel = ClassLabel> {
  kind: 'gaussian-nb';
  /** Class labels; index i is the class ml-naivebayes was trained with as label i. */
  classes: L[];
  classCounts: number[];
  featureCount: number;
  /** Standardisation applied to inputs before scoring: z = (x - center) / scale. */
  center: number[];
  scale: number[];
  logPriors: number[];
  /** means[class][feature] in standardised units. */
  means: number[][];
  /** Smoothed variances[class][feature] in standardised units (all > 0). */
  variances: number[][];
  /** What was added to every variance. */
  epsilon: number;
}

export interface ClassProbability<L extends ClassLabel> {
  label: L;
  probability: number;
}

const LOG_2PI = Math.log(2 * Math.PI);

/** Fixed label order: by type (boolean, number, string), then by value. */
export function compareLabels(a: ClassLabel, b: ClassLabel): number {
  const rank = (v: ClassLabel): number => (typeof v === 'boolean' ? 0 : typeof v === 'number' ? 1 : 2);
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function invalid(message: string, details?: Record<string, unknown>): RefineryError {
  return new RefineryError('VALIDATION', message, details === undefined ? {} : { details });
}

function checkMatrix(rows: readonly (readonly number[])[], what: string): number {
  const first = rows[0];
  if (first === undefined) throw invalid(`${what}: no rows`);
  const width = first.length;
  if (width === 0) throw invalid(`${what}: rows have no features`);
  rows.forEach((row, i) => {
    if (row.length !== width) throw invalid(`${what}: row ${i} has ${row.length} features, expected ${width}`);
    row.forEach((value, j) => {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw invalid(`${what}: row ${i} feature ${j} is not a finite number (${String(value)}); impute before calling`, { row: i, feature: j });
      }
    });
  });
  return width;
}

function at(values: readonly number[], i: number): number {
  const v = values[i];
  if (v === undefined) throw new RangeError(`index ${i} out of range`);
  return v;
}

/** Reads a variance back from ml-naivebayes's [1 / (sqrt(2 pi) std), -2 std^2] pair. */
function readVariance(entry: unknown): number {
  if (!Array.isArray(entry)) return 0;
  const c2: unknown = entry[1];
  if (typeof c2 !== 'number' || !Number.isFinite(c2)) return 0;
  const variance = -c2 / 2;
  return variance > 0 ? variance : 0;
}

export function fitGaussianNB<L extends ClassLabel>(
  rows: readonly (readonly number[])[],
  labels: readonly L[],
  options: GaussianNBOptions = {},
): GaussianNBModel<L> {
  checkVarSmoothing(options);
  return fitGaussianNBDense(denseFromRows(rows, 'training rows'), labels, options);
}

function checkVarSmoothing(options: GaussianNBOptions): number {
  const varSmoothing = options.varSmoothing ?? DEFAULT_VAR_SMOOTHING;
  if (!(varSmoothing > 0) || !Number.isFinite(varSmoothing)) throw invalid(`varSmoothing must be a positive number, got ${varSmoothing}`);
  return varSmoothing;
}

/** Rows checked (same width, finite numbers) and copied into one dense matrix. */
export function denseFromRows(rows: readonly (readonly number[])[], what: string): DenseMatrix {
  const d = checkMatrix(rows, what);
  const data = new Float64Array(rows.length * d);
  rows.forEach((row, i) => data.set(row, i * d));
  return { data, rows: rows.length, columns: d };
}

/**
 * `fitGaussianNB` on a dense matrix (the same model, bit for bit, as on the same rows as arrays).
 * ml-naivebayes gets one typed-array view per row of a single standardised buffer.
 */
export function fitGaussianNBDense<L extends ClassLabel>(
  matrix: DenseMatrix,
  labels: readonly L[],
  options: GaussianNBOptions = {},
  /** Fit on these rows of the matrix only, in this order (labels[r] is the label of rows[r]). */
  rows: ArrayLike<number> | null = null,
): GaussianNBModel<L> {
  const varSmoothing = checkVarSmoothing(options);
  const n = rows === null ? matrix.rows : rows.length;
  const d = matrix.columns;
  if (n === 0) throw invalid('training rows: no rows');
  if (d === 0) throw invalid('training rows: rows have no features');
  // The training rows, copied once into the buffer that is standardised in place below.
  const x = new Float64Array(n * d);
  if (rows === null) x.set(matrix.data.subarray(0, n * d));
  else for (let r = 0; r < n; r += 1) x.set(matrix.data.subarray((rows[r] as number) * d, ((rows[r] as number) + 1) * d), r * d);
  for (let i = 0; i < n * d; i += 1) {
    if (!Number.isFinite(x[i])) {
      const row = Math.floor(i / d);
      const feature = i - row * d;
      throw invalid(`training rows: row ${row} feature ${feature} is not a finite number (${String(x[i])}); impute before calling`, { row, feature });
    }
  }
  if (labels.length !== n) throw invalid(`${n} training rows but ${labels.length} labels`);
  for (const label of labels) {
    const ok = typeof label === 'string' || typeof label === 'boolean' || (typeof label === 'number' && Number.isFinite(label));
    if (!ok) throw invalid(`label is not a string, boolean or finite number: ${String(label)}`);
  }

  // Labels -> 0..n-1 in a fixed order.
  const classes: L[] = [];
  for (const label of labels) if (!classes.includes(label)) classes.push(label);
  classes.sort(compareLabels);
  const index = new Map<L, number>(classes.map((label, i) => [label, i]));
  const y = new Array<number>(n);
  const classCounts = classes.map(() => 0);
  for (let i = 0; i < n; i += 1) {
    const c = index.get(labels[i] as L) ?? -1;
    y[i] = c;
    classCounts[c] = (classCounts[c] as number) + 1;
  }

  // Standardise: overall mean and population std per feature (constant feature: scale 1). The
  // sums run row by row with one accumulator per feature: each feature's sum adds its values in
  // row order, as a column-by-column loop would, while memory is read in order.
  const sums = new Float64Array(d);
  for (let i = 0; i < n * d; i += d) for (let j = 0; j < d; j += 1) sums[j] = (sums[j] as number) + (x[i + j] as number);
  const featureMeans = Float64Array.from(sums, (sum) => sum / n);
  const squareSums = new Float64Array(d);
  for (let i = 0; i < n * d; i += d) {
    for (let j = 0; j < d; j += 1) squareSums[j] = (squareSums[j] as number) + ((x[i + j] as number) - (featureMeans[j] as number)) ** 2;
  }
  const center: number[] = [];
  const scale: number[] = [];
  for (let j = 0; j < d; j += 1) {
    const std = Math.sqrt((squareSums[j] as number) / n);
    center.push(featureMeans[j] as number);
    scale.push(std > 0 && Number.isFinite(std) ? std : 1);
  }
  const scales = Float64Array.from(scale);
  const z = x; // standardised in place
  const zSquares = new Float64Array(d);
  for (let i = 0; i < n * d; i += d) {
    for (let j = 0; j < d; j += 1) {
      const v = ((x[i + j] as number) - (featureMeans[j] as number)) / (scales[j] as number);
      z[i + j] = v;
      zSquares[j] = (zSquares[j] as number) + v ** 2; // mean of z is 0
    }
  }
  let maxVariance = 0;
  for (let j = 0; j < d; j += 1) maxVariance = Math.max(maxVariance, (zSquares[j] as number) / n);
  const epsilon = varSmoothing * (maxVariance > 0 ? maxVariance : 1);

  const zRows = new Array<Float64Array>(n);
  for (let i = 0; i < n; i += 1) zRows[i] = z.subarray(i * d, (i + 1) * d);
  const nb = new GaussianNB();
  nb.train(zRows, y);
  const fitted = nb.toJSON();

  const means: number[][] = [];
  const variances: number[][] = [];
  const logPriors: number[] = [];
  for (let c = 0; c < classes.length; c += 1) {
    const classMeans = fitted.means[c];
    const params = fitted.calculateProbabilities[c];
    if (classMeans === undefined || params === undefined || classMeans.length !== d) {
      throw new RefineryError('INPUT', `ml-naivebayes returned no parameters for class ${c}`);
    }
    const logPrior = params[0];
    logPriors.push(typeof logPrior === 'number' && Number.isFinite(logPrior) ? logPrior : Math.log(at(classCounts, c) / n));
    // Plain arrays whatever ml-matrix hands back, so the model stays plain JSON data.
    means.push(Array.from(classMeans, (m) => (Number.isFinite(m) ? m : 0)));
    variances.push(Array.from(classMeans, (_, j) => readVariance(params[j + 1]) + epsilon));
  }

  return { kind: 'gaussian-nb', classes, classCounts, featureCount: d, center, scale, logPriors, means, variances, epsilon };
}

function checkRow(model: GaussianNBModel, row: readonly number[]): void {
  if (row.length !== model.featureCount) throw invalid(`row has ${row.length} features, model has ${model.featureCount}`);
  row.forEach((value, j) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw invalid(`feature ${j} is not a finite number (${String(value)}); impute before calling`, { feature: j });
    }
  });
}

/** log P(class) + log P(x | class) for every class (unnormalised log posteriors). */
export function jointLogLikelihoods(model: GaussianNBModel, row: readonly number[]): number[] {
  checkRow(model, row);
  return model.classes.map((_, c) => {
    const means = model.means[c] ?? [];
    const variances = model.variances[c] ?? [];
    let total = at(model.logPriors, c);
    for (let j = 0; j < model.featureCount; j += 1) {
      const zj = (at(row, j) - at(model.center, j)) / at(model.scale, j);
      const v = at(variances, j);
      const diff = zj - at(means, j);
      total += -0.5 * (LOG_2PI + Math.log(v)) - (diff * diff) / (2 * v);
    }
    // An absurd outlier can overflow diff^2 to Infinity; keep the total finite so that
    // differences and log-sum-exp never meet -Infinity - -Infinity (NaN).
    return Math.max(total, -Number.MAX_VALUE);
  });
}

/** log(sum(exp(values))) without overflow; -Infinity for an empty list. */
export function logSumExp(values: readonly number[]): number {
  let max = -Infinity;
  for (const v of values) if (v > max) max = v;
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (const v of values) sum += Math.exp(v - max);
  return max + Math.log(sum);
}

/** P(class | x) for every class, in model.classes order; sums to 1. */
export function predictProba<L extends ClassLabel>(model: GaussianNBModel<L>, row: readonly number[]): ClassProbability<L>[] {
  const joint = jointLogLikelihoods(model, row);
  const norm = logSumExp(joint);
  return model.classes.map((label, c) => ({ label, probability: Math.exp(at(joint, c) - norm) }));
}

/** The most probable class (ties: the first in class order). */
export function predictLabel<L extends ClassLabel>(model: GaussianNBModel<L>, row: readonly number[]): L {
  const joint = jointLogLikelihoods(model, row);
  let best = 0;
  joint.forEach((v, c) => {
    if (v > at(joint, best)) best = c;
  });
  const label = model.classes[best];
  if (label === undefined) throw invalid('model has no classes');
  return label;
}

/**
 * log( P(positive | x) / P(not positive | x) ), computed from the joint log-likelihoods so it
 * stays exact where the probability itself would round to 0 or 1. Needs at least two classes.
 */
export function positiveLogOdds<L extends ClassLabel>(model: GaussianNBModel<L>, row: readonly number[], positive: L): number {
  const p = model.classes.indexOf(positive);
  if (p < 0) throw invalid(`positive label ${String(positive)} is not a class of the model`);
  if (model.classes.length < 2) throw invalid('log-odds need a model with at least two classes');
  const joint = jointLogLikelihoods(model, row);
  return at(joint, p) - logSumExp(joint.filter((_, c) => c !== p));
}

/**
 * `positiveLogOdds` of every row of a dense matrix (the same numbers, bit for bit), into `out`;
 * with `rows`, of those rows only (out[r] for rows[r]). The rows are trusted to be finite and of
 * the model's width (they come from our own matrices).
 */
export function positiveLogOddsDense<L extends ClassLabel>(
  model: GaussianNBModel<L>,
  matrix: DenseMatrix,
  positive: L,
  out: Float64Array = new Float64Array(matrix.rows),
  rows: ArrayLike<number> | null = null,
): Float64Array {
  const p = model.classes.indexOf(positive);
  if (p < 0) throw invalid(`positive label ${String(positive)} is not a class of the model`);
  const k = model.classes.length;
  if (k < 2) throw invalid('log-odds need a model with at least two classes');
  const d = model.featureCount;
  if (matrix.columns !== d) throw invalid(`rows have ${matrix.columns} features, model has ${d}`);
  // Per class and feature: -0.5 (ln 2π + ln v), 2v and the mean, as jointLogLikelihoods uses them.
  const constant = new Float64Array(k * d);
  const twiceVariance = new Float64Array(k * d);
  const mean = new Float64Array(k * d);
  for (let c = 0; c < k; c += 1) {
    for (let j = 0; j < d; j += 1) {
      const v = at(model.variances[c] ?? [], j);
      constant[c * d + j] = -0.5 * (LOG_2PI + Math.log(v));
      twiceVariance[c * d + j] = 2 * v;
      mean[c * d + j] = at(model.means[c] ?? [], j);
    }
  }
  const center = Float64Array.from(model.center);
  const scale = Float64Array.from(model.scale);
  const logPriors = Float64Array.from(model.logPriors);
  const z = new Float64Array(d);
  const joint = new Float64Array(k);
  const data = matrix.data;
  const count = rows === null ? matrix.rows : rows.length;
  for (let i = 0; i < count; i += 1) {
    const base = (rows === null ? i : (rows[i] as number)) * d;
    for (let j = 0; j < d; j += 1) z[j] = ((data[base + j] as number) - (center[j] as number)) / (scale[j] as number);
    for (let c = 0; c < k; c += 1) {
      let total = logPriors[c] as number;
      const cd = c * d;
      for (let j = 0; j < d; j += 1) {
        const diff = (z[j] as number) - (mean[cd + j] as number);
        total += (constant[cd + j] as number) - (diff * diff) / (twiceVariance[cd + j] as number);
      }
      joint[c] = Math.max(total, -Number.MAX_VALUE);
    }
    // logSumExp over the other classes, in class order, as positiveLogOdds does.
    let max = -Infinity;
    for (let c = 0; c < k; c += 1) if (c !== p && (joint[c] as number) > max) max = joint[c] as number;
    let rest = max;
    if (max !== -Infinity) {
      let sum = 0;
      for (let c = 0; c < k; c += 1) if (c !== p) sum += Math.exp((joint[c] as number) - max);
      rest = max + Math.log(sum);
    }
    out[i] = (joint[p] as number) - rest;
  }
  return out;
}
