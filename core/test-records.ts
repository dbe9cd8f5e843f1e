// Canonical records for tests: every field present, unknowns null, one fixed date unless given.
import type { Contact, Customer } from './model.ts';

const DATE = '2024-01-01T00:00:00Z';

export function testCustomer(id: string, email: string | null, fields: Partial<Customer> = {}): Customer {
  return { source: 'shopify', id, email, marketingState: null, firstName: null, lastName: null, tags: [], createdAt: DATE, updatedAt: DATE, ...fields };
}

export function testContact(id: string, email: string | null, fields: Partial<Contact> = {}): Contact {
  return {
    source: 'hubspot',
    id,
    email,
    firstName: null,
    lastName: null,
    lifecycleStage: null,
    emailDelivered: null,
    emailOpens: null,
    emailClicks: null,
    emailBounces: null,
    emailOptOut: null,
    pageViews: null,
    visits: null,
    lastVisitAt: null,
    createdAt: DATE,
    updatedAt: DATE,
    ...fields,
  };
}
