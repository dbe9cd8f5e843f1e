// Per-customer order aggregates as of a given instant, built by streaming pages of orders into an
// accumulator. Memory grows with the number of customers (plus, per customer, the set of distinct
// days they bought on), never with the number of orders.
//
// Rules:
// - An order counts when it has a customer, its processedAt parses, processedAt <= asOf, and it is
//   not cancelled as of asOf (cancelledAt set and <= asOf). An order cancelled after asOf still
//   counts: at asOf it was a live order.
// - Spent per order = max(0, total - refunded), summed in integer cents.
// - Each order must be fed once: the accumulator keeps no per-order state and so cannot de-duplicate.
import type { Customer, Order } from './model.ts';
import { countOrderAsOf } from './order-counting.ts';
import {
  compareStrings,
  fromCents,
  toCents,
  toEpochMs,
  toIso,
  utcDayNumber,
  type InstantInput,
} from './instant.ts';

export interface CustomerAggregate {
  customerId: string;
  /** Earliest counted order, ISO-8601 UTC; null for a prospect (no counted order). */
  firstOrderAt: string | null;
  /** Latest counted order, ISO-8601 UTC; null for a prospect. */
  lastOrderAt: string | null;
  /** Counted orders (cancelled and future orders excluded). */
  orderCount: number;
  /** Distinct UTC calendar days with at least one counted order. */
  purchaseDays: number;
  /** Sum over counted orders of max(0, total - refunded), rounded to cents. */
  totalSpent: number;
}

export interface AggregateStats {
  ordersSeen: number;
  ordersCounted: number;
  /** Orders without a customer (guest checkouts). */
  guestOrders: number;
  /** Orders cancelled at or before asOf. */
  cancelledOrders: number;
  /** Orders processed after asOf. */
  futureOrders: number;
  /** Orders whose processedAt does not parse. */
  invalidOrders: number;
}

export interface CustomerAggregator {
  /** Make sure these customers appear in the result, even without a counted order (prospects). */
  addCustomers(customers: Iterable<Pick<Customer, 'id'> | string>): void;
  /** Feed one page of orders. */
  addOrders(orders: Iterable<Order>): void;
  /** Aggregates so far, sorted by customer id. The accumulator stays usable afterwards. */
  result(): CustomerAggregate[];
  stats(): AggregateStats;
}

interface Running {
  firstMs: number | null;
  lastMs: number | null;
  orderCount: number;
  days: Set<number>;
  spentCents: number;
}

function emptyRunning(): Running {
  return { firstMs: null, lastMs: null, orderCount: 0, days: new Set(), spentCents: 0 };
}

export function createCustomerAggregator(options: { asOf: InstantInput }): CustomerAggregator {
  const asOfMs = toEpochMs(options.asOf, 'asOf');
  const byCustomer = new Map<string, Running>();
  const stats: AggregateStats = {
    ordersSeen: 0,
    ordersCounted: 0,
    guestOrders: 0,
    cancelledOrders: 0,
    futureOrders: 0,
    invalidOrders: 0,
  };

  function running(customerId: string): Running {
    let entry = byCustomer.get(customerId);
    if (entry === undefined) {
      entry = emptyRunning();
      byCustomer.set(customerId, entry);
    }
    return entry;
  }

  function addOrder(order: Order): void {
    stats.ordersSeen += 1;
    const verdict = countOrderAsOf(order, asOfMs);
    if (!verdict.counted) {
      stats[verdict.reason] += 1;
      return;
    }
    const processedMs = verdict.processedMs;
    stats.ordersCounted += 1;
    const entry = running(verdict.customerId);
    entry.orderCount += 1;
    entry.days.add(utcDayNumber(processedMs));
    entry.spentCents += Math.max(0, toCents(order.total) - toCents(order.refunded));
    if (entry.firstMs === null || processedMs < entry.firstMs) entry.firstMs = processedMs;
    if (entry.lastMs === null || processedMs > entry.lastMs) entry.lastMs = processedMs;
  }

  return {
    addCustomers(customers) {
      for (const customer of customers) running(typeof customer === 'string' ? customer : customer.id);
    },
    addOrders(orders) {
      for (const order of orders) addOrder(order);
    },
    result() {
      const ids = [...byCustomer.keys()].sort(compareStrings);
      return ids.map((customerId) => {
        const entry = byCustomer.get(customerId) ?? emptyRunning();
        return {
          customerId,
          firstOrderAt: entry.firstMs === null ? null : toIso(entry.firstMs),
          lastOrderAt: entry.lastMs === null ? null : toIso(entry.lastMs),
          orderCount: entry.orderCount,
          purchaseDays: entry.days.size,
          totalSpent: fromCents(entry.spentCents),
        };
      });
    },
    stats() {
      return { ...stats };
    },
  };
}

/** One-shot form: aggregate all orders (and optionally the customer list) as of `asOf`. */
export function aggregateCustomers(
  orders: Iterable<Order>,
  asOf: InstantInput,
  customers: Iterable<Pick<Customer, 'id'> | string> = [],
): CustomerAggregate[] {
  const aggregator = createCustomerAggregator({ asOf });
  aggregator.addCustomers(customers);
  aggregator.addOrders(orders);
  return aggregator.result();
}
