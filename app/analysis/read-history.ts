// One pass over a shop's stored data for the analysis reports: people across platforms
// (core/identity), feature snapshots at the requested dates (each ignores orders after its own
// date), order instants and purchase days per person, and the data quality accumulator.
import { createCustomerAggregator, type CustomerAggregate } from '../../core/customer-aggregate.ts';
import { createFeatureAccumulator, type FeatureTable } from '../../core/features/feature-accumulator.ts';
import type { IdentityResolution } from '../../core/identity.ts';
import { createPersonOrderKeyer, engagementOf } from '../../core/profile.ts';
import { createQualityAccumulator, type QualityReport } from '../../core/quality/quality-report.ts';
import type { Customer, Order } from '../../core/model.ts';
import type { Store } from '../store/store.ts';
import { loadPeople } from '../sync/load-people.ts';
import { customerStorefrontEvents, storefrontSince } from './read-storefront.ts';

export interface PersonOrders {
  /** Epoch ms of each counted order (not cancelled), ascending after `finish`. */
  times: number[];
  /** Amount of each of those orders (total - refunded, at least 0). */
  amounts: number[];
  /** Product type -> epoch ms of the first counted order with it. */
  productTypes: Map<string, number>;
}

/**
 * Adds a person-keyed order to its person's history when it counts (a customer, not cancelled, a
 * date that reads); returns its instant, or null. The batch history and one person's real-time
 * history are built by this one rule.
 */
export function recordCountedOrder(histories: Map<string, PersonOrders>, order: Order): number | null {
  if (order.customerId === null || order.cancelledAt !== null) return null;
  const at = Date.parse(order.processedAt);
  if (!Number.isFinite(at)) return null;
  let entry = histories.get(order.customerId);
  if (!entry) histories.set(order.customerId, (entry = { times: [], amounts: [], productTypes: new Map() }));
  entry.times.push(at);
  entry.amounts.push(Math.max(0, order.total - order.refunded));
  for (const item of order.lineItems) {
    const type = item.productType?.trim();
    if (!type) continue;
    const first = entry.productTypes.get(type);
    if (first === undefined || at < first) entry.productTypes.set(type, at);
  }
  return at;
}

/** Puts every history oldest first (times and amounts together). */
export function sortHistories(histories: Map<string, PersonOrders>): void {
  for (const entry of histories.values()) {
    const order = entry.times.map((_, i) => i).sort((a, b) => (entry.times[a] ?? 0) - (entry.times[b] ?? 0));
    entry.times = order.map((i) => entry.times[i] ?? 0);
    entry.amounts = order.map((i) => entry.amounts[i] ?? 0);
  }
}

/** The product types a person had bought by `asOfMs`, sorted. */
export function productTypesAsOf(history: PersonOrders, asOfMs: number): string[] {
  return [...history.productTypes].filter(([, first]) => first <= asOfMs).map(([type]) => type).sort();
}

export interface ShopHistory {
  identity: IdentityResolution;
  snapshots: Map<string, FeatureTable>;
  orders: Map<string, PersonOrders>;
  quality: QualityReport;
  /** Latest order instant in the store (epoch ms), or null. */
  lastOrderAt: number | null;
  /** Order aggregates per person as of `aggregatesAsOf`, when asked for. */
  aggregates: CustomerAggregate[];
}

export interface HistoryOptions {
  /** Feature tables to build; `categories` fixes their product-type columns (else the top types). */
  snapshots: Array<{ label: string; asOf: string; categories?: readonly string[] }>;
  qualityAsOf: string;
  /** Also aggregate orders per person (RFM) as of this instant. */
  aggregatesAsOf?: string;
  /** Sees each page of customers as it goes by. */
  onCustomers?: (page: Customer[]) => void;
}

export async function readHistory(store: Store, shopId: string, options: HistoryOptions): Promise<ShopHistory> {
  const quality = createQualityAccumulator({ asOf: options.qualityAsOf, staleAfterDaysBySource: { csv: null } });
  const { identity, contactById } = await loadPeople(store, shopId, {
    customers: (page) => {
      quality.addCustomers(page);
      options.onCustomers?.(page);
    },
    contacts: (page) => quality.addContacts(page),
  });
  const aggregator = options.aggregatesAsOf === undefined ? null : createCustomerAggregator({ asOf: options.aggregatesAsOf });
  aggregator?.addCustomers(identity.people.map((p) => p.personId));

  const accumulators = options.snapshots.map((s) => ({ label: s.label, acc: createFeatureAccumulator({ asOf: s.asOf, ...(s.categories ? { categories: s.categories } : {}) }) }));
  for (const { acc } of accumulators) {
    acc.addPeople(identity.people.map((p) => p.personId));
    for (const person of identity.people) {
      const contact = person.hubspotContactId ? contactById.get(person.hubspotContactId) : undefined;
      if (contact) acc.setEngagement(person.personId, engagementOf(contact));
    }
  }
  if (accumulators.length > 0) {
    // Storefront events of the shop's Shopify customers (web pixel), summarised by each snapshot as of its own date.
    for await (const { customerId, events } of customerStorefrontEvents(store, shopId, storefrontSince(options.snapshots.map((s) => s.asOf)))) {
      const personId = identity.index.personIdOf('shopify', customerId);
      if (personId === undefined) continue;
      for (const { acc } of accumulators) acc.addStorefrontEvents(personId, events);
    }
  }
  const keyer = createPersonOrderKeyer(identity.index);
  const orders = new Map<string, PersonOrders>();
  let lastOrderAt: number | null = null;
  for await (const page of store.iterateOrders(shopId)) {
    quality.addOrders(page);
    const keyed = [...keyer.keyOrders(page)];
    for (const { acc } of accumulators) acc.addOrders(keyed);
    aggregator?.addOrders(keyed);
    for (const order of keyed) {
      const at = recordCountedOrder(orders, order);
      if (at !== null) lastOrderAt = lastOrderAt === null ? at : Math.max(lastOrderAt, at);
    }
  }
  sortHistories(orders);
  return {
    identity,
    snapshots: new Map(accumulators.map(({ label, acc }) => [label, acc.result()])),
    orders,
    quality: quality.report(identity.report),
    lastOrderAt,
    aggregates: aggregator?.result() ?? [],
  };
}
