// Which orders count for a customer as of an instant, one rule for every accumulator:
// - a guest order (no customer) counts for nobody;
// - an order whose processedAt does not parse is invalid;
// - an order processed after asOf did not exist yet;
// - an order cancelled at or before asOf is left out (one cancelled later was live at asOf); a
//   cancelledAt that does not parse is treated as set: the platform said it was cancelled.
import type { Order } from './model.ts';
import { parseEpochMs } from './instant.ts';

export type OrderVerdict =
  | { counted: true; customerId: string; processedMs: number }
  | { counted: false; reason: 'guestOrders' | 'invalidOrders' | 'futureOrders' | 'cancelledOrders' };

export function countOrderAsOf(order: Order, asOfMs: number): OrderVerdict {
  if (order.customerId === null || order.customerId === '') return { counted: false, reason: 'guestOrders' };
  const processedMs = parseEpochMs(order.processedAt);
  if (processedMs === null) return { counted: false, reason: 'invalidOrders' };
  if (processedMs > asOfMs) return { counted: false, reason: 'futureOrders' };
  const cancelledMs = parseEpochMs(order.cancelledAt);
  if (cancelledMs !== null && cancelledMs <= asOfMs) return { counted: false, reason: 'cancelledOrders' };
  if (cancelledMs === null && order.cancelledAt != null && order.cancelledAt !== '') return { counted: false, reason: 'cancelledOrders' };
  return { counted: true, customerId: order.customerId, processedMs };
}
