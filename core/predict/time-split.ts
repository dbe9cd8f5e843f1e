// "Will this person buy in the next N days?" and "has this buyer churned?", trained on the store's
// own history with a time split, scored now, tiered, and backtested out of time.
//
// With T the as-of instant and N the horizon in days:
// - Purchase propensity. Train on feature rows as of T - N, label = at least one order in
//   (T - N, T]. Score feature rows as of T: P(order in (T, T + N]).
// - Churn risk. Population: people with at least one order at or before the cutoff. Train on
//   their rows as of T - N, label = churned = no order in (T - N, T]. Score the people with an
//   order at or before T; anyone else is not scored (churn is undefined for a never-buyer).
//   Churn is its own model and not 1 - P(purchase): the purchase model is fitted on everyone,
//   prospects included, so its prior and its class-conditional feature distributions mix
//   never-buyers in; the churn model is fitted on prior buyers only, with their own base rate
//   and calibration, which is what "risk of a customer lapsing" means.
// - Out-of-time backtest (optional, design item 4): the same machinery one horizon earlier,
//   trained on rows as of T - 2N (labels in (T - 2N, T - N]) and evaluated on rows as of T - N
//   (labels in (T - N, T]): AUC, top-decile lift, Brier, calibration on data the model never saw.
// - Tiers: tiers.ts (default: high = top 20 % and p >= 1.5 x training base rate; medium = top
//   50 % and p >= base rate; low = the rest).
// Missing feature values are imputed with training medians and non-negative features are
// log-transformed (feature-rows.ts).
import { RefineryError } from '../errors.ts';
import { MS_PER_DAY, toEpochMs, type InstantInput } from '../instant.ts';
import {
  predictProbability,
  trainCalibratedClassifier,
  type CalibratedClassifier,
  type CalibratedTrainingOptions,
  type TrainingReport,
} from './calibrated-classifier.ts';
import {
  fitFeatureSchema,
  toFeatureMatrix,
  toFeatureVector,
  type FeatureRow,
  type FeatureSchema,
  type LabelledFeatureRow,
  type LogTransform,
} from './feature-rows.ts';
import { backtestReport, type BacktestReport } from './metrics.ts';
import { assignTiers, DEFAULT_TIER_RULE, type Tier, type TierRule } from './tiers.ts';

export type PredictionTarget = 'purchase' | 'churn';

/** A trained model: plain data, so it can be stored and used to re-score one customer later. */
export interface TimeSplitModel {
  target: PredictionTarget;
  horizonDays: number;
  schema: FeatureSchema;
  classifier: CalibratedClassifier;
  tierRule: TierRule;
}

export interface ScoredRow {
  id: string;
  probability: number;
  tier: Tier;
}

export interface TimeSplitInput {
  target: PredictionTarget;
  horizonDays: number;
  /** Features as of T - N, labelled from (T - N, T] (labelPurchase / labelChurn). */
  training: readonly LabelledFeatureRow[];
  /** Features as of T: the people to score (for churn: prior buyers only). */
  scoring: readonly FeatureRow[];
  /** Out-of-time backtest: rows as of T - 2N labelled from (T - 2N, T - N], tested on rows as of T - N. */
  backtest?: { training: readonly LabelledFeatureRow[]; test: readonly LabelledFeatureRow[] };
  /** Column order; default: the sorted union of the training rows' feature keys. */
  featureNames?: readonly string[];
  /** Default 'auto': non-negative features are used as log(1 + x) (feature-rows.ts). */
  logTransform?: LogTransform;
  tierRule?: TierRule;
  options?: CalibratedTrainingOptions;
}

export interface TimeSplitReport {
  target: PredictionTarget;
  horizonDays: number;
  features: string[];
  model: { kind: CalibratedClassifier['kind']; reason: string | null; plattA: number | null; plattB: number | null };
  training: { n: number; positives: number; baseRate: number; imputedCells: number; imputed: Record<string, number> };
  /** Cross-fitted on the training rows (see calibrated-classifier.ts). */
  crossValidated: TrainingReport;
  /** Trained one horizon earlier, tested on the training rows; null without input.backtest. */
  outOfTime: BacktestReport | null;
  scoring: { n: number; imputedCells: number; tiers: Record<Tier, number> };
}

export interface TimeSplitResult {
  model: TimeSplitModel;
  scores: ScoredRow[];
  report: TimeSplitReport;
}

