// Failures on the way to Shopify: each is retried where retrying is right, fails fast with a
// clear message where it is not, and never loses or half-writes what is already stored.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { RefineryError } from '../../core/errors.ts';
import { BULK_RUN_QUERY, CUSTOMERS_PAGE, bulkCustomersQuery } from '../../connectors/shopify/documents.ts';
import { createAdminClient } from '../../connectors/shopify/admin-client.ts';
import { pushTags } from '../../connectors/shopify/tag-push.ts';
import { realSleep } from '../../connectors/shared/with-retry.ts';
import { pullShopify } from '../../app/sync/pull-shopify.ts';
import { runSync } from '../../app/sync/run-sync.ts';
import { createShopifyEmulator } from '../emulators/shopify/index.ts';
import type { ShopifyEmulator } from '../emulators/shopify/types.ts';
import { FAST_RETRY, startHarness } from '../support/harness.ts';
import { makeCustomers, makeOrders } from '../support/seed-fixtures.ts';

let emulator: ShopifyEmulator;
before(async () => {
  emulator = await createShopifyEmulator();
});
after(async () => {
  await emulator.close();
});

const page = { first: 5, after: null, query: null };
const quiet = { pollIntervalMs: 10, progress: () => {} };

async function rejects(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof RefineryError, `expected a RefineryError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.match(error.message, message);
    return true;
  });
}

test('5xx answers, 429 with Retry-After, dropped connections and INTERNAL_SERVER_ERROR are retried', async () => {
  const h = await startHarness({ emulator, customers: makeCustomers(10) });
  try {
    for (const fault of [
      { kind: 'http', status: 503, times: 2 },
      { kind: 'http', status: 502, times: 1 },
      { kind: 'http', status: 429, times: 1, retryAfterSeconds: 1 },
      { kind: 'drop', times: 2 },
      { kind: 'graphql-error', times: 1, message: 'Internal error. Looks like something went wrong on our end.' },
    ] as const) {
      const client = h.client();
      h.emulator.injectFault(h.shop, fault);
      const started = Date.now();
      const data = await client.request<{ customers: { nodes: unknown[] } }>('customersPage', CUSTOMERS_PAGE, page);
      assert.equal(data.customers.nodes.length, 5, `${fault.kind} ${'status' in fault ? fault.status : ''}`);
      assert.equal(client.stats().retries, fault.times, `${fault.kind}: one retry per failure`);
      if (fault.kind === 'http' && fault.status === 429) assert.ok(Date.now() - started >= 1000, 'Retry-After was honoured');
    }
  } finally {
    await h.close();
  }
});

test('retries are bounded: a platform that keeps failing gives a clear error', async () => {
  const h = await startHarness({ emulator, customers: makeCustomers(3) });
  try {
    h.emulator.injectFault(h.shop, { kind: 'http', status: 503, times: 50 });
    await rejects(h.client().request('customersPage', CUSTOMERS_PAGE, page), 'UPSTREAM_UNAVAILABLE', /503 to customersPage/);
    h.emulator.clearFaults(h.shop);
  } finally {
    await h.close();
  }
});

test('permanent errors fail fast: an invalid document, a wrong token', async () => {
  const h = await startHarness({ emulator, customers: makeCustomers(3) });
  try {
    const client = h.client();
    await rejects(client.request('bad', '{ customers(first: 1) { nodes { id favouriteColour } } }'), 'GRAPHQL', /favouriteColour/);
    assert.equal(client.stats().retries, 0);
    const wrong = createAdminClient(
      { shop: h.shop, accessToken: 'shpat_wrong', adminOrigin: h.emulator.origin, retryPolicy: FAST_RETRY },
      { now: Date.now, sleep: realSleep, random: Math.random },
    );
    await rejects(wrong.request('customersPage', CUSTOMERS_PAGE, page), 'AUTH', /access token/);
  } finally {
    await h.close();
  }
});

test('a bulk export that fails with INTERNAL_SERVER_ERROR is started again', async () => {
  const customers = makeCustomers(30);
  const h = await startHarness({ emulator, customers, orders: makeOrders(customers, '2026-06-01T00:00:00Z') });
  try {
    h.emulator.injectFault(h.shop, { kind: 'bulk-fail', errorCode: 'INTERNAL_SERVER_ERROR', operation: 'QUERY' });
    const result = await pullShopify(h.store, h.shop, h.client(), { full: false, pageSize: 100, ...quiet });
    assert.equal(result.customers, 30);
    const ops = h.emulator.listBulkOperations(h.shop).map((o) => o.status);
    assert.deepEqual(ops.filter((s) => s === 'FAILED').length, 1);
  } finally {
    await h.close();
  }
});

test('a broken result download resumes and still reads every record exactly', async () => {
  const customers = makeCustomers(120);
  const h = await startHarness({ emulator, customers });
  try {
    h.emulator.injectFault(h.shop, { kind: 'drop', target: 'bulk-result', times: 2 });
    h.emulator.injectFault(h.shop, { kind: 'http', status: 500, target: 'bulk-result', times: 1 });
    const result = await pullShopify(h.store, h.shop, h.client(), { full: false, pageSize: 50, ...quiet });
    assert.equal(result.customers, 120);
    assert.equal(await h.store.countCustomers(h.shop), 120);
  } finally {
    await h.close();
  }
});

test('a staged upload answering 503 is retried and the bulk mutation goes through', async () => {
  const h = await startHarness({ emulator, customers: makeCustomers(60) });
  try {
    h.emulator.injectFault(h.shop, { kind: 'http', status: 503, target: 'staged-upload', times: 2 });
    const changes = Array.from({ length: 60 }, (_, i) => ({ customerId: `gid://shopify/Customer/${i + 1}`, tags: ['refinery:new'] }));
    const result = await pushTags(h.client(), 'add', changes, { bulkThreshold: 10, pollIntervalMs: 10, runLabel: 'f1', onConfirmed: async () => {} });
    assert.deepEqual(result.failed, []);
    assert.deepEqual(h.emulator.customerTags(h.shop, 'gid://shopify/Customer/60'), ['refinery:new']);
  } finally {
    await h.close();
  }
});

