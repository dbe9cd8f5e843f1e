// Everything one shop (tenant) owns: data, segments, bucket, faults, bulk operations, stats.
import { StringTable } from './columns.ts';
import { CustomerStore } from './customer-store.ts';
import type { CustomerSortKey } from './customer-store.ts';
import { FaultQueue } from './faults.ts';
import { LeakyBucket } from './leaky-bucket.ts';
import { OrderStore } from './order-store.ts';
import type { OrderSortKey } from './order-store.ts';
import { SegmentStore } from './segment-store.ts';
import { SortedOrderCache } from './sorted-cache.ts';
import type { BulkOperationRecord } from './bulk-operation-record.ts';
import type { ShopStats } from './types.ts';

export const DEFAULT_SCOPES = ['read_customers', 'write_customers', 'read_orders', 'read_all_orders', 'read_products'];
const SIXTY_DAYS_MS = 60 * 86_400_000;

export interface ShopConfig {
  domain: string;
  numericId: number;
  accessToken: string;
  scopes: string[];
  currency: string;
  name: string;
  maximumAvailable: number;
  restoreRate: number;
  bulkDelayMs: number;
}

export type MutableStats = Omit<ShopStats, 'lowestAvailable' | 'throttledRefusals'>;

export class ShopState {
  readonly domain: string;
  readonly numericId: number;
  readonly accessToken: string;
  readonly scopes: Set<string>;
  readonly currency: string;
  readonly name: string;
  readonly bulkDelayMs: number;
  readonly strings = new StringTable();
  readonly customers = new CustomerStore();
  readonly orders: OrderStore;
  readonly segments: SegmentStore;
  readonly bucket: LeakyBucket;
  readonly faults = new FaultQueue();
  readonly bulkOperations: BulkOperationRecord[] = [];
  /** Online access tokens issued by an install (app-install.ts); the offline token is accessToken. */
  readonly issuedTokens = new Set<string>();
  readonly stats: MutableStats = { queries: 0, mutations: 0, bulkQueries: 0, bulkMutations: 0, throttled: 0, errors: 0, faults: 0, costSpent: 0 };
  private readonly sortCache = new SortedOrderCache();

  constructor(config: ShopConfig, nextSegmentId: () => number) {
    this.domain = config.domain;
    this.numericId = config.numericId;
    this.accessToken = config.accessToken;
    this.scopes = new Set(config.scopes);
    this.currency = config.currency;
    this.name = config.name;
    this.bulkDelayMs = config.bulkDelayMs;
    this.orders = new OrderStore(this.strings, config.currency);
    this.segments = new SegmentStore(nextSegmentId);
    this.bucket = new LeakyBucket(config.maximumAvailable, config.restoreRate);
  }

  customerSortValue(sortKey: CustomerSortKey): (item: number) => number {
    const list = this.customers.list;
    switch (sortKey) {
      case 'CREATED_AT':
        return (i) => list[i]?.createdAt ?? 0;
      case 'UPDATED_AT':
        return (i) => list[i]?.updatedAt ?? 0;
      default:
        return (i) => list[i]?.id ?? 0;
    }
  }

  /** Customer list positions ascending by the sort key (then id). */
  customerOrder(sortKey: CustomerSortKey): Uint32Array {
    const list = this.customers.list;
    const key = this.customerSortValue(sortKey);
    return this.sortCache.get(`customers:${sortKey}`, this.customers.changes, list.length, key, (i) => list[i]?.id ?? 0);
  }

  orderSortValue(sortKey: OrderSortKey): (item: number) => number {
    const o = this.orders;
    switch (sortKey) {
      case 'CREATED_AT':
        return (i) => o.createdAt.data[i] ?? 0;
      case 'UPDATED_AT':
        return (i) => o.updatedAt.data[i] ?? 0;
      case 'PROCESSED_AT':
        return (i) => o.processedAt.data[i] ?? 0;
      default:
        return (i) => o.ids.data[i] ?? 0;
    }
  }

  orderOrder(sortKey: OrderSortKey): Uint32Array {
    const o = this.orders;
    const key = this.orderSortValue(sortKey);
    return this.sortCache.get(`orders:${sortKey}`, o.changes, o.count, key, (i) => o.ids.data[i] ?? 0);
  }

  /** Without read_all_orders only the last 60 days of orders are visible. */
  orderVisibility(now: number): (index: number) => boolean {
    if (this.scopes.has('read_all_orders')) return () => true;
    const cutoff = now - SIXTY_DAYS_MS;
    const created = this.orders.createdAt;
    return (index) => (created.data[index] ?? 0) >= cutoff;
  }

  publicStats(): ShopStats {
    return { ...this.stats, lowestAvailable: this.bucket.lowestAfterDeduction, throttledRefusals: this.stats.throttled };
  }
}
