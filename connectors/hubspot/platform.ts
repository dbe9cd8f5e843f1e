// HubSpot platform facts the connector relies on, as data (developers.hubspot.com API reference
// and usage guidelines, checked when written).
export const HUBSPOT_LIMITS = {
  /** Requests per ten-second rolling window: private apps on Free/Starter 100, Pro/Enterprise 190; OAuth apps 110. */
  defaultRequestsPerTenSeconds: 100,
  windowMs: 10_000,
  /** Added to the window on our side: HubSpot counts a request when it arrives, we when we send it. */
  windowMarginMs: 500,
  /** The CRM search endpoints allow 5 requests per second per account. */
  searchRequestsPerSecond: 5,
  /** Search pages hold at most 200 results; a query can page through at most 10,000. */
  searchPageSize: 200,
  searchMaxResults: 10_000,
  /** Page size of GET /crm/v3/objects/contacts. */
  listPageSize: 100,
  /** Batch read / upsert inputs per request. */
  batchSize: 100,
  /** Record ids per list membership request (our choice; no smaller documented limit found). */
  membershipChunk: 1000,
  /** Contacts' object type id in lists v3. */
  contactObjectTypeId: '0-1',
} as const;

/** Contact properties the connector reads. */
export const CONTACT_PROPERTIES = [
  'email',
  'firstname',
  'lastname',
  'lifecyclestage',
  'hs_email_delivered',
  'hs_email_open',
  'hs_email_click',
  'hs_email_bounce',
  'hs_email_optout',
  'hs_analytics_num_page_views',
  'hs_analytics_num_visits',
  'hs_analytics_last_visit_timestamp',
  'createdate',
  'lastmodifieddate',
] as const;

/** The property group and properties this app writes. */
export const REFINERY_GROUP = { name: 'refinery', label: 'Segment Refinery' } as const;

export const REFINERY_PROPERTIES = {
  segments: 'refinery_segments',
  rfmGroup: 'refinery_rfm_group',
  cluster: 'refinery_cluster',
  purchasePropensity: 'refinery_purchase_propensity',
  churnRisk: 'refinery_churn_risk',
  predictedClv: 'refinery_predicted_clv',
} as const;
