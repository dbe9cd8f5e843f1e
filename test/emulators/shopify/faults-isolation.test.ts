// Authentication, API version routing, injected request faults (5xx, 429 with Retry-After,
// dropped sockets, GraphQL errors, n-times), and tenant isolation between two shops.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createShopifyEmulator } from './index.ts';
import type { ShopifyEmulator } from './index.ts';
import { OTHER_SHOP, OTHER_TOKEN, SHOP, TOKEN, data, gql, sampleCustomers, waitForBulk } from './test-support.ts';

describe('shopify emulator: faults and isolation', () => {
  let emulator: ShopifyEmulator;
  const other = { shop: OTHER_SHOP, token: OTHER_TOKEN };

  before(async () => {
    emulator = await createShopifyEmulator({ restoreRate: 100 });
    emulator.addShop(SHOP, { accessToken: TOKEN });
    emulator.addShop(OTHER_SHOP, { accessToken: OTHER_TOKEN, maximumAvailable: 1000 });
    await emulator.seed(SHOP, { customers: sampleCustomers(3) });
    await emulator.seed(OTHER_SHOP, { customers: [{ email: 'beta-only@example.com', createdAt: '2024-03-01T00:00:00Z', tags: ['beta'] }] });
  });

  after(async () => {
    await emulator.close();
  });

  it('answers 401 for an unknown shop or a wrong token', async () => {
    const wrongToken = await gql(emulator, '{ shop { name } }', {}, { token: 'nope' });
    assert.equal(wrongToken.status, 401);
    assert.deepEqual(wrongToken.body, { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' });
    const crossToken = await gql(emulator, '{ shop { name } }', {}, { token: OTHER_TOKEN });
    assert.equal(crossToken.status, 401);
    const unknownShop = await gql(emulator, '{ shop { name } }', {}, { shop: 'ghost.myshopify.com' });
    assert.equal(unknownShop.status, 401);
  });

  it('answers 404 for another API version', async () => {
    const response = await gql(emulator, '{ shop { name } }', {}, { version: '2024-01' });
    assert.equal(response.status, 404);
  });

  it('injects 5xx and 429 (with Retry-After) for the given number of requests', async () => {
    emulator.injectFault(SHOP, { kind: 'http', status: 503, times: 2 });
    emulator.injectFault(SHOP, { kind: 'http', status: 429, retryAfterSeconds: 2 });
    assert.equal((await gql(emulator, '{ shop { name } }')).status, 503);
    assert.equal((await gql(emulator, '{ shop { name } }')).status, 503);
    const limited = await gql(emulator, '{ shop { name } }');
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '2');
    assert.equal((await gql(emulator, '{ shop { name } }')).status, 200);
  });

  it('drops the socket without an answer', async () => {
    emulator.injectFault(SHOP, { kind: 'drop' });
    await assert.rejects(gql(emulator, '{ shop { name } }'), TypeError);
    assert.equal((await gql(emulator, '{ shop { name } }')).status, 200);
  });

  it('answers 200 with an INTERNAL_SERVER_ERROR errors array', async () => {
    emulator.injectFault(SHOP, { kind: 'graphql-error', message: 'Internal error. Looks like something went wrong on our end.' });
    const response = await gql(emulator, '{ shop { name } }');
    assert.equal(response.status, 200);
    assert.deepEqual(response.body.errors, [{ message: 'Internal error. Looks like something went wrong on our end.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
    assert.equal(emulator.stats(SHOP).faults, 5);
  });

  it('keeps each shop to its own data, segments and bulk operations', async () => {
    const alpha = await data<{ customers: { nodes: { email: string }[] } }>(emulator, '{ customers(first: 10) { nodes { email } } }');
    const beta = await data<{ customers: { nodes: { email: string }[] } }>(emulator, '{ customers(first: 10) { nodes { email } } }', {}, other);
    assert.equal(alpha.customers.nodes.length, 3);
    assert.deepEqual(beta.customers.nodes, [{ email: 'beta-only@example.com' }]);
    // Customer 1 exists in both shops; tagging it in alpha leaves beta's alone.
    await data(emulator, 'mutation { tagsAdd(id: "gid://shopify/Customer/1", tags: ["alpha-tag"]) { userErrors { message } } }');
    assert.deepEqual(emulator.customerTags(OTHER_SHOP, 1), ['beta']);
    const segment = await data<{ segmentCreate: { segment: { id: string } } }>(emulator, `mutation { segmentCreate(name: "Same name", query: "customer_tags CONTAINS 'x'") { segment { id } } }`);
    const betaSegment = await data<{ segmentCreate: { segment: { id: string } | null; userErrors: unknown[] } }>(
      emulator,
      `mutation { segmentCreate(name: "Same name", query: "customer_tags CONTAINS 'x'") { segment { id } userErrors { message } } }`,
      {},
      other,
    );
    assert.deepEqual(betaSegment.segmentCreate.userErrors, [], 'names are unique per shop only');
    const lookup = await data<{ segment: unknown }>(emulator, 'query($id: ID!) { segment(id: $id) { id } }', { id: segment.segmentCreate.segment.id }, other);
    assert.equal(lookup.segment, null);
    const bulk = await data<{ bulkOperationRunQuery: { bulkOperation: { id: string } } }>(emulator, 'mutation { bulkOperationRunQuery(query: "{ customers { edges { node { id } } } }") { bulkOperation { id } } }');
    const id = bulk.bulkOperationRunQuery.bulkOperation.id;
    await waitForBulk(emulator, id);
    const foreign = await data<{ bulkOperation: unknown; bulkOperations: { nodes: unknown[] } }>(emulator, 'query($id: ID!) { bulkOperation(id: $id) { id } bulkOperations(first: 5) { nodes { id } } }', { id }, other);
    assert.equal(foreign.bulkOperation, null);
    assert.deepEqual(foreign.bulkOperations.nodes, []);
  });

  it('gives each shop its own bucket', async () => {
    const betaQuery = '{ customers(first: 1) { nodes { id } } }'; // requested 3, actual 3
    const betaBefore = (await gql(emulator, betaQuery, {}, other)).body.extensions?.cost?.throttleStatus;
    let alphaStatus;
    for (let i = 0; i < 5; i++) {
      const response = await gql(emulator, 'mutation { tagsAdd(id: "gid://shopify/Customer/2", tags: ["spend"]) { userErrors { message } } }');
      alphaStatus = response.body.extensions?.cost?.throttleStatus;
    }
    const betaAfter = (await gql(emulator, betaQuery, {}, other)).body.extensions?.cost?.throttleStatus;
    assert.equal(alphaStatus?.maximumAvailable, 2000);
    assert.ok((alphaStatus?.currentlyAvailable ?? 2000) < 1990, 'alpha spent 50 points');
    assert.equal(betaAfter?.maximumAvailable, 1000);
    assert.ok((betaAfter?.currentlyAvailable ?? 0) >= (betaBefore?.currentlyAvailable ?? 0) - 3, 'beta only paid for its own query');
    assert.equal(emulator.stats(OTHER_SHOP).faults, 0);
    assert.equal(emulator.stats(OTHER_SHOP).mutations, 1);
  });
});
