// The customers an order file implies: it names customer ids, and little else about them.
import type { Customer } from '../model.ts';
import { compareStrings } from '../instant.ts';

/** Customers implied by an order file: only an id and the span of their orders are known. */
export function impliedCustomers(
  spans: ReadonlyMap<string, { first: string; last: string; email?: string | null }>,
): Customer[] {
  return [...spans.entries()]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([id, span]) => ({
      source: 'csv',
      id,
      email: span.email ?? null,
      marketingState: null,
      firstName: null,
      lastName: null,
      tags: [],
      createdAt: span.first,
      updatedAt: span.last,
    }));
}
