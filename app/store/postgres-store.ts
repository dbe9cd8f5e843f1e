// The PostgreSQL backend, on a pg Pool. Every pooled connection starts with search_path set to the
// store's schema (a startup parameter), so tests and tenants of a shared server can isolate
// themselves by schema. Multi-row writes are chunked unnest() statements inside one transaction.
import { CONTACT_KEYSET, CUSTOMER_KEYSET, CUSTOMER_ORDER_KEYSET, GUEST_ORDER_KEYSET, keysetPages } from './keyset-pages.ts';
import { createHash, randomUUID } from 'node:crypto';
import pg from 'pg';
import type { PoolClient, QueryConfig } from 'pg';
import { RefineryError } from '../../core/errors.ts';
import type { Contact, Customer, Order, Platform } from '../../core/model.ts';
import {
  DEFAULT_PAGE_SIZE, DEFAULT_RUN_LIMIT, checkCustomerRefs, checkHoldoutCohort, checkId, checkLookupEmail, checkRecordIds, checkMembershipWrite, checkModelStateName,
  checkPlatform, checkPositiveInteger, checkPropertyWrites, checkRemoteSegment, checkRuleSegment, checkSettings, checkShopId, checkSnapshots,
  modelStateJson,
} from './input-checks.ts';
import type { CustomerRef } from './input-checks.ts';
import { MIGRATIONS, SCHEMA_MIGRATIONS_POSTGRES, TENANT_TABLES, checkMigrations, pendingMigrations } from './migrations.ts';
import type { AppliedMigration, MigratingStore, Migration } from './migrations.ts';
import { validatePage } from './page-validation.ts';
import {
  CONTACTS_AFTER, CONTACTS_BY_EMAIL, CUSTOMER_ORDERS_AFTER, CUSTOMERS_AFTER, CUSTOMERS_BY_EMAIL, DELETE_MEMBERSHIPS, GUEST_ORDERS_AFTER, INSERT_HOLDOUT_COHORT, INSERT_HOLDOUT_MEMBERS,
  INSERT_MEMBERSHIPS, INSERT_RUN, RECORD_MEMBERSHIPS, INSERT_SNAPSHOTS, ORDERS_OF_CUSTOMERS, UPSERT_CHECKPOINT, UPSERT_CONTACTS, UPSERT_CUSTOMERS, UPSERT_MODEL_STATE, UPSERT_ORDERS,
  UPSERT_REMOTE_SEGMENT, UPSERT_RULE_SEGMENT, UPSERT_WRITTEN_PROPERTIES,
} from './postgres-sql.ts';
import {
  CONTACT_COLUMNS, CUSTOMER_COLUMNS, HOLDOUT_COHORT_COLUMNS, ORDER_COLUMNS, REMOTE_SEGMENT_COLUMNS, RULE_SEGMENT_COLUMNS, RUN_COLUMNS, SNAPSHOT_COLUMNS,
  contactFromRow, customerFromRow, holdoutCohortsFromRows, membershipsFromRows, modelStateFromRow, orderFromRow, remoteSegmentFromRow,
  applySettingsUpdate, ruleSegmentFromRow, runFromRow, settingsFromRow, shopFromRow, snapshotFromRow, storedSettings, toCount, writtenPropertiesFromRows,
} from './row-mapping.ts';
import type { Row } from './row-mapping.ts';
import { storeError } from './store-errors.ts';
import {
  claimDelivery, collectPersonDataProgram, deleteCustomerProgram, getPrivacyRequestProgram, getSuppressionsProgram, listPrivacyRequestsProgram, postgresPlaceholders, privacyEpochProgram,
  privacySaltProgram, redactPersonProgram, releaseDelivery, runProgramAsync, savePrivacyRequestProgram, type SqlProgram,
} from './privacy-queries.ts';
import type { PersonData, PrivacyRequest, PrivacySubject, RedactionCounts, Suppressions, WebhookDelivery } from './privacy-records.ts';
import {
  countPixelEventsProgram,
  customerPixelEventsProgram,
  deletePixelEventsBeforeProgram,
  listPixelEventsProgram,
  savePixelEventsProgram,
  type CustomerPixelEvent,
  type CustomerPixelEventQuery,
  type PixelEventQuery,
  type PixelEventRecord,
} from './pixel-queries.ts';
import { processSecretBox, type SecretBox } from './secret-box.ts';
import { openSession, openSettings, resealSession, resealSettings, sealSession, sealSettings } from './sealed-fields.ts';
import { checkSessionIds, checkShopifySession } from './shopify-session-checks.ts';
import type {
  HoldoutCohort, MembershipWrite, PulledPage, RemoteSegment, RuleSegment, RunRecord, RunStatus, SegmentSnapshot, ShopRecord, ShopSettings,
} from './store.ts';
import type { SecretRotationReport, ShopifySessionRecord } from './store.ts';

