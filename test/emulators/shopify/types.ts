// Public types of the Shopify Admin GraphQL emulator: seed records, faults, stats and the
// emulator handle returned by createShopifyEmulator.
import type { EmulatorApp } from './app-install.ts';

export type EmailMarketingState = 'SUBSCRIBED' | 'NOT_SUBSCRIBED' | 'UNSUBSCRIBED' | 'PENDING' | 'INVALID';
export type MarketingOptInLevel = 'SINGLE_OPT_IN' | 'CONFIRMED_OPT_IN' | 'UNKNOWN';

export interface SeedCustomer {
  /** Numeric id; assigned (max id + 1) when omitted. */
  id?: number;
  email: string | null;
  firstName?: string | null;
  lastName?: string | null;
  marketingState?: EmailMarketingState;
  marketingOptInLevel?: MarketingOptInLevel | null;
  marketingUpdatedAt?: string | null;
  tags?: string[];
  createdAt: string;
  /** Defaults to createdAt. */
  updatedAt?: string;
}

export interface SeedLineItem {
  id?: number;
  title: string;
  quantity: number;
  /** Unit price in the order currency. */
  price: number;
  productType?: string;
  vendor?: string;
  sku?: string | null;
}

export interface SeedRefund {
  id?: number;
  amount: number;
  createdAt: string;
}

export interface SeedOrder {
  id?: number;
  customerId: number | null;
  email?: string | null;
  /** Defaults to `#${1000 + id}`. */
  name?: string;
  createdAt: string;
  /** Defaults to createdAt. */
  processedAt?: string;
  /** Defaults to the latest of createdAt and the refunds. */
  updatedAt?: string;
  cancelledAt?: string | null;
  /** ISO 4217 code; defaults to the shop currency. */
  currency?: string;
  lineItems: SeedLineItem[];
  /** Order-level discount amount. */
  discount?: number;
  refunds?: SeedRefund[];
}

export interface SeedData {
  customers?: Iterable<SeedCustomer> | AsyncIterable<SeedCustomer>;
  orders?: Iterable<SeedOrder> | AsyncIterable<SeedOrder>;
}

export interface SeedResult {
  customers: number;
  orders: number;
}

export type CustomerPatch = Partial<Omit<SeedCustomer, 'id'>>;
export type OrderPatch = Partial<Omit<SeedOrder, 'id'>>;

export type FaultTarget = 'graphql' | 'bulk-result' | 'staged-upload';

interface FaultBase {
  /** Which endpoint the fault applies to; defaults to 'graphql'. */
  target?: FaultTarget;
  /** How many matching requests it hits; defaults to 1. */
  times?: number;
}

export interface HttpFault extends FaultBase {
  kind: 'http';
  status: 500 | 502 | 503 | 429;
  /** Retry-After seconds sent with a 429; defaults to 1. */
  retryAfterSeconds?: number;
}

export interface DropFault extends FaultBase {
  kind: 'drop';
}

export interface GraphqlErrorFault extends FaultBase {
  kind: 'graphql-error';
  message?: string;
}

export interface BulkFailFault {
  kind: 'bulk-fail';
  errorCode: 'INTERNAL_SERVER_ERROR' | 'TIMEOUT' | 'ACCESS_DENIED';
  /** Restrict to the next bulk query or bulk mutation; any by default. */
  operation?: 'QUERY' | 'MUTATION';
}

export interface BulkMutationLineErrorsFault {
  kind: 'bulk-mutation-line-errors';
  /** Every Nth line (1-based: lines N, 2N, ...) gets a userError instead of being applied. */
  every: number;
  message?: string;
}

/** The next `times` flowTriggerReceive calls fail: with a userError, or a top-level INTERNAL_SERVER_ERROR. */
export interface FlowTriggerFault {
  kind: 'flow-trigger';
  mode?: 'user-error' | 'internal-error';
  times?: number;
  message?: string;
}

export type Fault = HttpFault | DropFault | GraphqlErrorFault | BulkFailFault | BulkMutationLineErrorsFault | FlowTriggerFault;

/** A trigger Flow received (resolvers-flow.ts). */
export interface FlowTriggerSnapshot {
  handle: string;
  payload: Record<string, unknown>;
  receivedAt: string;
}

