// Person profiles: the order aggregates of a person joined with the engagement HubSpot records
// for the person's contact. This is what features and models read.
//
// Orders are aggregated by PERSON, not summed from per-customer aggregates: feed the existing
// customer aggregator with orders re-keyed to person ids (`keyOrdersByPerson`) and with the
// person ids as its customer list. Summing per-customer aggregates would be exact for counts,
// spend and first/last dates, but not for purchaseDays: two customers of one person buying on
// the same day would count that day twice, and the union cannot be recovered from the sums.
// Re-keying costs nothing extra (one pass over the orders, as before) and keeps
// core/customer-aggregate.ts unchanged.
import type { Contact, Order } from './model.ts';
import type { CustomerAggregate } from './customer-aggregate.ts';
import type { Person, PersonIndex } from './identity.ts';
import { parseEpochMs, toIso } from './instant.ts';

/** The person an order belongs to: its customer's person, or null for a guest or unknown customer. */
export function personKeyOf(order: Order, index: PersonIndex): string | null {
  if (order.customerId === null || order.customerId === '') return null;
  return index.personIdOf(order.source, order.customerId) ?? null;
}

export interface PersonOrderStats {
  orders: number;
  /** Orders re-keyed to a person. */
  keyed: number;
  /** Orders without a customer (guest checkouts): passed on with customerId null. */
  guest: number;
  /** Orders whose customer the identity resolution never saw: passed on with customerId null. */
  unknownCustomer: number;
}

export interface PersonOrderKeyer {
  /**
   * The orders with `customerId` replaced by the person id (a shallow copy per order). Guest orders
   * and orders of unknown customers get `customerId: null`, so the aggregator counts them as guest
   * orders; `stats()` tells the two apart. Lazy: iterate once.
   */
  keyOrders(orders: Iterable<Order>): Iterable<Order>;
  stats(): PersonOrderStats;
}

/** Re-key orders to person ids, page after page, counting what could not be keyed. */
export function createPersonOrderKeyer(index: PersonIndex): PersonOrderKeyer {
  const stats: PersonOrderStats = { orders: 0, keyed: 0, guest: 0, unknownCustomer: 0 };
  return {
    *keyOrders(orders) {
      for (const order of orders) {
        stats.orders += 1;
        if (order.customerId === null || order.customerId === '') {
          stats.guest += 1;
          yield order.customerId === null ? order : { ...order, customerId: null };
          continue;
        }
        const personId = personKeyOf(order, index);
        if (personId === null) stats.unknownCustomer += 1;
        else stats.keyed += 1;
        yield { ...order, customerId: personId };
      }
    },
    stats() {
      return { ...stats };
    },
  };
}

/** One-shot form of `createPersonOrderKeyer(index).keyOrders(orders)`. */
export function keyOrdersByPerson(orders: Iterable<Order>, index: PersonIndex): Iterable<Order> {
  return createPersonOrderKeyer(index).keyOrders(orders);
}

export interface Engagement {
  emailDelivered: number | null;
  emailOpens: number | null;
  emailClicks: number | null;
  emailBounces: number | null;
  emailOptOut: boolean | null;
  pageViews: number | null;
  visits: number | null;
  /** ISO-8601 UTC, or null when unknown or unparseable. */
  lastVisitAt: string | null;
  /** emailOpens / emailDelivered, at most 1; null when nothing delivered or opens unknown. */
  openRate: number | null;
  /** emailClicks / emailDelivered, at most 1; null when nothing delivered or clicks unknown. */
  clickRate: number | null;
}

export interface OrderSummary {
  firstOrderAt: string | null;
  lastOrderAt: string | null;
  orderCount: number;
  purchaseDays: number;
  totalSpent: number;
}

export interface PersonProfile {
  personId: string;
  email: string | null;
  shopifyCustomerIds: string[];
  csvCustomerIds: string[];
  hubspotContactId: string | null;
  marketingConsent: boolean;
  /** From the aggregate keyed by this person id; zeros and nulls for a person without orders. */
  orders: OrderSummary;
  /** From the linked contact; all null without a contact (unknown, not zero). */
  engagement: Engagement;
}

