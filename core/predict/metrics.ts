// Model quality metrics, pure and order-independent: the same rows in any order give the same
// numbers (backtestReport exactly, the single metrics up to floating-point rounding of sums). Every metric that is undefined for the data (AUC with one class, lift with no
// positives, anything on no rows) is null, never NaN.
//
// - AUC: Mann-Whitney. Rank all scores (ties get the average of their ranks), sum the positives'
//   ranks R+, AUC = (R+ - n+(n+ + 1)/2) / (n+ n-). A positive and a negative with equal scores
//   count one half, so a constant score gives exactly 0.5.
// - Top-decile lift: positive rate among the top k = ceil(10 % of n) rows by score, divided by
//   the base rate. Rows tied with the k-th score enter in proportion: if the cut takes m of e
//   tied rows, they add (m / e) x (positives among the e). That is the expected value under a
//   random tie break, computed without one, so it does not depend on row order.
// - Brier score: mean (p - y)^2, y = 1 for a positive.
// - Calibration table: rows grouped by predicted probability into fixed-width bins
//   ([0, 0.1), ..., [0.9, 1]) or quantile bins (a row with r rows strictly below it goes to bin
//   floor(bins x r / n), so tied rows share a bin); each non-empty bin reports its range, count,
//   mean predicted probability and observed positive rate. Calibration error (ECE) is the
//   count-weighted mean |mean predicted - observed|.
import { RefineryError } from '../errors.ts';

export interface CalibrationBin {
  /** Bin index, 0-based. */
  bin: number;
  /** Fixed bins: the bin's edges. Quantile bins: the lowest and highest prediction in it. */
  lower: number;
  upper: number;
  count: number;
  meanPredicted: number;
  observedRate: number;
}

export type BinStrategy = 'uniform' | 'quantile';

export interface BacktestReport {
  n: number;
  positives: number;
  baseRate: number | null;
  auc: number | null;
  topDecileLift: number | null;
  brier: number | null;
  /** Brier of always predicting this set's own base rate: base x (1 - base). */
  brierBaseline: number | null;
  /** 1 - brier / brierBaseline (> 0: better than the base rate); null when the baseline is 0. */
  brierSkill: number | null;
  calibration: CalibrationBin[];
  calibrationError: number | null;
}

function checkPair(values: ArrayLike<number>, labels: ArrayLike<boolean>, what: string): void {
  if (values.length !== labels.length) {
    throw new RefineryError('VALIDATION', `${values.length} ${what} but ${labels.length} labels`);
  }
  for (let i = 0; i < values.length; i += 1) {
    const v = values[i];
    if (typeof v !== 'number' || Number.isNaN(v)) throw new RefineryError('VALIDATION', `${what} ${i} is not a number: ${String(v)}`);
  }
}

function checkProbabilities(probabilities: ArrayLike<number>, labels: ArrayLike<boolean>): void {
  checkPair(probabilities, labels, 'probabilities');
  for (let i = 0; i < probabilities.length; i += 1) {
    const p = probabilities[i] as number;
    if (!(p >= 0 && p <= 1)) throw new RefineryError('VALIDATION', `probability ${i} is outside [0, 1]: ${p}`);
  }
}

/** Indices sorted by value ascending (ties by index, which only matters for grouping). */
function sortedIndices(values: ArrayLike<number>): ArrayLike<number> {
  return Array.from({ length: values.length }, (_, i) => i).sort((i, j) => {
    const a = values[i] ?? 0;
    const b = values[j] ?? 0;
    return a < b ? -1 : a > b ? 1 : i - j;
  });
}

/** The ascending order of values that are already sorted ascending: 0, 1, 2, ... */
function identityOrder(n: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i += 1) order[i] = i;
  return order;
}

function countTrue(labels: ArrayLike<boolean>): number {
  let count = 0;
  for (let i = 0; i < labels.length; i += 1) if (labels[i] === true) count += 1;
  return count;
}

export function baseRate(labels: ArrayLike<boolean>): number | null {
  if (labels.length === 0) return null;
  return countTrue(labels) / labels.length;
}

