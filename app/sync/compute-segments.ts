// Compute stage: one person per normalised email across Shopify customers, CSV-imported customers
// and HubSpot contacts (core/identity.md); one pass over the orders for aggregates (RFM), feature
// snapshots (now and one prediction horizon back) and purchase history; then the pure core refines
// them into every segment and score (core/segments/segments.md). The cluster model of the
// previous run is read back so that cluster ids stay stable. Orders stream out of the store page by
// page; memory grows with people, not orders.
import type { ClusterModel } from '../../core/clusters/cluster-model.ts';
import type { CustomerAggregate } from '../../core/customer-aggregate.ts';
import type { IdentityResolution } from '../../core/identity.ts';
import { MS_PER_DAY } from '../../core/instant.ts';
import type { Memberships } from '../../core/model.ts';
import { scoreRfm } from '../../core/rfm.ts';
import { personRuleRecords, REFINE_DEFAULTS, refineSegments, type RefinedSegments, type RefineInput } from '../../core/segments/refine.ts';
import { emptyScores } from '../../core/segments/person-scores.ts';
import type { RuleRecord } from '../../core/rules/index.ts';
import { summarizeSegments, type SegmentSummary } from '../../core/segment-summary.ts';
import { productTypesAsOf, readHistory } from '../analysis/read-history.ts';
import { decideModelRefresh, MODEL_REFRESH, peopleChangedTooMuch, type RefreshDecision } from './model-refresh.ts';
import { scoreRfmAgainst } from '../../core/segments/rfm-boundaries.ts';
import type { Store } from '../store/store.ts';

export const CLUSTER_MODEL_STATE = 'cluster-model';
/** What real-time re-scoring uses between runs (core/segments/scoring-snapshot.ts). */
export const SCORING_SNAPSHOT_STATE = 'scoring-snapshot';

/** The progress message of each refinement step (core/segments/refine.ts onStep). */
export const REFINE_STEP_MESSAGES: Readonly<Record<string, string>> = {
  clusters: 'clustering (k-means)',
  predictions: 'training and scoring the propensity and churn models',
  clv: 'fitting BG/NBD and Gamma-Gamma (CLV)',
  segments: 'micro-segments and rule segments',
};

export interface ComputedSegments {
  /** Whether this computation trained new models or scored with the kept ones, and why. */
  models: { retrained: boolean; reason: string };
  identity: IdentityResolution;
  /** Keyed by person id. */
  aggregates: CustomerAggregate[];
  refined: RefinedSegments;
  /** Segment key -> person ids (all segments, before holdouts). */
  memberships: Memberships;
  summary: SegmentSummary;
  /** Current number of tags (all apps') per Shopify customer, for the 250-tag limit. */
  tagCounts: Map<string, number>;
  /** The record every person's rules are evaluated against, as of asOf (for a rule's live size). */
  ruleRecords(): Iterable<{ personId: string; record: RuleRecord }>;
}

export function isClusterModel(value: unknown): value is ClusterModel {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'cluster-model' && (value as { version?: unknown }).version === 1;
}

export interface ComputeOptions {
  horizonDays?: number;
  onStep?: (step: string) => void;
  /**
   * Train new models whatever the kept ones (a full sync). Without it the models the last training
   * run kept are used while they are fresh enough (app/sync/model-refresh.ts).
   */
  retrain?: boolean;
}

