// Compute stage: stream the shop's customers and orders out of the store into the pure core
// (aggregates, RFM scores, memberships, summary). Memory grows with customers, not orders.
//
// People: a Shopify customer is one person. An order imported from a CSV file belongs to the
// Shopify customer with the same email when there is one, otherwise to its own CSV customer
// (counted in the scores, never written to Shopify: there is no Shopify customer to tag).
import { createCustomerAggregator, type CustomerAggregate } from '../../core/customer-aggregate.ts';
import type { Memberships, Order } from '../../core/model.ts';
import { RFM_SEGMENTS, rfmMemberships, scoreRfm, type RfmScore } from '../../core/rfm.ts';
import { summarizeSegments, type SegmentSummary } from '../../core/segment-summary.ts';
import type { Store } from '../store/store.ts';

export interface ComputedSegments {
  aggregates: CustomerAggregate[];
  scores: RfmScore[];
  /** Every person's memberships, Shopify customers and CSV-only people alike. */
  memberships: Memberships;
  summary: SegmentSummary;
  /** Current number of tags (all apps') per Shopify customer, for the 250-tag limit. */
  tagCounts: Map<string, number>;
}

const csvPerson = (id: string) => `csv:${id}`;
export const isShopifyCustomer = (id: string) => id.startsWith('gid://shopify/Customer/');

export async function computeSegments(store: Store, shopId: string, asOf: string): Promise<ComputedSegments> {
  const aggregator = createCustomerAggregator({ asOf });
  const shopifyByEmail = new Map<string, string>();
  const tagCounts = new Map<string, number>();
  const csvCustomers: string[] = [];
  for await (const page of store.iterateCustomers(shopId)) {
    const ids: string[] = [];
    for (const customer of page) {
      if (customer.source === 'shopify') {
        ids.push(customer.id);
        tagCounts.set(customer.id, customer.tags.length);
        if (customer.email) shopifyByEmail.set(customer.email, customer.id);
      } else {
        csvCustomers.push(customer.id);
      }
    }
    aggregator.addCustomers(ids);
  }
  const linkedCsv = new Set<string>();
  for await (const page of store.iterateOrders(shopId)) {
    const orders: Order[] = page.map((order) => {
      if (order.source === 'shopify' || order.customerId === null) return order;
      const linked = order.email ? shopifyByEmail.get(order.email) : undefined;
      if (linked) linkedCsv.add(order.customerId);
      return { ...order, customerId: linked ?? csvPerson(order.customerId) };
    });
    aggregator.addOrders(orders);
  }
  aggregator.addCustomers(csvCustomers.filter((id) => !linkedCsv.has(id)).map(csvPerson));
  const aggregates = aggregator.result();
  const scores = scoreRfm(aggregates, asOf);
  const memberships = rfmMemberships(scores);
  const summary = summarizeSegments(memberships, aggregates, RFM_SEGMENTS);
  return { aggregates, scores, memberships, summary, tagCounts };
}

/** Only the memberships that can be written to Shopify (people who are Shopify customers). */
export function shopifyMemberships(memberships: Memberships): Memberships {
  const out: Memberships = new Map();
  for (const [key, members] of memberships) out.set(key, new Set([...members].filter(isShopifyCustomer)));
  return out;
}