export const DEFAULT_PG_SCHEMA = 'public';
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export interface PostgresStoreOptions {
  /** postgres:// or postgresql:// URL. */
  connectionString: string;
  /** Schema to create (if missing) and use for every table; lower-case letters, digits, `_`. Default `public`. */
  schema?: string;
  /** Pool size. Default 10. */
  maxConnections?: number;
  /** How long to wait for a connection before failing, in milliseconds. Default 10000. */
  connectionTimeoutMillis?: number;
  /** Rows per multi-row statement. Default 1000. */
  chunkSize?: number;
  /** Migrations to apply; the real list unless a test says otherwise. */
  migrations?: readonly Migration[];
  /** Seals secrets at rest; default a key of this process only (processSecretBox: tests). */
  secrets?: SecretBox;
}

const UPSERT_SHOPIFY_SESSION = `
INSERT INTO shopify_sessions (id, shop_id, data) VALUES ($1, $2, $3)
ON CONFLICT (id) DO UPDATE SET shop_id = EXCLUDED.shop_id, data = EXCLUDED.data`;

const sessionFromData = (data: unknown): ShopifySessionRecord => JSON.parse(String(data)) as ShopifySessionRecord;

export function createPostgresStore(options: PostgresStoreOptions): MigratingStore {
  return new PostgresStore(options);
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

/** Distinct (segmentKey, customerId) pairs in a stable order, so that one statement never touches a row twice. */
function distinctPairs(pairs: ReadonlyArray<{ segmentKey: string; customerId: string }>): Array<[string, string]> {
  const byKey = new Map<string, [string, string]>();
  for (const { segmentKey, customerId } of pairs) byKey.set(`${segmentKey}\u0000${customerId}`, [segmentKey, customerId]);
  return [...byKey.values()].sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1));
}

class PostgresStore implements MigratingStore {
  readonly kind = 'postgres' as const;
  readonly #pool: pg.Pool;
  readonly #schema: string;
  readonly #chunkSize: number;
  readonly #migrations: readonly Migration[];
  readonly #secrets: SecretBox;
  #closed = false;

