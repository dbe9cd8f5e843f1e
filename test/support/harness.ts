// A Shopify emulator, a store and the connector's client wired together for integration tests.
import { createAdminClient, type AdminClient } from '../../connectors/shopify/admin-client.ts';
import { realSleep } from '../../connectors/shared/with-retry.ts';
import { DEFAULT_TAG_PREFIX } from '../../core/segment-tags.ts';
import type { RetryPolicy } from '../../core/retry-policy.ts';
import { createStore } from '../../app/store/create-store.ts';
import type { Store } from '../../app/store/store.ts';
import type { SyncDeps } from '../../app/sync/sync-types.ts';
import { createShopifyEmulator } from '../emulators/shopify/index.ts';
import type { SeedCustomer, SeedOrder, ShopifyEmulator } from '../emulators/shopify/types.ts';

/** Holdout settings that hold nobody out, for tests that check exact memberships. */
export const NO_HOLDOUT = { share: 0, salt: 'test-salt' } as const;

export const FAST_RETRY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 5, maxDelayMs: 2000 };

export interface Harness {
  emulator: ShopifyEmulator;
  shop: string;
  token: string;
  store: Store;
  client(options?: { retryPolicy?: RetryPolicy }): AdminClient;
  deps: SyncDeps;
  logs: string[];
  close(): Promise<void>;
}

let counter = 0;

export async function startHarness(options: {
  customers?: SeedCustomer[];
  orders?: SeedOrder[];
  restoreRate?: number;
  maximumAvailable?: number;
  /** Pause per bulk chunk in the emulator, to keep bulk operations running. */
  bulkDelayMs?: number;
  emulator?: ShopifyEmulator;
  /** Holdout settings of the shop; default NO_HOLDOUT. */
  holdout?: { share: number; salt: string };
} = {}): Promise<Harness> {
  const emulator = options.emulator ?? (await createShopifyEmulator());
  const shop = `test-shop-${process.pid}-${++counter}.myshopify.com`;
  const token = `shpat_test_${counter}`;
  emulator.addShop(shop, { accessToken: token, restoreRate: options.restoreRate, maximumAvailable: options.maximumAvailable, bulkDelayMs: options.bulkDelayMs });
  await emulator.seed(shop, { customers: options.customers ?? [], orders: options.orders ?? [] });
  const store = await createStore({ sqlitePath: ':memory:' });
  await store.saveShopSettings(shop, { tagPrefix: DEFAULT_TAG_PREFIX, shopify: { accessToken: token, adminOrigin: emulator.origin }, holdout: options.holdout ?? NO_HOLDOUT }, new Date().toISOString());
  const logs: string[] = [];
  const deps: SyncDeps = {
    now: () => new Date(),
    sleep: realSleep,
    random: Math.random,
    log: (line) => logs.push(line),
    progress: () => {},
  };
  return {
    emulator,
    shop,
    token,
    store,
    logs,
    deps,
    client: (o = {}) =>
      createAdminClient(
        { shop, accessToken: token, adminOrigin: emulator.origin, retryPolicy: o.retryPolicy ?? FAST_RETRY },
        { now: Date.now, sleep: realSleep, random: Math.random, log: (line) => logs.push(line) },
      ),
    async close() {
      await store.close();
      if (!options.emulator) await emulator.close();
    },
  };
}
