// Secrets at rest on both backends: tokens in settings and Shopify sessions are stored sealed and
// read back opened; rotation re-seals everything with the new key (idempotently); deleteShop and
// deleteShopSessions remove sessions. Reads the raw rows to prove no token is stored in clear.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { RefineryError } from '../../core/errors.ts';
import type { MigratingStore } from './migrations.ts';
import { createPostgresStore } from './postgres-store.ts';
import { createSecretBox, parseKeyRing, type SecretBox } from './secret-box.ts';
import { createSqliteStore } from './sqlite-store.ts';
import type { ShopSettings, ShopifySessionRecord } from './store.ts';
import { PG_URL } from './store-test-backends.ts';

const NOW = '2024-05-01T12:00:00.000Z';
const OLD = `old:${randomBytes(32).toString('base64')}`;
const NEW = `new:${randomBytes(32).toString('base64')}`;
const boxOf = (ring: string): SecretBox => createSecretBox(parseKeyRing(ring));

interface Db {
  open(box: SecretBox): MigratingStore;
  /** Every stored text (settings and session data), raw. */
  raw(): Promise<string[]>;
  drop(): Promise<void>;
}

function sqliteDb(): Db {
  const dir = mkdtempSync(join(tmpdir(), 'refinery-secrets-'));
  const path = join(dir, 'refinery.db');
  const opened: MigratingStore[] = [];
  return {
    open(box) {
      const store = createSqliteStore({ path, secrets: box });
      opened.push(store);
      return store;
    },
    async raw() {
      const db = new DatabaseSync(path, { readOnly: true });
      try {
        const settings = db.prepare('SELECT settings FROM shops WHERE settings IS NOT NULL').all().map((r) => String(r['settings']));
        const sessions = db.prepare('SELECT data FROM shopify_sessions').all().map((r) => String(r['data']));
        return [...settings, ...sessions];
      } finally {
        db.close();
      }
    },
    async drop() {
      await Promise.all(opened.map((s) => s.close()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresDb(): Db {
  const schema = `refinery_secrets_${process.pid}_${Date.now().toString(36)}`;
  const opened: MigratingStore[] = [];
  const withClient = async <T>(body: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 5000 });
    await client.connect();
    try {
      return await body(client);
    } finally {
      await client.end();
    }
  };
  return {
    open(box) {
      const store = createPostgresStore({ connectionString: PG_URL, schema, secrets: box, connectionTimeoutMillis: 5000 });
      opened.push(store);
      return store;
    },
    raw: () =>
      withClient(async (client) => {
        const settings = await client.query(`SELECT settings::text AS t FROM "${schema}".shops WHERE settings IS NOT NULL`);
        const sessions = await client.query(`SELECT data AS t FROM "${schema}".shopify_sessions`);
        return [...settings.rows, ...sessions.rows].map((r: { t: string }) => r.t);
      }),
    async drop() {
      await Promise.all(opened.map((s) => s.close()));
      await withClient((client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
    },
  };
}

const settings: ShopSettings = {
  tagPrefix: 'refinery:',
  shopify: { accessToken: 'shpat_plain_shop_token', adminOrigin: null },
  hubspot: {
    accessToken: 'oauth-access-plain', basePath: null, requestsPerTenSeconds: 110, createContacts: false, portalId: 77,
    authKind: 'oauth', refreshToken: 'oauth-refresh-plain', expiresAt: '2024-05-01T12:30:00.000Z',
  },
};

const session = (id: string, shop: string, extra: Partial<ShopifySessionRecord> = {}): ShopifySessionRecord => ({
  id, shop, state: '', isOnline: false, scope: 'read_customers', accessToken: `shpat_session_${id}`, ...extra,
});

for (const [name, make] of [['sqlite', sqliteDb], ['postgres', postgresDb]] as const) {
  describe(`secrets at rest: ${name}`, () => {
    const db = make();
    after(() => db.drop());

    test('settings and session tokens are stored sealed and read back opened', async () => {
      const store = db.open(boxOf(OLD));
      await store.migrate();
      await store.saveShopSettings('a.myshopify.com', settings, NOW);
      assert.deepEqual(await store.getShopSettings('a.myshopify.com'), settings);
      const online = session('online-1', 'a.myshopify.com', {
        isOnline: true, expires: Date.parse(NOW), refreshToken: 'refresh-plain', refreshTokenExpires: Date.parse(NOW) + 1000,
        onlineAccessInfo: { expires_in: 86399, associated_user_scope: 'read_customers', associated_user: { id: 9, email: 'a@example.com' } },
      });
      await store.storeShopifySession(session('offline_a.myshopify.com', 'a.myshopify.com'));
      await store.storeShopifySession(online);
      await store.storeShopifySession(session('offline_b.myshopify.com', 'b.myshopify.com'));
      assert.deepEqual(await store.loadShopifySession('online-1'), online);
      assert.equal(await store.loadShopifySession('nope'), null);
      assert.deepEqual((await store.findShopifySessionsByShop('a.myshopify.com')).map((s) => s.id), ['offline_a.myshopify.com', 'online-1']);

      const raw = (await db.raw()).join('\n');
      for (const secret of ['shpat_plain_shop_token', 'oauth-access-plain', 'oauth-refresh-plain', 'shpat_session_', 'refresh-plain']) {
        assert.ok(!raw.includes(secret), `${secret} is stored in clear`);
      }
      assert.match(raw, /enc:v1:old:/);
    });

    test('rotation: the new key first re-seals every secret once, then the old key can go', async () => {
      const both = db.open(boxOf(`${NEW},${OLD}`));
      const first = await both.reencryptSecrets();
      assert.deepEqual(first, { keyId: 'new', shops: 1, sessions: 3, reencrypted: 3 + 1 + 2 + 1 });
      assert.deepEqual(await both.reencryptSecrets(), { keyId: 'new', shops: 1, sessions: 3, reencrypted: 0 });
      const raw = (await db.raw()).join('\n');
      assert.ok(!raw.includes('enc:v1:old:'));
      const newOnly = db.open(boxOf(NEW));
      assert.deepEqual(await newOnly.getShopSettings('a.myshopify.com'), settings);
      assert.equal((await newOnly.loadShopifySession('online-1'))?.refreshToken, 'refresh-plain');
      const oldOnly = db.open(boxOf(OLD));
      await assert.rejects(oldOnly.getShopSettings('a.myshopify.com'), (error: unknown) => error instanceof RefineryError && error.code === 'SECRETS' && /key "new"/.test(error.message));
    });

    test('deleting sessions: by ids, by shop, and with the shop', async () => {
      const store = db.open(boxOf(NEW));
      assert.equal(await store.deleteShopifySessions(['offline_b.myshopify.com', 'unknown', 'offline_b.myshopify.com']), 1);
      assert.equal(await store.deleteShopifySessions([]), 0);
      await store.storeShopifySession(session('offline_b.myshopify.com', 'b.myshopify.com'));
      assert.equal(await store.deleteShopSessions('b.myshopify.com'), 1);
      assert.deepEqual(await store.findShopifySessionsByShop('b.myshopify.com'), []);
      await store.deleteShop('a.myshopify.com');
      assert.deepEqual(await store.findShopifySessionsByShop('a.myshopify.com'), []);
      assert.equal(await store.getShopSettings('a.myshopify.com'), null);
      await assert.rejects(store.storeShopifySession(session('', 'a.myshopify.com')), (error: unknown) => error instanceof RefineryError && error.code === 'VALIDATION');
    });
  });
}
