// tagsAdd / tagsRemove rules (dedupe, limits, updatedAt) and native segments (unique names,
// ShopifyQL subset, connection, membership evaluation).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createShopifyEmulator } from './index.ts';
import type { ShopifyEmulator } from './index.ts';
import { SHOP, TOKEN, data, sampleCustomers } from './test-support.ts';

interface TagsPayload {
  node: { id: string; tags?: string[]; updatedAt?: string } | null;
  userErrors: { field: string[] | null; message: string }[];
}

interface SegmentPayload {
  segment: { id: string; name: string; query: string; creationDate: string; lastEditDate: string } | null;
  userErrors: { field: string[] | null; message: string }[];
}

const TAGS_ADD = 'mutation($id: ID!, $tags: [String!]!) { tagsAdd(id: $id, tags: $tags) { node { id ... on Customer { tags updatedAt } } userErrors { field message } } }';
const TAGS_REMOVE = 'mutation($id: ID!, $tags: [String!]!) { tagsRemove(id: $id, tags: $tags) { node { id } userErrors { field message } } }';
const SEGMENT_CREATE = 'mutation($name: String!, $query: String!) { segmentCreate(name: $name, query: $query) { segment { id name query creationDate lastEditDate } userErrors { field message } } }';

describe('shopify emulator: tags and segments', () => {
  let emulator: ShopifyEmulator;

  before(async () => {
    emulator = await createShopifyEmulator();
    emulator.addShop(SHOP, { accessToken: TOKEN });
    await emulator.seed(SHOP, { customers: sampleCustomers(6) });
  });

  after(async () => {
    await emulator.close();
  });

  const tagsAdd = async (id: string, tags: string[]): Promise<TagsPayload> => (await data<{ tagsAdd: TagsPayload }>(emulator, TAGS_ADD, { id, tags })).tagsAdd;
  const tagsRemove = async (id: string, tags: string[]): Promise<TagsPayload> => (await data<{ tagsRemove: TagsPayload }>(emulator, TAGS_REMOVE, { id, tags })).tagsRemove;
  const createSegment = async (name: string, query: string): Promise<SegmentPayload> => (await data<{ segmentCreate: SegmentPayload }>(emulator, SEGMENT_CREATE, { name, query })).segmentCreate;

  it('adds tags with case-insensitive dedupe, comma splitting and an updatedAt bump', async () => {
    const before = emulator.listCustomers(SHOP).find((c) => c.legacyId === 2);
    const result = await tagsAdd('gid://shopify/Customer/2', ['refinery:Champions', 'REFINERY:champions', 'a, b']);
    assert.deepEqual(result.userErrors, []);
    assert.deepEqual(result.node?.tags, ['refinery:Champions', 'a', 'b']);
    assert.notEqual(result.node?.updatedAt, before?.updatedAt);
    const again = await tagsAdd('gid://shopify/Customer/2', ['Refinery:CHAMPIONS']);
    assert.deepEqual(again.node?.tags, ['refinery:Champions', 'a', 'b']);
    assert.deepEqual(emulator.customerTags(SHOP, 'gid://shopify/Customer/2'), ['refinery:Champions', 'a', 'b']);
  });

  it('removes tags case-insensitively', async () => {
    const result = await tagsRemove('gid://shopify/Customer/2', ['REFINERY:CHAMPIONS', 'missing']);
    assert.deepEqual(result.userErrors, []);
    assert.deepEqual(emulator.customerTags(SHOP, 2), ['a', 'b']);
  });

  it('enforces 255 characters per tag and 250 tags per customer', async () => {
    const long = await tagsAdd('gid://shopify/Customer/3', ['x'.repeat(256)]);
    assert.equal(long.node, null);
    assert.deepEqual(long.userErrors[0]?.field, ['tags']);
    const ok = await tagsAdd('gid://shopify/Customer/3', ['y'.repeat(255)]);
    assert.deepEqual(ok.userErrors, []);
    // Customer 3 already has 'vip' and the 255-character tag.
    const many = Array.from({ length: 248 }, (_, i) => `t${i}`);
    const full = await tagsAdd('gid://shopify/Customer/3', many);
    assert.deepEqual(full.userErrors, [], 'exactly 250 tags is allowed');
    const over = await tagsAdd('gid://shopify/Customer/3', ['one-too-many']);
    assert.equal(over.node, null);
    assert.match(over.userErrors[0]?.message ?? '', /250/);
    assert.equal(emulator.customerTags(SHOP, 3).length, 250);
  });

  it('answers a userError for unknown ids', async () => {
    const result = await tagsAdd('gid://shopify/Customer/404', ['x']);
    assert.equal(result.node, null);
    assert.deepEqual(result.userErrors[0]?.field, ['id']);
  });

  it('creates segments with unique names and valid queries', async () => {
    const created = await createSegment('Refinery: champions', "customer_tags CONTAINS 'vip'");
    assert.deepEqual(created.userErrors, []);
    assert.match(created.segment?.id ?? '', /^gid:\/\/shopify\/Segment\/\d+$/);
    const duplicate = await createSegment('Refinery: champions', "customer_tags CONTAINS 'other'");
    assert.equal(duplicate.segment, null);
    assert.deepEqual(duplicate.userErrors, [{ field: ['name'], message: 'Name has already been taken' }]);
    const bad = await createSegment('Broken', 'customer_tagz CONTAINS "x"');
    assert.equal(bad.segment, null);
    assert.deepEqual(bad.userErrors[0]?.field, ['query']);
    assert.match(bad.userErrors[0]?.message ?? '', /customer_tagz/);
  });

  it('evaluates membership for AND / OR / NOT of customer_tags', async () => {
    await tagsAdd('gid://shopify/Customer/2', ['refinery:loyal']);
    const created = await createSegment('Loyal or vip', "customer_tags CONTAINS 'refinery:loyal' OR (customer_tags CONTAINS 'vip' AND customer_tags NOT CONTAINS 'y')");
    assert.deepEqual(created.userErrors, []);
    const members = emulator.segmentMembers(SHOP, created.segment?.id ?? '');
    // vip: customers 1, 3 and 5 (none has the exact tag 'y'); refinery:loyal: customer 2.
    assert.deepEqual(members, ['gid://shopify/Customer/1', 'gid://shopify/Customer/2', 'gid://shopify/Customer/3', 'gid://shopify/Customer/5']);
  });

  it('updates, lists, reads and deletes segments', async () => {
    const created = await createSegment('Temp', "customer_tags CONTAINS 'a'");
    const id = created.segment?.id ?? '';
    const updated = await data<{ segmentUpdate: SegmentPayload }>(
      emulator,
      'mutation($id: ID!) { segmentUpdate(id: $id, name: "Temp 2", query: "customer_tags CONTAINS \'b\'") { segment { id name query } userErrors { field message } } }',
      { id },
    );
    assert.deepEqual(updated.segmentUpdate.userErrors, []);
    assert.equal(updated.segmentUpdate.segment?.name, 'Temp 2');
    const clash = await data<{ segmentUpdate: SegmentPayload }>(
      emulator,
      'mutation($id: ID!) { segmentUpdate(id: $id, name: "Loyal or vip") { segment { id } userErrors { field message } } }',
      { id },
    );
    assert.equal(clash.segmentUpdate.userErrors[0]?.message, 'Name has already been taken');
    const list = await data<{ segments: { nodes: { name: string }[]; pageInfo: { hasNextPage: boolean } }; segment: { query: string } }>(
      emulator,
      'query($id: ID!) { segments(first: 2) { nodes { name } pageInfo { hasNextPage } } segment(id: $id) { query } }',
      { id },
    );
    assert.deepEqual(list.segments.nodes.map((n) => n.name), ['Refinery: champions', 'Loyal or vip']);
    assert.equal(list.segments.pageInfo.hasNextPage, true);
    assert.equal(list.segment.query, "customer_tags CONTAINS 'b'");
    const deleted = await data<{ segmentDelete: { deletedSegmentId: string | null; userErrors: unknown[] } }>(
      emulator,
      'mutation($id: ID!) { segmentDelete(id: $id) { deletedSegmentId userErrors { field message } } }',
      { id },
    );
    assert.equal(deleted.segmentDelete.deletedSegmentId, id);
    assert.deepEqual(emulator.listSegments(SHOP).map((s) => s.name), ['Refinery: champions', 'Loyal or vip']);
    const again = await data<{ segmentDelete: { deletedSegmentId: string | null; userErrors: { field: string[] }[] } }>(
      emulator,
      'mutation($id: ID!) { segmentDelete(id: $id) { deletedSegmentId userErrors { field message } } }',
      { id },
    );
    assert.equal(again.segmentDelete.deletedSegmentId, null);
    assert.deepEqual(again.segmentDelete.userErrors[0]?.field, ['id']);
  });
});
