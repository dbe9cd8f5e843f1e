// One person's data for real-time re-scoring, read with index lookups only (no pass over the
// shop): the customers and contacts sharing the person's email (or the one record of a person
// without email), their orders, and from those the aggregate, the features (with the batch's
// product-type columns, storefront events from the web pixel), purchase history and product types,
// all as of `asOf`.
import { createCustomerAggregator } from '../../core/customer-aggregate.ts';
import { RefineryError } from '../../core/errors.ts';
import { createFeatureAccumulator } from '../../core/features/feature-accumulator.ts';
import { resolveIdentities } from '../../core/identity.ts';
import type { Contact, Customer } from '../../core/model.ts';
import { createPersonOrderKeyer, engagementOf } from '../../core/profile.ts';
import type { PersonData } from '../../core/segments/score-person.ts';
import { productTypesAsOf, recordCountedOrder, sortHistories, type PersonOrders } from '../analysis/read-history.ts';
import type { Store } from '../store/store.ts';
import { MAX_PIXEL_EVENT_LIST } from '../store/pixel-queries.ts';
import { storefrontSince } from '../analysis/read-storefront.ts';
import { STOREFRONT_EVENT_NAMES } from '../../core/features/storefront-activity.ts';

const FEATURE_EVENTS: ReadonlySet<string> = new Set(STOREFRONT_EVENT_NAMES);

/** Where a person id points: `email:<email>`, or `<source>:<id>` for a record without email. */
export function parsePersonId(personId: string): { email: string } | { source: 'shopify' | 'csv' | 'hubspot'; id: string } {
  const colon = personId.indexOf(':');
  const kind = personId.slice(0, colon);
  const rest = personId.slice(colon + 1);
  if (colon > 0 && rest !== '') {
    if (kind === 'email') return { email: rest };
    if (kind === 'shopify' || kind === 'csv' || kind === 'hubspot') return { source: kind, id: rest };
  }
  throw new RefineryError('INPUT', `not a person id: ${JSON.stringify(personId)}`);
}

/** A person's data for re-scoring, with the customer records it was built from. */
export type LoadedPerson = PersonData & { customers: Customer[] };

export async function loadPersonData(store: Store, shopId: string, personId: string, asOf: string, categories: readonly string[]): Promise<LoadedPerson | null> {
  const ref = parsePersonId(personId);
  let customers: Customer[] = [];
  let contacts: Contact[] = [];
  if ('email' in ref) {
    customers = await store.findCustomersByEmail(shopId, ref.email);
    contacts = await store.findContactsByEmail(shopId, ref.email);
  } else if (ref.source === 'hubspot') {
    const contact = await store.getContact(shopId, ref.id);
    if (contact) contacts = [contact];
  } else {
    const customer = await store.getCustomer(shopId, ref.source, ref.id);
    if (customer) customers = [customer];
  }
  const identity = resolveIdentities(customers, contacts);
  const person = identity.index.get(personId);
  if (!person) return null;
  const mine = customers.filter((c) => identity.index.personIdOf(c.source, c.id) === personId);
  const orders = [...createPersonOrderKeyer(identity.index).keyOrders(await store.listOrdersOfCustomers(shopId, mine))].filter((o) => o.customerId === personId);

  const aggregator = createCustomerAggregator({ asOf });
  aggregator.addCustomers([personId]);
  aggregator.addOrders(orders);
  const aggregate = aggregator.result()[0];
  if (!aggregate) return null;

  const features = createFeatureAccumulator({ asOf, categories });
  features.addPeople([personId]);
  features.addOrders(orders);
  const contact = person.hubspotContactId ? contacts.find((c) => c.id === person.hubspotContactId) : undefined;
  if (contact) features.setEngagement(personId, engagementOf(contact));
  const since = storefrontSince([asOf]);
  for (const customer of mine) {
    if (customer.source !== 'shopify') continue;
    const events = await store.listPixelEvents(shopId, { customerId: customer.id, since, limit: MAX_PIXEL_EVENT_LIST });
    features.addStorefrontEvents(personId, events.filter((e) => FEATURE_EVENTS.has(e.name)));
  }
  const row = features.result().rows[0];

  // The same history the batch builds (app/analysis/read-history.ts), for this one person.
  const histories = new Map<string, PersonOrders>();
  for (const order of orders) recordCountedOrder(histories, order);
  sortHistories(histories);
  const history = histories.get(personId);
  return {
    person,
    customers: mine,
    aggregate,
    features: row?.values ?? {},
    orders: history ?? { times: [], amounts: [] },
    productTypes: history ? productTypesAsOf(history, Date.parse(asOf)) : [],
  };
}
