// The HubSpot token refresh saves only the token fields, on the settings as stored after the
// refresh's round trip: a schedule saved during the refresh stays, a portal disconnected or
// refreshed by another worker during it is not overwritten. The token endpoint is a stub server
// that runs the concurrent write while the refresh is in flight.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { createSqliteStore } from '../store/sqlite-store.ts';
import type { MigratingStore } from '../store/migrations.ts';
import type { ShopSettings } from '../store/store.ts';
import { ensureFreshHubSpotToken } from './hubspot-token-refresh.ts';

const SHOP = 'refresh.myshopify.com';
const APP = { clientId: 'client', clientSecret: 'secret' };
const NOW = new Date('2025-03-01T12:00:00.000Z');

let server: Server;
let origin = '';
/** Runs while the token request is in flight, before the answer. */
let duringRefresh: () => Promise<void> = async () => {};
let refreshes = 0;

before(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      refreshes++;
      void duringRefresh().then(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ token_type: 'bearer', access_token: `access-${refreshes}`, refresh_token: 'refresh-1', expires_in: 1800 }));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function expiringShop(): Promise<{ store: MigratingStore; settings: ShopSettings }> {
  const store = createSqliteStore({ path: ':memory:' });
  await store.migrate();
  const settings: ShopSettings = {
    tagPrefix: 'refinery:',
    shopify: { accessToken: 'shpat_x', adminOrigin: null },
    schedule: { fullSyncCron: '0 3 * * *', timeZone: 'UTC', incrementalEveryMinutes: null, paused: false },
    hubspot: { accessToken: 'access-0', basePath: origin, requestsPerTenSeconds: 110, createContacts: false, portalId: 7, authKind: 'oauth', refreshToken: 'refresh-1', expiresAt: NOW.toISOString() },
  };
  await store.saveShopSettings(SHOP, settings, NOW.toISOString());
  return { store, settings: (await store.getShopSettings(SHOP)) ?? settings };
}

const deps = { now: () => NOW, hubspotOAuth: APP };

test('a schedule saved while the token is refreshed stays; the new token is saved with it', async () => {
  const { store, settings } = await expiringShop();
  const schedule = { fullSyncCron: '30 6 * * 1', timeZone: 'Europe/Paris', incrementalEveryMinutes: 60, paused: true };
  duringRefresh = async () => {
    await store.updateShopSettings(SHOP, (current) => (current ? { ...current, schedule } : null), NOW.toISOString());
  };
  const fresh = await ensureFreshHubSpotToken(store, SHOP, settings, deps);
  const stored = await store.getShopSettings(SHOP);
  assert.deepEqual(stored, fresh);
  assert.deepEqual(stored?.schedule, schedule, 'the schedule saved during the refresh is kept');
  assert.match(stored?.hubspot?.accessToken ?? '', /^access-\d+$/);
  assert.notEqual(stored?.hubspot?.accessToken, 'access-0');
  assert.equal(stored?.hubspot?.expiresAt, new Date(NOW.getTime() + 1800_000).toISOString());
  await store.close();
});

test('a portal disconnected, or connected again, while the token is refreshed is left as it is', async () => {
  const { store, settings } = await expiringShop();
  duringRefresh = async () => {
    await store.updateShopSettings(SHOP, (current) => (current ? { ...current, hubspot: null } : null), NOW.toISOString());
  };
  const fresh = await ensureFreshHubSpotToken(store, SHOP, settings, deps);
  assert.equal(fresh.hubspot, null);
  assert.equal((await store.getShopSettings(SHOP))?.hubspot, null, 'not connected again by the refresh');

  const reconnected = { accessToken: 'access-other', basePath: origin, requestsPerTenSeconds: 110, createContacts: true, portalId: 8, authKind: 'oauth' as const, refreshToken: 'refresh-2', expiresAt: new Date(NOW.getTime() + 1800_000).toISOString() };
  duringRefresh = async () => {
    await store.updateShopSettings(SHOP, (current) => (current ? { ...current, hubspot: reconnected } : null), NOW.toISOString());
  };
  const again = await ensureFreshHubSpotToken(store, SHOP, settings, deps);
  assert.deepEqual(again.hubspot, reconnected);
  assert.deepEqual((await store.getShopSettings(SHOP))?.hubspot, reconnected);
  duringRefresh = async () => {};
  await store.close();
});
