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
  predictProbabilitiesDense,
  trainCalibratedClassifierDense,
  type CalibratedClassifier,
  type CalibratedTrainingOptions,
  type TrainingReport,
} from './calibrated-classifier.ts';
import {
  fitFeatureSchemaAndMatrix,
  toDenseFeatureMatrix,
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
  const { schema, matrix, imputed, imputedCells } = fitFeatureSchemaAndMatrix(training, options.featureNames, options.logTransform);
  const classifier = trainCalibratedClassifierDense(
    matrix,
    training.map((r) => r.label),
    training.map((r) => r.id),
    options.classifier,
  );
  return { model: { target, horizonDays, schema, classifier, tierRule: options.tierRule ?? DEFAULT_TIER_RULE }, imputed, imputedCells };
}

/** Calibrated probabilities for rows, in input order. */
export function scoreProbabilities(model: TimeSplitModel, rows: readonly FeatureRow[]): number[] {
  return Array.from(predictProbabilitiesDense(model.classifier, toDenseFeatureMatrix(model.schema, rows).matrix));
}

/** Probabilities and tiers for rows (tiers are relative to these rows under the default rule). */
export function scoreRows(model: TimeSplitModel, rows: readonly FeatureRow[]): ScoredRow[] {
  return scoredRowsOf(model, rows, scoreProbabilities(model, rows));
}

function scoredRowsOf(model: TimeSplitModel, rows: readonly FeatureRow[], probabilities: readonly number[]): ScoredRow[] {
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
  // One matrix of the scoring rows serves the scores and the report's imputed-cell count.
  const scoring = toDenseFeatureMatrix(model.schema, input.scoring);
  const scores = scoredRowsOf(model, input.scoring, Array.from(predictProbabilitiesDense(model.classifier, scoring.matrix)));
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
      scoring: { n: scores.length, imputedCells: scoring.imputedCells, tiers },
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

/**
 * What labelling needs from the order history, per customer, in one pass over the orders placed
 * at or before `untilMs`: whether they ordered in each of the label `windows` (from, end], and,
 * when `needFirst` (churn), their first order, so that "ordered by at" is "first <= at". Without
 * needFirst, only orders inside a window are looked up at all. Every placedAt must be a valid
 * instant (guest orders included), as predictFromOrders has always required.
 */
function summarizeOrders(orders: readonly OrderEvent[], untilMs: number, windows: readonly (readonly [number, number])[], needFirst: boolean) {
  const index = new Map<string, number>();
  const first: number[] = [];
  const windowFlags: number[] = [];
  const froms = Float64Array.from(windows, (w) => w[0]);
  const ends = Float64Array.from(windows, (w) => w[1]);
  // Orders often come grouped by customer: the previous customer's entry is reused without a lookup.
  let lastId: string | null = null;
  let lastAt = -1;
  for (const order of orders) {
    const ms = toEpochMs(order.placedAt, 'order placedAt');
    if (order.customerId === null || !(ms <= untilMs)) continue;
    let flags = 0;
    for (let w = 0; w < froms.length; w += 1) if (ms > (froms[w] as number) && ms <= (ends[w] as number)) flags |= 1 << w;
    if (flags === 0 && !needFirst) continue;
    let at = order.customerId === lastId ? lastAt : index.get(order.customerId);
    lastId = order.customerId;
    if (at === undefined) {
      at = first.length;
      index.set(order.customerId, at);
      first.push(ms);
      windowFlags.push(flags);
    } else {
      if (ms < (first[at] as number)) first[at] = ms;
      windowFlags[at] = (windowFlags[at] as number) | flags;
    }
    lastAt = at;
  }
  return {
    /** Ordered in window w. */
    orderedIn(id: string, w: number): boolean {
      const at = index.get(id);
      return at !== undefined && ((windowFlags[at] as number) & (1 << w)) !== 0;
    },
    /** Ordered at or before atMs (needs needFirst). */
    orderedBy(id: string, atMs: number): boolean {
      const at = index.get(id);
      return at !== undefined && (first[at] as number) <= atMs;
    },
  };
}

/** Labels, trains, scores and backtests one target from order history and feature snapshots. */
export function predictFromOrders(target: PredictionTarget, input: OrderHistoryInput): TimeSplitResult & { notScored: string[] } {
  checkHorizon(input.horizonDays);
  const t = toEpochMs(input.asOf, 'asOf');
  const horizonMs = input.horizonDays * MS_PER_DAY;
  const cutoff = t - horizonMs;
  const earlier = cutoff - horizonMs;
  // The label windows (cutoff, cutoff + N] and, for the backtest, (earlier, earlier + N]: the
  // same windows labelPurchase and labelChurn use, from a per-customer summary instead of lists.
  const orders = summarizeOrders(
    input.orders,
    t,
    [
      [cutoff, cutoff + horizonMs],
      [earlier, earlier + horizonMs],
    ],
    target === 'churn',
  );
  const label = (rows: readonly FeatureRow[], from: number, window: number): LabelledFeatureRow[] => {
    const labelled: LabelledFeatureRow[] = [];
    for (const row of rows) {
      if (target === 'purchase') labelled.push({ id: row.id, features: row.features, label: orders.orderedIn(row.id, window) });
      else if (orders.orderedBy(row.id, from)) labelled.push({ id: row.id, features: row.features, label: !orders.orderedIn(row.id, window) });
    }
    return labelled;
  };
  const training = label(input.rowsAtCutoff, cutoff, 0);
  const scoring = target === 'purchase' ? [...input.rowsNow] : input.rowsNow.filter((row) => orders.orderedBy(row.id, t));
  const back = input.rowsTwoHorizonsBack;
  const result = runTimeSplit({
    target,
    horizonDays: input.horizonDays,
    training,
    scoring,
    ...(back === undefined ? {} : { backtest: { training: label(back, earlier, 1), test: training } }),
    ...(input.featureNames === undefined ? {} : { featureNames: input.featureNames }),
    ...(input.logTransform === undefined ? {} : { logTransform: input.logTransform }),
    ...(input.tierRule === undefined ? {} : { tierRule: input.tierRule }),
    ...(input.options === undefined ? {} : { options: input.options }),
  });
  const notScored = target === 'purchase' ? [] : input.rowsNow.filter((row) => !orders.orderedBy(row.id, t)).map((row) => row.id);
  return { ...result, notScored };
}