function checkHorizon(horizonDays: number): void {
  if (!Number.isFinite(horizonDays) || horizonDays <= 0) throw new RefineryError('VALIDATION', `horizonDays must be > 0, got ${horizonDays}`);
}

export function trainTimeSplitModel(
  target: PredictionTarget,
  horizonDays: number,
  training: readonly LabelledFeatureRow[],
  options: { featureNames?: readonly string[]; logTransform?: LogTransform; tierRule?: TierRule; classifier?: CalibratedTrainingOptions } = {},
): { model: TimeSplitModel; imputed: Record<string, number>; imputedCells: number } {
  checkHorizon(horizonDays);
  const schema = fitFeatureSchema(training, options.featureNames, options.logTransform);
  const { matrix, imputed, imputedCells } = toFeatureMatrix(schema, training);
  const classifier = trainCalibratedClassifier(
    matrix,
    training.map((r) => r.label),
    training.map((r) => r.id),
    options.classifier,
  );
  return { model: { target, horizonDays, schema, classifier, tierRule: options.tierRule ?? DEFAULT_TIER_RULE }, imputed, imputedCells };
}

/** Calibrated probabilities for rows, in input order. */
export function scoreProbabilities(model: TimeSplitModel, rows: readonly FeatureRow[]): number[] {
  return rows.map((row) => predictProbability(model.classifier, toFeatureVector(model.schema, row)));
}

/** Probabilities and tiers for rows (tiers are relative to these rows under the default rule). */
export function scoreRows(model: TimeSplitModel, rows: readonly FeatureRow[]): ScoredRow[] {
  const probabilities = scoreProbabilities(model, rows);
  const tiers = assignTiers(probabilities, model.classifier.baseRate, model.tierRule);
  return rows.map((row, i) => ({ id: row.id, probability: probabilities[i] ?? 0, tier: tiers[i] ?? 'low' }));
}

export function runTimeSplit(input: TimeSplitInput): TimeSplitResult {
  const trained = trainTimeSplitModel(input.target, input.horizonDays, input.training, {
    ...(input.featureNames === undefined ? {} : { featureNames: input.featureNames }),
    ...(input.logTransform === undefined ? {} : { logTransform: input.logTransform }),
    ...(input.tierRule === undefined ? {} : { tierRule: input.tierRule }),
    ...(input.options === undefined ? {} : { classifier: input.options }),
  });
  const { model } = trained;
  const scores = scoreRows(model, input.scoring);
  const tiers: Record<Tier, number> = { high: 0, medium: 0, low: 0 };
  for (const s of scores) tiers[s.tier] += 1;

  let outOfTime: BacktestReport | null = null;
  if (input.backtest !== undefined) {
    const earlier = trainTimeSplitModel(input.target, input.horizonDays, input.backtest.training, {
      featureNames: model.schema.names,
      ...(input.logTransform === undefined ? {} : { logTransform: input.logTransform }),
      ...(input.options === undefined ? {} : { classifier: input.options }),
    });
    const test = input.backtest.test;
    outOfTime = backtestReport(
      scoreProbabilities(earlier.model, test),
      test.map((r) => r.label),
      input.options ?? {},
    );
  }

  const c = model.classifier;
  return {
    model,
    scores,
    report: {
      target: input.target,
      horizonDays: input.horizonDays,
      features: model.schema.names,
      model: {
        kind: c.kind,
        reason: c.kind === 'base-rate' ? c.reason : null,
        plattA: c.kind === 'naive-bayes' ? c.calibration.a : null,
        plattB: c.kind === 'naive-bayes' ? c.calibration.b : null,
      },
      training: { n: c.n, positives: c.positives, baseRate: c.baseRate, imputedCells: trained.imputedCells, imputed: trained.imputed },
      crossValidated: c.report,
      outOfTime,
      scoring: { n: scores.length, imputedCells: toFeatureMatrix(model.schema, input.scoring).imputedCells, tiers },
    },
  };
}

// ---- Labels from order history -------------------------------------------------------------

/** A counted order (the caller leaves out cancelled and test orders). */
export interface OrderEvent {
  customerId: string | null;
  placedAt: InstantInput;
}

/** Order instants (epoch ms, ascending) per customer; guest orders (no customer) are skipped. */
export function orderTimesByCustomer(orders: readonly OrderEvent[]): Map<string, number[]> {
  const byCustomer = new Map<string, number[]>();
  for (const order of orders) {
    if (order.customerId === null) continue;
    const ms = toEpochMs(order.placedAt, `order placedAt for ${order.customerId}`);
    const list = byCustomer.get(order.customerId);
    if (list === undefined) byCustomer.set(order.customerId, [ms]);
    else list.push(ms);
  }
  for (const list of byCustomer.values()) list.sort((a, b) => a - b);
  return byCustomer;
}