export async function computeSegments(store: Store, shopId: string, asOf: string, options: ComputeOptions = {}): Promise<ComputedSegments> {
  const horizonDays = options.horizonDays ?? REFINE_DEFAULTS.horizonDays;
  const cutoff = new Date(Date.parse(asOf) - horizonDays * MS_PER_DAY).toISOString();
  const storedOrders = await store.countOrders(shopId);
  let decision: RefreshDecision = decideModelRefresh(await store.getModelState(shopId, SCORING_SNAPSHOT_STATE), { asOf, horizonDays, storedOrders, full: options.retrain ?? false });
  const tagCounts = new Map<string, number>();
  const read = (keep: RefreshDecision) =>
    readHistory(store, shopId, {
      // Kept models score the features of now only, with the product-type columns they were trained on.
      snapshots: keep.retrain ? [{ label: 'now', asOf }, { label: 'cutoff', asOf: cutoff }] : [{ label: 'now', asOf, categories: keep.snapshot.categories }],
      qualityAsOf: asOf,
      aggregatesAsOf: asOf,
      onCustomers: (page) => {
        for (const customer of page) if (customer.source === 'shopify') tagCounts.set(customer.id, customer.tags.length);
      },
    });
  let history = await read(decision);
  if (!decision.retrain && peopleChangedTooMuch(decision.snapshot, history.identity.people.length)) {
    decision = { retrain: true, reason: `the people changed by more than ${MODEL_REFRESH.maxOrderChange * 100} % since the models were trained` };
    tagCounts.clear();
    history = await read(decision);
  }
  const now = history.snapshots.get('now');
  const atCutoff = decision.retrain ? history.snapshots.get('cutoff') : now;
  if (!now || !atCutoff) throw new Error('readHistory returned no feature snapshots');
  const asOfMs = Date.parse(asOf);
  const productTypes = new Map<string, string[]>();
  for (const [personId, orders] of history.orders) {
    const types = productTypesAsOf(orders, asOfMs);
    if (types.length > 0) productTypes.set(personId, types);
  }
  const previous = await store.getModelState(shopId, CLUSTER_MODEL_STATE);
  const rules = await store.listRuleSegments(shopId);
  const input: RefineInput = {
    asOf,
    people: history.identity.people,
    aggregates: history.aggregates,
    rfm: decision.retrain ? scoreRfm(history.aggregates, asOf) : history.aggregates.map((a) => scoreRfmAgainst(a, decision.snapshot.rfm, asOf)),
    featuresNow: now,
    featuresAtCutoff: atCutoff,
    orders: history.orders,
    productTypes,
    previousClusters: isClusterModel(previous) ? previous : null,
    rules,
    options: { horizonDays },
    ...(options.onStep ? { onStep: options.onStep } : {}),
    kept: decision.retrain ? null : { snapshot: decision.snapshot, definitions: (await store.listSegmentSnapshot(shopId)).map((row) => row.definition) },
  };
  const trained = refineSegments(input);
  let refined = trained;
  let final = input;
  if (decision.retrain) {
    // Fresh models, then everybody scored through them exactly as later runs with kept models and
    // real time will score (RFM against the kept boundaries, nearest kept centroid, tiers at the kept
    // cutoffs): a run right after this one, on the same data, then writes nothing.
    const snapshot = { ...trained.snapshot, trainedOn: { orders: storedOrders, people: history.identity.people.length } };
    final = { ...input, rfm: history.aggregates.map((a) => scoreRfmAgainst(a, snapshot.rfm, asOf)), kept: { snapshot, definitions: trained.definitions }, onStep: () => {} };
    const scored = refineSegments(final);
    const tiersOf = (step: RefinedSegments['report']['propensity'], from: RefinedSegments['report']['propensity']) =>
      step.status === 'done' && from.status === 'done' ? { ...step, scored: from.scored, tiers: from.tiers } : step;
    refined = {
      ...scored,
      definitions: trained.definitions,
      clusterModel: trained.clusterModel,
      snapshot,
      report: {
        ...scored.report,
        clusters: trained.report.clusters,
        propensity: tiersOf(trained.report.propensity, scored.report.propensity),
        churn: tiersOf(trained.report.churn, scored.report.churn),
        clv: trained.report.clv,
        micro: { ...scored.report.micro, tooSmall: trained.report.micro.tooSmall },
      },
    };
  }
  return {
    models: { retrained: decision.retrain, reason: decision.reason },
    identity: history.identity,
    aggregates: history.aggregates,
    refined,
    memberships: refined.memberships,
    summary: summarizeSegments(refined.memberships, history.aggregates, refined.definitions),
    tagCounts,
    ruleRecords: () => personRuleRecords(final, (id) => refined.scores.get(id) ?? emptyScores()),
  };
}
