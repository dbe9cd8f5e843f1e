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
import type { Store } from '../store/store.ts';

export const CLUSTER_MODEL_STATE = 'cluster-model';
/** What real-time re-scoring uses between runs (core/segments/scoring-snapshot.ts). */
export const SCORING_SNAPSHOT_STATE = 'scoring-snapshot';

export interface ComputedSegments {
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

export async function computeSegments(store: Store, shopId: string, asOf: string, options: { horizonDays?: number } = {}): Promise<ComputedSegments> {
  const horizonDays = options.horizonDays ?? REFINE_DEFAULTS.horizonDays;
  const cutoff = new Date(Date.parse(asOf) - horizonDays * MS_PER_DAY).toISOString();
  const tagCounts = new Map<string, number>();
  const history = await readHistory(store, shopId, {
    snapshots: [{ label: 'now', asOf }, { label: 'cutoff', asOf: cutoff }],
    qualityAsOf: asOf,
    aggregatesAsOf: asOf,
    onCustomers: (page) => {
      for (const customer of page) if (customer.source === 'shopify') tagCounts.set(customer.id, customer.tags.length);
    },
  });
  const now = history.snapshots.get('now');
  const atCutoff = history.snapshots.get('cutoff');
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
    rfm: scoreRfm(history.aggregates, asOf),
    featuresNow: now,
    featuresAtCutoff: atCutoff,
    orders: history.orders,
    productTypes,
    previousClusters: isClusterModel(previous) ? previous : null,
    rules,
    options: { horizonDays },
  };
  const refined = refineSegments(input);
  return {
    identity: history.identity,
    aggregates: history.aggregates,
    refined,
    memberships: refined.memberships,
    summary: summarizeSegments(refined.memberships, history.aggregates, refined.definitions),
    tagCounts,
    ruleRecords: () => personRuleRecords(input, (id) => refined.scores.get(id) ?? emptyScores()),
  };
}
