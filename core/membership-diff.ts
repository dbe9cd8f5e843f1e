// What to write: the difference between the memberships a run computed and the memberships that
// were last written, per customer, so that only changes are sent and a re-run with no change
// sends nothing. Plus a guard for Shopify's limit of 250 tags per customer.
import type { Memberships } from './model.ts';
import { compareStrings } from './instant.ts';
import { MAX_TAGS_PER_CUSTOMER } from './segment-tags.ts';

export interface CustomerChange {
  customerId: string;
  /** Segment keys the customer joins, sorted. */
  add: string[];
  /** Segment keys the customer leaves, sorted. */
  remove: string[];
}

export interface SegmentChangeTotals {
  key: string;
  add: number;
  remove: number;
}

export interface MembershipDiff {
  /** One entry per customer with at least one change, sorted by customer id. */
  changes: CustomerChange[];
  totals: {
    customers: number;
    additions: number;
    removals: number;
    /** Per segment key, sorted by key; segments without change are left out. */
    bySegment: SegmentChangeTotals[];
  };
}

function invert(memberships: Memberships): Map<string, Set<string>> {
  const byCustomer = new Map<string, Set<string>>();
  for (const [key, members] of memberships) {
    for (const customerId of members) {
      let keys = byCustomer.get(customerId);
      if (keys === undefined) {
        keys = new Set();
        byCustomer.set(customerId, keys);
      }
      keys.add(key);
    }
  }
  return byCustomer;
}

const NONE: ReadonlySet<string> = new Set();

export function diffMemberships(desired: Memberships, written: Memberships): MembershipDiff {
  const want = invert(desired);
  const have = invert(written);
  const customerIds = new Set([...want.keys(), ...have.keys()]);
  const perSegment = new Map<string, SegmentChangeTotals>();
  const bump = (key: string, field: 'add' | 'remove'): void => {
    let totals = perSegment.get(key);
    if (totals === undefined) {
      totals = { key, add: 0, remove: 0 };
      perSegment.set(key, totals);
    }
    totals[field] += 1;
  };

  const changes: CustomerChange[] = [];
  let additions = 0;
  let removals = 0;
  for (const customerId of [...customerIds].sort(compareStrings)) {
    const wanted = want.get(customerId) ?? NONE;
    const had = have.get(customerId) ?? NONE;
    const add = [...wanted].filter((key) => !had.has(key)).sort(compareStrings);
    const remove = [...had].filter((key) => !wanted.has(key)).sort(compareStrings);
    if (add.length === 0 && remove.length === 0) continue;
    for (const key of add) bump(key, 'add');
    for (const key of remove) bump(key, 'remove');
    additions += add.length;
    removals += remove.length;
    changes.push({ customerId, add, remove });
  }

  return {
    changes,
    totals: {
      customers: changes.length,
      additions,
      removals,
      bySegment: [...perSegment.values()].sort((a, b) => compareStrings(a.key, b.key)),
    },
  };
}

export interface TagCapResult {
  /** Additions that fit, in priority order. */
  add: string[];
  /** Additions left out because the customer would pass the tag limit. */
  skipped: string[];
  /** Tags the customer will have after removals and the kept additions. */
  resultingTagCount: number;
}

/**
 * Cap a customer's additions so their tag count stays within Shopify's limit. Assumes removals are
 * written before additions (they free slots), and that `currentTagCount` counts every tag the
 * customer has now, including ours and other apps'. Additions are kept in `priority` order (keys
 * not listed come after, sorted); the rest are reported as skipped, not thrown.
 */
export function capTagAdditions(
  change: Pick<CustomerChange, 'add' | 'remove'>,
  currentTagCount: number,
  options: { limit?: number; priority?: readonly string[] } = {},
): TagCapResult {
  const limit = options.limit ?? MAX_TAGS_PER_CUSTOMER;
  const rank = new Map((options.priority ?? []).map((key, index) => [key, index]));
  const ordered = [...change.add].sort((a, b) => {
    const ra = rank.get(a) ?? Number.POSITIVE_INFINITY;
    const rb = rank.get(b) ?? Number.POSITIVE_INFINITY;
    return ra !== rb ? (ra < rb ? -1 : 1) : compareStrings(a, b);
  });
  const afterRemovals = Math.max(0, currentTagCount - change.remove.length);
  const room = Math.max(0, limit - afterRemovals);
  const add = ordered.slice(0, room);
  return { add, skipped: ordered.slice(room), resultingTagCount: afterRemovals + add.length };
}