test('a sync that fails permanently keeps what was stored and written before intact', async () => {
  const customers = makeCustomers(50);
  const h = await startHarness({ emulator, customers, orders: makeOrders(customers, new Date().toISOString()) });
  try {
    const first = await runSync(h.store, h.deps, { shopId: h.shop, trigger: 'test', pollIntervalMs: 10 });
    assert.equal(first.status, 'succeeded');
    const counts = [await h.store.countCustomers(h.shop), await h.store.countOrders(h.shop)];
    const checkpoints = [await h.store.getCheckpoint(h.shop, 'shopify.customers'), await h.store.getCheckpoint(h.shop, 'shopify.orders')];
    const written = await h.store.getWrittenMemberships(h.shop, 'shopify');
    h.emulator.injectFault(h.shop, { kind: 'bulk-fail', errorCode: 'ACCESS_DENIED', operation: 'QUERY' });
    const failed = await runSync(h.store, h.deps, { shopId: h.shop, trigger: 'test', full: true, pollIntervalMs: 10 });
    assert.equal(failed.status, 'failed');
    assert.equal(failed.errors[0]?.code, 'AUTH');
    assert.match(failed.errors[0]?.message ?? '', /customers export .* ACCESS_DENIED/);
    assert.deepEqual([await h.store.countCustomers(h.shop), await h.store.countOrders(h.shop)], counts);
    assert.equal(await h.store.getCheckpoint(h.shop, 'shopify.customers'), checkpoints[0], 'the failed stream keeps its checkpoint');
    // The orders export ran beside the failed one and may have finished: its checkpoint then moves
    // on (never back) with the same orders stored again.
    const before = JSON.parse(checkpoints[1] ?? 'null') as { mode: string; updatedAtMin: string };
    const after = JSON.parse((await h.store.getCheckpoint(h.shop, 'shopify.orders')) ?? 'null') as { mode: string; updatedAtMin: string };
    assert.equal(after.mode, 'incremental');
    assert.ok(Date.parse(after.updatedAtMin) >= Date.parse(before.updatedAtMin), `${after.updatedAtMin} is not before ${before.updatedAtMin}`);
    assert.deepEqual(await h.store.getWrittenMemberships(h.shop, 'shopify'), written);
    const runs = await h.store.listRuns(h.shop);
    assert.equal(runs[0]?.status, 'failed', 'the failed run is in the history with its reason');
  } finally {
    await h.close();
  }
});

test('a bulk export refused because every bulk slot is taken waits for a slot, then runs', async () => {
  // 600 customers are three chunks and the emulator pauses 700 ms between chunks, so five exports
  // started just before (by another run of the app) hold every bulk query slot for a while.
  const h = await startHarness({ emulator, customers: makeCustomers(600), bulkDelayMs: 700 });
  try {
    const client = h.client();
    for (let i = 0; i < 5; i++) await client.request('bulkOperationRunQuery', BULK_RUN_QUERY, { query: bulkCustomersQuery() });
    const result = await pullShopify(h.store, h.shop, client, { full: false, pageSize: 100, ...quiet });
    assert.equal(result.customers, 600);
    assert.ok(h.logs.some((l) => /no free bulk slot/.test(l)), `waited for a slot: ${h.logs.join(' | ')}`);
    assert.equal(h.emulator.listBulkOperations(h.shop).filter((o) => o.status === 'COMPLETED').length, 7);
  } finally {
    await h.close();
  }
});
