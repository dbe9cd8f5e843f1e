// The web pixel's events of known customers, read for the behaviour features: keyset pages from the
// store (by customer, then time), regrouped so that each customer's events come out together, once,
// even when they straddle two pages. Memory: one page plus one customer's events.
import { STOREFRONT_EVENT_NAMES, STOREFRONT_POLICY, type StorefrontEvent } from '../../core/features/storefront-activity.ts';
import { MS_PER_DAY } from '../../core/instant.ts';
import type { CustomerPixelEvent, Store } from '../store/store.ts';

export const STOREFRONT_PAGE_SIZE = 5_000;

/** Pixel events are kept this long (13 months: a year of history for the horizon-back snapshot). */
export const PIXEL_RETENTION_DAYS = 395;

/** The earliest instant any of these snapshots' storefront features read. */
export function storefrontSince(asOfs: readonly string[]): string {
  const earliest = Math.min(...asOfs.map((a) => Date.parse(a)));
  return new Date(earliest - STOREFRONT_POLICY.windowDays * MS_PER_DAY).toISOString();
}

/** Each customer (GID) with their feature events since `since`, oldest first. */
export async function* customerStorefrontEvents(store: Store, shopId: string, since: string, pageSize = STOREFRONT_PAGE_SIZE): AsyncIterable<{ customerId: string; events: StorefrontEvent[] }> {
  let after: readonly [string, string, string] | null = null;
  let current: { customerId: string; events: StorefrontEvent[] } | null = null;
  for (;;) {
    const page: CustomerPixelEvent[] = await store.listCustomerPixelEvents(shopId, { since, after, names: STOREFRONT_EVENT_NAMES, limit: pageSize });
    for (const e of page) {
      if (current && current.customerId !== e.customerId) {
        yield current;
        current = null;
      }
      current ??= { customerId: e.customerId, events: [] };
      current.events.push({ name: e.name, occurredAt: e.occurredAt, clientId: e.clientId });
    }
    const last = page.at(-1);
    if (!last || page.length < pageSize) break;
    after = [last.customerId, last.occurredAt, last.eventId];
  }
  if (current) yield current;
}
