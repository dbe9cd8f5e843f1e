// Checks a pulled page before anything is written, so that a bad record fails the whole page with
// a clear VALIDATION error instead of a half-written page or a backend-specific database error.
// Also collapses duplicate keys within the page (the last record wins, as with one-by-one upserts)
// and sorts records by key, so that concurrent writers lock rows in the same order.
import { RefineryError } from '../../core/errors.ts';
import type { Contact, Customer, LineItem, Order } from '../../core/model.ts';
import type { PulledPage } from './store.ts';

const SOURCES: ReadonlySet<string> = new Set(['shopify', 'csv']);
const MARKETING_STATES: ReadonlySet<string> = new Set([
  'SUBSCRIBED', 'NOT_SUBSCRIBED', 'UNSUBSCRIBED', 'PENDING', 'REDACTED', 'INVALID', 'UNKNOWN',
]);

export interface ValidPage {
  customers: Customer[];
  orders: Order[];
  contacts: Contact[];
}

type Check = (value: unknown) => string | null;

const text: Check = (value) => {
  if (typeof value !== 'string') return 'must be a string';
  return value.includes('\u0000') ? 'must not contain NUL characters' : null;
};
const nonEmpty: Check = (value) => text(value) ?? ((value as string).length === 0 ? 'must not be empty' : null);
const nullableText: Check = (value) => (value === null ? null : text(value));
const timestamp: Check = (value) => nonEmpty(value) ?? (Number.isNaN(Date.parse(value as string)) ? 'must be an ISO-8601 timestamp' : null);
const nullableTimestamp: Check = (value) => (value === null ? null : timestamp(value));
const finite: Check = (value) => (typeof value === 'number' && Number.isFinite(value) ? null : 'must be a finite number');
const source: Check = (value) => (typeof value === 'string' && SOURCES.has(value) ? null : 'must be "shopify" or "csv"');
const marketingState: Check = (value) =>
  value === null || (typeof value === 'string' && MARKETING_STATES.has(value)) ? null : 'must be a known marketing state or null';
/** A count HubSpot may not hold: null (unknown) or a whole number >= 0. */
const nullableCount: Check = (value) =>
  value === null || (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) ? null : 'must be a non-negative whole number or null';
const nullableBoolean: Check = (value) => (value === null || typeof value === 'boolean' ? null : 'must be true, false or null');
const hubspotSource: Check = (value) => (value === 'hubspot' ? null : 'must be "hubspot"');
const nullableId: Check = (value) => (value === null ? null : nonEmpty(value));
const tags: Check = (value) => {
  if (!Array.isArray(value)) return 'must be an array of strings';
  for (const tag of value) {
    const problem = text(tag);
    if (problem !== null) return `must hold strings only (a tag ${problem})`;
  }
  return null;
};

const CUSTOMER_CHECKS: Record<keyof Customer, Check> = {
  source,
  id: nonEmpty,
  email: nullableText,
  marketingState,
  firstName: nullableText,
  lastName: nullableText,
  tags,
  createdAt: timestamp,
  updatedAt: timestamp,
};

const LINE_ITEM_CHECKS: Record<keyof LineItem, Check> = {
  title: text,
  quantity: finite,
  price: finite,
  productType: nullableText,
  vendor: nullableText,
  sku: nullableText,
};

const lineItems: Check = (value) => {
  if (!Array.isArray(value)) return 'must be an array';
  for (const [index, item] of value.entries()) {
    if (typeof item !== 'object' || item === null) return `item ${index} must be an object`;
    const problem = firstProblem(item as Record<string, unknown>, LINE_ITEM_CHECKS);
    if (problem !== null) return `item ${index}: ${problem.field} ${problem.message}`;
  }
  return null;
};

const ORDER_CHECKS: Record<keyof Order, Check> = {
  source,
  id: nonEmpty,
  customerId: nullableId,
  email: nullableText,
  processedAt: timestamp,
  cancelledAt: nullableTimestamp,
  currency: nonEmpty,
  total: finite,
  refunded: finite,
  discount: finite,
  lineItems,
  updatedAt: timestamp,
};

const CONTACT_CHECKS: Record<keyof Contact, Check> = {
  source: hubspotSource,
  id: nonEmpty,
  email: nullableText,
  firstName: nullableText,
  lastName: nullableText,
  lifecycleStage: nullableText,
  emailDelivered: nullableCount,
  emailOpens: nullableCount,
  emailClicks: nullableCount,
  emailBounces: nullableCount,
  emailOptOut: nullableBoolean,
  pageViews: nullableCount,
  visits: nullableCount,
  lastVisitAt: nullableTimestamp,
  createdAt: timestamp,
  updatedAt: timestamp,
};

// Each check table as a list, built once: a first sync checks a million orders and their items.
const checkLists = new WeakMap<Record<string, Check>, ReadonlyArray<readonly [string, Check]>>();

function firstProblem(record: Record<string, unknown>, checks: Record<string, Check>): { field: string; message: string } | null {
  let list = checkLists.get(checks);
  if (list === undefined) checkLists.set(checks, (list = Object.entries(checks)));
  for (const [field, check] of list) {
    const message = check(record[field]);
    if (message !== null) return { field, message };
  }
  return null;
}

function validateAll<T extends { source: string; id: string }>(kind: 'customer' | 'order' | 'contact', records: unknown, checks: Record<string, Check>): T[] {
  if (records === undefined) return [];
  if (!Array.isArray(records)) throw new RefineryError('VALIDATION', `page ${kind}s must be an array`);
  const byKey = new Map<string, T>();
  for (const [index, record] of records.entries()) {
    if (typeof record !== 'object' || record === null) {
      throw new RefineryError('VALIDATION', `${kind} #${index} must be an object`, { details: { kind, index } });
    }
    const problem = firstProblem(record as Record<string, unknown>, checks);
    if (problem !== null) {
      const id = (record as { id?: unknown }).id;
      throw new RefineryError('VALIDATION', `${kind} #${index} (id ${JSON.stringify(id)}): ${problem.field} ${problem.message}`, {
        details: { kind, index, id, field: problem.field },
      });
    }
    const valid = record as T;
    byKey.set(`${valid.source}\u0000${valid.id}`, valid);
  }
  return [...byKey.values()].sort(compareKeys);
}

function compareKeys(a: { source: string; id: string }, b: { source: string; id: string }): number {
  if (a.source !== b.source) return a.source < b.source ? -1 : 1;
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  return 0;
}

/** Validates every record of the page; throws RefineryError('VALIDATION') on the first bad one. */
export function validatePage(page: PulledPage): ValidPage {
  return {
    customers: validateAll<Customer>('customer', page.customers, CUSTOMER_CHECKS),
    orders: validateAll<Order>('order', page.orders, ORDER_CHECKS),
    contacts: validateAll<Contact>('contact', page.contacts, CONTACT_CHECKS),
  };
}

