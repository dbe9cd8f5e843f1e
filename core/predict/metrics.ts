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

function checkPair(values: readonly number[], labels: readonly boolean[], what: string): void {
  if (values.length !== labels.length) {
    throw new RefineryError('VALIDATION', `${values.length} ${what} but ${labels.length} labels`);
  }
  values.forEach((v, i) => {
    if (typeof v !== 'number' || Number.isNaN(v)) throw new RefineryError('VALIDATION', `${what} ${i} is not a number: ${String(v)}`);
  });
}

function checkProbabilities(probabilities: readonly number[], labels: readonly boolean[]): void {
  checkPair(probabilities, labels, 'probabilities');
  probabilities.forEach((p, i) => {
    if (!(p >= 0 && p <= 1)) throw new RefineryError('VALIDATION', `probability ${i} is outside [0, 1]: ${p}`);
  });
}

/** Indices sorted by value ascending (ties by index, which only matters for grouping). */
function sortedIndices(values: readonly number[]): number[] {
  return values
    .map((_, i) => i)
    .sort((i, j) => {
      const a = values[i] ?? 0;
      const b = values[j] ?? 0;
      return a < b ? -1 : a > b ? 1 : i - j;
    });
}

export function baseRate(labels: readonly boolean[]): number | null {
  if (labels.length === 0) return null;
  return labels.filter(Boolean).length / labels.length;
}

export function auc(scores: readonly number[], labels: readonly boolean[]): number | null {
  checkPair(scores, labels, 'scores');
  const n = scores.length;
  const positives = labels.filter(Boolean).length;
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return null;
  const order = sortedIndices(scores);
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
  if (!(fraction > 0 && fraction <= 1)) throw new RefineryError('VALIDATION', `fraction must be in (0, 1], got ${fraction}`);
  const n = scores.length;
  const base = baseRate(labels);
  if (base === null || base === 0) return null;
  const k = Math.max(1, Math.ceil(fraction * n - 1e-9));
  const order = sortedIndices(scores).reverse(); // highest first
  const cut = scores[order[k - 1] ?? 0] ?? 0;
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
  if (probabilities.length === 0) return null;
  let total = 0;
  probabilities.forEach((p, i) => {
    const y = labels[i] === true ? 1 : 0;
    total += (p - y) ** 2;
  });
  return total / probabilities.length;
}

export function calibrationTable(
  probabilities: readonly number[],
  labels: readonly boolean[],
  options: { bins?: number; strategy?: BinStrategy } = {},
): CalibrationBin[] {
  checkProbabilities(probabilities, labels);
  const bins = options.bins ?? 10;
  const strategy = options.strategy ?? 'uniform';
  if (!Number.isInteger(bins) || bins < 1) throw new RefineryError('VALIDATION', `bins must be a positive integer, got ${bins}`);
  const n = probabilities.length;
  const binOf = new Array<number>(n).fill(0);
  if (strategy === 'uniform') {
    probabilities.forEach((p, i) => {
      binOf[i] = Math.min(bins - 1, Math.floor(p * bins));
    });
  } else {
    const order = sortedIndices(probabilities);
    let below = 0;
    for (let i = 0; i < n; i += 1) {
      const p = probabilities[order[i] ?? 0];
      if (i > 0 && p !== probabilities[order[i - 1] ?? 0]) below = i;
      binOf[order[i] ?? 0] = Math.min(bins - 1, Math.floor((bins * below) / n));
    }
  }
  const acc = Array.from({ length: bins }, () => ({ count: 0, sumP: 0, positives: 0, min: Infinity, max: -Infinity }));
  probabilities.forEach((p, i) => {
    const a = acc[binOf[i] ?? 0];
    if (a === undefined) return;
    a.count += 1;
    a.sumP += p;
    if (labels[i] === true) a.positives += 1;
    a.min = Math.min(a.min, p);
    a.max = Math.max(a.max, p);
  });
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
  probabilities: readonly number[],
  labels: readonly boolean[],
  options: { bins?: number; strategy?: BinStrategy } = {},
): BacktestReport {
  checkProbabilities(probabilities, labels);
  // Canonical order (by probability, then label) so sums round the same way for any row order.
  const order = probabilities
    .map((_, i) => i)
    .sort((i, j) => {
      const a = probabilities[i] ?? 0;
      const b = probabilities[j] ?? 0;
      return a < b ? -1 : a > b ? 1 : Number(labels[i] === true) - Number(labels[j] === true);
    });
  const sortedP = order.map((i) => probabilities[i] ?? 0);
  const sortedY = order.map((i) => labels[i] === true);
  return reportOnSorted(sortedP, sortedY, options);
}

function reportOnSorted(probabilities: readonly number[], labels: readonly boolean[], options: { bins?: number; strategy?: BinStrategy }): BacktestReport {
  const n = labels.length;
  const positives = labels.filter(Boolean).length;
  const base = baseRate(labels);
  const brier = brierScore(probabilities, labels);
  const brierBaseline = base === null ? null : base * (1 - base);
  const calibration = calibrationTable(probabilities, labels, options);
  return {
    n,
    positives,
    baseRate: base,
    auc: auc(probabilities, labels),
    topDecileLift: topDecileLift(probabilities, labels),
    brier,
    brierBaseline,
    brierSkill: brier === null || brierBaseline === null || brierBaseline === 0 ? null : 1 - brier / brierBaseline,
    calibration,
    calibrationError: calibrationError(calibration),
  };
}