function orderedIn(times: readonly number[] | undefined, afterMs: number, untilMs: number): boolean {
  return (times ?? []).some((t) => t > afterMs && t <= untilMs);
}

function orderedBy(times: readonly number[] | undefined, atMs: number): boolean {
  return (times ?? []).some((t) => t <= atMs);
}

/** Rows labelled: did the person order in (cutoff, cutoff + horizonDays]? */
export function labelPurchase(
  rows: readonly FeatureRow[],
  orders: ReadonlyMap<string, readonly number[]>,
  cutoff: InstantInput,
  horizonDays: number,
): LabelledFeatureRow[] {
  checkHorizon(horizonDays);
  const from = toEpochMs(cutoff, 'cutoff');
  const until = from + horizonDays * MS_PER_DAY;
  return rows.map((row) => ({ ...row, label: orderedIn(orders.get(row.id), from, until) }));
}

/** Rows of people with an order at or before `asOf`: who churn risk applies to. */
export function churnEligible<R extends FeatureRow>(rows: readonly R[], orders: ReadonlyMap<string, readonly number[]>, asOf: InstantInput): R[] {
  const at = toEpochMs(asOf, 'asOf');
  return rows.filter((row) => orderedBy(orders.get(row.id), at));
}

/** Prior buyers at the cutoff, labelled churned = no order in (cutoff, cutoff + horizonDays]. */
export function labelChurn(
  rows: readonly FeatureRow[],
  orders: ReadonlyMap<string, readonly number[]>,
  cutoff: InstantInput,
  horizonDays: number,
): LabelledFeatureRow[] {
  checkHorizon(horizonDays);
  const from = toEpochMs(cutoff, 'cutoff');
  const until = from + horizonDays * MS_PER_DAY;
  return churnEligible(rows, orders, from).map((row) => ({ ...row, label: !orderedIn(orders.get(row.id), from, until) }));
}

export interface OrderHistoryInput {
  horizonDays: number;
  /** T. */
  asOf: InstantInput;
  /** Counted orders up to T (later ones are ignored). */
  orders: readonly OrderEvent[];
  /** Feature rows computed as of T - N. */
  rowsAtCutoff: readonly FeatureRow[];
  /** Feature rows computed as of T. */
  rowsNow: readonly FeatureRow[];
  /** Feature rows computed as of T - 2N, for the out-of-time backtest. */
  rowsTwoHorizonsBack?: readonly FeatureRow[];
  featureNames?: readonly string[];
  logTransform?: LogTransform;
  tierRule?: TierRule;
  options?: CalibratedTrainingOptions;
}

/** Labels, trains, scores and backtests one target from order history and feature snapshots. */
export function predictFromOrders(target: PredictionTarget, input: OrderHistoryInput): TimeSplitResult & { notScored: string[] } {
  checkHorizon(input.horizonDays);
  const t = toEpochMs(input.asOf, 'asOf');
  const cutoff = t - input.horizonDays * MS_PER_DAY;
  const earlier = cutoff - input.horizonDays * MS_PER_DAY;
  const orders = orderTimesByCustomer(input.orders.filter((o) => toEpochMs(o.placedAt, 'order placedAt') <= t));
  const label = target === 'purchase' ? labelPurchase : labelChurn;
  const training = label(input.rowsAtCutoff, orders, cutoff, input.horizonDays);
  const scoring = target === 'purchase' ? [...input.rowsNow] : churnEligible(input.rowsNow, orders, t);
  const scoredIds = new Set(scoring.map((r) => r.id));
  const back = input.rowsTwoHorizonsBack;
  const result = runTimeSplit({
    target,
    horizonDays: input.horizonDays,
    training,
    scoring,
    ...(back === undefined ? {} : { backtest: { training: label(back, orders, earlier, input.horizonDays), test: training } }),
    ...(input.featureNames === undefined ? {} : { featureNames: input.featureNames }),
    ...(input.logTransform === undefined ? {} : { logTransform: input.logTransform }),
    ...(input.tierRule === undefined ? {} : { tierRule: input.tierRule }),
    ...(input.options === undefined ? {} : { options: input.options }),
  });
  return { ...result, notScored: input.rowsNow.filter((r) => !scoredIds.has(r.id)).map((r) => r.id) };
}
