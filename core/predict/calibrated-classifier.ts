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
// Determinism: rows are put in id order first; fold membership is FNV-1a(foldSeed + id), ranked
// within each label and dealt round-robin, so the same ids always land in the same folds
// whatever order they come in, and adding a customer moves few others.
//
// When it does not train (a value, not an error): no rows (probability 0), one class only,
// or fewer than minClassCount rows of the rarer class. The model is then 'base-rate': every
// row gets the training base rate, with the reason.
import { RefineryError } from '../errors.ts';
import { fitGaussianNB, positiveLogOdds, type GaussianNBModel, type GaussianNBOptions } from './gaussian-nb.ts';
import { backtestReport, type BacktestReport, type BinStrategy } from './metrics.ts';
import { applyPlatt, fitPlatt, sigmoid, type PlattCalibration } from './platt.ts';

export interface CalibratedTrainingOptions extends GaussianNBOptions {
  /** Cross-fitting folds, at most this many (never more than the rarer class has rows). Default 5. */
  folds?: number;
  /** Fewer rows than this in the rarer class: a base-rate model. Default 5, at least 2. */
  minClassCount?: number;
  /** Salt for fold assignment. Default ''. */
  foldSeed?: string;
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

/** Fold (0..folds-1) of each id, stratified by label; input order does not matter. */
export function assignFolds(ids: readonly string[], labels: readonly boolean[], folds: number, seed = ''): number[] {
  const fold = new Array<number>(ids.length).fill(0);
  for (const label of [false, true]) {
    const members = ids
      .map((id, i) => ({ id, i, hash: fnv1a(seed + id) }))
      .filter(({ i }) => labels[i] === label)
      .sort((a, b) => a.hash - b.hash || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    members.forEach(({ i }, rank) => {
      fold[i] = rank % folds;
    });
  }
  return fold;
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
  const n = rows.length;
  if (labels.length !== n || ids.length !== n) {
    throw new RefineryError('VALIDATION', `${n} rows, ${labels.length} labels and ${ids.length} ids: they must match`);
  }
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) throw new RefineryError('VALIDATION', `duplicate row id ${id}`);
    seen.add(id);
  }
  const folds = options.folds ?? 5;
  const minClassCount = Math.max(2, options.minClassCount ?? 5);
  if (!Number.isInteger(folds) || folds < 2) throw new RefineryError('VALIDATION', `folds must be an integer >= 2, got ${folds}`);

  const positives = labels.filter(Boolean).length;
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

  // Id order, so the fit does not depend on the order rows came in.
  const order = ids.map((_, i) => i).sort((i, j) => {
    const a = ids[i] ?? '';
    const b = ids[j] ?? '';
    return a < b ? -1 : a > b ? 1 : 0;
  });
  const X = order.map((i) => rows[i] ?? []);
  const y = order.map((i) => labels[i] === true);
  const sortedIds = order.map((i) => ids[i] ?? '');

  const k = Math.min(folds, minority);
  const fold = assignFolds(sortedIds, y, k, options.foldSeed ?? '');
  const oof = new Array<number>(n).fill(0);
  for (let f = 0; f < k; f += 1) {
    const trainIdx = fold.flatMap((g, i) => (g === f ? [] : [i]));
    const nb = fitGaussianNB(
      trainIdx.map((i) => X[i] ?? []),
      trainIdx.map((i) => y[i] === true),
      options,
    );
    fold.forEach((g, i) => {
      if (g === f) oof[i] = positiveLogOdds(nb, X[i] ?? [], true);
    });
  }

  const honest = new Array<number>(n).fill(0);
  for (let f = 0; f < k; f += 1) {
    const others = fold.flatMap((g, i) => (g === f ? [] : [i]));
    const platt = fitPlatt(
      others.map((i) => oof[i] ?? 0),
      others.map((i) => y[i] === true),
    );
    fold.forEach((g, i) => {
      if (g === f) honest[i] = applyPlatt(platt, oof[i] ?? 0);
    });
  }

  const calibration = fitPlatt(oof, y);
  const nb = fitGaussianNB(X, y, options);
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
