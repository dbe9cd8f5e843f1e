// The data-access contract. Two backends implement it (SQLite via node:sqlite, PostgreSQL via pg)
// and one contract test suite runs against both. Every method is scoped to a shop: no call can
// read or write another tenant's rows. Writes that belong together are one transaction.
import type { Customer, Order, SegmentDefinition } from '../../core/model.ts';

export interface ShopRecord {
  shopId: string; // the shop's myshopify domain, e.g. demo-store.myshopify.com
  createdAt: string;
}

/** Per-shop settings. The access token is stored as given (encryption at rest comes with the app server). */
export interface ShopSettings {
  /** Prefix of every tag this app writes, e.g. `refinery:`. */
  tagPrefix: string;
  shopify: {
    accessToken: string;
    /** Origin that Admin API calls go to instead of https://{shop}; set only for the emulator. */
    adminOrigin: string | null;
  } | null;
}

/** One page pulled from a platform, saved atomically with the stream's checkpoint. */
export interface PulledPage {
  customers?: Customer[];
  orders?: Order[];
  /** Stream checkpoint to save in the same transaction; omitted = leave unchanged. */
  checkpoint?: { stream: string; value: string };
}

/** A platform-side object that represents a refined segment (a Shopify segment, later a HubSpot list). */
export interface RemoteSegment {
  platform: 'shopify';
  segmentKey: string;
  remoteId: string;
  name: string;
  query: string;
  updatedAt: string;
}

/** Membership changes confirmed written to a platform, recorded together. */
export interface MembershipWrite {
  platform: 'shopify';
  added: Array<{ segmentKey: string; customerId: string }>;
  removed: Array<{ segmentKey: string; customerId: string }>;
  at: string;
}

export interface SegmentSnapshot {
  definition: SegmentDefinition;
  size: number;
  revenue: number;
  revenueShare: number;
  computedAt: string;
}

export type RunStatus = 'running' | 'succeeded' | 'failed';

export interface RunRecord {
  id: string;
  shopId: string;
  trigger: string;
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  report: Record<string, unknown>;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Applies pending versioned migrations; safe to call on every start. */
  migrate(): Promise<void>;
  close(): Promise<void>;

  ensureShop(shopId: string, now: string): Promise<ShopRecord>;
  listShops(): Promise<ShopRecord[]>;
  /** Settings of a shop, or null when the shop is unknown. */
  getShopSettings(shopId: string): Promise<ShopSettings | null>;
  /** Saves settings, creating the shop if needed. */
  saveShopSettings(shopId: string, settings: ShopSettings, now: string): Promise<void>;
  /** Deletes every row of the shop in every table (shop redact, demo reset). */
  deleteShop(shopId: string): Promise<void>;

  /**
   * Upserts customers and orders by (shop, source, id) and saves the checkpoint, all or nothing.
   * Every record is validated first (RefineryError VALIDATION: empty id, non-finite money, bad
   * timestamp, NUL characters...); a database failure rolls the whole page back (RefineryError
   * STORE). The shop must exist (ensureShop / saveShopSettings). Within a page, the last record
   * with a given key wins.
   */
  savePage(shopId: string, page: PulledPage): Promise<void>;
  getCheckpoint(shopId: string, stream: string): Promise<string | null>;

  countCustomers(shopId: string): Promise<number>;
  countOrders(shopId: string): Promise<number>;
  getCustomer(shopId: string, source: Customer['source'], id: string): Promise<Customer | null>;
  /**
   * Streams all customers of a shop ordered by (source, id) (byte order), in pages of at most
   * pageSize (default 1000) with keyset pagination, without loading them all at once.
   */
  iterateCustomers(shopId: string, pageSize?: number): AsyncIterable<Customer[]>;
  /**
   * Streams all orders of a shop, in pages of at most pageSize (default 1000), keyset-paginated.
   * Order: orders with a customer first, by (customerId, source, processedAt, id); then guest
   * orders (customerId null) by (source, processedAt, id). Strings compare in byte order, so both
   * backends agree; the orders of one (source, customerId) are contiguous and oldest first.
   */
  iterateOrders(shopId: string, pageSize?: number): AsyncIterable<Order[]>;

  /** What this app last wrote to a platform: segment key -> customer ids. */
  getWrittenMemberships(shopId: string, platform: 'shopify'): Promise<Map<string, Set<string>>>;
  /** One transaction: deletes `removed` pairs, then upserts `added` pairs (re-adding is fine). */
  recordMembershipWrite(shopId: string, write: MembershipWrite): Promise<void>;

  getRemoteSegments(shopId: string, platform: 'shopify'): Promise<RemoteSegment[]>;
  saveRemoteSegment(shopId: string, segment: RemoteSegment): Promise<void>;

  /** Replaces the shop's segment snapshot (definitions with size and revenue share). */
  saveSegmentSnapshot(shopId: string, snapshots: SegmentSnapshot[]): Promise<void>;
  listSegmentSnapshot(shopId: string): Promise<SegmentSnapshot[]>;

  startRun(shopId: string, trigger: string, now: string): Promise<RunRecord>;
  /** Fails with RefineryError NOT_FOUND when the shop has no such run. */
  finishRun(shopId: string, runId: string, status: Exclude<RunStatus, 'running'>, report: Record<string, unknown>, now: string): Promise<void>;
  /** Newest first (by startedAt); default limit 50. */
  listRuns(shopId: string, limit?: number): Promise<RunRecord[]>;
}
