// RFM scores and the eleven Shopify RFM groups (the values of Shopify's `rfm_group` segment filter
// and of `CustomerStatistics.rfmGroup`). See rfm.md for the sources and the reasoning.
//
// Scores (what Shopify documents): each customer with at least one order gets a recency score R and
// a frequency score F and monetary score M, 1-5, by quintiles among the shop's own customers
// (5 = top 20 %, 1 = bottom 20 %); the group is read from R and FM = (F + M) / 2. Customers with
// no order are PROSPECTS.
//
// What we chose where the docs are silent:
// - Population: customers with >= 1 counted order (prospects are not ranked).
// - Values: R ranks whole days since the last order (fewer days = higher score), F ranks the
//   order count, M ranks total spent in cents.
// - Quintile with ties, mid-rank rule: for a value shared by `eq` customers with `below`
//   customers strictly lower, p = (below + eq / 2) / n and score = min(5, floor(5 p) + 1).
//   Equal values always get equal scores; 5 k distinct values give exactly k per score; a shop of
//   one customer scores 3 everywhere; two distinct customers score 2 and 4; three score 1, 3, 5.
// - FM = (F + M) / 2 rounded down (F 3, M 4 -> FM 3): a high FM needs both F and M high. It
//   also keeps FM 1 reachable: one-time buyers are usually one big tie block at the bottom of F
//   (42 % of buyers in the Online Retail sample), which the mid-rank rule scores 2, not 1.
// - The grid below (R rows x FM columns) is ours: Shopify publishes each group's description but
//   we found no published grid. It follows the descriptions word by word:
//
//   | R \ FM |    1      |     2       |        3        |     4     |        5         |
//   |--------|-----------|-------------|-----------------|-----------|------------------|
//   |   5    | NEW       | NEW         | ACTIVE          | CHAMPIONS | CHAMPIONS        |
//   |   4    | PROMISING | PROMISING   | ACTIVE          | LOYAL     | LOYAL            |
//   |   3    | PROMISING | PROMISING   | NEEDS_ATTENTION | LOYAL     | LOYAL            |
//   |   2    | DORMANT   | ALMOST_LOST | AT_RISK         | AT_RISK   | PREVIOUSLY_LOYAL |
//   |   1    | DORMANT   | ALMOST_LOST | AT_RISK         | AT_RISK   | PREVIOUSLY_LOYAL |
//
//   group            | rule
//   -----------------|------------------------------------------------
//   CHAMPIONS        | R = 5 and FM 4-5   (very recent, many orders, most spend)
//   LOYAL            | R 3-4 and FM 4-5   (recent, many orders, most spend)
//   ACTIVE           | R 4-5 and FM = 3   (recent, some orders, moderate spend)
//   NEEDS_ATTENTION  | R = 3 and FM = 3   (recent but fading, some orders, moderate spend)
//   NEW              | R = 5 and FM 1-2   (very recent, few orders, low spend)
//   PROMISING        | R 3-4 and FM 1-2   (recent, few orders, low spend)
//   PREVIOUSLY_LOYAL | R 1-2 and FM = 5   (not recent, very strong history)
//   AT_RISK          | R 1-2 and FM 3-4   (not recent, strong history)
//   ALMOST_LOST      | R 1-2 and FM = 2   (not recent, fewer orders, lower spend)
//   DORMANT          | R 1-2 and FM = 1   (not recent, infrequent, low spend)
//   PROSPECTS        | no counted order   (no scores)
import type { CustomerAggregate } from './customer-aggregate.ts';
import type { Memberships, SegmentDefinition } from './model.ts';
import { compareStrings, parseEpochMs, toCents, toEpochMs, wholeDaysBetween, type InstantInput } from './instant.ts';

export type RfmGroup =
  | 'CHAMPIONS'
  | 'LOYAL'
  | 'ACTIVE'
  | 'NEEDS_ATTENTION'
  | 'PROMISING'
  | 'NEW'
  | 'AT_RISK'
  | 'PREVIOUSLY_LOYAL'
  | 'ALMOST_LOST'
  | 'DORMANT'
  | 'PROSPECTS';

export type Score = 1 | 2 | 3 | 4 | 5;

export interface RfmScore {
  customerId: string;
  /** Whole days from the last counted order to asOf; null for a prospect. */
  recencyDays: number | null;
  r: Score | null;
  f: Score | null;
  m: Score | null;
  /** (f + m) / 2 rounded down. */
  fm: Score | null;
  group: RfmGroup;
}

/** Display order: best first, prospects last. */
export const RFM_GROUP_ORDER: readonly RfmGroup[] = [
  'CHAMPIONS',
  'LOYAL',
  'ACTIVE',
  'NEEDS_ATTENTION',
  'PROMISING',
  'NEW',
  'AT_RISK',
  'PREVIOUSLY_LOYAL',
  'ALMOST_LOST',
  'DORMANT',
  'PROSPECTS',
];

function rfmSegment(key: string, name: string, description: string): SegmentDefinition {
  return { key, name, kind: 'rfm', description };
}

