// Pull stage: each Shopify stream's pages saved with their checkpoint, page by page.
import type { Customer, Order } from '../../core/model.ts';
import type { AdminClient } from '../../connectors/shopify/admin-client.ts';
import { parseCheckpoint } from '../../connectors/shopify/checkpoint.ts';
import type { ConnectorStream } from '../../connectors/shopify/stream.ts';
import { customersStream, ordersStream } from '../../connectors/shopify/streams.ts';
import { loadSuppression } from '../privacy/suppression.ts';
import type { Store } from '../store/store.ts';
import { sideBySide } from './side-by-side.ts';

export interface PullResult {
  customers: number;
  orders: number;
  mode: { customers: 'bulk' | 'incremental'; orders: 'bulk' | 'incremental' };
}

async function pullStream<T extends Customer | Order>(
  store: Store,
  shopId: string,
  client: AdminClient,
  stream: ConnectorStream<T>,
  options: { full: boolean; pageSize: number; pollIntervalMs?: number; progress: (stage: string, message: string) => void },
): Promise<{ read: number; mode: 'bulk' | 'incremental' }> {
  const previous = await store.getCheckpoint(shopId, stream.name);
  const parsed = parseCheckpoint(stream.name, previous);
  const mode = options.full || parsed === null || parsed.mode === 'bulk' ? 'bulk' : 'incremental';
  let read = 0;
  const pages = stream.pull(
    { client, full: options.full, pageSize: options.pageSize, pollIntervalMs: options.pollIntervalMs, onProgress: (s, e) => options.progress(s, e) },
    previous,
  );
  // Customers redacted earlier (customers/redact), and their orders, are not stored again.
  const suppression = await loadSuppression(store, shopId);
  let suppressed = 0;
  for await (const page of pages) {
    const records = page.records;
    const kept = suppression.filterPage(stream.model === 'customer' ? { customers: records as Customer[] } : { orders: records as Order[] });
    suppressed += kept.dropped;
    await store.savePage(shopId, { ...kept.page, checkpoint: { stream: stream.name, value: page.checkpoint } });
    if (kept.dropped > 0) options.progress(stream.name, `${suppressed} records of redacted customers dropped`);
    read += records.length;
    if (records.length > 0) options.progress(stream.name, `${read.toLocaleString('en')} saved`);
  }
  return { read, mode };
}

/**
 * Customers and orders are exported side by side: API 2026-01 and later run up to five bulk
 * queries per shop at once, and the customers can be stored while the orders export still runs.
 */
export async function pullShopify(
  store: Store,
  shopId: string,
  client: AdminClient,
  options: { full: boolean; pageSize: number; pollIntervalMs?: number; progress: (stage: string, message: string) => void },
): Promise<PullResult> {
  const [customers, orders] = await sideBySide([
    () => pullStream(store, shopId, client, customersStream, options),
    () => pullStream(store, shopId, client, ordersStream, options),
  ]);
  return { customers: customers.read, orders: orders.read, mode: { customers: customers.mode, orders: orders.mode } };
}
