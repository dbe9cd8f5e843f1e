// Segment sizes and revenue share, for the admin screen and the run record.
//
// revenueShare = (sum of members' totalSpent) / (sum of every customer's totalSpent), 0 when the
// shop has no revenue. customerShare = size / number of customers given. Money is summed in cents.
import type { CustomerAggregate } from './customer-aggregate.ts';
import type { Memberships, SegmentDefinition } from './model.ts';
import { compareStrings, fromCents, toCents } from './instant.ts';

export interface SegmentSummaryRow {
  key: string;
  /** Display name from the definition; the key when no definition was given. */
  name: string;
  size: number;
  /** Members' total spent. */
  revenue: number;
  /** 0..1 */
  revenueShare: number;
  /** 0..1 */
  customerShare: number;
}

export interface SegmentSummary {
  customers: number;
  shopRevenue: number;
  /** Defined segments first, in definition order (empty ones included), then other keys sorted. */
  segments: SegmentSummaryRow[];
}

export function summarizeSegments(
  memberships: Memberships,
  aggregates: Iterable<Pick<CustomerAggregate, 'customerId' | 'totalSpent'>>,
  definitions: readonly Pick<SegmentDefinition, 'key' | 'name'>[] = [],
): SegmentSummary {
  const spentCents = new Map<string, number>();
  let shopCents = 0;
  for (const aggregate of aggregates) {
    const cents = Math.max(0, toCents(aggregate.totalSpent));
    spentCents.set(aggregate.customerId, (spentCents.get(aggregate.customerId) ?? 0) + cents);
    shopCents += cents;
  }
  const customers = spentCents.size;

  const keys: string[] = [];
  const names = new Map<string, string>();
  for (const definition of definitions) {
    if (names.has(definition.key)) continue;
    names.set(definition.key, definition.name);
    keys.push(definition.key);
  }
  keys.push(...[...memberships.keys()].filter((key) => !names.has(key)).sort(compareStrings));

  const segments = keys.map((key): SegmentSummaryRow => {
    const members = memberships.get(key) ?? new Set<string>();
    let cents = 0;
    for (const customerId of members) cents += spentCents.get(customerId) ?? 0;
    return {
      key,
      name: names.get(key) ?? key,
      size: members.size,
      revenue: fromCents(cents),
      revenueShare: shopCents === 0 ? 0 : cents / shopCents,
      customerShare: customers === 0 ? 0 : members.size / customers,
    };
  });

  return { customers, shopRevenue: fromCents(shopCents), segments };
}
