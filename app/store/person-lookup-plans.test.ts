// The person lookups (findCustomersByEmail, findContactsByEmail, listOrdersOfCustomers) must be
// index lookups, not scans: checked on each backend's query plan for the very SQL the store runs,
// with a few thousand rows in two shops. SQLite: EXPLAIN QUERY PLAN names the index (checked
// before ANALYZE, as the app never runs it, and after). PostgreSQL: after ANALYZE, no Seq Scan on
// the tables and the index named, for the custom plan and for the generic plan that a prepared
// statement may switch to (no enable_seqscan tweak needed at this size). Also checks that the email
// key trims exactly what String.prototype.trim removes.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import type { Store } from './store.ts';
import { EMAIL_KEY_POSTGRES, EMAIL_KEY_SQLITE, EMAIL_KEY_TRIM_CODES } from './migrations.ts';
import * as postgresSql from './postgres-sql.ts';
import * as sqliteSql from './sqlite-store.ts';
import { contact, customer, order } from './store-fixtures.ts';
import { PG_URL, postgres } from './store-test-backends.ts';
import type { TestDatabase } from './store-test-backends.ts';

const NOW = '2024-05-01T12:00:00.000Z';
const SHOPS = ['plans-a.myshopify.com', 'plans-b.myshopify.com'];
const SHOP = SHOPS[0] ?? '';
const ROWS = 3000;
const REFS = [{ source: 'shopify' as const, id: 'gid://shopify/Customer/1' }, { source: 'csv' as const, id: 'c3' }];

/** A few thousand customers, orders (a sixth of them guests) and contacts per shop. */
async function fill(store: Store): Promise<void> {
  for (const shopId of SHOPS) {
    await store.ensureShop(shopId, NOW);
    const customers = Array.from({ length: ROWS }, (_, i) =>
      i % 3 === 0 ? customer(`c${i}`, { source: 'csv', email: ` Person${i}@Example.com` }) : customer(`gid://shopify/Customer/${i}`, { email: `person${i}@example.com` }),
    );
    const orders = Array.from({ length: ROWS * 2 }, (_, i) => {
      const owner = customers[i % ROWS];
      if (owner === undefined || i % 6 === 5) return order(`o${i}`, null, { email: 'guest@example.com' });
      return order(`o${i}`, owner.id, { source: owner.source, processedAt: `2024-0${1 + (i % 9)}-01T00:00:00Z` });
    });
    const contacts = Array.from({ length: ROWS }, (_, i) => contact(String(i), { email: `person${i}@example.com` }));
    await store.savePage(shopId, { customers, orders, contacts });
  }
}

test('the email key trims exactly what String.prototype.trim removes, in both dialects', () => {
  const trimmed: number[] = [];
  for (let code = 0; code <= 0x10ffff; code += 1) {
    if (code >= 0xd800 && code <= 0xdfff) continue;
    if (`${String.fromCodePoint(code)}a`.trim() === 'a') trimmed.push(code);
  }
  assert.deepEqual(EMAIL_KEY_TRIM_CODES, trimmed);
  const sqliteCodes = /char\(([\d, ]+)\)/.exec(EMAIL_KEY_SQLITE)?.[1]?.split(', ').map(Number);
  assert.deepEqual(sqliteCodes, trimmed);
  const postgresCodes = [...(/E'([^']*)'/.exec(EMAIL_KEY_POSTGRES)?.[1] ?? '').matchAll(/\\u([0-9a-f]{4})/g)].map((m) => parseInt(m[1] ?? '', 16));
  assert.deepEqual(postgresCodes, trimmed);
});