/** One segment definition per Shopify RFM group; `key` is the stable slug used in tags. */
export const RFM_GROUPS: Readonly<Record<RfmGroup, SegmentDefinition>> = {
  CHAMPIONS: rfmSegment('champions', 'Champions', 'Bought very recently, order often and spend the most: your best customers.'),
  LOYAL: rfmSegment('loyal', 'Loyal', 'Bought recently and have a long record of frequent, high-value orders.'),
  ACTIVE: rfmSegment('active', 'Active', 'Bought recently, with an average number of orders and average spend.'),
  NEEDS_ATTENTION: rfmSegment('needs-attention', 'Needs attention', 'Average buyers whose last order is starting to age: nudge them before they drift away.'),
  PROMISING: rfmSegment('promising', 'Promising', 'Bought recently but have placed few orders and spent little so far.'),
  NEW: rfmSegment('new', 'New', 'Placed their first, small orders very recently.'),
  AT_RISK: rfmSegment('at-risk', 'At risk', 'Used to order often and spend well, but have not bought for a long time.'),
  PREVIOUSLY_LOYAL: rfmSegment('previously-loyal', 'Previously loyal', 'Were among your most frequent, biggest spenders, but have not bought for a long time.'),
  ALMOST_LOST: rfmSegment('almost-lost', 'Almost lost', 'Have not bought for a long time and placed only a few modest orders.'),
  DORMANT: rfmSegment('dormant', 'Dormant', 'Bought rarely, spent little, and have not been back for a long time.'),
  PROSPECTS: rfmSegment('prospects', 'Prospects', 'Have a customer record but have not placed an order yet.'),
};

/** The RFM segment definitions in display order. */
export const RFM_SEGMENTS: readonly SegmentDefinition[] = RFM_GROUP_ORDER.map((group) => RFM_GROUPS[group]);

// GRID[5 - r][fm - 1]: rows from R 5 down to R 1, columns FM 1..5. Mirrors the table above.
const GRID: readonly (readonly RfmGroup[])[] = [
  ['NEW', 'NEW', 'ACTIVE', 'CHAMPIONS', 'CHAMPIONS'],
  ['PROMISING', 'PROMISING', 'ACTIVE', 'LOYAL', 'LOYAL'],
  ['PROMISING', 'PROMISING', 'NEEDS_ATTENTION', 'LOYAL', 'LOYAL'],
  ['DORMANT', 'ALMOST_LOST', 'AT_RISK', 'AT_RISK', 'PREVIOUSLY_LOYAL'],
  ['DORMANT', 'ALMOST_LOST', 'AT_RISK', 'AT_RISK', 'PREVIOUSLY_LOYAL'],
];

/** The group for a recency score and a combined frequency-monetary score. */
export function rfmGroupFor(r: Score, fm: Score): RfmGroup {
  const group = GRID[5 - r]?.[fm - 1];
  if (group === undefined) throw new RangeError(`scores out of range: r=${r} fm=${fm}`);
  return group;
}

/** FM = (F + M) / 2, rounded down. */
export function combineFm(f: Score, m: Score): Score {
  return Math.floor((f + m) / 2) as Score;
}

/**
 * Quintile scores for `values` (higher value -> higher score), by the mid-rank rule described at
 * the top of this file. The result is index-aligned with `values`; equal values get equal scores.
 */
export function quintileScores(values: readonly number[]): Score[] {
  const n = values.length;
  const order = values.map((_, index) => index).sort((a, b) => (values[a] ?? 0) - (values[b] ?? 0));
  const scores = new Array<Score>(n);
  let start = 0;
  while (start < n) {
    const value = values[order[start] ?? 0];
    let end = start;
    while (end < n && values[order[end] ?? 0] === value) end += 1;
    const below = start;
    const equal = end - start;
    // floor(5 * (below + equal / 2) / n) + 1, in integers.
    const score = Math.min(5, Math.floor((5 * (2 * below + equal)) / (2 * n)) + 1) as Score;
    for (let k = start; k < end; k += 1) scores[order[k] ?? 0] = score;
    start = end;
  }
  return scores;
}

/**
 * Score every aggregate as of `asOf`. Output is sorted by customer id. Aggregates with no counted
 * order are PROSPECTS and take no part in the quintiles.
 */
export function scoreRfm(aggregates: readonly CustomerAggregate[], asOf: InstantInput): RfmScore[] {
  const asOfMs = toEpochMs(asOf, 'asOf');
  const buyers: { customerId: string; recencyDays: number; orderCount: number; spentCents: number }[] = [];
  const results: RfmScore[] = [];

  for (const aggregate of aggregates) {
    const lastMs = parseEpochMs(aggregate.lastOrderAt);
    if (aggregate.orderCount <= 0 || lastMs === null) {
      results.push({ customerId: aggregate.customerId, recencyDays: null, r: null, f: null, m: null, fm: null, group: 'PROSPECTS' });
      continue;
    }
    buyers.push({
      customerId: aggregate.customerId,
      recencyDays: wholeDaysBetween(lastMs, asOfMs),
      orderCount: aggregate.orderCount,
      spentCents: toCents(aggregate.totalSpent),
    });
  }

  const r = quintileScores(buyers.map((buyer) => -buyer.recencyDays));
  const f = quintileScores(buyers.map((buyer) => buyer.orderCount));
  const m = quintileScores(buyers.map((buyer) => buyer.spentCents));
  buyers.forEach((buyer, index) => {
    const rScore = r[index] ?? 1;
    const fScore = f[index] ?? 1;
    const mScore = m[index] ?? 1;
    const fm = combineFm(fScore, mScore);
    results.push({
      customerId: buyer.customerId,
      recencyDays: buyer.recencyDays,
      r: rScore,
      f: fScore,
      m: mScore,
      fm,
      group: rfmGroupFor(rScore, fm),
    });
  });

  return results.sort((a, b) => compareStrings(a.customerId, b.customerId));
}

/** Memberships keyed by RFM segment key; every one of the eleven keys is present, maybe empty. */
export function rfmMemberships(scores: Iterable<Pick<RfmScore, 'customerId' | 'group'>>): Memberships {
  const memberships: Memberships = new Map(RFM_SEGMENTS.map((segment) => [segment.key, new Set<string>()]));
  for (const score of scores) memberships.get(RFM_GROUPS[score.group].key)?.add(score.customerId);
  return memberships;
}
