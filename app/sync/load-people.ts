// People of a shop: its stored customers and contacts streamed out of the store and resolved into
// one person per email (core/identity.md). Callers that need more from the same pass (tag counts,
// quality checks) look at each page as it goes by.
import { resolveIdentities, type IdentityResolution } from '../../core/identity.ts';
import type { Contact, Customer } from '../../core/model.ts';
import type { Store } from '../store/store.ts';

export interface PeopleLoad {
  identity: IdentityResolution;
  contactById: Map<string, Contact>;
}

export async function loadPeople(
  store: Store,
  shopId: string,
  visit: { customers?: (page: Customer[]) => void; contacts?: (page: Contact[]) => void } = {},
): Promise<PeopleLoad> {
  const customers: Customer[] = [];
  for await (const page of store.iterateCustomers(shopId)) {
    visit.customers?.(page);
    customers.push(...page);
  }
  const contacts: Contact[] = [];
  for await (const page of store.iterateContacts(shopId)) {
    visit.contacts?.(page);
    contacts.push(...page);
  }
  return { identity: resolveIdentities(customers, contacts), contactById: new Map(contacts.map((c) => [c.id, c])) };
}