export interface ProfileStats {
  profiles: number;
  withOrders: number;
  withContact: number;
  /** Contact ids named by a person but absent from the contacts given. */
  missingContacts: number;
  /** Aggregates whose id is no person's id: a sign they were not keyed by person. */
  strayAggregates: number;
}

/** A count as HubSpot gives it: kept when a finite number >= 0, else unknown (null). */
function count(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
}

function rate(numerator: number | null, delivered: number | null): number | null {
  if (numerator === null || delivered === null || delivered <= 0) return null;
  return Math.min(1, numerator / delivered);
}

const NO_ORDERS: OrderSummary = { firstOrderAt: null, lastOrderAt: null, orderCount: 0, purchaseDays: 0, totalSpent: 0 };

/** Engagement of a contact; all null for no contact. Rates are derived here. */
export function engagementOf(contact: Contact | undefined): Engagement {
  if (contact === undefined) {
    return {
      emailDelivered: null,
      emailOpens: null,
      emailClicks: null,
      emailBounces: null,
      emailOptOut: null,
      pageViews: null,
      visits: null,
      lastVisitAt: null,
      openRate: null,
      clickRate: null,
    };
  }
  const delivered = count(contact.emailDelivered);
  const opens = count(contact.emailOpens);
  const clicks = count(contact.emailClicks);
  const lastVisitMs = parseEpochMs(contact.lastVisitAt);
  return {
    emailDelivered: delivered,
    emailOpens: opens,
    emailClicks: clicks,
    emailBounces: count(contact.emailBounces),
    emailOptOut: typeof contact.emailOptOut === 'boolean' ? contact.emailOptOut : null,
    pageViews: count(contact.pageViews),
    visits: count(contact.visits),
    lastVisitAt: lastVisitMs === null ? null : toIso(lastVisitMs),
    openRate: rate(opens, delivered),
    clickRate: rate(clicks, delivered),
  };
}

/**
 * One profile per person, in the order of `people`. `aggregates` must be keyed by person id
 * (see `keyOrdersByPerson`); `contacts` are looked up by the person's hubspotContactId.
 */
export function buildProfiles(
  people: Iterable<Person>,
  aggregates: Iterable<CustomerAggregate>,
  contacts: Iterable<Contact>,
): { profiles: PersonProfile[]; stats: ProfileStats } {
  const aggregateByPerson = new Map<string, CustomerAggregate>();
  for (const aggregate of aggregates) aggregateByPerson.set(aggregate.customerId, aggregate);
  const contactById = new Map<string, Contact>();
  for (const contact of contacts) contactById.set(contact.id, contact);

  const stats: ProfileStats = { profiles: 0, withOrders: 0, withContact: 0, missingContacts: 0, strayAggregates: 0 };
  const profiles: PersonProfile[] = [];
  const matched = new Set<string>();
  for (const person of people) {
    const aggregate = aggregateByPerson.get(person.personId);
    if (aggregate !== undefined) matched.add(person.personId);
    const orders: OrderSummary =
      aggregate === undefined
        ? { ...NO_ORDERS }
        : {
            firstOrderAt: aggregate.firstOrderAt,
            lastOrderAt: aggregate.lastOrderAt,
            orderCount: aggregate.orderCount,
            purchaseDays: aggregate.purchaseDays,
            totalSpent: aggregate.totalSpent,
          };
    let contact: Contact | undefined;
    if (person.hubspotContactId !== null) {
      contact = contactById.get(person.hubspotContactId);
      if (contact === undefined) stats.missingContacts += 1;
      else stats.withContact += 1;
    }
    if (orders.orderCount > 0) stats.withOrders += 1;
    profiles.push({
      personId: person.personId,
      email: person.email,
      shopifyCustomerIds: person.shopifyCustomerIds,
      csvCustomerIds: person.csvCustomerIds,
      hubspotContactId: person.hubspotContactId,
      marketingConsent: person.marketingConsent,
      orders,
      engagement: engagementOf(contact),
    });
  }
  stats.profiles = profiles.length;
  stats.strayAggregates = aggregateByPerson.size - matched.size;
  return { profiles, stats };
}
