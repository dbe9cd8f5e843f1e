// The job handlers' platform clients: made once per connection, made again when the connection
// changes, and the settings read for every job (a disconnected portal or a removed token counts
// at once).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { realSleep } from '../../connectors/shared/with-retry.ts';
import { createStore } from '../store/create-store.ts';
import { clientsWithSettings, createCachedPlatformClients } from './platform-client-cache.ts';

const SHOP = 'cache.myshopify.com';
const deps = { now: () => new Date(), sleep: realSleep, random: Math.random, log: () => {}, progress: () => {} };

test('clients are kept while the connection is the same and made again when it changes', async () => {
  const store = await createStore({ sqlitePath: ':memory:' });
  try {
    const at = new Date().toISOString();
    const base = { tagPrefix: 'refinery:', shopify: { accessToken: 'shpat_one', adminOrigin: 'http://127.0.0.1:1' } };
    await store.saveShopSettings(SHOP, base, at);
    const clients = createCachedPlatformClients(store, deps);

    const first = await clients(SHOP);
    const second = await clients(SHOP);
    assert.equal(second.shopify, first.shopify, 'the same Admin client for the same token and origin');
    assert.equal(first.hubspot, null);

    // Settings read by the caller give the same clients without another read.
    const stored = await store.getShopSettings(SHOP);
    assert.ok(stored);
    assert.equal((await clientsWithSettings(clients, SHOP, stored)).shopify, first.shopify);

    await store.saveShopSettings(SHOP, { ...base, shopify: { ...base.shopify, accessToken: 'shpat_two' } }, at);
    const rotated = await clients(SHOP);
    assert.notEqual(rotated.shopify, first.shopify, 'a new token: a new client');

    await store.saveShopSettings(SHOP, { ...base, hubspot: { accessToken: 'pat-1', basePath: 'http://127.0.0.1:2', requestsPerTenSeconds: 100, createContacts: false } }, at);
    const withPortal = await clients(SHOP);
    assert.ok(withPortal.hubspot);
    assert.equal((await clients(SHOP)).hubspot, withPortal.hubspot);
    await store.saveShopSettings(SHOP, base, at);
    assert.equal((await clients(SHOP)).hubspot, null, 'a disconnected portal is gone at the next job');

    await assert.rejects(clients('unknown.myshopify.com'), /unknown shop/);
  } finally {
    await store.close();
  }
});
