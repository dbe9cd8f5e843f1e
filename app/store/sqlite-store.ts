// The SQLite backend, on the built-in node:sqlite (synchronous; every method is async only to
// match the contract). WAL journal, foreign keys on, cached prepared statements, and an explicit
// BEGIN IMMEDIATE ... COMMIT around every multi-row write. Because a transaction's body is
// synchronous, no other call of this process can interleave with it.
import { CONTACT_KEYSET, CUSTOMER_KEYSET, CUSTOMER_ORDER_KEYSET, GUEST_ORDER_KEYSET, keysetPages } from './keyset-pages.ts';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { SQLInputValue, StatementSync } from 'node:sqlite';
import { RefineryError } from '../../core/errors.ts';
import type { Contact, Customer, Order, Platform } from '../../core/model.ts';
import {
  DEFAULT_PAGE_SIZE, DEFAULT_RUN_LIMIT, checkCustomerRefs, checkHoldoutCohort, checkId, checkRecordIds, checkLookupEmail, checkMembershipWrite, checkModelStateName,
  checkPlatform, checkPositiveInteger, checkPropertyWrites, checkRemoteSegment, checkRuleSegment, checkSettings, checkShopId, checkSnapshots,
  modelStateJson,
} from './input-checks.ts';
import type { CustomerRef } from './input-checks.ts';
import { EMAIL_KEY_SQLITE, MIGRATIONS, SCHEMA_MIGRATIONS_SQLITE, TENANT_TABLES, checkMigrations, pendingMigrations } from './migrations.ts';
import type { AppliedMigration, MigratingStore, Migration } from './migrations.ts';
import { validatePage } from './page-validation.ts';
import {
  CONTACT_COLUMNS, CUSTOMER_COLUMNS, HOLDOUT_COHORT_COLUMNS, ORDER_COLUMNS, REMOTE_SEGMENT_COLUMNS, RULE_SEGMENT_COLUMNS, RUN_COLUMNS, SNAPSHOT_COLUMNS,
  contactFromRow, customerFromRow, holdoutCohortsFromRows, membershipsFromRows, modelStateFromRow, orderFromRow, remoteSegmentFromRow,
  applySettingsUpdate, ruleSegmentFromRow, runFromRow, settingsFromRow, shopFromRow, snapshotFromRow, storedSettings, toCount, writtenPropertiesFromRows,
} from './row-mapping.ts';
import type { Row } from './row-mapping.ts';
import { storeError } from './store-errors.ts';
import {
  claimDelivery, collectPersonDataProgram, deleteCustomerProgram, getPrivacyRequestProgram, getSuppressionsProgram, listPrivacyRequestsProgram, privacyEpochProgram, privacySaltProgram,
  redactPersonProgram, releaseDelivery, runProgramSync, savePrivacyRequestProgram, type SqlProgram,
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

export const DEFAULT_SQLITE_PATH = './data/refinery.db';

export interface SqliteStoreOptions {
  /** Database file (its directory is created), or `:memory:`. Default `./data/refinery.db`. */
  path?: string;
  /** How long to wait for another process's write lock, in milliseconds. Default 5000. */
  busyTimeoutMs?: number;
  /** Migrations to apply; the real list unless a test says otherwise. */
  migrations?: readonly Migration[];
  /** Seals secrets at rest; default a key of this process only (processSecretBox: tests, `:memory:`). */
  secrets?: SecretBox;
}

const UPSERT_SHOPIFY_SESSION = `
INSERT INTO shopify_sessions (id, shop_id, data) VALUES (?, ?, ?)
ON CONFLICT (id) DO UPDATE SET shop_id = excluded.shop_id, data = excluded.data`;

const UPSERT_CUSTOMER = `
INSERT INTO customers (shop_id, ${CUSTOMER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (shop_id, source, id) DO UPDATE SET
  email = excluded.email, marketing_state = excluded.marketing_state, first_name = excluded.first_name,
  last_name = excluded.last_name, tags = excluded.tags, created_at = excluded.created_at, updated_at = excluded.updated_at`;

const UPSERT_ORDER = `
INSERT INTO orders (shop_id, ${ORDER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (shop_id, source, id) DO UPDATE SET
  customer_id = excluded.customer_id, email = excluded.email, processed_at = excluded.processed_at,
  cancelled_at = excluded.cancelled_at, currency = excluded.currency, total = excluded.total, refunded = excluded.refunded,
  discount = excluded.discount, line_items = excluded.line_items, updated_at = excluded.updated_at`;

const UPSERT_CONTACT = `
INSERT INTO contacts (shop_id, ${CONTACT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (shop_id, id) DO UPDATE SET
  email = excluded.email, first_name = excluded.first_name, last_name = excluded.last_name, lifecycle_stage = excluded.lifecycle_stage,
  email_delivered = excluded.email_delivered, email_opens = excluded.email_opens, email_clicks = excluded.email_clicks,
  email_bounces = excluded.email_bounces, email_opt_out = excluded.email_opt_out, page_views = excluded.page_views, visits = excluded.visits,
  last_visit_at = excluded.last_visit_at, created_at = excluded.created_at, updated_at = excluded.updated_at`;

const UPSERT_WRITTEN_PROPERTY = `
INSERT INTO written_properties (shop_id, contact_id, property, value, written_at) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (shop_id, contact_id, property) DO UPDATE SET value = excluded.value, written_at = excluded.written_at`;

const UPSERT_MODEL_STATE = `
INSERT INTO model_states (shop_id, name, value, saved_at) VALUES (?, ?, ?, ?)
ON CONFLICT (shop_id, name) DO UPDATE SET value = excluded.value, saved_at = excluded.saved_at`;

// created_at is not in the update: a replaced rule segment keeps the date it was first created.
const UPSERT_RULE_SEGMENT = `
INSERT INTO rule_segments (shop_id, ${RULE_SEGMENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (shop_id, key) DO UPDATE SET name = excluded.name, rule = excluded.rule, updated_at = excluded.updated_at`;

const INSERT_HOLDOUT_COHORT = `
INSERT INTO holdout_cohorts (shop_id, ${HOLDOUT_COHORT_COLUMNS}) VALUES (?, ?, ?, ?) ON CONFLICT (shop_id, segment_key) DO NOTHING`;
const INSERT_HOLDOUT_MEMBER = 'INSERT INTO holdout_members (shop_id, segment_key, person_id, grp) VALUES (?, ?, ?, ?)';

const UPSERT_CHECKPOINT = `
INSERT INTO checkpoints (shop_id, stream, value, updated_at) VALUES (?, ?, ?, ?)
ON CONFLICT (shop_id, stream) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`;

// Keyset pagination. Customers: (source, id). Orders: customers' orders by (customer_id, source,
// processed_at, id), then guest orders (customer_id NULL) by (source, processed_at, id).
// Every key column is non-empty, so '' sorts before every row and starts each walk.
const CUSTOMERS_AFTER = `
SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE shop_id = ? AND (source, id) > (?, ?) ORDER BY source, id LIMIT ?`;
const CONTACTS_AFTER = `
SELECT ${CONTACT_COLUMNS} FROM contacts WHERE shop_id = ? AND id > ? ORDER BY id LIMIT ?`;
const CUSTOMER_ORDERS_AFTER = `
SELECT ${ORDER_COLUMNS} FROM orders
WHERE shop_id = ? AND customer_id IS NOT NULL AND (customer_id, source, processed_at, id) > (?, ?, ?, ?)
ORDER BY customer_id, source, processed_at, id LIMIT ?`;
const GUEST_ORDERS_AFTER = `
SELECT ${ORDER_COLUMNS} FROM orders
WHERE shop_id = ? AND customer_id IS NULL AND (source, processed_at, id) > (?, ?, ?)
ORDER BY source, processed_at, id LIMIT ?`;

// Person lookups (exported for the query-plan test). The email key is spelled exactly as in the
// migration 4 indexes, or SQLite would not use them. The customer refs are one JSON array of
// [source, id] pairs, so that one statement (one snapshot) serves up to 200 refs. CROSS JOIN keeps
// the refs as the outer loop (SQLite never reorders it), so each ref is one orders_by_customer
// search; written as `(customer_id, source) IN (SELECT ...)`, SQLite without ANALYZE statistics
// chose the primary key and read every order of the shop.
export const CUSTOMERS_BY_EMAIL = `
SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE shop_id = ? AND ${EMAIL_KEY_SQLITE} = ? ORDER BY source, id`;
export const CONTACTS_BY_EMAIL = `
SELECT ${CONTACT_COLUMNS} FROM contacts WHERE shop_id = ? AND ${EMAIL_KEY_SQLITE} = ? ORDER BY id`;
export const ORDERS_OF_CUSTOMERS = `
SELECT ${ORDER_COLUMNS.split(', ').map((name) => `o.${name} AS ${name}`).join(', ')}
FROM json_each(?2) AS r CROSS JOIN orders AS o
WHERE o.shop_id = ?1 AND o.customer_id = r.value ->> 1 AND o.source = r.value ->> 0
ORDER BY o.source, o.customer_id, o.processed_at, o.id`;

/** The JSON parameter of ORDERS_OF_CUSTOMERS. */
export function customerRefsJson(refs: readonly CustomerRef[]): string {
  return JSON.stringify(refs.map((ref) => [ref.source, ref.id]));
}

export function createSqliteStore(options: SqliteStoreOptions = {}): MigratingStore {
  return new SqliteStore(options);
}

class SqliteStore implements MigratingStore {
  readonly kind = 'sqlite' as const;
  readonly #db: DatabaseSync;
  readonly #migrations: readonly Migration[];
  readonly #statements = new Map<string, StatementSync>();
  readonly #secrets: SecretBox;

  constructor(options: SqliteStoreOptions) {
    const path = options.path ?? DEFAULT_SQLITE_PATH;
    this.#secrets = options.secrets ?? processSecretBox();
    this.#migrations = options.migrations ?? MIGRATIONS;
    checkMigrations(this.#migrations);
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.#db = new DatabaseSync(path, { enableForeignKeyConstraints: true, timeout: options.busyTimeoutMs ?? 5000 });
    this.#db.exec('PRAGMA journal_mode = WAL');
    this.#db.exec('PRAGMA synchronous = NORMAL');
    this.#db.exec('PRAGMA foreign_keys = ON');
    // A first sync writes a million orders, and at the default auto-checkpoint every 4 MiB of WAL
    // costs a checkpoint with an fsync. Checkpointing every 64 MiB instead, storing a million
    // generated orders in pages of 2,000 took 39 s here instead of 50 s (the bulk-pull bench, where
    // parsing and the emulator weigh as much, did not move). A 64 MiB page cache on top gained
    // nothing measurable and would count in every process's resident memory.
    this.#db.exec('PRAGMA wal_autocheckpoint = 16384');
  }

  #statement(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #all(sql: string, ...params: SQLInputValue[]): Row[] {
    return this.#statement(sql).all(...params) as Row[];
  }

  #get(sql: string, ...params: SQLInputValue[]): Row | undefined {
    return this.#statement(sql).get(...params) as Row | undefined;
  }

  #run(sql: string, ...params: SQLInputValue[]): number {
    return Number(this.#statement(sql).run(...params).changes);
  }

  /**
   * Runs `body` in BEGIN IMMEDIATE ... COMMIT (or, for reads that must see one snapshot, a deferred
   * BEGIN); rolls back and rethrows on any error.
   */
  #transaction<T>(body: () => T, begin: 'BEGIN IMMEDIATE' | 'BEGIN' = 'BEGIN IMMEDIATE'): T {
    this.#db.exec(begin);
    try {
      const result = body();
      this.#db.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      throw error;
    }
  }

  /** Runs a synchronous operation, reporting database failures as RefineryError('STORE'). */
  async #op<T>(operation: string, body: () => T): Promise<T> {
    try {
      return body();
    } catch (error) {
      throw storeError(operation, error);
    }
  }

  async migrate(): Promise<void> {
    return this.#op('migrate', () => {
      this.#db.exec(SCHEMA_MIGRATIONS_SQLITE);
      const applied = this.#all('SELECT version FROM schema_migrations').map((row) => Number(row['version']));
      for (const migration of pendingMigrations(this.#migrations, applied)) {
        this.#transaction(() => {
          // Another process may have applied it since we looked; BEGIN IMMEDIATE holds the write lock now.
          if (this.#get('SELECT 1 AS done FROM schema_migrations WHERE version = ?', migration.version) !== undefined) return;
          this.#db.exec(migration.sqlite);
          this.#run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', migration.version, migration.name, new Date().toISOString());
        });
      }
    });
  }

  async appliedMigrations(): Promise<AppliedMigration[]> {
    return this.#op('appliedMigrations', () =>
      this.#all('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').map((row) => ({
        version: Number(row['version']),
        name: String(row['name']),
        appliedAt: String(row['applied_at']),
      })),
    );
  }

  async close(): Promise<void> {
    this.#statements.clear();
    if (this.#db.isOpen) this.#db.close();
  }

  async ensureShop(shopId: string, now: string): Promise<ShopRecord> {
    checkShopId(shopId);
    return this.#op('ensureShop', () => {
      this.#run('INSERT INTO shops (shop_id, created_at) VALUES (?, ?) ON CONFLICT (shop_id) DO NOTHING', shopId, now);
      const row = this.#get('SELECT shop_id, created_at FROM shops WHERE shop_id = ?', shopId);
      if (row === undefined) throw new Error(`shop ${shopId} vanished`);
      return shopFromRow(row);
    });
  }

  async listShops(): Promise<ShopRecord[]> {
    return this.#op('listShops', () => this.#all('SELECT shop_id, created_at FROM shops ORDER BY shop_id').map(shopFromRow));
  }

  async getShopSettings(shopId: string): Promise<ShopSettings | null> {
    return this.#op('getShopSettings', () => {
      const row = this.#get('SELECT settings FROM shops WHERE shop_id = ?', shopId);
      return row === undefined ? null : openSettings(settingsFromRow(row), this.#secrets);
    });
  }

  async saveShopSettings(shopId: string, settings: ShopSettings, now: string): Promise<void> {
    checkShopId(shopId);
    const json = JSON.stringify(sealSettings(checkSettings(settings), this.#secrets));
    await this.#op('saveShopSettings', () =>
      this.#run(
        'INSERT INTO shops (shop_id, created_at, settings) VALUES (?, ?, ?) ON CONFLICT (shop_id) DO UPDATE SET settings = excluded.settings',
        shopId, now, json,
      ),
    );
  }

  async updateShopSettings(shopId: string, update: (current: ShopSettings | null) => ShopSettings | null, now: string): Promise<ShopSettings | null> {
    checkShopId(shopId);
    // BEGIN IMMEDIATE takes the write lock before the read: no other connection (process) can
    // write the row between this read and this write, and nothing of this process interleaves
    // (the body is synchronous).
    return this.#op('updateShopSettings', () =>
      this.#transaction(() => {
        const row = this.#get('SELECT settings FROM shops WHERE shop_id = ?', shopId);
        const current = row === undefined ? null : openSettings(settingsFromRow(row), this.#secrets);
        const next = applySettingsUpdate(update, current);
        if (next === null) return current;
        const json = JSON.stringify(sealSettings(checkSettings(next), this.#secrets));
        this.#run(
          'INSERT INTO shops (shop_id, created_at, settings) VALUES (?, ?, ?) ON CONFLICT (shop_id) DO UPDATE SET settings = excluded.settings',
          shopId, now, json,
        );
        return storedSettings(next);
      }),
    );
  }

  async deleteShop(shopId: string): Promise<void> {
    await this.#op('deleteShop', () =>
      this.#transaction(() => {
        for (const table of TENANT_TABLES) this.#run(`DELETE FROM ${table} WHERE shop_id = ?`, shopId);
      }),
    );
  }

  async storeShopifySession(session: ShopifySessionRecord): Promise<void> {
    const record = sealSession(checkShopifySession(session), this.#secrets);
    await this.#op('storeShopifySession', () => this.#run(UPSERT_SHOPIFY_SESSION, record.id, record.shop, JSON.stringify(record)));
  }

  async loadShopifySession(id: string): Promise<ShopifySessionRecord | null> {
    const row = await this.#op('loadShopifySession', () => this.#get('SELECT data FROM shopify_sessions WHERE id = ?', id));
    return row === undefined ? null : openSession(JSON.parse(String(row['data'])) as ShopifySessionRecord, this.#secrets);
  }

  async deleteShopifySessions(ids: readonly string[]): Promise<number> {
    const unique = checkSessionIds(ids);
    return this.#op('deleteShopifySessions', () =>
      this.#transaction(() => unique.reduce((deleted, id) => deleted + this.#run('DELETE FROM shopify_sessions WHERE id = ?', id), 0)),
    );
  }

  async findShopifySessionsByShop(shop: string): Promise<ShopifySessionRecord[]> {
    const rows = await this.#op('findShopifySessionsByShop', () => this.#all('SELECT data FROM shopify_sessions WHERE shop_id = ? ORDER BY id', shop));
    return rows.map((row) => openSession(JSON.parse(String(row['data'])) as ShopifySessionRecord, this.#secrets));
  }

  async deleteShopSessions(shopId: string): Promise<number> {
    return this.#op('deleteShopSessions', () => this.#run('DELETE FROM shopify_sessions WHERE shop_id = ?', shopId));
  }

  async reencryptSecrets(): Promise<SecretRotationReport> {
    return this.#op('reencryptSecrets', () =>
      this.#transaction(() => {
        const report: SecretRotationReport = { keyId: this.#secrets.currentKeyId, shops: 0, sessions: 0, reencrypted: 0 };
        for (const row of this.#all('SELECT shop_id, settings FROM shops WHERE settings IS NOT NULL ORDER BY shop_id')) {
          report.shops++;
          const { value, changed } = resealSettings(JSON.parse(String(row['settings'])) as ShopSettings, this.#secrets);
          if (changed === 0) continue;
          report.reencrypted += changed;
          this.#run('UPDATE shops SET settings = ? WHERE shop_id = ?', JSON.stringify(value), String(row['shop_id']));
        }
        for (const row of this.#all('SELECT id, data FROM shopify_sessions ORDER BY id')) {
          report.sessions++;
          const { value, changed } = resealSession(JSON.parse(String(row['data'])) as ShopifySessionRecord, this.#secrets);
          if (changed === 0) continue;
          report.reencrypted += changed;
          this.#run('UPDATE shopify_sessions SET data = ? WHERE id = ?', JSON.stringify(value), String(row['id']));
        }
        return report;
      }),
    );
  }

  async savePage(shopId: string, page: PulledPage): Promise<void> {
    checkShopId(shopId);
    const { customers, orders, contacts } = validatePage(page);
    const now = new Date().toISOString();
    await this.#op('savePage', () =>
      this.#transaction(() => {
        const upsertCustomer = this.#statement(UPSERT_CUSTOMER);
        for (const c of customers) {
          upsertCustomer.run(shopId, c.source, c.id, c.email, c.marketingState, c.firstName, c.lastName, JSON.stringify(c.tags), c.createdAt, c.updatedAt);
        }
        const upsertOrder = this.#statement(UPSERT_ORDER);
        for (const o of orders) {
          upsertOrder.run(
            shopId, o.source, o.id, o.customerId, o.email, o.processedAt, o.cancelledAt, o.currency,
            o.total, o.refunded, o.discount, JSON.stringify(o.lineItems), o.updatedAt,
          );
        }
        // Prepared only when needed: a database still at schema version 1 has no contacts table.
        const upsertContact = contacts.length > 0 ? this.#statement(UPSERT_CONTACT) : undefined;
        for (const c of contacts) {
          upsertContact?.run(
            shopId, c.source, c.id, c.email, c.firstName, c.lastName, c.lifecycleStage, c.emailDelivered, c.emailOpens, c.emailClicks,
            c.emailBounces, c.emailOptOut === null ? null : Number(c.emailOptOut), c.pageViews, c.visits, c.lastVisitAt, c.createdAt, c.updatedAt,
          );
        }
        if (page.checkpoint !== undefined) this.#run(UPSERT_CHECKPOINT, shopId, page.checkpoint.stream, page.checkpoint.value, now);
      }),
    );
  }

  async getCheckpoint(shopId: string, stream: string): Promise<string | null> {
    return this.#op('getCheckpoint', () => {
      const row = this.#get('SELECT value FROM checkpoints WHERE shop_id = ? AND stream = ?', shopId, stream);
      return row === undefined ? null : String(row['value']);
    });
  }

  async countCustomers(shopId: string): Promise<number> {
    return this.#op('countCustomers', () => toCount(this.#get('SELECT count(*) AS count FROM customers WHERE shop_id = ?', shopId)));
  }

  async countOrders(shopId: string): Promise<number> {
    return this.#op('countOrders', () => toCount(this.#get('SELECT count(*) AS count FROM orders WHERE shop_id = ?', shopId)));
  }

  async getCustomer(shopId: string, source: Customer['source'], id: string): Promise<Customer | null> {
    return this.#op('getCustomer', () => {
      const row = this.#get(`SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE shop_id = ? AND source = ? AND id = ?`, shopId, source, id);
      return row === undefined ? null : customerFromRow(row);
    });
  }

  async getOrder(shopId: string, source: Order['source'], id: string): Promise<Order | null> {
    return this.#op('getOrder', () => {
      const row = this.#get(`SELECT ${ORDER_COLUMNS} FROM orders WHERE shop_id = ? AND source = ? AND id = ?`, shopId, source, id);
      return row === undefined ? null : orderFromRow(row);
    });
  }

  async *iterateCustomers(shopId: string, pageSize: number = DEFAULT_PAGE_SIZE): AsyncIterable<Customer[]> {
    checkPositiveInteger('page size', pageSize);
    yield* keysetPages(CUSTOMER_KEYSET, pageSize, (after) =>
      this.#op('iterateCustomers', () => this.#all(CUSTOMERS_AFTER, shopId, ...after, pageSize).map(customerFromRow)),
    );
  }

  async *iterateOrders(shopId: string, pageSize: number = DEFAULT_PAGE_SIZE): AsyncIterable<Order[]> {
    checkPositiveInteger('page size', pageSize);
    yield* keysetPages(CUSTOMER_ORDER_KEYSET, pageSize, (after) =>
      this.#op('iterateOrders', () => this.#all(CUSTOMER_ORDERS_AFTER, shopId, ...after, pageSize).map(orderFromRow)),
    );
    yield* keysetPages(GUEST_ORDER_KEYSET, pageSize, (after) =>
      this.#op('iterateOrders', () => this.#all(GUEST_ORDERS_AFTER, shopId, ...after, pageSize).map(orderFromRow)),
    );
  }

  async getWrittenMemberships(shopId: string, platform: Platform, recordIds?: readonly string[]): Promise<Map<string, Set<string>>> {
    checkPlatform(platform);
    if (recordIds !== undefined) {
      const ids = checkRecordIds('record ids', recordIds);
      return this.#op('getWrittenMemberships', () =>
        membershipsFromRows(
          this.#all(
            `SELECT w.segment_key, w.customer_id FROM json_each(?3) AS r CROSS JOIN written_memberships AS w
             WHERE w.shop_id = ?1 AND w.platform = ?2 AND w.customer_id = r.value ORDER BY w.segment_key, w.customer_id`,
            shopId, platform, JSON.stringify(ids),
          ),
        ),
      );
    }
    return this.#op('getWrittenMemberships', () =>
      membershipsFromRows(
        this.#all('SELECT segment_key, customer_id FROM written_memberships WHERE shop_id = ? AND platform = ? ORDER BY segment_key, customer_id', shopId, platform),
      ),
    );
  }

  async recordMembershipWrite(shopId: string, write: MembershipWrite): Promise<void> {
    checkShopId(shopId);
    checkMembershipWrite(write);
    await this.#op('recordMembershipWrite', () =>
      this.#transaction(() => {
        const remove = this.#statement('DELETE FROM written_memberships WHERE shop_id = ? AND platform = ? AND segment_key = ? AND customer_id = ?');
        for (const { segmentKey, customerId } of write.removed) remove.run(shopId, write.platform, segmentKey, customerId);
        const add = this.#statement(`
          INSERT INTO written_memberships (shop_id, platform, segment_key, customer_id, written_at) VALUES (?, ?, ?, ?, ?)
          ON CONFLICT (shop_id, platform, segment_key, customer_id) DO UPDATE SET written_at = excluded.written_at`);
        for (const { segmentKey, customerId } of write.added) add.run(shopId, write.platform, segmentKey, customerId, write.at);
      }),
    );
  }

  async getWrittenProperties(shopId: string, contactIds?: readonly string[]): Promise<Map<string, Record<string, string>>> {
    if (contactIds !== undefined) {
      const ids = checkRecordIds('contact ids', contactIds);
      return this.#op('getWrittenProperties', () =>
        writtenPropertiesFromRows(
          this.#all(
            `SELECT p.contact_id, p.property, p.value FROM json_each(?2) AS r CROSS JOIN written_properties AS p
             WHERE p.shop_id = ?1 AND p.contact_id = r.value ORDER BY p.contact_id, p.property`,
            shopId, JSON.stringify(ids),
          ),
        ),
      );
    }
    return this.#op('getWrittenProperties', () =>
      writtenPropertiesFromRows(
        this.#all('SELECT contact_id, property, value FROM written_properties WHERE shop_id = ? ORDER BY contact_id, property', shopId),
      ),
    );
  }

  async recordPropertyWrites(shopId: string, writes: Array<{ contactId: string; values: Record<string, string> }>, at: string): Promise<void> {
    checkShopId(shopId);
    const rows = checkPropertyWrites(writes, at);
    await this.#op('recordPropertyWrites', () =>
      this.#transaction(() => {
        const upsert = this.#statement(UPSERT_WRITTEN_PROPERTY);
        for (const { contactId, property, value } of rows) upsert.run(shopId, contactId, property, value, at);
      }),
    );
  }

  async countContacts(shopId: string): Promise<number> {
    return this.#op('countContacts', () => toCount(this.#get('SELECT count(*) AS count FROM contacts WHERE shop_id = ?', shopId)));
  }

  async getContact(shopId: string, id: string): Promise<Contact | null> {
    return this.#op('getContact', () => {
      const row = this.#get(`SELECT ${CONTACT_COLUMNS} FROM contacts WHERE shop_id = ? AND id = ?`, shopId, id);
      return row === undefined ? null : contactFromRow(row);
    });
  }

  async *iterateContacts(shopId: string, pageSize: number = DEFAULT_PAGE_SIZE): AsyncIterable<Contact[]> {
    checkPositiveInteger('page size', pageSize);
    yield* keysetPages(CONTACT_KEYSET, pageSize, (after) =>
      this.#op('iterateContacts', () => this.#all(CONTACTS_AFTER, shopId, ...after, pageSize).map(contactFromRow)),
    );
  }

  async deleteContact(shopId: string, contactId: string): Promise<boolean> {
    checkShopId(shopId);
    checkId('contact id', contactId);
    return this.#op('deleteContact', () =>
      this.#transaction(() => {
        const found = this.#run('DELETE FROM contacts WHERE shop_id = ? AND id = ?', shopId, contactId) > 0;
        this.#run("DELETE FROM written_memberships WHERE shop_id = ? AND platform = 'hubspot' AND customer_id = ?", shopId, contactId);
        this.#run('DELETE FROM written_properties WHERE shop_id = ? AND contact_id = ?', shopId, contactId);
        return found;
      }),
    );
  }

  async findCustomersByEmail(shopId: string, email: string): Promise<Customer[]> {
    const key = checkLookupEmail(email);
    return this.#op('findCustomersByEmail', () => this.#all(CUSTOMERS_BY_EMAIL, shopId, key).map(customerFromRow));
  }

  async findContactsByEmail(shopId: string, email: string): Promise<Contact[]> {
    const key = checkLookupEmail(email);
    return this.#op('findContactsByEmail', () => this.#all(CONTACTS_BY_EMAIL, shopId, key).map(contactFromRow));
  }

  async listOrdersOfCustomers(shopId: string, customers: ReadonlyArray<CustomerRef>): Promise<Order[]> {
    const refs = checkCustomerRefs(customers);
    if (refs.length === 0) return [];
    return this.#op('listOrdersOfCustomers', () => this.#all(ORDERS_OF_CUSTOMERS, shopId, customerRefsJson(refs)).map(orderFromRow));
  }

  async getRemoteSegments(shopId: string, platform: Platform): Promise<RemoteSegment[]> {
    checkPlatform(platform);
    return this.#op('getRemoteSegments', () =>
      this.#all(`SELECT ${REMOTE_SEGMENT_COLUMNS} FROM remote_segments WHERE shop_id = ? AND platform = ? ORDER BY segment_key`, shopId, platform).map(remoteSegmentFromRow),
    );
  }

  async saveRemoteSegment(shopId: string, segment: RemoteSegment): Promise<void> {
    checkShopId(shopId);
    const s = checkRemoteSegment(segment);
    await this.#op('saveRemoteSegment', () =>
      this.#run(
        `INSERT INTO remote_segments (shop_id, ${REMOTE_SEGMENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (shop_id, platform, segment_key) DO UPDATE SET
           remote_id = excluded.remote_id, name = excluded.name, query = excluded.query, updated_at = excluded.updated_at`,
        shopId, s.platform, s.segmentKey, s.remoteId, s.name, s.query, s.updatedAt,
      ),
    );
  }

  async deleteRemoteSegment(shopId: string, platform: Platform, segmentKey: string): Promise<boolean> {
    checkPlatform(platform);
    checkId('segmentKey', segmentKey);
    return this.#op('deleteRemoteSegment', () =>
      this.#run('DELETE FROM remote_segments WHERE shop_id = ? AND platform = ? AND segment_key = ?', shopId, platform, segmentKey) > 0,
    );
  }

  async saveSegmentSnapshot(shopId: string, snapshots: SegmentSnapshot[]): Promise<void> {
    checkShopId(shopId);
    checkSnapshots(snapshots);
    await this.#op('saveSegmentSnapshot', () =>
      this.#transaction(() => {
        this.#run('DELETE FROM segment_snapshots WHERE shop_id = ?', shopId);
        const insert = this.#statement(`INSERT INTO segment_snapshots (shop_id, segment_key, position, ${SNAPSHOT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
        for (const [position, s] of snapshots.entries()) {
          insert.run(shopId, s.definition.key, position, JSON.stringify(s.definition), s.size, s.revenue, s.revenueShare, s.computedAt);
        }
      }),
    );
  }

  async listSegmentSnapshot(shopId: string): Promise<SegmentSnapshot[]> {
    return this.#op('listSegmentSnapshot', () =>
      this.#all(`SELECT ${SNAPSHOT_COLUMNS} FROM segment_snapshots WHERE shop_id = ? ORDER BY position`, shopId).map(snapshotFromRow),
    );
  }

  async getModelState(shopId: string, name: string): Promise<unknown> {
    checkModelStateName(name);
    return this.#op('getModelState', () => {
      const row = this.#get('SELECT value FROM model_states WHERE shop_id = ? AND name = ?', shopId, name);
      return row === undefined ? null : modelStateFromRow(row);
    });
  }

  async saveModelState(shopId: string, name: string, value: unknown, at: string): Promise<void> {
    checkShopId(shopId);
    checkModelStateName(name);
    const json = modelStateJson(name, value, at);
    await this.#op('saveModelState', () => this.#run(UPSERT_MODEL_STATE, shopId, name, json, at));
  }

  async listRuleSegments(shopId: string): Promise<RuleSegment[]> {
    return this.#op('listRuleSegments', () =>
      this.#all(`SELECT ${RULE_SEGMENT_COLUMNS} FROM rule_segments WHERE shop_id = ? ORDER BY key`, shopId).map(ruleSegmentFromRow),
    );
  }

  async saveRuleSegment(shopId: string, segment: RuleSegment): Promise<void> {
    checkShopId(shopId);
    const s = checkRuleSegment(segment);
    await this.#op('saveRuleSegment', () => this.#run(UPSERT_RULE_SEGMENT, shopId, s.key, s.name, s.rule, s.createdAt, s.updatedAt));
  }

  async deleteRuleSegment(shopId: string, key: string): Promise<boolean> {
    checkShopId(shopId);
    checkId('rule segment key', key);
    return this.#op('deleteRuleSegment', () => this.#run('DELETE FROM rule_segments WHERE shop_id = ? AND key = ?', shopId, key) > 0);
  }

  async listHoldoutCohorts(shopId: string): Promise<HoldoutCohort[]> {
    // One read transaction, so that both reads see the same snapshot even with other processes writing.
    return this.#op('listHoldoutCohorts', () =>
      this.#transaction(
        () =>
          holdoutCohortsFromRows(
            this.#all(`SELECT ${HOLDOUT_COHORT_COLUMNS} FROM holdout_cohorts WHERE shop_id = ? ORDER BY segment_key`, shopId),
            this.#all('SELECT segment_key, person_id, grp FROM holdout_members WHERE shop_id = ? ORDER BY segment_key, person_id', shopId),
          ),
        'BEGIN',
      ),
    );
  }

  async startHoldoutCohort(shopId: string, cohort: HoldoutCohort): Promise<boolean> {
    checkShopId(shopId);
    const c = checkHoldoutCohort(cohort);
    return this.#op('startHoldoutCohort', () =>
      this.#transaction(() => {
        if (this.#run(INSERT_HOLDOUT_COHORT, shopId, c.segmentKey, c.startedAt, c.share) === 0) return false; // already recorded
        const insert = this.#statement(INSERT_HOLDOUT_MEMBER);
        for (const personId of c.treated) insert.run(shopId, c.segmentKey, personId, 'treated');
        for (const personId of c.holdout) insert.run(shopId, c.segmentKey, personId, 'holdout');
        return true;
      }),
    );
  }

  async startRun(shopId: string, trigger: string, now: string): Promise<RunRecord> {
    checkShopId(shopId);
    const run: RunRecord = { id: randomUUID(), shopId, trigger, status: 'running', startedAt: now, finishedAt: null, report: {} };
    await this.#op('startRun', () =>
      this.#run(`INSERT INTO runs (${RUN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`, shopId, run.id, trigger, run.status, now, null, '{}'),
    );
    return run;
  }

  async finishRun(shopId: string, runId: string, status: Exclude<RunStatus, 'running'>, report: Record<string, unknown>, now: string): Promise<void> {
    const json = JSON.stringify(report);
    const changed = await this.#op('finishRun', () =>
      this.#run('UPDATE runs SET status = ?, finished_at = ?, report = ? WHERE shop_id = ? AND id = ?', status, now, json, shopId, runId),
    );
    if (changed === 0) throw new RefineryError('NOT_FOUND', `run ${runId} of shop ${shopId} not found`);
  }

  async listRuns(shopId: string, limit: number = DEFAULT_RUN_LIMIT): Promise<RunRecord[]> {
    checkPositiveInteger('limit', limit);
    return this.#op('listRuns', () =>
      this.#all(`SELECT ${RUN_COLUMNS} FROM runs WHERE shop_id = ? ORDER BY started_at DESC, id DESC LIMIT ?`, shopId, limit).map(runFromRow),
    );
  }

  // Webhooks and privacy: the programs of privacy-queries.ts, each in one transaction.
  #privacy<T>(operation: string, program: () => SqlProgram<T>, begin: 'BEGIN IMMEDIATE' | 'BEGIN' = 'BEGIN IMMEDIATE'): Promise<T> {
    return this.#op(operation, () =>
      this.#transaction(() => runProgramSync(program(), (step) => {
        const statement = this.#db.prepare(step.sql);
        return step.mode === 'all' ? (statement.all(...step.params) as Row[]) : Number(statement.run(...step.params).changes);
      }), begin),
    );
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
    return this.#privacy('savePrivacyRequest', () => savePrivacyRequestProgram('sqlite', shopId, request));
  }
  getPrivacyRequest(shopId: string, id: string): Promise<PrivacyRequest | null> {
    return this.#privacy('getPrivacyRequest', () => getPrivacyRequestProgram(shopId, id), 'BEGIN');
  }
  listPrivacyRequests(shopId: string | null, options: { topic?: PrivacyRequest['topic']; limit?: number } = {}): Promise<Array<PrivacyRequest & { shopId: string }>> {
    return this.#privacy('listPrivacyRequests', () => listPrivacyRequestsProgram(shopId, options), 'BEGIN');
  }
  collectPersonData(shopId: string, subject: PrivacySubject): Promise<PersonData> {
    return this.#privacy('collectPersonData', () => collectPersonDataProgram('sqlite', shopId, subject), 'BEGIN');
  }
  redactPerson(shopId: string, subject: PrivacySubject, options: { suppress: readonly string[]; keepRequestId: string | null; at: string }): Promise<RedactionCounts> {
    return this.#privacy('redactPerson', () => redactPersonProgram('sqlite', shopId, subject, options));
  }
  privacySalt(shopId: string, at: string): Promise<string> {
    return this.#privacy('privacySalt', () => privacySaltProgram(shopId, at));
  }
  getSuppressions(shopId: string): Promise<Suppressions> {
    return this.#privacy('getSuppressions', () => getSuppressionsProgram(shopId), 'BEGIN');
  }
  privacyEpoch(shopId: string): Promise<string> {
    return this.#privacy('privacyEpoch', () => privacyEpochProgram(shopId), 'BEGIN');
  }

  // Pixel events: the programs of pixel-queries.ts, run like the privacy programs.
  savePixelEvents(shopId: string, events: readonly PixelEventRecord[]): Promise<{ inserted: number; duplicates: number }> {
    return this.#privacy('savePixelEvents', () => savePixelEventsProgram('sqlite', shopId, events));
  }
  listPixelEvents(shopId: string, query: PixelEventQuery): Promise<PixelEventRecord[]> {
    return this.#privacy('listPixelEvents', () => listPixelEventsProgram(shopId, query), 'BEGIN');
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
