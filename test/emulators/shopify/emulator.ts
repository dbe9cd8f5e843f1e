// createShopifyEmulator: starts the HTTP server on 127.0.0.1 and returns the handle tests use to
// add shops, seed data, inspect what the app wrote, and inject faults.
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bulkSnapshot } from './bulk-operation-record.ts';
import type { EmulatorCore } from './context.ts';
import { customerSnapshot } from './customer-store.ts';
import type { CustomerRecord } from './customer-store.ts';
import { numericId, toGid } from './gid.ts';
import { createResolverMap } from './resolver-map.ts';
import { flowStateOf } from './resolvers-flow.ts';
import { webPixelOf } from './resolvers-web-pixel.ts';
import { customerTotals } from './resolvers-customer.ts';
import { ADMIN_API_VERSION, loadAdminSchema } from './schema-loader.ts';
import { segmentSnapshot } from './segment-store.ts';
import { evaluateSegment } from './segments-ql.ts';
import { InstallState } from './app-install.ts';
import { embeddedQuery } from './admin-frame.ts';
import { createRequestHandler } from './server.ts';
import type { ServerState } from './server.ts';
import { DEFAULT_SCOPES, ShopState } from './shop-state.ts';
import { StagedUploadStore } from './staged-upload-store.ts';
import type { EmulatorOptions, SeedData, SeedResult, ShopifyEmulator, ShopOptions } from './types.ts';

const DEFAULT_MAXIMUM_AVAILABLE = 2000;
const DEFAULT_RESTORE_RATE = 100;

function isSyncIterable<T>(value: Iterable<T> | AsyncIterable<T>): value is Iterable<T> {
  return typeof (value as Iterable<T>)[Symbol.iterator] === 'function';
}

async function consume<T>(items: Iterable<T> | AsyncIterable<T> | undefined, add: (item: T) => void): Promise<number> {
  if (!items) return 0;
  let count = 0;
  if (isSyncIterable(items)) {
    for (const item of items) {
      add(item);
      count++;
    }
    return count;
  }
  for await (const item of items) {
    add(item);
    count++;
  }
  return count;
}