export function auc(scores: readonly number[], labels: readonly boolean[]): number | null {
  checkPair(scores, labels, 'scores');
  return aucInOrder(scores, labels, null);
}

/** AUC given the ascending order of the scores (null: compute it). */
function aucInOrder(scores: ArrayLike<number>, labels: ArrayLike<boolean>, ascending: ArrayLike<number> | null): number | null {
  const n = scores.length;
  const positives = countTrue(labels);
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return null;
  const order = ascending ?? sortedIndices(scores);
  let rankSum = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    const value = scores[order[i] ?? 0];
    while (j + 1 < n && scores[order[j + 1] ?? 0] === value) j += 1;
    const averageRank = (i + 1 + (j + 1)) / 2; // ranks i+1 .. j+1
    for (let k = i; k <= j; k += 1) if (labels[order[k] ?? 0] === true) rankSum += averageRank;
    i = j + 1;
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export function topDecileLift(scores: readonly number[], labels: readonly boolean[], fraction = 0.1): number | null {
  checkPair(scores, labels, 'scores');
  return liftInOrder(scores, labels, fraction, null);
}

function liftInOrder(scores: ArrayLike<number>, labels: ArrayLike<boolean>, fraction: number, ascending: ArrayLike<number> | null): number | null {
  if (!(fraction > 0 && fraction <= 1)) throw new RefineryError('VALIDATION', `fraction must be in (0, 1], got ${fraction}`);
  const n = scores.length;
  const base = baseRate(labels);
  if (base === null || base === 0) return null;
  const k = Math.max(1, Math.ceil(fraction * n - 1e-9));
  // The k-th highest score: position n - k in ascending order.
  const order = ascending ?? sortedIndices(scores);
  const cut = scores[order[n - k] ?? 0] ?? 0;
  let above = 0;
  let abovePositives = 0;
  let tied = 0;
  let tiedPositives = 0;
  for (let i = 0; i < n; i += 1) {
    const s = scores[i] ?? 0;
    if (s > cut) {
      above += 1;
      if (labels[i] === true) abovePositives += 1;
    } else if (s === cut) {
      tied += 1;
      if (labels[i] === true) tiedPositives += 1;
    }
  }
  const topPositives = abovePositives + (tiedPositives * (k - above)) / tied;
  return topPositives / k / base;
}

export function brierScore(probabilities: readonly number[], labels: readonly boolean[]): number | null {
  checkProbabilities(probabilities, labels);
  return brierOf(probabilities, labels);
}

function brierOf(probabilities: ArrayLike<number>, labels: ArrayLike<boolean>): number | null {
  if (probabilities.length === 0) return null;
  let total = 0;
  for (let i = 0; i < probabilities.length; i += 1) {
    const y = labels[i] === true ? 1 : 0;
    total += ((probabilities[i] as number) - y) ** 2;
  }
  return total / probabilities.length;
}

export function calibrationTable(
  probabilities: readonly number[],
  labels: readonly boolean[],
  options: { bins?: number; strategy?: BinStrategy } = {},
): CalibrationBin[] {
  checkProbabilities(probabilities, labels);
  return tableInOrder(probabilities, labels, options, null);
}

function tableInOrder(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<boolean>,
  options: { bins?: number; strategy?: BinStrategy },
  ascending: ArrayLike<number> | null,
): CalibrationBin[] {
  const bins = options.bins ?? 10;
  const strategy = options.strategy ?? 'uniform';
  if (!Number.isInteger(bins) || bins < 1) throw new RefineryError('VALIDATION', `bins must be a positive integer, got ${bins}`);
  const n = probabilities.length;
  const binOf = new Int32Array(n);
  if (strategy === 'uniform') {
    for (let i = 0; i < n; i += 1) binOf[i] = Math.min(bins - 1, Math.floor((probabilities[i] as number) * bins));
  } else {
    const order = ascending ?? sortedIndices(probabilities);
    let below = 0;
    for (let i = 0; i < n; i += 1) {
      const p = probabilities[order[i] ?? 0];
      if (i > 0 && p !== probabilities[order[i - 1] ?? 0]) below = i;
      binOf[order[i] ?? 0] = Math.min(bins - 1, Math.floor((bins * below) / n));
    }
  }
  const acc = Array.from({ length: bins }, () => ({ count: 0, sumP: 0, positives: 0, min: Infinity, max: -Infinity }));
  for (let i = 0; i < n; i += 1) {
    const p = probabilities[i] as number;
    const a = acc[binOf[i] ?? 0];
    if (a === undefined) continue;
    a.count += 1;
    a.sumP += p;
    if (labels[i] === true) a.positives += 1;
    a.min = Math.min(a.min, p);
    a.max = Math.max(a.max, p);
  }
  const table: CalibrationBin[] = [];
  acc.forEach((a, bin) => {
    if (a.count === 0) return;
    const lower = strategy === 'uniform' ? bin / bins : a.min;
    const upper = strategy === 'uniform' ? (bin + 1) / bins : a.max;
    table.push({ bin, lower, upper, count: a.count, meanPredicted: a.sumP / a.count, observedRate: a.positives / a.count });
  });
  return table;
}

/** Count-weighted mean |mean predicted - observed rate| over the table's bins (ECE). */
export function calibrationError(table: readonly CalibrationBin[]): number | null {
  const n = table.reduce((sum, b) => sum + b.count, 0);
  if (n === 0) return null;
  return table.reduce((sum, b) => sum + b.count * Math.abs(b.meanPredicted - b.observedRate), 0) / n;
}

/** Every metric at once, for a model's predicted probabilities against what happened. */
export function backtestReport(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<boolean>,
  options: { bins?: number; strategy?: BinStrategy } = {},
): BacktestReport {
  checkProbabilities(probabilities, labels);
  // Canonical order (by probability, then label: negatives first) so sums round the same way for
  // any row order. Each label's probabilities are sorted on their own (a numeric typed-array
  // sort), then the two runs are merged.
  const n = probabilities.length;
  const positives = countTrue(labels);
  const positiveP = new Float64Array(positives);
  const negativeP = new Float64Array(n - positives);
  let pi = 0;
  let ni = 0;
  for (let i = 0; i < n; i += 1) {
    if (labels[i] === true) positiveP[pi++] = probabilities[i] as number;
    else negativeP[ni++] = probabilities[i] as number;
  }
  positiveP.sort();
  negativeP.sort();
  const sortedP = new Float64Array(n);
  const sortedY = new Array<boolean>(n);
  pi = 0;
  ni = 0;
  for (let i = 0; i < n; i += 1) {
    const takeNegative = ni < negativeP.length && (pi >= positiveP.length || (negativeP[ni] as number) <= (positiveP[pi] as number));
    sortedP[i] = takeNegative ? (negativeP[ni++] as number) : (positiveP[pi++] as number);
    sortedY[i] = !takeNegative;
  }
  return reportOnSorted(sortedP, sortedY, options);
}

/** The report of probabilities sorted ascending (ties: negatives first). */
function reportOnSorted(probabilities: Float64Array, labels: readonly boolean[], options: { bins?: number; strategy?: BinStrategy }): BacktestReport {
  const n = labels.length;
  const positives = countTrue(labels);
  const base = baseRate(labels);
  const brier = brierOf(probabilities, labels);
  const brierBaseline = base === null ? null : base * (1 - base);
  const ascending = identityOrder(n);
  const calibration = tableInOrder(probabilities, labels, options, ascending);
  return {
    n,
    positives,
    baseRate: base,
    auc: aucInOrder(probabilities, labels, ascending),
    topDecileLift: liftInOrder(probabilities, labels, 0.1, ascending),
    brier,
    brierBaseline,
    brierSkill: brier === null || brierBaseline === null || brierBaseline === 0 ? null : 1 - brier / brierBaseline,
    calibration,
    calibrationError: calibrationError(calibration),
  };
}
