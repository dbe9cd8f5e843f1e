// Compute stage: one person per normalised email across Shopify customers, CSV-imported customers
// and HubSpot contacts (core/identity.md), then the pure core on people: order aggregates keyed by
// person, RFM scores, memberships, summary. Orders stream out of the store page by page; memory
// grows with people, not orders.
import { createCustomerAggregator, type CustomerAggregate } from '../../core/customer-aggregate.ts';
import { shopifyMemberships, type IdentityResolution } from '../../core/identity.ts';
import type { Memberships } from '../../core/model.ts';
import { createPersonOrderKeyer } from '../../core/profile.ts';
import { RFM_GROUPS, RFM_SEGMENTS, rfmMemberships, scoreRfm, type RfmScore } from '../../core/rfm.ts';
import { summarizeSegments, type SegmentSummary } from '../../core/segment-summary.ts';
import type { Store } from '../store/store.ts';
import { loadPeople } from './load-people.ts';

export interface ComputedSegments {
  identity: IdentityResolution;
  /** Keyed by person id. */
  aggregates: CustomerAggregate[];
  scores: RfmScore[];
  /** Segment key -> person ids. */
  memberships: Memberships;
  /** Segment key -> Shopify customer GIDs (every Shopify customer of a member person). */
  shopify: Memberships;
  /** Person id -> RFM segment key. */
  rfmGroupOf: Map<string, string>;
  summary: SegmentSummary;
  /** Current number of tags (all apps') per Shopify customer, for the 250-tag limit. */
  tagCounts: Map<string, number>;
}

export async function computeSegments(store: Store, shopId: string, asOf: string): Promise<ComputedSegments> {
  const tagCounts = new Map<string, number>();
  const { identity } = await loadPeople(store, shopId, {
    customers: (page) => {
      for (const customer of page) if (customer.source === 'shopify') tagCounts.set(customer.id, customer.tags.length);
    },
  });

  const aggregator = createCustomerAggregator({ asOf });
  aggregator.addCustomers(identity.people.map((p) => p.personId));
  const keyer = createPersonOrderKeyer(identity.index);
  for await (const page of store.iterateOrders(shopId)) aggregator.addOrders(keyer.keyOrders(page));
  const aggregates = aggregator.result();
  const scores = scoreRfm(aggregates, asOf);
  const memberships = rfmMemberships(scores);
  const rfmGroupOf = new Map(scores.map((s) => [s.customerId, RFM_GROUPS[s.group].key]));
  return {
    identity,
    aggregates,
    scores,
    memberships,
    shopify: shopifyMemberships(memberships, identity.index),
    rfmGroupOf,
    summary: summarizeSegments(memberships, aggregates, RFM_SEGMENTS),
    tagCounts,
  };
}