export async function createShopifyEmulator(options: EmulatorOptions = {}): Promise<ShopifyEmulator> {
  const schema = loadAdminSchema();
  const workDir = await mkdtemp(join(tmpdir(), 'shopify-emulator-'));
  // Bulk results can be large: remove them even when the process ends without close().
  const removeWorkDir = (): void => rmSync(workDir, { recursive: true, force: true });
  process.once('exit', removeWorkDir);
  const install = new InstallState();
  install.app = options.app ?? null;
  const state: ServerState = { core: null, shops: new Map(), apiVersion: ADMIN_API_VERSION, install };
  const server = createServer(createRequestHandler(state));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let lastId = 1000;
  const core: EmulatorCore = {
    schema,
    origin: `http://127.0.0.1:${port}`,
    workDir,
    resolvers: createResolverMap(),
    stagedUploads: new StagedUploadStore(workDir),
    bulkOperations: new Map(),
    running: new Set(),
    closing: false,
    nextId: () => ++lastId,
  };
  state.core = core;
  let lastShopId = 60_000_000_000;

  const shopOf = (domain: string): ShopState => {
    const shop = state.shops.get(domain);
    if (!shop) throw new Error(`Unknown shop ${domain}; call addShop first`);
    return shop;
  };
  const customerOf = (shop: ShopState, id: number | string): CustomerRecord => {
    const numeric = numericId(id, 'Customer');
    const record = numeric === null ? undefined : shop.customers.byId.get(numeric);
    if (!record) throw new Error(`Unknown customer ${id} in ${shop.domain}`);
    return record;
  };
  let closed: Promise<void> | null = null;

  return {
    origin: core.origin,
    apiVersion: ADMIN_API_VERSION,
    configureApp(app): void {
      install.app = { ...app };
    },
    embeddedAppQuery(domain, userId): URLSearchParams {
      return embeddedQuery(install, shopOf(domain).domain, userId);
    },
    issuedAccessTokens(domain) {
      return install.issued.filter((entry) => entry.shop === domain).map(({ grant, online }) => ({ grant, online }));
    },
    addShop(domain: string, opts: ShopOptions): void {
      if (state.shops.has(domain)) throw new Error(`Shop ${domain} already exists`);
      const shop = new ShopState(
        {
          domain,
          numericId: ++lastShopId,
          accessToken: opts.accessToken,
          scopes: opts.scopes ?? DEFAULT_SCOPES,
          currency: opts.currency ?? 'USD',
          name: opts.name ?? domain.split('.')[0] ?? domain,
          maximumAvailable: opts.maximumAvailable ?? options.maximumAvailable ?? DEFAULT_MAXIMUM_AVAILABLE,
          restoreRate: opts.restoreRate ?? options.restoreRate ?? DEFAULT_RESTORE_RATE,
          bulkDelayMs: opts.bulkDelayMs ?? options.bulkDelayMs ?? 0,
        },
        core.nextId,
      );
      state.shops.set(domain, shop);
    },
    async seed(domain: string, data: SeedData): Promise<SeedResult> {
      const shop = shopOf(domain);
      const customers = await consume(data.customers, (c) => shop.customers.add(c));
      const orders = await consume(data.orders, (o) => shop.orders.add(o));
      return { customers, orders };
    },
    updateCustomer(domain, id, patch): void {
      const shop = shopOf(domain);
      shop.customers.update(customerOf(shop, id), patch);
    },
    updateOrder(domain, id, patch): void {
      const shop = shopOf(domain);
      const numeric = numericId(id, 'Order');
      const index = numeric === null ? undefined : shop.orders.byId.get(numeric);
      if (index === undefined) throw new Error(`Unknown order ${id} in ${domain}`);
      shop.orders.update(index, patch);
    },
    customerTags(domain, id): string[] {
      const shop = shopOf(domain);
      return [...customerOf(shop, id).tags];
    },
    listCustomers(domain) {
      return shopOf(domain).customers.list.map(customerSnapshot);
    },
    listSegments(domain) {
      return shopOf(domain).segments.list().map(segmentSnapshot);
    },
    segmentMembers(domain, segmentId): string[] {
      const shop = shopOf(domain);
      const numeric = numericId(segmentId, 'Segment');
      const segment = numeric === null ? undefined : shop.segments.byId.get(numeric);
      if (!segment) throw new Error(`Unknown segment ${segmentId} in ${domain}`);
      return shop.customers.list
        .filter((record) =>
          evaluateSegment(segment.expr, {
            tags: record.tags,
            marketingState: record.marketingState,
            email: record.email,
            numberOfOrders: () => customerTotals(shop, record.id).count,
            amountSpent: () => customerTotals(shop, record.id).spent,
          }),
        )
        .map((record) => toGid('Customer', record.id));
    },
    listBulkOperations(domain) {
      return shopOf(domain).bulkOperations.map((record) => bulkSnapshot(core.origin, record));
    },
    stats(domain) {
      return shopOf(domain).publicStats();
    },
    injectFault(domain, fault): void {
      shopOf(domain).faults.add(fault);
    },
    webPixel(domain) {
      const record = webPixelOf(shopOf(domain));
      return record ? { id: `gid://shopify/WebPixel/${record.id}`, settings: JSON.parse(record.settings) as Record<string, unknown>, createdAt: record.createdAt, updatedAt: record.updatedAt } : null;
    },
    clearFaults(domain): void {
      shopOf(domain).faults.clear();
    },
    flowTriggers(domain) {
      return flowStateOf(shopOf(domain)).received.map((record) => structuredClone(record));
    },
    configureFlowTriggers(domain, handles): void {
      flowStateOf(shopOf(domain)).handles = handles === null ? null : new Set(handles);
    },
    close(): Promise<void> {
      closed ??= (async () => {
        core.closing = true;
        await Promise.allSettled([...core.running]);
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await rm(workDir, { recursive: true, force: true });
        process.removeListener('exit', removeWorkDir);
      })();
      return closed;
    },
  };
}
