// The canonical order file: one row per order, columns
// `order_id,customer_id,email,processed_at,total,currency` and optionally `cancelled_at`.
//
// Row checks: order_id present and not seen before in the file; processed_at (and cancelled_at
// when given) a valid date, cancelled_at not before processed_at; total a number >= 0; currency
// three letters; email, when given, shaped like an address. customer_id blank -> guest order.
// Orders have no line items; refunded and discount are 0.
import type { Customer, Order } from '../model.ts';
import type { RowError } from './parse-csv.ts';
import { impliedCustomers } from './implied-customers.ts';
import {
  normaliseCustomerId,
  parseCurrency,
  parseDateTime,
  parseDecimal,
  parseEmail,
  roundMoney,
} from './field-values.ts';

export const CANONICAL_REQUIRED_COLUMNS = ['order_id', 'customer_id', 'email', 'processed_at', 'total', 'currency'] as const;
export const CANONICAL_OPTIONAL_COLUMNS = ['cancelled_at'] as const;

export type CanonicalColumn = (typeof CANONICAL_REQUIRED_COLUMNS)[number] | (typeof CANONICAL_OPTIONAL_COLUMNS)[number];

export type CanonicalRowResult = { ok: true; value: Order } | { ok: false; error: RowError };

/** Validate one row; `get` returns the raw text of a column ('' for an absent optional column). */
export function parseCanonicalOrderRow(get: (column: CanonicalColumn) => string, line: number): CanonicalRowResult {
  const fail = (message: string): CanonicalRowResult => ({ ok: false, error: { line, message } });

  const id = get('order_id').trim();
  if (id === '') return fail('order_id is missing');

  const processedText = get('processed_at');
  if (processedText.trim() === '') return fail('processed_at is missing');
  const processedAt = parseDateTime(processedText);
  if (processedAt === null) return fail(`processed_at is not a valid date: "${processedText}"`);

  const cancelledText = get('cancelled_at');
  let cancelledAt: string | null = null;
  if (cancelledText.trim() !== '') {
    cancelledAt = parseDateTime(cancelledText);
    if (cancelledAt === null) return fail(`cancelled_at is not a valid date: "${cancelledText}"`);
    if (cancelledAt < processedAt) return fail('cancelled_at is before processed_at');
  }

  const totalText = get('total');
  if (totalText.trim() === '') return fail('total is missing');
  const total = parseDecimal(totalText);
  if (total === null) return fail(`total is not a number: "${totalText}"`);
  if (total < 0) return fail(`total is negative: ${totalText}`);

  const currencyText = get('currency');
  const currency = parseCurrency(currencyText);
  if (currency === null) return fail(`currency is not a three-letter code: "${currencyText}"`);

  const emailText = get('email');
  let email: string | null = null;
  if (emailText.trim() !== '') {
    email = parseEmail(emailText);
    if (email === null) return fail(`email is not an email address: "${emailText}"`);
  }

  return {
    ok: true,
    value: {
      source: 'csv',
      id,
      customerId: normaliseCustomerId(get('customer_id')),
      email,
      processedAt,
      cancelledAt,
      currency,
      total: roundMoney(total),
      refunded: 0,
      discount: 0,
      lineItems: [],
      updatedAt: cancelledAt ?? processedAt,
    },
  };
}

export interface CanonicalOrderAccumulator {
  /** Add a validated order; returns an error (and drops it) when its id was already seen. */
  add(order: Order, line: number): RowError | null;
  /** The implied customers, sorted by id (email: the first one seen for the customer). */
  customers(): Customer[];
}

export function createCanonicalOrderAccumulator(): CanonicalOrderAccumulator {
  const seen = new Map<string, number>();
  const spans = new Map<string, { first: string; last: string; email: string | null }>();
  return {
    add(order, line) {
      const firstLine = seen.get(order.id);
      if (firstLine !== undefined) return { line, message: `order_id ${order.id} already appears on line ${firstLine}` };
      seen.set(order.id, line);
      if (order.customerId !== null) {
        const span = spans.get(order.customerId);
        if (span === undefined) {
          spans.set(order.customerId, { first: order.processedAt, last: order.processedAt, email: order.email });
        } else {
          if (order.processedAt < span.first) span.first = order.processedAt;
          if (order.processedAt > span.last) span.last = order.processedAt;
          span.email ??= order.email;
        }
      }
      return null;
    },
    customers: () => impliedCustomers(spans),
  };
}