describe('person lookup plans: sqlite', () => {
  let dir: string;
  let store: Store;
  let raw: DatabaseSync;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'refinery-plans-'));
    const path = join(dir, 'refinery.db');
    store = sqliteSql.createSqliteStore({ path });
    await store.migrate();
    await fill(store);
    raw = new DatabaseSync(path);
  });
  after(async () => {
    raw?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function plan(sql: string, ...params: Array<string | number>): string {
    return (raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>).map((row) => row.detail).join('\n');
  }

  function assertSearches(text: string, table: string, index: string): void {
    assert.match(text, new RegExp(`SEARCH ${table} USING INDEX ${index} \\(shop_id=\\? AND`), text);
    assert.doesNotMatch(text, /\bSCAN (customers|contacts|orders|o)\b/, text);
  }

  for (const analyzed of [false, true]) {
    test(`each lookup searches its index (${analyzed ? 'after' : 'before'} ANALYZE)`, () => {
      if (analyzed) raw.exec('ANALYZE');
      assertSearches(plan(sqliteSql.CUSTOMERS_BY_EMAIL, SHOP, 'person7@example.com'), 'customers', 'customers_by_email_key');
      assertSearches(plan(sqliteSql.CONTACTS_BY_EMAIL, SHOP, 'person7@example.com'), 'contacts', 'contacts_by_email_key');
      const orders = plan(sqliteSql.ORDERS_OF_CUSTOMERS, SHOP, sqliteSql.customerRefsJson(REFS));
      assertSearches(orders, 'o', 'orders_by_customer'); // `orders AS o`
      assert.match(orders, /orders_by_customer \(shop_id=\? AND customer_id=\? AND source=\?\)/, orders);
    });
  }

  test('the planned queries return the rows', async () => {
    assert.deepEqual((await store.findCustomersByEmail(SHOP, 'PERSON3@example.com')).map((c) => c.id), ['c3']);
    assert.equal((await store.findContactsByEmail(SHOP, 'person3@example.com')).length, 1);
    const orders = await store.listOrdersOfCustomers(SHOP, REFS);
    assert.deepEqual(orders.map((o) => o.id), ['o3', 'o3003', 'o1', 'o3001']);
  });
});

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

function planNodes(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(planNodes)];
}

describe('person lookup plans: postgres', () => {
  let db: TestDatabase;
  let store: Store;
  let client: pg.Client;

  before(async () => {
    db = postgres.createDatabase();
    store = db.open();
    await store.migrate();
    await fill(store);
    client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 5000, options: `-c search_path=${db.schema ?? ''}` });
    await client.connect();
    await client.query('ANALYZE customers, contacts, orders');
  });
  after(async () => {
    await client?.end();
    await db?.drop();
  });

  async function plan(sql: string, values: unknown[]): Promise<PlanNode[]> {
    const result = await client.query(`EXPLAIN (FORMAT JSON) ${sql}`, values);
    const [row] = result.rows as Array<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>;
    const root = row?.['QUERY PLAN'][0]?.Plan;
    assert.ok(root !== undefined, 'no plan');
    return planNodes(root);
  }

  function assertUses(nodes: PlanNode[], table: string, index: string): void {
    const shown = JSON.stringify(nodes.map((n) => [n['Node Type'], n['Relation Name'], n['Index Name']]));
    assert.ok(!nodes.some((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === table), `Seq Scan on ${table}: ${shown}`);
    assert.ok(nodes.some((n) => n['Index Name'] === index), `${index} not used: ${shown}`);
  }

  const lookups = [
    { name: 'customers', sql: postgresSql.CUSTOMERS_BY_EMAIL, types: 'text, text', args: `'${SHOP}', 'person7@example.com'`, values: [SHOP, 'person7@example.com'], index: 'customers_by_email_key' },
    { name: 'contacts', sql: postgresSql.CONTACTS_BY_EMAIL, types: 'text, text', args: `'${SHOP}', 'person7@example.com'`, values: [SHOP, 'person7@example.com'], index: 'contacts_by_email_key' },
    {
      name: 'orders', sql: postgresSql.ORDERS_OF_CUSTOMERS, types: 'text, text[], text[]', args: `'${SHOP}', '{shopify,csv}', '{gid://shopify/Customer/1,c3}'`,
      values: [SHOP, REFS.map((r) => r.source), REFS.map((r) => r.id)], index: 'orders_by_customer',
    },
  ];

  test('each lookup is an index scan (custom plan, after ANALYZE)', async () => {
    for (const lookup of lookups) assertUses(await plan(lookup.sql, lookup.values), lookup.name, lookup.index);
  });

  test('each lookup is an index scan in the generic plan a prepared statement may switch to', async () => {
    await client.query('SET plan_cache_mode = force_generic_plan');
    try {
      for (const lookup of lookups) {
        await client.query(`PREPARE plan_${lookup.name} (${lookup.types}) AS ${lookup.sql}`);
        assertUses(await plan(`EXECUTE plan_${lookup.name} (${lookup.args})`, []), lookup.name, lookup.index);
        await client.query(`DEALLOCATE plan_${lookup.name}`);
      }
    } finally {
      await client.query('RESET plan_cache_mode');
    }
  });

  test('the planned queries return the rows', async () => {
    assert.deepEqual((await store.findCustomersByEmail(SHOP, 'PERSON3@example.com')).map((c) => c.id), ['c3']);
    assert.equal((await store.findContactsByEmail(SHOP, 'person3@example.com')).length, 1);
    const orders = await store.listOrdersOfCustomers(SHOP, REFS);
    assert.deepEqual(orders.map((o) => o.id), ['o3', 'o3003', 'o1', 'o3001']);
  });
});
