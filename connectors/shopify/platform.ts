// Shopify platform facts the connector relies on, as data. Sources: shopify.dev Admin API docs
// (rate limits, bulk operations, customer tags), checked when the version was pinned.
export const SHOPIFY_API_VERSION = '2026-10';

export const SHOPIFY_LIMITS = {
  /** A single query may not request more than this many cost points. */
  maxQueryCost: 1000,
  /** Cost of any mutation. */
  mutationCost: 10,
  /** Restore rates (points per second) by plan, for documentation and the emulator defaults. */
  restoreRateByPlan: { standard: 100, advanced: 200, plus: 1000, enterprise: 2000 },
  /** Page size for customer connection reads (250 is the connection maximum). */
  pageSize: 250,
  /** Orders per incremental page: each order carries up to 10 inline line items, so a page of
   *  15 stays well under the 1,000-point single-query limit. */
  ordersPageSize: 15,
  /** From this many changed records on, an incremental pull runs a filtered bulk export instead
   *  of cost-limited pages (1,000 customers are four pages of about 500 points each). */
  incrementalBulkThreshold: 1000,
  /** Tags per customer and characters per tag. */
  maxTagsPerCustomer: 250,
  maxTagLength: 255,
  /** Concurrent bulk queries and bulk mutations per shop from 2026-01. */
  maxConcurrentBulkQueries: 5,
  maxConcurrentBulkMutations: 5,
  /** While every bulk slot is taken: wait this long between tries, at most this many times. */
  bulkSlotWaitMs: 5000,
  bulkSlotWaits: 40,
} as const;

/**
 * Access scopes each Admin API root field the connector calls needs (shopify.dev reference of each
 * field): the scopes the app requests follow from the operations it uses. Bulk operations, staged
 * uploads and bulkOperation reads need no scope of their own (the inner query or mutation does).
 */
export const SHOPIFY_OPERATION_SCOPES: Readonly<Record<string, readonly string[]>> = {
  customers: ['read_customers'],
  customersCount: ['read_customers'],
  // Orders older than 60 days need read_all_orders on top of read_orders: the models read the
  // store's whole history.
  orders: ['read_orders', 'read_all_orders'],
  ordersCount: ['read_orders', 'read_all_orders'],
  order: ['read_orders', 'read_all_orders'],
  // Tags on customers (the mutations the tag bulk mutation runs).
  tagsAdd: ['write_customers'],
  tagsRemove: ['write_customers'],
  segments: ['read_customers'],
  segmentCreate: ['write_customers'],
  segmentUpdate: ['write_customers'],
  segmentDelete: ['write_customers'],
  bulkOperationRunQuery: [],
  bulkOperationRunMutation: [],
  bulkOperation: [],
  stagedUploadsCreate: [],
  // Flow triggers: no access scope of its own (the schema's requiredAccess is null); the trigger's
  // customer_reference field needs read_customers, which the app has.
  flowTriggerReceive: [],
  // The web pixel (schema requiredAccess): write_pixels and read_customer_events to create or update
  // it; reading the app's own pixel needs no scope of its own.
  webPixelCreate: ['write_pixels', 'read_customer_events'],
  webPixelUpdate: ['write_pixels', 'read_customer_events'],
  webPixel: [],
};

/** Scopes the app extensions need: the web pixel (created with webPixelCreate) and its events. */
export const SHOPIFY_EXTENSION_SCOPES: readonly string[] = ['write_pixels', 'read_customer_events'];

/** Every scope the app needs; shopify.app.toml requests exactly these. */
export const SHOPIFY_REQUIRED_SCOPES: readonly string[] = [
  ...new Set([...Object.values(SHOPIFY_OPERATION_SCOPES).flat(), ...SHOPIFY_EXTENSION_SCOPES]),
].sort();
