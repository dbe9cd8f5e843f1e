// Bulk queries: validation userErrors, asynchronous run, JSONL layout (children on their own lines
// with __parentId), polling, the concurrency limit, cancel, and injected bulk failures.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createShopifyEmulator } from './index.ts';
import type { ShopifyEmulator } from './index.ts';
import { OTHER_SHOP, OTHER_TOKEN, SHOP, TOKEN, data, readJsonl, sampleCustomers, sampleOrders, waitForBulk } from './test-support.ts';

interface RunPayload {
  bulkOperationRunQuery: {
    bulkOperation: { id: string; status: string; type: string; query: string } | null;
    userErrors: { field: string[] | null; message: string; code: string }[];
  };
}

const RUN = `mutation($query: String!) { bulkOperationRunQuery(query: $query) {
  bulkOperation { id status type query } userErrors { field message code } } }`;

const ORDERS_BULK = `{ orders(query: "created_at:>='2024-02-01'") { edges { node {
  id name createdAt customer { id } totalPriceSet { shopMoney { amount currencyCode } }
  refunds { createdAt totalRefundedSet { shopMoney { amount } } }
  lineItems { edges { node { id title quantity sku product { productType } } } }
} } } }`;

describe('shopify emulator: bulk queries', () => {
  let emulator: ShopifyEmulator;

  before(async () => {
    emulator = await createShopifyEmulator();
    emulator.addShop(SHOP, { accessToken: TOKEN });
    await emulator.seed(SHOP, { customers: sampleCustomers(300), orders: sampleOrders(4, 2) });
    // A shop whose bulk operations pause between chunks, so that they are still running when polled.
    emulator.addShop(OTHER_SHOP, { accessToken: OTHER_TOKEN, bulkDelayMs: 100 });
    await emulator.seed(OTHER_SHOP, { customers: sampleCustomers(600) });
  });

  after(async () => {
    await emulator.close();
  });

  const run = async (query: string, shop = SHOP): Promise<RunPayload['bulkOperationRunQuery']> => {
    const options = shop === SHOP ? {} : { shop: OTHER_SHOP, token: OTHER_TOKEN };
    return (await data<RunPayload>(emulator, RUN, { query }, options)).bulkOperationRunQuery;
  };
  const slow = { shop: OTHER_SHOP, token: OTHER_TOKEN };

  it('writes one line per node, nested connection nodes after their parent with __parentId', async () => {
    const started = await run(ORDERS_BULK);
    assert.deepEqual(started.userErrors, []);
    assert.equal(started.bulkOperation?.status, 'CREATED');
    assert.equal(started.bulkOperation?.type, 'QUERY');
    const done = await waitForBulk(emulator, started.bulkOperation?.id ?? '');
    assert.equal(done.status, 'COMPLETED');
    assert.equal(done.rootObjectCount, '8');
    assert.equal(done.objectCount, '24');
    assert.ok(done.url?.startsWith(`${emulator.origin}/bulk/`));
    const lines = await readJsonl(done.url ?? '');
    assert.equal(String(lines.length), done.objectCount);
    assert.equal(Number(done.fileSize) > 0, true);
    assert.deepEqual(lines[0], {
      id: 'gid://shopify/Order/1',
      name: '#1001',
      createdAt: '2024-02-02T00:00:00Z',
      customer: { id: 'gid://shopify/Customer/1' },
      totalPriceSet: { shopMoney: { amount: '29.99', currencyCode: 'USD' } },
      refunds: [{ createdAt: '2024-02-02T00:00:00Z', totalRefundedSet: { shopMoney: { amount: '9.99' } } }],
    });
    assert.deepEqual(lines[1], { id: 'gid://shopify/LineItem/1', title: 'Blue Mug', quantity: 2, sku: 'MUG-1', product: { productType: 'Kitchen' }, __parentId: 'gid://shopify/Order/1' });
    assert.equal(lines[2]?.['__parentId'], 'gid://shopify/Order/1');
    assert.equal(lines[3]?.['id'], 'gid://shopify/Order/2');
  });

  it('pages through large top-level connections in chunks', async () => {
    const started = await run('{ customers { edges { node { id email tags } } } }');
    const done = await waitForBulk(emulator, started.bulkOperation?.id ?? '');
    assert.equal(done.status, 'COMPLETED');
    const lines = await readJsonl(done.url ?? '');
    assert.equal(lines.length, 300);
    assert.equal(new Set(lines.map((l) => l['id'])).size, 300);
  });

  it('answers userErrors for invalid bulk queries', async () => {
    const badField = await run('{ customers { edges { node { id nope } } } }');
    assert.equal(badField.bulkOperation, null);
    assert.equal(badField.userErrors[0]?.code, 'INVALID');
    assert.deepEqual(badField.userErrors[0]?.field, ['query']);
    const noConnection = await run('{ shop { name } }');
    assert.match(noConnection.userErrors[0]?.message ?? '', /connection/);
    const nodeRoot = await run('{ nodes(ids: ["gid://shopify/Customer/1"]) { id } }');
    assert.match(nodeRoot.userErrors[0]?.message ?? '', /node and nodes/);
    const missingId = await run('{ orders { edges { node { name lineItems { edges { node { id } } } } } } }');
    assert.match(missingId.userErrors[0]?.message ?? '', /must select the 'id' field/);
  });

  it('returns no url when there is no data', async () => {
    const started = await run(`{ customers(query: "email:nobody@example.com") { edges { node { id } } } }`);
    const done = await waitForBulk(emulator, started.bulkOperation?.id ?? '');
    assert.equal(done.status, 'COMPLETED');
    assert.equal(done.objectCount, '0');
    assert.equal(done.url, null);
  });

  it('lists operations with bulkOperations and status filters', async () => {
    const result = await data<{ bulkOperations: { nodes: { id: string; status: string; type: string }[] } }>(
      emulator,
      '{ bulkOperations(first: 10, query: "status:completed operation_type:query") { nodes { id status type } } }',
    );
    assert.ok(result.bulkOperations.nodes.length >= 3);
    assert.ok(result.bulkOperations.nodes.every((n) => n.status === 'COMPLETED' && n.type === 'QUERY'));
    const ids = result.bulkOperations.nodes.map((n) => Number(n.id.split('/').pop()));
    assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'newest first');
  });

  it('allows five running bulk queries and refuses the sixth', async () => {
    const started = [];
    for (let i = 0; i < 6; i++) started.push(await run('{ customers { edges { node { id } } } }', OTHER_SHOP));
    assert.equal(started.slice(0, 5).every((s) => s.userErrors.length === 0), true);
    assert.equal(started[5]?.bulkOperation, null);
    assert.equal(started[5]?.userErrors[0]?.code, 'LIMIT_REACHED');
    const running = await data<{ bulkOperations: { nodes: unknown[] } }>(emulator, '{ bulkOperations(first: 10, query: "status:running") { nodes { id } } }', {}, slow);
    assert.equal(running.bulkOperations.nodes.length, 5);
    for (const s of started.slice(0, 5)) assert.equal((await waitForBulk(emulator, s.bulkOperation?.id ?? '', slow)).status, 'COMPLETED');
  });

  it('cancels a running operation', async () => {
    const started = await run('{ customers { edges { node { id } } } }', OTHER_SHOP);
    const cancel = await data<{ bulkOperationCancel: { bulkOperation: { status: string }; userErrors: unknown[] } }>(
      emulator,
      'mutation($id: ID!) { bulkOperationCancel(id: $id) { bulkOperation { status } userErrors { field message } } }',
      { id: started.bulkOperation?.id },
      slow,
    );
    assert.deepEqual(cancel.bulkOperationCancel.userErrors, []);
    assert.equal(cancel.bulkOperationCancel.bulkOperation.status, 'CANCELING');
    const done = await waitForBulk(emulator, started.bulkOperation?.id ?? '', slow);
    assert.equal(done.status, 'CANCELED');
    assert.equal(done.url, null);
  });

  it('fails the next bulk query on an injected fault, with partial data where Shopify gives it', async () => {
    emulator.injectFault(SHOP, { kind: 'bulk-fail', errorCode: 'TIMEOUT' });
    const timedOut = await waitForBulk(emulator, (await run('{ customers { edges { node { id } } } }')).bulkOperation?.id ?? '');
    assert.equal(timedOut.status, 'FAILED');
    assert.equal(timedOut.errorCode, 'TIMEOUT');
    assert.equal(timedOut.url, null);
    const partial = await readJsonl(timedOut.partialDataUrl ?? '');
    assert.ok(partial.length > 0 && partial.length < 300);
    emulator.injectFault(SHOP, { kind: 'bulk-fail', errorCode: 'ACCESS_DENIED' });
    const denied = await waitForBulk(emulator, (await run('{ customers { edges { node { id } } } }')).bulkOperation?.id ?? '');
    assert.equal(denied.status, 'FAILED');
    assert.equal(denied.errorCode, 'ACCESS_DENIED');
    assert.equal(denied.partialDataUrl, null);
  });

  it('serves result files with faults on the bulk-result target', async () => {
    const done = await waitForBulk(emulator, (await run('{ customers { edges { node { id } } } }')).bulkOperation?.id ?? '');
    emulator.injectFault(SHOP, { kind: 'http', status: 503, target: 'bulk-result' });
    const failed = await fetch(done.url ?? '');
    assert.equal(failed.status, 503);
    await failed.arrayBuffer();
    const ok = await fetch(done.url ?? '');
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('content-type'), 'application/jsonl');
    assert.equal((await ok.text()).split('\n').filter(Boolean).length, 300);
  });
});
