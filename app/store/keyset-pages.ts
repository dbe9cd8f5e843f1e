// Keyset pagination shared by both backends: fetch a page after the last key seen, until a short
// page. Each stream's key (the columns it is ordered by) is described once here.
import type { Contact, Customer, Order } from '../../core/model.ts';

export interface Keyset<T> {
  /** Key before the first row (every key column is text, and '' sorts first). */
  start: string[];
  keyOf(last: T): string[];
}

export const CUSTOMER_KEYSET: Keyset<Customer> = { start: ['', ''], keyOf: (c) => [c.source, c.id] };
/** Contacts: (id); source is always 'hubspot'. */
export const CONTACT_KEYSET: Keyset<Contact> = { start: [''], keyOf: (c) => [c.id] };
/** Orders with a customer: (customerId, source, processedAt, id). */
export const CUSTOMER_ORDER_KEYSET: Keyset<Order> = { start: ['', '', '', ''], keyOf: (o) => [o.customerId ?? '', o.source, o.processedAt, o.id] };
/** Guest orders: (source, processedAt, id). */
export const GUEST_ORDER_KEYSET: Keyset<Order> = { start: ['', '', ''], keyOf: (o) => [o.source, o.processedAt, o.id] };

export async function* keysetPages<T>(keyset: Keyset<T>, pageSize: number, fetchPage: (after: string[]) => Promise<T[]>): AsyncGenerator<T[]> {
  let after = keyset.start;
  for (;;) {
    const page = await fetchPage(after);
    const last = page.at(-1);
    if (last === undefined) return;
    yield page;
    if (page.length < pageSize) return;
    after = keyset.keyOf(last);
  }
}
