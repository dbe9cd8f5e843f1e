// A binary classifier with calibrated probabilities: Gaussian naive Bayes (gaussian-nb.ts) whose
// log-odds are mapped to probabilities by Platt scaling (platt.ts) fitted on held-out data.
//
// Held-out data without wasting rows (a small store has few): K-fold cross-fitting, as
// scikit-learn's CalibratedClassifierCV(ensemble=False) does. Rows are split into K folds,
// stratified by label; each fold is scored by a naive Bayes fitted on the other folds, which
// gives every row an out-of-fold log-odds. Platt is fitted on all out-of-fold log-odds; the final
// naive Bayes is fitted on all rows. The training report is honest: each fold's out-of-fold
// log-odds are calibrated by a Platt fitted on the other folds only, then all metrics are
// computed on those probabilities.
//
// A large store (more than `trainingRows` rows, default 20,000): the naive Bayes models are
// fitted on a fixed-size sample of that many rows, stratified by label (the lowest fold ranks of
// each label, so every fold holds its share): the final model on the sample, each fold's model on
// the sample less that fold. Every row is still scored out of fold by the model of its own fold
// (which never saw it), and Platt and the report use every row. A Gaussian naive Bayes has two
// numbers per class and feature, which 20,000 rows pin down as well as 100,000 do; ml-naivebayes
// copies each row it trains on into typed arrays of its own, so the sample is what keeps training
// on 100,000 people fast.
//
// Determinism: rows are put in id order first; fold membership is FNV-1a(foldSeed + id), ranked
// within each label and dealt round-robin, so the same ids always land in the same folds
// whatever order they come in, and adding a customer moves few others.
//
// When it does not train (a value, not an error): no rows (probability 0), one class only,
// or fewer than minClassCount rows of the rarer class. The model is then 'base-rate': every
// row gets the training base rate, with the reason.
import { RefineryError } from '../errors.ts';
import { selectRows, type DenseMatrix } from './dense-matrix.ts';
import {
  denseFromRows,
  fitGaussianNBDense as fitGaussianNB,
  positiveLogOdds,
  positiveLogOddsDense,
  type GaussianNBModel,
  type GaussianNBOptions,
} from './gaussian-nb.ts';
import { backtestReport, type BacktestReport, type BinStrategy } from './metrics.ts';
import { applyPlatt, fitPlatt, sigmoid, type PlattCalibration } from './platt.ts';

export interface CalibratedTrainingOptions extends GaussianNBOptions {
  /** Cross-fitting folds, at most this many (never more than the rarer class has rows). Default 5. */
  folds?: number;
  /** Fewer rows than this in the rarer class: a base-rate model. Default 5, at least 2. */
  minClassCount?: number;
  /** Salt for fold assignment. Default ''. */
  foldSeed?: string;
  /**
   * Above this many training rows, the naive Bayes models are fitted on a fixed-size sample of
   * this many: the lowest fold ranks of each label, in proportion (so every fold has its share).
   * The final model is fitted on the sample, each fold's model on the sample less that fold;
   * every training row is still scored out of fold, and the calibration and the report use every
   * row. Default DEFAULT_TRAINING_ROWS.
   */
  trainingRows?: number;
  /** Calibration table in the reports. Default 10 uniform bins. */
  bins?: number;
  strategy?: BinStrategy;
}

export interface TrainingReport {
  /**
   * cross-validated: out-of-fold probabilities (each fold calibrated on the other folds).
   * in-sample: a base-rate model's constant, on its own training rows.
   */
  method: 'cross-validated' | 'in-sample';
  folds: number;
  calibrated: BacktestReport;
  /** The same out-of-fold predictions as naive Bayes's own probabilities, before calibration. */
  uncalibrated: BacktestReport | null;
}

interface ModelCommon {
  n: number;
  positives: number;
  /** Positive rate among the training rows (0 with no rows). */
  baseRate: number;
  report: TrainingReport;
}

/**
 * Above this many training rows the naive Bayes models are fitted on a sample of this size: a
 * Gaussian naive Bayes has two numbers per class and feature, which 20,000 rows pin down as well
 * as 100,000 do.
 */
export const DEFAULT_TRAINING_ROWS = 10_000;

export type CalibratedClassifier =
  | (ModelCommon & { kind: 'naive-bayes'; nb: GaussianNBModel<boolean>; calibration: PlattCalibration })
  | (ModelCommon & { kind: 'base-rate'; probability: number; reason: string });

/** FNV-1a, 32 bits, over UTF-16 code units. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** 2^21: row indices below it pack with a 32-bit hash into one exact double. */
const INDEX_LIMIT = 2 ** 21;

/**
 * Rank of each id within its label (0 = first), ranked by FNV-1a(seed + id), ties by id: folds
 * are dealt round-robin in this order, and the fold-training sample takes the lowest ranks.
 */
