// The session storage battery of the Shopify library's own storage packages, on SQLite and
// PostgreSQL: round trips equal by session.equals (offline, online with its user, with expiry and
// refresh token), overwrite, delete, deleteSessions, findSessionsByShop, unknown ids.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Session } from '@shopify/shopify-api';
import type { MigratingStore } from '../store/migrations.ts';
import { postgres, sqliteFile, type TestDatabase } from '../store/store-test-backends.ts';
import { createSessionStorage, type StoreSessionStorage } from './session-storage.ts';

const SHOP = 'shop1.myshopify.com';
const inOneHour = () => new Date(Math.floor(Date.now() / 1000) * 1000 + 3_600_000);

const offline = () => new Session({ id: `offline_${SHOP}`, shop: SHOP, state: 'state', isOnline: false, scope: 'read_customers,write_customers', accessToken: 'shpat_offline' });
const online = () =>
  new Session({
    id: `${SHOP}_42`,
    shop: SHOP,
    state: 'state',
    isOnline: true,
    scope: 'read_customers',
    expires: inOneHour(),
    accessToken: 'shpua_online',
    onlineAccessInfo: {
      expires_in: 86399,
      associated_user_scope: 'read_customers',
      associated_user: { id: 42, first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com', email_verified: true, account_owner: true, locale: 'en', collaborator: false },
    },
  });
const expiringOffline = () =>
  new Session({
    id: 'offline_other.myshopify.com', shop: 'other.myshopify.com', state: '', isOnline: false, scope: 'read_orders',
    expires: inOneHour(), accessToken: 'shpat_expiring', refreshToken: 'shprt_refresh', refreshTokenExpires: new Date(inOneHour().getTime() + 86_400_000),
  });

for (const backend of [sqliteFile, postgres]) {
  describe(`StoreSessionStorage on ${backend.name}`, () => {
    let db: TestDatabase;
    let store: MigratingStore;
    let storage: StoreSessionStorage;
    before(async () => {
      db = backend.createDatabase();
      store = db.open();
      await store.migrate();
      storage = createSessionStorage(store);
    });
    after(() => db.drop());

    test('offline, online and expiring sessions round-trip equal', async () => {
      for (const session of [offline(), online(), expiringOffline()]) {
        assert.equal(await storage.storeSession(session), true);
        const loaded = await storage.loadSession(session.id);
        assert.ok(loaded, session.id);
        assert.ok(session.equals(loaded), `${session.id}: ${JSON.stringify(loaded.toObject())}`);
        assert.deepEqual(loaded.toObject(), session.toObject());
      }
      const loadedOnline = await storage.loadSession(`${SHOP}_42`);
      assert.equal(loadedOnline?.onlineAccessInfo?.associated_user.email, 'ada@example.com');
      assert.equal(loadedOnline?.onlineAccessInfo?.expires_in, 86399);
      assert.equal(loadedOnline?.isActive('read_customers'), true);
    });

    test('storing again overwrites; unknown ids load undefined', async () => {
      const changed = offline();
      changed.accessToken = 'shpat_rotated';
      changed.scope = 'read_customers';
      await storage.storeSession(changed);
      const loaded = await storage.loadSession(changed.id);
      assert.ok(changed.equals(loaded));
      assert.equal(loaded?.accessToken, 'shpat_rotated');
      assert.equal(await storage.loadSession('not-a-session'), undefined);
    });

    test('findSessionsByShop, deleteSession and deleteSessions', async () => {
      const found = await storage.findSessionsByShop(SHOP);
      assert.deepEqual(found.map((s) => s.id).sort(), [`${SHOP}_42`, `offline_${SHOP}`].sort());
      assert.deepEqual(await storage.findSessionsByShop('nobody.myshopify.com'), []);
      assert.equal(await storage.deleteSession(`${SHOP}_42`), true);
      assert.equal(await storage.loadSession(`${SHOP}_42`), undefined);
      assert.equal(await storage.deleteSession('never-stored'), true);
      assert.equal(await storage.deleteSessions([`offline_${SHOP}`, 'offline_other.myshopify.com']), true);
      assert.deepEqual(await storage.findSessionsByShop(SHOP), []);
      assert.equal(await storage.loadSession('offline_other.myshopify.com'), undefined);
    });
  });
}
