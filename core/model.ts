// The canonical model: what every connector maps platform records into, and what the store keeps.
// Every record belongs to one shop (tenant). Dates are ISO-8601 strings in UTC; money is a
// number in the shop's currency (the platforms send decimal strings; the mapping parses them).

/** Where a record came from. `shopify` ids are Admin API GIDs; `csv` ids are the file's own. */
export type Source = 'shopify' | 'csv';

/** A platform this app writes segments to. */
export type Platform = 'shopify' | 'hubspot';

export type MarketingState =
  | 'SUBSCRIBED'
  | 'NOT_SUBSCRIBED'
  | 'UNSUBSCRIBED'
  | 'PENDING'
  | 'REDACTED'
  | 'INVALID'
  | 'UNKNOWN';

export interface Customer {
  source: Source;
  id: string;
  email: string | null;
  marketingState: MarketingState | null;
  firstName: string | null;
  lastName: string | null;
  /** All tags the platform holds, including ones this app did not write. */
  tags: string[];
  createdAt: string;
  updatedAt: string;
}

export interface LineItem {
  title: string;
  quantity: number;
  /** Unit price before discounts. */
  price: number;
  productType: string | null;
  vendor: string | null;
  sku: string | null;
}

export interface Order {
  source: Source;
  id: string;
  /** Id of the customer in the same source, or null for a guest checkout. */
  customerId: string | null;
  email: string | null;
  processedAt: string;
  cancelledAt: string | null;
  currency: string;
  /** Order total as charged, after discounts. */
  total: number;
  /** Sum of refunds on the order. */
  refunded: number;
  /** Total discount applied to the order. */
  discount: number;
  lineItems: LineItem[];
  updatedAt: string;
}

/**
 * Where a segment comes from: RFM groups, behaviour clusters, prediction tiers (purchase
 * propensity, churn risk), micro-segments (cluster x propensity tier) and user-written rules.
 */
export type SegmentKind = 'rfm' | 'cluster' | 'prediction' | 'micro' | 'rule';

/** A refined segment: what it is called, how it is keyed, and who is in it. */
export interface SegmentDefinition {
  /** Stable key, lower-case slug (`champions`, `at-risk`); the tag is `<prefix><key>`. */
  key: string;
  name: string;
  kind: SegmentKind;
  description: string;
}

/** Customer GIDs per segment key, as computed by a run. */
export type Memberships = Map<string, Set<string>>;

/**
 * A HubSpot contact with the engagement HubSpot records. Counts are null when HubSpot holds no
 * value for them (never emailed, never tracked): unknown, not zero.
 */
export interface Contact {
  source: 'hubspot';
  /** HubSpot record id (hs_object_id). */
  id: string;
  /** Normalised (trimmed, lower-cased) email, or null for a contact without one. */
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  lifecycleStage: string | null;
  emailDelivered: number | null;
  emailOpens: number | null;
  emailClicks: number | null;
  emailBounces: number | null;
  /** hs_email_optout: the contact unsubscribed from all email. */
  emailOptOut: boolean | null;
  pageViews: number | null;
  visits: number | null;
  lastVisitAt: string | null;
  createdAt: string;
  updatedAt: string;
}