/** The app's web pixel on a shop (resolvers-web-pixel.ts). */
export interface WebPixelSnapshot {
  id: string;
  settings: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export interface ShopOptions {
  accessToken: string;
  restoreRate?: number;
  maximumAvailable?: number;
  /** Access scopes granted; defaults include read_all_orders. */
  scopes?: string[];
  /** Shop currency; defaults to USD. */
  currency?: string;
  /** Shop name; defaults to the domain's first label. */
  name?: string;
  /** Pause between bulk operation chunks, to keep operations running in tests; 0 by default. */
  bulkDelayMs?: number;
}

export interface ShopStats {
  queries: number;
  mutations: number;
  bulkQueries: number;
  bulkMutations: number;
  /** Requests answered with a THROTTLED error. */
  throttled: number;
  /** Requests answered with top-level errors other than THROTTLED (validation, cost, execution). */
  errors: number;
  /** Requests answered by an injected fault (any target). */
  faults: number;
  /** Sum of actualQueryCost over executed requests. */
  costSpent: number;
  /** Lowest currentlyAvailable seen right after a deduction; null before the first one. */
  lowestAvailable: number | null;
  /** Same number as `throttled`, named for the assertion it serves. */
  throttledRefusals: number;
}

export interface CustomerSnapshot {
  id: string;
  legacyId: number;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  marketingState: EmailMarketingState;
  tags: string[];
  createdAt: string;
  updatedAt: string;
}

export interface SegmentSnapshot {
  id: string;
  name: string;
  query: string;
  creationDate: string;
  lastEditDate: string;
}

export interface BulkOperationSnapshot {
  id: string;
  type: 'QUERY' | 'MUTATION';
  status: string;
  errorCode: string | null;
  objectCount: number;
  rootObjectCount: number;
  url: string | null;
  partialDataUrl: string | null;
}

export interface EmulatorOptions {
  /** Port to listen on (127.0.0.1); 0 or omitted picks a free one. */
  port?: number;
  /** Default restore rate for shops (points per second); 100 by default. */
  restoreRate?: number;
  /** Default bucket size for shops; 2000 by default. */
  maximumAvailable?: number;
  /** Default pause between bulk operation chunks (ms); 0 by default. */
  bulkDelayMs?: number;
  /** The app that installs on the shops (client id and secret, its URL): see app-install.ts. */
  app?: EmulatorApp;
}

export interface ShopifyEmulator {
  readonly origin: string;
  readonly apiVersion: string;
  close(): Promise<void>;
  /** Sets (or replaces) the app that installs on the shops: OAuth, token exchange, admin page. */
  configureApp(app: EmulatorApp): void;
  /** The query the admin adds to the embedded app's URL (embedded, host, id_token, shop, hmac...). */
  embeddedAppQuery(shop: string, userId?: string): URLSearchParams;
  /** Access tokens issued to the app for a shop, oldest first. */
  issuedAccessTokens(shop: string): Array<{ grant: 'token-exchange' | 'authorization-code'; online: boolean }>;
  addShop(shop: string, opts: ShopOptions): void;
  /** Appends records; sync iterables are consumed before the promise is created. */
  seed(shop: string, data: SeedData): Promise<SeedResult>;
  updateCustomer(shop: string, id: number | string, patch: CustomerPatch): void;
  updateOrder(shop: string, id: number | string, patch: OrderPatch): void;
  customerTags(shop: string, customerId: string | number): string[];
  listCustomers(shop: string): CustomerSnapshot[];
  listSegments(shop: string): SegmentSnapshot[];
  /** Customer GIDs matching the segment's query. */
  segmentMembers(shop: string, segmentId: string | number): string[];
  listBulkOperations(shop: string): BulkOperationSnapshot[];
  stats(shop: string): ShopStats;
  injectFault(shop: string, fault: Fault): void;
  /** Triggers flowTriggerReceive accepted for the shop, oldest first. */
  flowTriggers(shop: string): FlowTriggerSnapshot[];
  /** The trigger handles the app has for the shop; null (the default): any well-shaped handle. */
  configureFlowTriggers(shop: string, handles: readonly string[] | null): void;
  /** The app's web pixel on the shop (webPixelCreate / webPixelUpdate), settings parsed; null when none. */
  webPixel(shop: string): WebPixelSnapshot | null;
  clearFaults(shop: string): void;
}