function ranksWithinLabel(ids: readonly string[], labels: readonly boolean[], seed: string, idsSorted = false): Int32Array {
  const rank = new Int32Array(ids.length);
  const hashes = new Float64Array(ids.length);
  for (let i = 0; i < ids.length; i += 1) hashes[i] = fnv1a(seed + (ids[i] as string));
  if (idsSorted && ids.length <= INDEX_LIMIT) {
    // Ids in ascending order: a tie on the hash goes to the lower index. Hash and index packed in
    // one exact double (32 + 21 bits) sort with the typed-array sort, no comparator.
    for (const label of [false, true]) {
      let count = 0;
      for (let i = 0; i < ids.length; i += 1) if (labels[i] === label) count += 1;
      const keys = new Float64Array(count);
      let at = 0;
      for (let i = 0; i < ids.length; i += 1) if (labels[i] === label) keys[at++] = (hashes[i] as number) * INDEX_LIMIT + i;
      keys.sort();
      for (let r = 0; r < count; r += 1) rank[(keys[r] as number) % INDEX_LIMIT] = r;
    }
    return rank;
  }
  for (const label of [false, true]) {
    const members: number[] = [];
    for (let i = 0; i < ids.length; i += 1) if (labels[i] === label) members.push(i);
    members.sort((a, b) => {
      const byHash = (hashes[a] as number) - (hashes[b] as number);
      if (byHash !== 0) return byHash;
      const ia = ids[a] as string;
      const ib = ids[b] as string;
      return ia < ib ? -1 : ia > ib ? 1 : 0;
    });
    members.forEach((i, r) => {
      rank[i] = r;
    });
  }
  return rank;
}

/** Fold (0..folds-1) of each id, stratified by label; input order does not matter. */
export function assignFolds(ids: readonly string[], labels: readonly boolean[], folds: number, seed = ''): number[] {
  return Array.from(ranksWithinLabel(ids, labels, seed), (r) => r % folds);
}

function baseRateModel(n: number, positives: number, reason: string, options: CalibratedTrainingOptions): CalibratedClassifier {
  const probability = n === 0 ? 0 : positives / n;
  const labels = Array.from({ length: n }, (_, i) => i < positives);
  return {
    kind: 'base-rate',
    probability,
    reason,
    n,
    positives,
    baseRate: probability,
    report: {
      method: 'in-sample',
      folds: 0,
      calibrated: backtestReport(new Array<number>(n).fill(probability), labels, options),
      uncalibrated: null,
    },
  };
}

export function trainCalibratedClassifier(
  rows: readonly (readonly number[])[],
  labels: readonly boolean[],
  ids: readonly string[],
  options: CalibratedTrainingOptions = {},
): CalibratedClassifier {
  return train(rows.length, () => denseFromRows(rows, 'training rows'), labels, ids, options);
}

/** `trainCalibratedClassifier` on a dense matrix: the same model as on the same rows as arrays. */
export function trainCalibratedClassifierDense(
  matrix: DenseMatrix,
  labels: readonly boolean[],
  ids: readonly string[],
  options: CalibratedTrainingOptions = {},
): CalibratedClassifier {
  return train(matrix.rows, () => matrix, labels, ids, options);
}

