// The admin API's cached live segments and a customer redaction, on SQLite and on PostgreSQL: the
// redaction runs in a worker and creates no run, yet the next API request no longer counts or
// references the redacted person (the cache is keyed by the store's privacy epoch).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RulePreviewResponse } from '../../app/server/api/api-types.ts';
import { customer, order } from '../../app/store/store-fixtures.ts';
import { postgres, sqliteFile } from '../../app/store/store-test-backends.ts';
import { startApiServer } from '../support/api-server.ts';

const SHOP = 'cache.myshopify.com';
const AT = '2026-01-05T08:30:00.000Z';
const BOB = { gid: 'gid://shopify/Customer/12', email: 'bob@example.com' };
const JBOB = { gid: 'gid://shopify/Customer/123', email: 'jbob@example.com' };

for (const backend of [sqliteFile, postgres]) {
  test(`${backend.name}: a customer redaction invalidates the API's cached live segments at the next request`, async (t) => {
    const database = backend.createDatabase();
    t.after(() => database.drop());
    const store = database.open();
    await store.migrate();
    await store.saveShopSettings(SHOP, { tagPrefix: 'refinery:', shopify: { accessToken: 'shpat_cache', adminOrigin: null } }, AT);
    await store.savePage(SHOP, {
      customers: [customer(BOB.gid, { email: BOB.email }), customer(JBOB.gid, { email: JBOB.email })],
      orders: [order('gid://shopify/Order/500', BOB.gid, { email: BOB.email }), order('gid://shopify/Order/501', JBOB.gid, { email: JBOB.email })],
    });
    const api = await startApiServer(store);
    t.after(() => api.close());
    const preview = async () => {
      const res = await api.call(SHOP, 'POST', '/rules/preview', { body: { rule: 'orders_count >= 1' } });
      assert.equal(res.status, 200, res.text);
      const body = res.body as RulePreviewResponse;
      assert.ok(body.ok);
      return body;
    };

    const epoch = await store.privacyEpoch(SHOP);
    assert.equal(await store.privacyEpoch(SHOP), epoch, 'stable while nothing is redacted');
    const before = await preview();
    assert.equal(before.size, 2);
    assert.equal(before.sampleMemberRefs.length, 2);
    assert.deepEqual(await preview(), before, 'served from the cache');

    // What the privacy worker does for customers/redact (no run, no call into the API process).
    await store.redactPerson(SHOP, { shopifyCustomerIds: [BOB.gid], emails: [BOB.email], shopifyOrderIds: [] }, { suppress: ['digest-of-bob'], keepRequestId: null, at: AT });
    assert.notEqual(await store.privacyEpoch(SHOP), epoch, 'a redaction moves the epoch');
    assert.equal(await store.listRuns(SHOP).then((runs) => runs.length), 0, 'no run was created');

    const after = await preview();
    assert.equal(after.size, 1, 'the redacted customer is no longer counted');
    assert.equal(after.sampleMemberRefs.length, 1);
    assert.ok(before.sampleMemberRefs.includes(after.sampleMemberRefs[0] ?? ''), "jbob keeps his reference");

    // A shop the epoch does not belong to is not affected, and an unknown shop reads as empty.
    assert.equal(await store.privacyEpoch('other.myshopify.com'), '0:');
  });
}
