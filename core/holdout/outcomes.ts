// What each person did in a lift window, from pages of orders: converted (at least one counted
// order) and revenue. Rules:
// - The window is [windowStart, windowEnd): from the segment's first write-back (inclusive) to the
//   end of the measurement (exclusive).
// - An order counts when its processedAt parses and falls in the window and it has no cancelledAt
//   (an order cancelled at any time, even after the window, was no real purchase).
// - Revenue per order = max(0, total - refunded), summed in integer cents.
// - The order's person comes from `personIdOf`; `personIdOfOrder(index)` maps the customer id
//   through the identity index and falls back to the order email (guest checkouts of a known
//   person). Orders that map to nobody are counted in `unattributed` and otherwise ignored.
// - Each order must be fed once. Memory grows with the people who bought, not with the orders.
import type { Order } from '../model.ts';
import type { PersonIndex } from '../identity.ts';
import { emailPersonId, normaliseEmail } from '../identity.ts';
import { fromCents, parseEpochMs, toCents, toEpochMs, type InstantInput } from '../instant.ts';
import { RefineryError } from '../errors.ts';
import type { PersonOutcome } from './lift.ts';

export interface OutcomeStats {
  ordersSeen: number;
  ordersCounted: number;
  /** processedAt before windowStart or at/after windowEnd. */
  outsideWindow: number;
  cancelled: number;
  /** processedAt does not parse. */
  invalid: number;
  /** In the window and not cancelled, but no person found. */
  unattributed: number;
}

export interface OutcomeCollector {
  addOrders(orders: Iterable<Order>): void;
  /** Person id -> outcome, for people with at least one counted order. A fresh Map each call. */
  outcomes(): Map<string, PersonOutcome>;
  stats(): OutcomeStats;
}

export function createOutcomeCollector(options: {
  windowStart: InstantInput;
  windowEnd: InstantInput;
  personIdOf: (order: Order) => string | undefined;
}): OutcomeCollector {
  const startMs = toEpochMs(options.windowStart, 'windowStart');
  const endMs = toEpochMs(options.windowEnd, 'windowEnd');
  if (endMs <= startMs) throw new RefineryError('VALIDATION', 'windowEnd must be after windowStart');
  const centsByPerson = new Map<string, number>();
  const stats: OutcomeStats = { ordersSeen: 0, ordersCounted: 0, outsideWindow: 0, cancelled: 0, invalid: 0, unattributed: 0 };

  function addOrder(order: Order): void {
    stats.ordersSeen += 1;
    const processedMs = parseEpochMs(order.processedAt);
    if (processedMs === null) {
      stats.invalid += 1;
      return;
    }
    if (processedMs < startMs || processedMs >= endMs) {
      stats.outsideWindow += 1;
      return;
    }
    if (order.cancelledAt != null && order.cancelledAt !== '') {
      stats.cancelled += 1;
      return;
    }
    const personId = options.personIdOf(order);
    if (personId === undefined) {
      stats.unattributed += 1;
      return;
    }
    stats.ordersCounted += 1;
    const cents = Math.max(0, toCents(order.total) - toCents(order.refunded));
    centsByPerson.set(personId, (centsByPerson.get(personId) ?? 0) + cents);
  }

  return {
    addOrders(orders) {
      for (const order of orders) addOrder(order);
    },
    outcomes() {
      const result = new Map<string, PersonOutcome>();
      for (const [personId, cents] of centsByPerson) result.set(personId, { converted: true, revenue: fromCents(cents) });
      return result;
    },
    stats() {
      return { ...stats };
    },
  };
}

/**
 * Person of an order through the identity index: its customer (same source) first, else the
 * person of its normalised email when one exists.
 */
export function personIdOfOrder(index: PersonIndex): (order: Order) => string | undefined {
  return (order) => {
    if (order.customerId !== null && order.customerId !== '') {
      const personId = index.personIdOf(order.source, order.customerId);
      if (personId !== undefined) return personId;
    }
    const email = normaliseEmail(order.email);
    if (email === null) return undefined;
    return index.get(emailPersonId(email))?.personId;
  };
}