function train(
  n: number,
  matrixOf: () => DenseMatrix,
  labels: readonly boolean[],
  ids: readonly string[],
  options: CalibratedTrainingOptions,
): CalibratedClassifier {
  if (labels.length !== n || ids.length !== n) {
    throw new RefineryError('VALIDATION', `${n} rows, ${labels.length} labels and ${ids.length} ids: they must match`);
  }
  // Id order, so the fit does not depend on the order rows came in; equal neighbours are
  // duplicates (checked before anything else, as they always were).
  const order = ids.map((_, i) => i).sort((i, j) => {
    const a = ids[i] ?? '';
    const b = ids[j] ?? '';
    return a < b ? -1 : a > b ? 1 : 0;
  });
  const sortedIds = order.map((i) => ids[i] ?? '');
  for (let r = 1; r < n; r += 1) {
    if (sortedIds[r] === sortedIds[r - 1]) throw new RefineryError('VALIDATION', `duplicate row id ${sortedIds[r]}`);
  }
  const folds = options.folds ?? 5;
  const minClassCount = Math.max(2, options.minClassCount ?? 5);
  const trainingRows = options.trainingRows ?? DEFAULT_TRAINING_ROWS;
  if (!Number.isInteger(folds) || folds < 2) throw new RefineryError('VALIDATION', `folds must be an integer >= 2, got ${folds}`);
  if (!Number.isInteger(trainingRows) || trainingRows < 1) {
    throw new RefineryError('VALIDATION', `trainingRows must be a positive integer, got ${trainingRows}`);
  }

  let positives = 0;
  for (const label of labels) if (label) positives += 1;
  const negatives = n - positives;
  if (n === 0) return baseRateModel(0, 0, 'no training rows: probability 0 for everyone', options);
  if (positives === 0 || negatives === 0) {
    const which = positives === 0 ? 'negative' : 'positive';
    return baseRateModel(n, positives, `only one class in training: all ${n} rows are ${which}; everyone gets the base rate`, options);
  }
  const minority = Math.min(positives, negatives);
  if (minority < minClassCount) {
    const which = positives < negatives ? 'positive' : 'negative';
    return baseRateModel(
      n,
      positives,
      `too few ${which} rows to learn from (${minority} < ${minClassCount}); everyone gets the base rate`,
      options,
    );
  }

  const given = matrixOf();
  const X = order.every((i, r) => i === r) ? given : selectRows(given, order);
  const y = order.map((i) => labels[i] === true);

  const k = Math.min(folds, minority);
  const rank = ranksWithinLabel(sortedIds, y, options.foldSeed ?? '', true);
  const fold = new Int32Array(n);
  for (let i = 0; i < n; i += 1) fold[i] = (rank[i] as number) % k;
  // The naive Bayes training sample: everyone, or above trainingRows the lowest ranks of each
  // label in proportion (at least 2 of each, so every fold model sees both classes). Folds are
  // dealt by the same ranks, so each fold holds its share of the sample.
  const quota = (count: number): number => (n <= trainingRows ? count : Math.min(count, Math.max(2, Math.round((trainingRows * count) / n))));
  const positiveQuota = quota(positives);
  const negativeQuota = quota(negatives);
  const inSample = (i: number): boolean => (rank[i] as number) < (y[i] === true ? positiveQuota : negativeQuota);

  // Rows by fold (ascending within each), and the sample's rows.
  const foldSize = new Int32Array(k);
  for (let i = 0; i < n; i += 1) foldSize[fold[i] as number] = (foldSize[fold[i] as number] as number) + 1;
  const rowsOfFold = Array.from(foldSize, (size) => new Int32Array(size));
  const filled = new Int32Array(k);
  const sampleRows: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const f = fold[i] as number;
    (rowsOfFold[f] as Int32Array)[(filled[f] as number)++] = i;
    if (inSample(i)) sampleRows.push(i);
  }

  const oof = new Float64Array(n);
  for (let f = 0; f < k; f += 1) {
    // The sample less fold f, in row order.
    const trainIdx: number[] = [];
    for (const i of sampleRows) if (fold[i] !== f) trainIdx.push(i);
    const nb = fitGaussianNB(
      X,
      trainIdx.map((i) => y[i] === true),
      options,
      trainIdx,
    );
    const heldOut = rowsOfFold[f] as Int32Array;
    const scores = positiveLogOddsDense(nb, X, true, new Float64Array(heldOut.length), heldOut);
    for (let r = 0; r < heldOut.length; r += 1) oof[heldOut[r] as number] = scores[r] as number;
  }

  const calibration = fitPlatt(oof, y);
  const honest = new Float64Array(n);
  for (let f = 0; f < k; f += 1) {
    const otherScores = new Float64Array(n - (foldSize[f] as number));
    const otherLabels = new Array<boolean>(otherScores.length);
    let at = 0;
    for (let i = 0; i < n; i += 1) {
      if (fold[i] === f) continue;
      otherScores[at] = oof[i] as number;
      otherLabels[at] = y[i] === true;
      at += 1;
    }
    // Started from the calibration of all folds, which it differs little from.
    const platt = fitPlatt(otherScores, otherLabels, { start: calibration });
    for (const i of rowsOfFold[f] as Int32Array) honest[i] = applyPlatt(platt, oof[i] as number);
  }

  const nb =
    sampleRows.length === n
      ? fitGaussianNB(X, y, options)
      : fitGaussianNB(
          X,
          sampleRows.map((i) => y[i] === true),
          options,
          sampleRows,
        );
  return {
    kind: 'naive-bayes',
    nb,
    calibration,
    n,
    positives,
    baseRate: positives / n,
    report: {
      method: 'cross-validated',
      folds: k,
      calibrated: backtestReport(honest, y, options),
      uncalibrated: backtestReport(
        oof.map((s) => sigmoid(s)),
        y,
        options,
      ),
    },
  };
}

/** Calibrated P(positive | row). Rows must be finite numbers in the training column order. */
export function predictProbability(model: CalibratedClassifier, row: readonly number[]): number {
  if (model.kind === 'base-rate') return model.probability;
  return applyPlatt(model.calibration, positiveLogOdds(model.nb, row, true));
}

/** `predictProbability` of every row of a dense matrix (the same numbers). */
export function predictProbabilitiesDense(model: CalibratedClassifier, matrix: DenseMatrix): Float64Array {
  const out = new Float64Array(matrix.rows);
  if (model.kind === 'base-rate') return out.fill(model.probability);
  positiveLogOddsDense(model.nb, matrix, true, out);
  for (let i = 0; i < out.length; i += 1) out[i] = applyPlatt(model.calibration, out[i] as number);
  return out;
}