  constructor(options: PostgresStoreOptions) {
    const schema = options.schema ?? DEFAULT_PG_SCHEMA;
    if (!SCHEMA_NAME.test(schema)) {
      throw new RefineryError('INPUT', `PostgreSQL schema name ${JSON.stringify(schema)} must match ${SCHEMA_NAME.source}`);
    }
    this.#schema = schema;
    this.#secrets = options.secrets ?? processSecretBox();
    this.#chunkSize = checkPositiveInteger('chunk size', options.chunkSize ?? 1000);
    this.#migrations = options.migrations ?? MIGRATIONS;
    checkMigrations(this.#migrations);
    this.#pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: options.connectionTimeoutMillis ?? 10_000,
      // A startup parameter: every connection of the pool uses the schema from its first statement.
      options: `-c search_path=${schema}`,
    });
    // An idle connection that breaks (server restart) is dropped by the pool; the next query reconnects.
    this.#pool.on('error', () => {});
  }

  async #query(operation: string, query: string | QueryConfig, values?: unknown[]): Promise<Row[]> {
    try {
      const result = typeof query === 'string' ? await this.#pool.query(query, values) : await this.#pool.query(query);
      return result.rows as Row[];
    } catch (error) {
      throw storeError(operation, error);
    }
  }

  /** Runs `body` between BEGIN and COMMIT on one connection; rolls back and rethrows on any error. */
  async #transaction<T>(operation: string, body: (client: PoolClient) => Promise<T>): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw storeError(operation, error);
    }
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await body(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      }
      throw storeError(operation, error);
    } finally {
      client.release(broken);
    }
  }

  /** Serialises migrations of this schema across processes until the transaction ends. */
  async #lockSchema(client: PoolClient): Promise<void> {
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`segment-refinery:migrate:${this.#schema}`]);
    const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [this.#schema]);
    if (exists.rowCount === 0) await client.query(`CREATE SCHEMA "${this.#schema}"`);
    await client.query(`SET LOCAL search_path TO "${this.#schema}"`);
  }

  async migrate(): Promise<void> {
    await this.#transaction('migrate', async (client) => {
      await this.#lockSchema(client);
      await client.query(SCHEMA_MIGRATIONS_POSTGRES);
    });
    // One transaction per migration; under the lock, re-read what is applied (another process may have migrated).
    for (let done = false; !done; ) {
      done = await this.#transaction('migrate', async (client) => {
        await this.#lockSchema(client);
        const applied = await client.query('SELECT version FROM schema_migrations');
        const next = pendingMigrations(this.#migrations, applied.rows.map((row: Row) => Number(row['version'])))[0];
        if (next === undefined) return true;
        await client.query(next.postgres);
        await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
          next.version, next.name, new Date().toISOString(),
        ]);
        return false;
      });
    }
  }

  async appliedMigrations(): Promise<AppliedMigration[]> {
    const rows = await this.#query('appliedMigrations', 'SELECT version, name, applied_at FROM schema_migrations ORDER BY version');
    return rows.map((row) => ({ version: Number(row['version']), name: String(row['name']), appliedAt: String(row['applied_at']) }));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.end();
  }

  async ensureShop(shopId: string, now: string): Promise<ShopRecord> {
    checkShopId(shopId);
    await this.#query('ensureShop', 'INSERT INTO shops (shop_id, created_at) VALUES ($1, $2) ON CONFLICT (shop_id) DO NOTHING', [shopId, now]);
    const [row] = await this.#query('ensureShop', 'SELECT shop_id, created_at FROM shops WHERE shop_id = $1', [shopId]);
    if (row === undefined) throw new RefineryError('STORE', `ensureShop failed: shop ${shopId} vanished (deleted concurrently)`);
    return shopFromRow(row);
  }

  async listShops(): Promise<ShopRecord[]> {
    return (await this.#query('listShops', 'SELECT shop_id, created_at FROM shops ORDER BY shop_id')).map(shopFromRow);
  }

  async getShopSettings(shopId: string): Promise<ShopSettings | null> {
    const [row] = await this.#query('getShopSettings', { name: 'refinery-shop-settings', text: 'SELECT settings FROM shops WHERE shop_id = $1', values: [shopId] });
    return row === undefined ? null : openSettings(settingsFromRow(row), this.#secrets);
  }

  async saveShopSettings(shopId: string, settings: ShopSettings, now: string): Promise<void> {
    checkShopId(shopId);
    await this.#query(
      'saveShopSettings',
      'INSERT INTO shops (shop_id, created_at, settings) VALUES ($1, $2, $3::jsonb) ON CONFLICT (shop_id) DO UPDATE SET settings = EXCLUDED.settings',
      [shopId, now, JSON.stringify(sealSettings(checkSettings(settings), this.#secrets))],
    );
  }

  async updateShopSettings(shopId: string, update: (current: ShopSettings | null) => ShopSettings | null, now: string): Promise<ShopSettings | null> {
    checkShopId(shopId);
    return this.#transaction('updateShopSettings', async (client) => {
      // Twice at most: a shop created by a concurrent call after our read is read again (locked).
      for (let attempt = 0; ; attempt++) {
        const [row] = (await client.query('SELECT settings FROM shops WHERE shop_id = $1 FOR UPDATE', [shopId])).rows as Row[];
        const current = row === undefined ? null : openSettings(settingsFromRow(row), this.#secrets);
        const next = applySettingsUpdate(update, current);
        if (next === null) return current;
        const json = JSON.stringify(sealSettings(checkSettings(next), this.#secrets));
        if (row !== undefined) {
          await client.query('UPDATE shops SET settings = $2::jsonb WHERE shop_id = $1', [shopId, json]);
          return storedSettings(next);
        }
        const inserted = await client.query(
          'INSERT INTO shops (shop_id, created_at, settings) VALUES ($1, $2, $3::jsonb) ON CONFLICT (shop_id) DO NOTHING RETURNING shop_id',
          [shopId, now, json],
        );
        if ((inserted.rowCount ?? 0) > 0) return storedSettings(next);
        if (attempt > 0) throw new RefineryError('STORE', `updateShopSettings failed: shop ${shopId} was created and deleted concurrently`);
      }
    });
  }

  async deleteShop(shopId: string): Promise<void> {
    await this.#transaction('deleteShop', async (client) => {
      for (const table of TENANT_TABLES) await client.query(`DELETE FROM ${table} WHERE shop_id = $1`, [shopId]);
    });
  }

  async storeShopifySession(session: ShopifySessionRecord): Promise<void> {
    const record = sealSession(checkShopifySession(session), this.#secrets);
    await this.#query('storeShopifySession', UPSERT_SHOPIFY_SESSION, [record.id, record.shop, JSON.stringify(record)]);
  }

  async loadShopifySession(id: string): Promise<ShopifySessionRecord | null> {
    const [row] = await this.#query('loadShopifySession', 'SELECT data FROM shopify_sessions WHERE id = $1', [id]);
    return row === undefined ? null : openSession(sessionFromData(row['data']), this.#secrets);
  }

  async deleteShopifySessions(ids: readonly string[]): Promise<number> {
    const unique = checkSessionIds(ids);
    if (unique.length === 0) return 0;
    const rows = await this.#query('deleteShopifySessions', 'DELETE FROM shopify_sessions WHERE id = ANY($1::text[]) RETURNING id', [unique]);
    return rows.length;
  }

  async findShopifySessionsByShop(shop: string): Promise<ShopifySessionRecord[]> {
    const rows = await this.#query('findShopifySessionsByShop', 'SELECT data FROM shopify_sessions WHERE shop_id = $1 ORDER BY id', [shop]);
    return rows.map((row) => openSession(sessionFromData(row['data']), this.#secrets));
  }

  async deleteShopSessions(shopId: string): Promise<number> {
    return (await this.#query('deleteShopSessions', 'DELETE FROM shopify_sessions WHERE shop_id = $1 RETURNING id', [shopId])).length;
  }

  async reencryptSecrets(): Promise<SecretRotationReport> {
    return this.#transaction('reencryptSecrets', async (client) => {
      const report: SecretRotationReport = { keyId: this.#secrets.currentKeyId, shops: 0, sessions: 0, reencrypted: 0 };
      const shops = await client.query('SELECT shop_id, settings FROM shops WHERE settings IS NOT NULL ORDER BY shop_id FOR UPDATE');
      for (const row of shops.rows as Row[]) {
        report.shops++;
        const stored = (typeof row['settings'] === 'string' ? JSON.parse(row['settings']) : row['settings']) as ShopSettings;
        const { value, changed } = resealSettings(stored, this.#secrets);
        if (changed === 0) continue;
        report.reencrypted += changed;
        await client.query('UPDATE shops SET settings = $1::jsonb WHERE shop_id = $2', [JSON.stringify(value), row['shop_id']]);
      }
      const sessions = await client.query('SELECT id, data FROM shopify_sessions ORDER BY id FOR UPDATE');
      for (const row of sessions.rows as Row[]) {
        report.sessions++;
        const { value, changed } = resealSession(sessionFromData(row['data']), this.#secrets);
        if (changed === 0) continue;
        report.reencrypted += changed;
        await client.query('UPDATE shopify_sessions SET data = $1 WHERE id = $2', [JSON.stringify(value), row['id']]);
      }
      return report;
    });
  }

  async savePage(shopId: string, page: PulledPage): Promise<void> {
    checkShopId(shopId);
    const { customers, orders, contacts } = validatePage(page);
    const now = new Date().toISOString();
    await this.#transaction('savePage', async (client) => {
      for (const chunk of chunks(customers, this.#chunkSize)) {
        await client.query({
          name: 'refinery-upsert-customers',
          text: UPSERT_CUSTOMERS,
          values: [
            shopId, chunk.map((c) => c.source), chunk.map((c) => c.id), chunk.map((c) => c.email), chunk.map((c) => c.marketingState),
            chunk.map((c) => c.firstName), chunk.map((c) => c.lastName), chunk.map((c) => JSON.stringify(c.tags)),
            chunk.map((c) => c.createdAt), chunk.map((c) => c.updatedAt),
          ],
        });
      }
      for (const chunk of chunks(orders, this.#chunkSize)) {
        await client.query({
          name: 'refinery-upsert-orders',
          text: UPSERT_ORDERS,
          values: [
            shopId, chunk.map((o) => o.source), chunk.map((o) => o.id), chunk.map((o) => o.customerId), chunk.map((o) => o.email),
            chunk.map((o) => o.processedAt), chunk.map((o) => o.cancelledAt), chunk.map((o) => o.currency), chunk.map((o) => o.total),
            chunk.map((o) => o.refunded), chunk.map((o) => o.discount), chunk.map((o) => JSON.stringify(o.lineItems)), chunk.map((o) => o.updatedAt),
          ],
        });
      }
      for (const chunk of chunks(contacts, this.#chunkSize)) {
        await client.query({
          name: 'refinery-upsert-contacts',
          text: UPSERT_CONTACTS,
          values: [
            shopId, chunk.map((c) => c.source), chunk.map((c) => c.id), chunk.map((c) => c.email), chunk.map((c) => c.firstName),
            chunk.map((c) => c.lastName), chunk.map((c) => c.lifecycleStage), chunk.map((c) => c.emailDelivered), chunk.map((c) => c.emailOpens),
            chunk.map((c) => c.emailClicks), chunk.map((c) => c.emailBounces), chunk.map((c) => c.emailOptOut), chunk.map((c) => c.pageViews),
            chunk.map((c) => c.visits), chunk.map((c) => c.lastVisitAt), chunk.map((c) => c.createdAt), chunk.map((c) => c.updatedAt),
          ],
        });
      }
      if (page.checkpoint !== undefined) await client.query(UPSERT_CHECKPOINT, [shopId, page.checkpoint.stream, page.checkpoint.value, now]);
    });
  }

  async getCheckpoint(shopId: string, stream: string): Promise<string | null> {
    const [row] = await this.#query('getCheckpoint', 'SELECT value FROM checkpoints WHERE shop_id = $1 AND stream = $2', [shopId, stream]);
    return row === undefined ? null : String(row['value']);
  }

  async countCustomers(shopId: string): Promise<number> {
    return toCount((await this.#query('countCustomers', 'SELECT count(*) AS count FROM customers WHERE shop_id = $1', [shopId]))[0]);
  }

  async countOrders(shopId: string): Promise<number> {
    return toCount((await this.#query('countOrders', 'SELECT count(*) AS count FROM orders WHERE shop_id = $1', [shopId]))[0]);
  }

  async getCustomer(shopId: string, source: Customer['source'], id: string): Promise<Customer | null> {
    const [row] = await this.#query('getCustomer', { name: 'refinery-customer', text: `SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE shop_id = $1 AND source = $2 AND id = $3`, values: [
      shopId, source, id,
    ] });
    return row === undefined ? null : customerFromRow(row);
  }

  async getOrder(shopId: string, source: Order['source'], id: string): Promise<Order | null> {
    const [row] = await this.#query('getOrder', { name: 'refinery-order', text: `SELECT ${ORDER_COLUMNS} FROM orders WHERE shop_id = $1 AND source = $2 AND id = $3`, values: [shopId, source, id] });
    return row === undefined ? null : orderFromRow(row);
  }

  async *iterateCustomers(shopId: string, pageSize: number = DEFAULT_PAGE_SIZE): AsyncIterable<Customer[]> {
    checkPositiveInteger('page size', pageSize);
    yield* keysetPages(CUSTOMER_KEYSET, pageSize, async (after) =>
      (await this.#query('iterateCustomers', { name: 'refinery-customers-after', text: CUSTOMERS_AFTER, values: [shopId, ...after, pageSize] })).map(customerFromRow),
    );
  }

  async *iterateOrders(shopId: string, pageSize: number = DEFAULT_PAGE_SIZE): AsyncIterable<Order[]> {
    checkPositiveInteger('page size', pageSize);
    yield* keysetPages(CUSTOMER_ORDER_KEYSET, pageSize, async (after) =>
      (await this.#query('iterateOrders', { name: 'refinery-customer-orders-after', text: CUSTOMER_ORDERS_AFTER, values: [shopId, ...after, pageSize] })).map(orderFromRow),
    );
    yield* keysetPages(GUEST_ORDER_KEYSET, pageSize, async (after) =>
      (await this.#query('iterateOrders', { name: 'refinery-guest-orders-after', text: GUEST_ORDERS_AFTER, values: [shopId, ...after, pageSize] })).map(orderFromRow),
    );
  }

  async getWrittenMemberships(shopId: string, platform: Platform, recordIds?: readonly string[]): Promise<Map<string, Set<string>>> {
    checkPlatform(platform);
    if (recordIds !== undefined) {
      const ids = checkRecordIds('record ids', recordIds);
      const rows = await this.#query('getWrittenMemberships', {
        name: 'refinery-written-memberships-of',
        text: 'SELECT segment_key, customer_id FROM written_memberships WHERE shop_id = $1 AND platform = $2 AND customer_id = ANY($3::text[]) ORDER BY segment_key, customer_id',
        values: [shopId, platform, ids],
      });
      return membershipsFromRows(rows);
    }
    const rows = await this.#query(
      'getWrittenMemberships',
      'SELECT segment_key, customer_id FROM written_memberships WHERE shop_id = $1 AND platform = $2 ORDER BY segment_key, customer_id',
      [shopId, platform],
    );
    return membershipsFromRows(rows);
  }

  async recordMembershipWrite(shopId: string, write: MembershipWrite): Promise<void> {
    checkShopId(shopId);
    checkMembershipWrite(write);
    const removed = distinctPairs(write.removed);
    const added = distinctPairs(write.added);
    const removedKeys = new Set(removed.map((p) => `${p[0]}\u0000${p[1]}`));
    if (removed.length <= this.#chunkSize && added.length <= this.#chunkSize && !added.some((p) => removedKeys.has(`${p[0]}\u0000${p[1]}`))) {
      // A small write (one person in real time): one statement.
      await this.#query('recordMembershipWrite', {
        name: 'refinery-record-memberships',
        text: RECORD_MEMBERSHIPS,
        values: [shopId, write.platform, removed.map((p) => p[0]), removed.map((p) => p[1]), added.map((p) => p[0]), added.map((p) => p[1]), write.at],
      });
      return;
    }
    await this.#transaction('recordMembershipWrite', async (client) => {
      for (const chunk of chunks(removed, this.#chunkSize)) {
        await client.query(DELETE_MEMBERSHIPS, [shopId, write.platform, chunk.map((p) => p[0]), chunk.map((p) => p[1])]);
      }
      for (const chunk of chunks(added, this.#chunkSize)) {
        await client.query(INSERT_MEMBERSHIPS, [shopId, write.platform, chunk.map((p) => p[0]), chunk.map((p) => p[1]), write.at]);
      }
    });
  }

  async getWrittenProperties(shopId: string, contactIds?: readonly string[]): Promise<Map<string, Record<string, string>>> {
    if (contactIds !== undefined) {
      const ids = checkRecordIds('contact ids', contactIds);
      const rows = await this.#query(
        'getWrittenProperties',
        'SELECT contact_id, property, value FROM written_properties WHERE shop_id = $1 AND contact_id = ANY($2::text[]) ORDER BY contact_id, property',
        [shopId, ids],
      );
      return writtenPropertiesFromRows(rows);
    }
    const rows = await this.#query(
      'getWrittenProperties',
      'SELECT contact_id, property, value FROM written_properties WHERE shop_id = $1 ORDER BY contact_id, property',
      [shopId],
    );
    return writtenPropertiesFromRows(rows);
  }

  async recordPropertyWrites(shopId: string, writes: Array<{ contactId: string; values: Record<string, string> }>, at: string): Promise<void> {
    checkShopId(shopId);
    const rows = checkPropertyWrites(writes, at);
    await this.#transaction('recordPropertyWrites', async (client) => {
      for (const chunk of chunks(rows, this.#chunkSize)) {
        await client.query(UPSERT_WRITTEN_PROPERTIES, [shopId, chunk.map((r) => r.contactId), chunk.map((r) => r.property), chunk.map((r) => r.value), at]);
      }
    });
  }

  async countContacts(shopId: string): Promise<number> {
    return toCount((await this.#query('countContacts', 'SELECT count(*) AS count FROM contacts WHERE shop_id = $1', [shopId]))[0]);
  }

  async getContact(shopId: string, id: string): Promise<Contact | null> {
    const [row] = await this.#query('getContact', `SELECT ${CONTACT_COLUMNS} FROM contacts WHERE shop_id = $1 AND id = $2`, [shopId, id]);
    return row === undefined ? null : contactFromRow(row);
  }

  async *iterateContacts(shopId: string, pageSize: number = DEFAULT_PAGE_SIZE): AsyncIterable<Contact[]> {
    checkPositiveInteger('page size', pageSize);
    yield* keysetPages(CONTACT_KEYSET, pageSize, async (after) =>
      (await this.#query('iterateContacts', { name: 'refinery-contacts-after', text: CONTACTS_AFTER, values: [shopId, ...after, pageSize] })).map(contactFromRow),
    );
  }

  async deleteContact(shopId: string, contactId: string): Promise<boolean> {
    checkShopId(shopId);
    checkId('contact id', contactId);
    return this.#transaction('deleteContact', async (client) => {
      const deleted = await client.query('DELETE FROM contacts WHERE shop_id = $1 AND id = $2', [shopId, contactId]);
      await client.query("DELETE FROM written_memberships WHERE shop_id = $1 AND platform = 'hubspot' AND customer_id = $2", [shopId, contactId]);
      await client.query('DELETE FROM written_properties WHERE shop_id = $1 AND contact_id = $2', [shopId, contactId]);
      return (deleted.rowCount ?? 0) > 0;
    });
  }

  async findCustomersByEmail(shopId: string, email: string): Promise<Customer[]> {
    const key = checkLookupEmail(email);
    const rows = await this.#query('findCustomersByEmail', { name: 'refinery-customers-by-email', text: CUSTOMERS_BY_EMAIL, values: [shopId, key] });
    return rows.map(customerFromRow);
  }

  async findContactsByEmail(shopId: string, email: string): Promise<Contact[]> {
    const key = checkLookupEmail(email);
    const rows = await this.#query('findContactsByEmail', { name: 'refinery-contacts-by-email', text: CONTACTS_BY_EMAIL, values: [shopId, key] });
    return rows.map(contactFromRow);
  }

  async listOrdersOfCustomers(shopId: string, customers: ReadonlyArray<CustomerRef>): Promise<Order[]> {
    const refs = checkCustomerRefs(customers);
    if (refs.length === 0) return [];
    const rows = await this.#query('listOrdersOfCustomers', {
      name: 'refinery-orders-of-customers',
      text: ORDERS_OF_CUSTOMERS,
      values: [shopId, refs.map((ref) => ref.source), refs.map((ref) => ref.id)],
    });
    return rows.map(orderFromRow);
  }

  async getRemoteSegments(shopId: string, platform: Platform): Promise<RemoteSegment[]> {
    checkPlatform(platform);
    const rows = await this.#query(
      'getRemoteSegments',
      `SELECT ${REMOTE_SEGMENT_COLUMNS} FROM remote_segments WHERE shop_id = $1 AND platform = $2 ORDER BY segment_key`,
      [shopId, platform],
    );
    return rows.map(remoteSegmentFromRow);
  }

  async saveRemoteSegment(shopId: string, segment: RemoteSegment): Promise<void> {
    checkShopId(shopId);
    const s = checkRemoteSegment(segment);
    await this.#query('saveRemoteSegment', UPSERT_REMOTE_SEGMENT, [shopId, s.platform, s.segmentKey, s.remoteId, s.name, s.query, s.updatedAt]);
  }

  async deleteRemoteSegment(shopId: string, platform: Platform, segmentKey: string): Promise<boolean> {
    checkPlatform(platform);
    checkId('segmentKey', segmentKey);
    return this.#transaction('deleteRemoteSegment', async (client) => {
      const deleted = await client.query('DELETE FROM remote_segments WHERE shop_id = $1 AND platform = $2 AND segment_key = $3', [shopId, platform, segmentKey]);
      return (deleted.rowCount ?? 0) > 0;
    });
  }

  async saveSegmentSnapshot(shopId: string, snapshots: SegmentSnapshot[]): Promise<void> {
    checkShopId(shopId);
    checkSnapshots(snapshots);
    await this.#transaction('saveSegmentSnapshot', async (client) => {
      await client.query('DELETE FROM segment_snapshots WHERE shop_id = $1', [shopId]);
      if (snapshots.length === 0) return;
      await client.query(INSERT_SNAPSHOTS, [
        shopId, snapshots.map((s) => s.definition.key), snapshots.map((_, position) => position), snapshots.map((s) => JSON.stringify(s.definition)),
        snapshots.map((s) => s.size), snapshots.map((s) => s.revenue), snapshots.map((s) => s.revenueShare), snapshots.map((s) => s.computedAt),
      ]);
    });
  }

  async listSegmentSnapshot(shopId: string): Promise<SegmentSnapshot[]> {
    const rows = await this.#query('listSegmentSnapshot', { name: 'refinery-segment-snapshot', text: `SELECT ${SNAPSHOT_COLUMNS} FROM segment_snapshots WHERE shop_id = $1 ORDER BY position`, values: [shopId] });
    return rows.map(snapshotFromRow);
  }

  async getModelState(shopId: string, name: string): Promise<unknown> {
    checkModelStateName(name);
    // As text, so that a state that is a JSON string reads back as that string (see modelStateFromRow).
    const [row] = await this.#query('getModelState', { name: 'refinery-model-state', text: 'SELECT value::text AS value FROM model_states WHERE shop_id = $1 AND name = $2', values: [shopId, name] });
    return row === undefined ? null : modelStateFromRow(row);
  }

  async saveModelState(shopId: string, name: string, value: unknown, at: string): Promise<void> {
    checkShopId(shopId);
    checkModelStateName(name);
    await this.#query('saveModelState', UPSERT_MODEL_STATE, [shopId, name, modelStateJson(name, value, at), at]);
  }

  async listRuleSegments(shopId: string): Promise<RuleSegment[]> {
    const rows = await this.#query('listRuleSegments', { name: 'refinery-rule-segments', text: `SELECT ${RULE_SEGMENT_COLUMNS} FROM rule_segments WHERE shop_id = $1 ORDER BY key`, values: [shopId] });
    return rows.map(ruleSegmentFromRow);
  }

  async saveRuleSegment(shopId: string, segment: RuleSegment): Promise<void> {
    checkShopId(shopId);
    const s = checkRuleSegment(segment);
    await this.#query('saveRuleSegment', UPSERT_RULE_SEGMENT, [shopId, s.key, s.name, s.rule, s.createdAt, s.updatedAt]);
  }

  async deleteRuleSegment(shopId: string, key: string): Promise<boolean> {
    checkShopId(shopId);
    checkId('rule segment key', key);
    const rows = await this.#query('deleteRuleSegment', 'DELETE FROM rule_segments WHERE shop_id = $1 AND key = $2 RETURNING key', [shopId, key]);
    return rows.length > 0;
  }

  async listHoldoutCohorts(shopId: string): Promise<HoldoutCohort[]> {
    // One snapshot for both reads, so that a cohort recorded or deleted meanwhile is seen whole or not at all.
    return this.#transaction('listHoldoutCohorts', async (client) => {
      await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      const cohorts = await client.query(`SELECT ${HOLDOUT_COHORT_COLUMNS} FROM holdout_cohorts WHERE shop_id = $1 ORDER BY segment_key`, [shopId]);
      if (cohorts.rows.length === 0) return [];
      const members = await client.query(
        'SELECT segment_key, person_id, grp FROM holdout_members WHERE shop_id = $1 ORDER BY segment_key, person_id',
        [shopId],
      );
      return holdoutCohortsFromRows(cohorts.rows as Row[], members.rows as Row[]);
    });
  }

  async startHoldoutCohort(shopId: string, cohort: HoldoutCohort): Promise<boolean> {
    checkShopId(shopId);
    const c = checkHoldoutCohort(cohort);
    return this.#transaction('startHoldoutCohort', async (client) => {
      // A concurrent call for the same key waits here for the first one's commit, then inserts nothing.
      const inserted = await client.query(INSERT_HOLDOUT_COHORT, [shopId, c.segmentKey, c.startedAt, c.share]);
      if (inserted.rows.length === 0) return false; // already recorded
      for (const [group, ids] of [['treated', c.treated], ['holdout', c.holdout]] as const) {
        for (const chunk of chunks(ids, this.#chunkSize)) {
          await client.query({ name: 'refinery-insert-holdout-members', text: INSERT_HOLDOUT_MEMBERS, values: [shopId, c.segmentKey, chunk, group] });
        }
      }
      return true;
    });
  }

  async startRun(shopId: string, trigger: string, now: string): Promise<RunRecord> {
    checkShopId(shopId);
    const run: RunRecord = { id: randomUUID(), shopId, trigger, status: 'running', startedAt: now, finishedAt: null, report: {} };
    await this.#query('startRun', INSERT_RUN, [shopId, run.id, trigger, run.status, now, null, '{}']);
    return run;
  }

  async finishRun(shopId: string, runId: string, status: Exclude<RunStatus, 'running'>, report: Record<string, unknown>, now: string): Promise<void> {
    const rows = await this.#query(
      'finishRun',
      'UPDATE runs SET status = $1, finished_at = $2, report = $3::jsonb WHERE shop_id = $4 AND id = $5 RETURNING id',
      [status, now, JSON.stringify(report), shopId, runId],
    );
    if (rows.length === 0) throw new RefineryError('NOT_FOUND', `run ${runId} of shop ${shopId} not found`);
  }

  async listRuns(shopId: string, limit: number = DEFAULT_RUN_LIMIT): Promise<RunRecord[]> {
    checkPositiveInteger('limit', limit);
    const rows = await this.#query('listRuns', `SELECT ${RUN_COLUMNS} FROM runs WHERE shop_id = $1 ORDER BY started_at DESC, id DESC LIMIT $2`, [shopId, limit]);
    return rows.map(runFromRow);
  }

  // Webhooks and privacy: the programs of privacy-queries.ts, each in one transaction.
  #privacy<T>(operation: string, program: () => SqlProgram<T>, _begin?: 'BEGIN'): Promise<T> {
    return this.#transaction(operation, (client) =>
      runProgramAsync(program(), async (step) => {
        const result = await client.query(postgresPlaceholders(step.sql), step.params);
        return step.mode === 'all' ? (result.rows as Row[]) : (result.rowCount ?? 0);
      }),
    );
  }

  /**
   * A read program outside a transaction, each statement on any pooled connection: for reads every
   * real-time job makes, where BEGIN and COMMIT would be two of its four round trips and give nothing
   * (each statement reads committed data as of its own start, in a transaction or not, under the
   * default READ COMMITTED).
   */
  #read<T>(operation: string, program: () => SqlProgram<T>): Promise<T> {
    return runProgramAsync(program(), async (step) => {
      if (step.mode !== 'all') throw new RefineryError('INTERNAL', `${operation} is a read program; it may not change rows`);
      // Prepared once per connection, named after the text (these programs have a few texts each).
      const text = postgresPlaceholders(step.sql);
      return this.#query(operation, { name: `refinery-read-${createHash('sha256').update(text).digest('hex').slice(0, 24)}`, text, values: step.params });
    });
  }

  claimWebhookDelivery(shopId: string, delivery: WebhookDelivery, forgetBefore: string): Promise<boolean> {
    return this.#privacy('claimWebhookDelivery', () => claimDelivery(shopId, delivery, forgetBefore));
  }
  releaseWebhookDelivery(shopId: string, source: WebhookDelivery['source'], deliveryId: string): Promise<void> {
    return this.#privacy('releaseWebhookDelivery', () => releaseDelivery(shopId, source, deliveryId));
  }
  deleteCustomer(shopId: string, source: Customer['source'], id: string): Promise<boolean> {
    return this.#privacy('deleteCustomer', () => deleteCustomerProgram(shopId, source, id));
  }
  savePrivacyRequest(shopId: string, request: PrivacyRequest): Promise<void> {
    return this.#privacy('savePrivacyRequest', () => savePrivacyRequestProgram('postgres', shopId, request));
  }
  getPrivacyRequest(shopId: string, id: string): Promise<PrivacyRequest | null> {
    return this.#privacy('getPrivacyRequest', () => getPrivacyRequestProgram(shopId, id), 'BEGIN');
  }
  listPrivacyRequests(shopId: string | null, options: { topic?: PrivacyRequest['topic']; limit?: number } = {}): Promise<Array<PrivacyRequest & { shopId: string }>> {
    return this.#privacy('listPrivacyRequests', () => listPrivacyRequestsProgram(shopId, options), 'BEGIN');
  }
  collectPersonData(shopId: string, subject: PrivacySubject): Promise<PersonData> {
    return this.#privacy('collectPersonData', () => collectPersonDataProgram('postgres', shopId, subject), 'BEGIN');
  }
  redactPerson(shopId: string, subject: PrivacySubject, options: { suppress: readonly string[]; keepRequestId: string | null; at: string }): Promise<RedactionCounts> {
    return this.#privacy('redactPerson', () => redactPersonProgram('postgres', shopId, subject, options));
  }
  privacySalt(shopId: string, at: string): Promise<string> {
    return this.#privacy('privacySalt', () => privacySaltProgram(shopId, at));
  }
  getSuppressions(shopId: string): Promise<Suppressions> {
    return this.#read('getSuppressions', () => getSuppressionsProgram(shopId));
  }
  privacyEpoch(shopId: string): Promise<string> {
    return this.#privacy('privacyEpoch', () => privacyEpochProgram(shopId), 'BEGIN');
  }

  // Pixel events: the programs of pixel-queries.ts, run like the privacy programs.
  savePixelEvents(shopId: string, events: readonly PixelEventRecord[]): Promise<{ inserted: number; duplicates: number }> {
    return this.#privacy('savePixelEvents', () => savePixelEventsProgram('postgres', shopId, events));
  }
  listPixelEvents(shopId: string, query: PixelEventQuery): Promise<PixelEventRecord[]> {
    return this.#read('listPixelEvents', () => listPixelEventsProgram(shopId, query));
  }
  countPixelEvents(shopId: string): Promise<number> {
    return this.#privacy('countPixelEvents', () => countPixelEventsProgram(shopId), 'BEGIN');
  }
  listCustomerPixelEvents(shopId: string, query: CustomerPixelEventQuery): Promise<CustomerPixelEvent[]> {
    return this.#privacy('listCustomerPixelEvents', () => customerPixelEventsProgram(shopId, query), 'BEGIN');
  }
  deletePixelEventsBefore(shopId: string, before: string): Promise<number> {
    return this.#privacy('deletePixelEventsBefore', () => deletePixelEventsBeforeProgram(shopId, before));
  }
}
