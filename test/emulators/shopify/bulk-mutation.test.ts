// Bulk mutations: stagedUploadsCreate, a multipart POST of the JSONL variables to the staged
// target, bulkOperationRunMutation with tagsAdd, per-line results, and injected line errors.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createShopifyEmulator } from './index.ts';
import type { ShopifyEmulator } from './index.ts';
import { SHOP, TOKEN, data, readJsonl, sampleCustomers, waitForBulk } from './test-support.ts';

interface StagedTarget {
  url: string;
  resourceUrl: string | null;
  parameters: { name: string; value: string }[];
}

const TAGS_ADD = 'mutation call($id: ID!, $tags: [String!]!) { tagsAdd(id: $id, tags: $tags) { node { id } userErrors { field message } } }';

describe('shopify emulator: bulk mutations', () => {
  let emulator: ShopifyEmulator;

  before(async () => {
    emulator = await createShopifyEmulator();
    emulator.addShop(SHOP, { accessToken: TOKEN });
    await emulator.seed(SHOP, { customers: sampleCustomers(30) });
  });

  after(async () => {
    await emulator.close();
  });

  async function stage(lines: string[]): Promise<string> {
    const created = await data<{ stagedUploadsCreate: { stagedTargets: StagedTarget[]; userErrors: unknown[] } }>(
      emulator,
      `mutation { stagedUploadsCreate(input: [{ resource: BULK_MUTATION_VARIABLES, filename: "vars.jsonl", mimeType: "text/jsonl", httpMethod: POST }]) {
        stagedTargets { url resourceUrl parameters { name value } } userErrors { field message } } }`,
    );
    assert.deepEqual(created.stagedUploadsCreate.userErrors, []);
    const target = created.stagedUploadsCreate.stagedTargets[0] as StagedTarget;
    assert.equal(target.url, `${emulator.origin}/staged-uploads`);
    const names = target.parameters.map((p) => p.name);
    for (const name of ['key', 'Content-Type', 'success_action_status', 'policy']) assert.ok(names.includes(name), name);
    const form = new FormData();
    for (const { name, value } of target.parameters) form.append(name, value);
    form.append('file', new Blob([lines.join('\n') + '\n'], { type: 'text/jsonl' }), 'vars.jsonl');
    const upload = await fetch(target.url, { method: 'POST', body: form });
    assert.equal(upload.status, 201);
    assert.match(await upload.text(), /<PostResponse>.*<Key>tmp\/\d+\/bulk\/[0-9a-f-]+\/vars\.jsonl<\/Key>/);
    return target.parameters.find((p) => p.name === 'key')?.value ?? '';
  }

  async function runMutation(mutation: string, path: string): Promise<{ bulkOperation: { id: string; status: string; type: string } | null; userErrors: { field: string[] | null; message: string; code: string }[] }> {
    const result = await data<{ bulkOperationRunMutation: { bulkOperation: { id: string; status: string; type: string } | null; userErrors: { field: string[] | null; message: string; code: string }[] } }>(
      emulator,
      'mutation($m: String!, $p: String!) { bulkOperationRunMutation(mutation: $m, stagedUploadPath: $p) { bulkOperation { id status type } userErrors { field message code } } }',
      { m: mutation, p: path },
    );
    return result.bulkOperationRunMutation;
  }

  it('runs tagsAdd once per JSONL line and writes per-line results', async () => {
    const lines = Array.from({ length: 20 }, (_, i) => JSON.stringify({ id: `gid://shopify/Customer/${i + 1}`, tags: ['refinery:champions'] }));
    lines.push(JSON.stringify({ id: 'gid://shopify/Customer/9999', tags: ['refinery:champions'] }));
    lines.push('{not json');
    const path = await stage(lines);
    const started = await runMutation(TAGS_ADD, path);
    assert.deepEqual(started.userErrors, []);
    assert.equal(started.bulkOperation?.type, 'MUTATION');
    const done = await waitForBulk(emulator, started.bulkOperation?.id ?? '');
    assert.equal(done.status, 'COMPLETED');
    assert.equal(done.objectCount, '22');
    const results = await readJsonl(done.url ?? '');
    assert.equal(results.length, 22);
    assert.deepEqual(results[0], { data: { tagsAdd: { node: { id: 'gid://shopify/Customer/1' }, userErrors: [] } }, __lineNumber: 0 });
    assert.deepEqual(results[20], { data: { tagsAdd: { node: null, userErrors: [{ field: ['id'], message: 'Customer does not exist' }] } }, __lineNumber: 20 });
    assert.equal(results[21]?.['__lineNumber'], 21);
    assert.ok(Array.isArray(results[21]?.['errors']));
    assert.deepEqual(emulator.customerTags(SHOP, 2), ['refinery:champions']);
    assert.deepEqual(emulator.customerTags(SHOP, 1), ['vip', 'refinery:champions']);
    assert.equal(emulator.stats(SHOP).bulkMutations, 1);
  });

  it('answers every Nth line with a userError on an injected fault', async () => {
    emulator.injectFault(SHOP, { kind: 'bulk-mutation-line-errors', every: 3 });
    const lines = Array.from({ length: 9 }, (_, i) => JSON.stringify({ id: `gid://shopify/Customer/${i + 21}`, tags: ['refinery:at-risk'] }));
    const done = await waitForBulk(emulator, (await runMutation(TAGS_ADD, await stage(lines))).bulkOperation?.id ?? '');
    const results = await readJsonl(done.url ?? '');
    const failed = results.filter((r) => ((r['data'] as { tagsAdd: { userErrors: unknown[] } }).tagsAdd.userErrors.length > 0)).map((r) => r['__lineNumber']);
    assert.deepEqual(failed, [2, 5, 8]);
    assert.deepEqual(emulator.customerTags(SHOP, 23), ['vip']);
    assert.deepEqual(emulator.customerTags(SHOP, 22), ['refinery:at-risk']);
  });

  it('rejects unsupported mutations and unknown staged paths', async () => {
    const path = await stage([JSON.stringify({ id: 'gid://shopify/Customer/1', tags: ['x'] })]);
    const unsupported = await runMutation('mutation($id: ID!) { segmentDelete(id: $id) { deletedSegmentId } }', path);
    assert.equal(unsupported.bulkOperation, null);
    assert.equal(unsupported.userErrors[0]?.code, 'INVALID_MUTATION');
    const invalid = await runMutation('mutation { tagsAdd(id: "x") { nope } }', path);
    assert.equal(invalid.userErrors[0]?.code, 'INVALID_MUTATION');
    const missing = await runMutation(TAGS_ADD, 'tmp/1/bulk/nope/vars.jsonl');
    assert.equal(missing.userErrors[0]?.code, 'NO_SUCH_FILE');
  });

  it('refuses uploads without a valid key and honours staged-upload faults', async () => {
    const form = new FormData();
    form.append('key', 'tmp/forged');
    form.append('file', new Blob(['{}']), 'vars.jsonl');
    const forged = await fetch(`${emulator.origin}/staged-uploads`, { method: 'POST', body: form });
    assert.equal(forged.status, 403);
    await forged.arrayBuffer();
    emulator.injectFault(SHOP, { kind: 'http', status: 500, target: 'staged-upload' });
    const created = await data<{ stagedUploadsCreate: { stagedTargets: StagedTarget[] } }>(
      emulator,
      'mutation { stagedUploadsCreate(input: [{ resource: BULK_MUTATION_VARIABLES, filename: "v.jsonl", mimeType: "text/jsonl", httpMethod: POST }]) { stagedTargets { url parameters { name value } } } }',
    );
    const target = created.stagedUploadsCreate.stagedTargets[0] as StagedTarget;
    const body = new FormData();
    for (const { name, value } of target.parameters) body.append(name, value);
    body.append('file', new Blob(['{}\n']), 'v.jsonl');
    const failed = await fetch(target.url, { method: 'POST', body });
    assert.equal(failed.status, 500);
    await failed.arrayBuffer();
  });
});
