// The webhook and privacy operations of the store (migration 6), written once for both backends.
// Each operation is a generator of SQL steps (`?` placeholders) that receives each step's rows or
// change count: SQLite drives it synchronously inside its synchronous transaction, PostgreSQL
// asynchronously on one transaction's connection (placeholders renumbered to $n). The few dialect
// differences (the email key expression of migration 4, JSON columns as text or jsonb) are named.
import { randomBytes } from 'node:crypto';
import { RefineryError } from '../../core/errors.ts';
import { emailPersonId, normaliseEmail, sourceKey } from '../../core/identity.ts';
import type { Contact, Customer, Order } from '../../core/model.ts';
import { checkId, checkPositiveInteger, checkShopId } from './input-checks.ts';
import { EMAIL_KEY_POSTGRES, EMAIL_KEY_SQLITE } from './migrations.ts';
import {
  COMPLIANCE_TOPICS, type PersonData, type PrivacyRequest, type PrivacySubject, type RedactionCounts, type Suppressions, type WebhookDelivery,
} from './privacy-records.ts';
import { mentions, scrubJson, tokenPattern } from './privacy-scrub.ts';
import { deletePixelEventsOfCustomers, pixelEventsOfCustomers } from './pixel-queries.ts';
import { CONTACT_COLUMNS, CUSTOMER_COLUMNS, ORDER_COLUMNS, contactFromRow, customerFromRow, orderFromRow, type Row } from './row-mapping.ts';

export type Dialect = 'sqlite' | 'postgres';
export type SqlParam = string | number | null;
export interface SqlStep {
  sql: string;
  params: SqlParam[];
  mode: 'all' | 'run';
}
export type SqlProgram<T> = Generator<SqlStep, T, Row[] | number>;

/** Runs a program with a synchronous executor (SQLite). */
export function runProgramSync<T>(program: SqlProgram<T>, exec: (step: SqlStep) => Row[] | number): T {
  let step = program.next(undefined as unknown as Row[]);
  while (!step.done) step = program.next(exec(step.value));
  return step.value;
}

/** Runs a program with an asynchronous executor (PostgreSQL). */
export async function runProgramAsync<T>(program: SqlProgram<T>, exec: (step: SqlStep) => Promise<Row[] | number>): Promise<T> {
  let step = program.next(undefined as unknown as Row[]);
  while (!step.done) step = program.next(await exec(step.value));
  return step.value;
}

/** `?` placeholders as PostgreSQL's `$1, $2...` (the SQL of this file has no other `?`). */
export function postgresPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

function* all(sql: string, params: SqlParam[]): SqlProgram<Row[]> {
  return (yield { sql, params, mode: 'all' }) as Row[];
}

function* run(sql: string, params: SqlParam[]): SqlProgram<number> {
  return (yield { sql, params, mode: 'run' }) as number;
}

const emailKey = (d: Dialect) => (d === 'sqlite' ? EMAIL_KEY_SQLITE : EMAIL_KEY_POSTGRES);
const jsonParam = (d: Dialect) => (d === 'sqlite' ? '?' : '?::jsonb');
/**
 * The column's text contains the (lower-case) parameter, ignoring ASCII case: a substring test, a
 * pre-filter only. Every row it finds is checked for whole tokens (privacy-scrub.ts) before it is
 * reported, rewritten or deleted (`bob@example.com` is a substring of `jbob@example.com`).
 */
const containsParam = (d: Dialect, column: string) => (d === 'sqlite' ? `instr(lower(${column}), ?) > 0` : `strpos(lower(${column}::text), ?) > 0`);
const list = (values: readonly unknown[]) => `(${values.map(() => '?').join(', ')})`;
const parseJson = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value);
const str = (value: unknown): string => String(value);
const nullableStr = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

function checkText(name: string, value: unknown, nullable = false): void {
  if (nullable && value === null) return;
  if (typeof value !== 'string' || value.length === 0 || value.includes('\u0000')) {
    throw new RefineryError('VALIDATION', `${name} must be a non-empty string without NUL characters`);
  }
}

// --- webhook deliveries ----------------------------------------------------------------------

export function* claimDelivery(shopId: string, delivery: WebhookDelivery, forgetBefore: string): SqlProgram<boolean> {
  checkShopId(shopId);
  checkText('source', delivery.source);
  checkText('delivery id', delivery.deliveryId);
  checkText('topic', delivery.topic);
  checkText('subject', delivery.subject, true);
  checkText('triggeredAt', delivery.triggeredAt, true);
  checkText('receivedAt', delivery.receivedAt);
  yield* run('DELETE FROM webhook_deliveries WHERE shop_id = ? AND received_at < ?', [shopId, forgetBefore]);
  const inserted = yield* run(
    `INSERT INTO webhook_deliveries (shop_id, source, delivery_id, topic, subject, triggered_at, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (shop_id, source, delivery_id) DO NOTHING`,
    [shopId, delivery.source, delivery.deliveryId, delivery.topic, delivery.subject, delivery.triggeredAt, delivery.receivedAt],
  );
  return inserted > 0;
}

export function* releaseDelivery(shopId: string, source: string, deliveryId: string): SqlProgram<void> {
  yield* run('DELETE FROM webhook_deliveries WHERE shop_id = ? AND source = ? AND delivery_id = ?', [shopId, source, deliveryId]);
}

function deliveryFromRow(row: Row): WebhookDelivery {
  return {
    source: str(row['source']) as WebhookDelivery['source'],
    deliveryId: str(row['delivery_id']),
    topic: str(row['topic']),
    subject: nullableStr(row['subject']),
    triggeredAt: nullableStr(row['triggered_at']),
    receivedAt: str(row['received_at']),
  };
}

export function* deleteCustomerProgram(shopId: string, source: Customer['source'], id: string): SqlProgram<boolean> {
  checkShopId(shopId);
  checkId('customer id', id);
  const found = (yield* run('DELETE FROM customers WHERE shop_id = ? AND source = ? AND id = ?', [shopId, source, id])) > 0;
  if (source === 'shopify') yield* run("DELETE FROM written_memberships WHERE shop_id = ? AND platform = 'shopify' AND customer_id = ?", [shopId, id]);
  return found;
}

// --- privacy requests ------------------------------------------------------------------------

const REQUEST_COLUMNS = 'shop_id, id, topic, subject, status, received_at, completed_at, payload, result';

function requestFromRow(row: Row): PrivacyRequest & { shopId: string } {
  return {
    shopId: str(row['shop_id']),
    id: str(row['id']),
    topic: str(row['topic']) as PrivacyRequest['topic'],
    subject: nullableStr(row['subject']),
    status: str(row['status']) as PrivacyRequest['status'],
    receivedAt: str(row['received_at']),
    completedAt: nullableStr(row['completed_at']),
    payload: (parseJson(row['payload']) ?? null) as Record<string, unknown> | null,
    result: (parseJson(row['result']) ?? null) as Record<string, unknown> | null,
  };
}

export function* savePrivacyRequestProgram(d: Dialect, shopId: string, r: PrivacyRequest): SqlProgram<void> {
  checkShopId(shopId);
  checkText('request id', r.id);
  if (!(COMPLIANCE_TOPICS as readonly string[]).includes(r.topic)) throw new RefineryError('VALIDATION', `unknown compliance topic ${JSON.stringify(r.topic)}`);
  checkText('subject', r.subject, true);
  checkText('receivedAt', r.receivedAt);
  checkText('completedAt', r.completedAt, true);
  const payload = r.payload === null ? null : JSON.stringify(r.payload);
  const result = r.result === null ? null : JSON.stringify(r.result);
  for (const text of [payload, result]) if (text?.includes('\\u0000')) throw new RefineryError('VALIDATION', 'privacy request JSON must not contain NUL characters');
  yield* run(
    `INSERT INTO privacy_requests (${REQUEST_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ${jsonParam(d)}, ${jsonParam(d)})
     ON CONFLICT (shop_id, id) DO UPDATE SET topic = excluded.topic, subject = excluded.subject, status = excluded.status,
       received_at = excluded.received_at, completed_at = excluded.completed_at, payload = excluded.payload, result = excluded.result`,
    [shopId, r.id, r.topic, r.subject, r.status, r.receivedAt, r.completedAt, payload, result],
  );
}

export function* getPrivacyRequestProgram(shopId: string, id: string): SqlProgram<PrivacyRequest | null> {
  const [row] = yield* all(`SELECT ${REQUEST_COLUMNS} FROM privacy_requests WHERE shop_id = ? AND id = ?`, [shopId, id]);
  if (row === undefined) return null;
  const { shopId: _shop, ...request } = requestFromRow(row);
  return request;
}

export function* listPrivacyRequestsProgram(
  shopId: string | null,
  options: { topic?: PrivacyRequest['topic']; limit?: number },
): SqlProgram<Array<PrivacyRequest & { shopId: string }>> {
  const limit = checkPositiveInteger('limit', options.limit ?? 100);
  const where: string[] = [];
  const params: SqlParam[] = [];
  if (shopId !== null) {
    where.push('shop_id = ?');
    params.push(shopId);
  }
  if (options.topic !== undefined) {
    where.push('topic = ?');
    params.push(options.topic);
  }
  const rows = yield* all(
    `SELECT ${REQUEST_COLUMNS} FROM privacy_requests ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY received_at DESC, shop_id, id LIMIT ?`,
    [...params, limit],
  );
  return rows.map(requestFromRow);
}

// --- suppressions ----------------------------------------------------------------------------

export function* privacySaltProgram(shopId: string, at: string): SqlProgram<string> {
  checkShopId(shopId);
  yield* run('INSERT INTO privacy_salts (shop_id, salt, created_at) VALUES (?, ?, ?) ON CONFLICT (shop_id) DO NOTHING', [
    shopId, randomBytes(32).toString('base64url'), at,
  ]);
  const [row] = yield* all('SELECT salt FROM privacy_salts WHERE shop_id = ?', [shopId]);
  if (row === undefined) throw new RefineryError('STORE', `no privacy salt for ${shopId}`);
  return str(row['salt']);
}

export function* getSuppressionsProgram(shopId: string): SqlProgram<Suppressions> {
  const [salt] = yield* all('SELECT salt FROM privacy_salts WHERE shop_id = ?', [shopId]);
  if (salt === undefined) return { salt: null, digests: new Set() };
  const rows = yield* all('SELECT digest FROM privacy_suppressions WHERE shop_id = ?', [shopId]);
  return { salt: str(salt['salt']), digests: new Set(rows.map((r) => str(r['digest']))) };
}

/**
 * The shop's privacy epoch: the count and the latest time of its suppression digests. Every
 * customer redaction adds digests, so the value changes with each (and with a shop redaction,
 * which removes them); one indexed aggregate, cheap enough to read on every API request.
 */
export function* privacyEpochProgram(shopId: string): SqlProgram<string> {
  const [row] = yield* all('SELECT count(*) AS n, max(created_at) AS latest FROM privacy_suppressions WHERE shop_id = ?', [shopId]);
  return `${Number(row?.['n'] ?? 0)}:${nullableStr(row?.['latest']) ?? ''}`;
}

// --- finding a person ------------------------------------------------------------------------

interface Found {
  customers: Customer[];
  orders: Order[];
  contacts: Contact[];
  personIds: string[];
  shopifyIds: string[];
  contactIds: string[];
  /** Subjects of webhook deliveries: customer and order GIDs. */
  subjects: string[];
  /** Lower-case identifiers searched for in stored JSON. */
  tokens: string[];
}

/** The JSON columns that could mention a person: table, key column, JSON column. */
const JSON_COLUMNS: ReadonlyArray<readonly [string, string, string]> = [
  ['runs', 'id', 'report'],
  ['model_states', 'name', 'value'],
  ['segment_snapshots', 'segment_key', 'definition'],
];

function checkSubject(subject: PrivacySubject): PrivacySubject {
  const ids = (name: string, values: unknown) => {
    if (!Array.isArray(values) || values.length > 10_000) throw new RefineryError('INPUT', `${name} must be an array of at most 10000 ids`);
    for (const v of values) checkText(name, v);
    return [...new Set(values as string[])];
  };
  const emails = ids('emails', subject.emails).map((e) => normaliseEmail(e)).filter((e): e is string => e !== null);
  return { shopifyCustomerIds: ids('shopifyCustomerIds', subject.shopifyCustomerIds), emails: [...new Set(emails)], shopifyOrderIds: ids('shopifyOrderIds', subject.shopifyOrderIds) };
}

function* findPerson(d: Dialect, shopId: string, given: PrivacySubject): SqlProgram<Found> {
  const subject = checkSubject(given);
  const customers = new Map<string, Customer>();
  const add = (c: Customer) => customers.set(`${c.source}\u0000${c.id}`, c);
  if (subject.shopifyCustomerIds.length > 0) {
    const rows = yield* all(`SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE shop_id = ? AND source = 'shopify' AND id IN ${list(subject.shopifyCustomerIds)}`, [
      shopId, ...subject.shopifyCustomerIds,
    ]);
    rows.map(customerFromRow).forEach(add);
  }
  const contacts = new Map<string, Contact>();
  for (const email of subject.emails) {
    (yield* all(`SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE shop_id = ? AND ${emailKey(d)} = ?`, [shopId, email])).map(customerFromRow).forEach(add);
    for (const row of yield* all(`SELECT ${CONTACT_COLUMNS} FROM contacts WHERE shop_id = ? AND ${emailKey(d)} = ?`, [shopId, email])) {
      const contact = contactFromRow(row);
      contacts.set(contact.id, contact);
    }
  }
  const orders = new Map<string, Order>();
  const addOrder = (o: Order) => orders.set(`${o.source}\u0000${o.id}`, o);
  const refs = new Map<string, [string, string]>();
  for (const c of customers.values()) refs.set(`${c.source}\u0000${c.id}`, [c.source, c.id]);
  for (const id of subject.shopifyCustomerIds) refs.set(`shopify\u0000${id}`, ['shopify', id]);
  for (const [source, id] of refs.values()) {
    (yield* all(`SELECT ${ORDER_COLUMNS} FROM orders WHERE shop_id = ? AND source = ? AND customer_id = ?`, [shopId, source, id])).map(orderFromRow).forEach(addOrder);
  }
  if (subject.shopifyOrderIds.length > 0) {
    (yield* all(`SELECT ${ORDER_COLUMNS} FROM orders WHERE shop_id = ? AND source = 'shopify' AND id IN ${list(subject.shopifyOrderIds)}`, [
      shopId, ...subject.shopifyOrderIds,
    ])).map(orderFromRow).forEach(addOrder);
  }
  for (const email of subject.emails) {
    (yield* all(`SELECT ${ORDER_COLUMNS} FROM orders WHERE shop_id = ? AND ${emailKey(d)} = ?`, [shopId, email])).map(orderFromRow).forEach(addOrder);
  }
  const shopifyIds = [...new Set([...subject.shopifyCustomerIds, ...[...customers.values()].filter((c) => c.source === 'shopify').map((c) => c.id)])];
  const contactIds = [...contacts.keys()];
  const personIds = new Set<string>();
  for (const email of subject.emails) personIds.add(emailPersonId(email));
  for (const c of customers.values()) {
    const email = normaliseEmail(c.email);
    personIds.add(email ? emailPersonId(email) : sourceKey(c.source, c.id));
    personIds.add(sourceKey(c.source, c.id));
  }
  for (const id of subject.shopifyCustomerIds) personIds.add(sourceKey('shopify', id));
  for (const id of contactIds) personIds.add(sourceKey('hubspot', id));
  const orderIds = [...new Set([...subject.shopifyOrderIds, ...[...orders.values()].filter((o) => o.source === 'shopify').map((o) => o.id)])];
  const subjects = [...shopifyIds, ...orderIds];
  const tokens = [...new Set([...subject.emails, ...shopifyIds, ...personIds, ...orderIds].map((t) => t.toLowerCase()))];
  return {
    customers: [...customers.values()], orders: [...orders.values()], contacts: [...contacts.values()],
    personIds: [...personIds].sort(), shopifyIds, contactIds, subjects, tokens,
  };
}

/**
 * Rows of the JSON columns that mention a token as a whole token: [table, key column, JSON column,
 * key, value]. The SQL pre-filters by substring; the parsed value is checked here.
 */
function* findMentions(d: Dialect, shopId: string, tokens: readonly string[]): SqlProgram<Array<[string, string, string, string, unknown]>> {
  const found: Array<[string, string, string, string, unknown]> = [];
  if (tokens.length === 0) return found;
  const pattern = tokenPattern(tokens);
  for (const [table, key, column] of JSON_COLUMNS) {
    const rows = yield* all(
      `SELECT ${key} AS k, ${column} AS v FROM ${table} WHERE shop_id = ? AND (${tokens.map(() => containsParam(d, column)).join(' OR ')})`,
      [shopId, ...tokens],
    );
    for (const row of rows) {
      const value = parseJson(row['v']);
      if (mentions(JSON.stringify(value), pattern)) found.push([table, key, column, str(row['k']), value]);
    }
  }
  return found;
}

function* membershipRows(shopId: string, f: Found): SqlProgram<Row[]> {
  const rows: Row[] = [];
  for (const [platform, ids] of [['shopify', f.shopifyIds], ['hubspot', f.contactIds]] as const) {
    if (ids.length === 0) continue;
    rows.push(...(yield* all(
      `SELECT platform, segment_key, customer_id, written_at FROM written_memberships WHERE shop_id = ? AND platform = ? AND customer_id IN ${list(ids)} ORDER BY segment_key, customer_id`,
      [shopId, platform, ...ids],
    )));
  }
  return rows;
}

export function* collectPersonDataProgram(d: Dialect, shopId: string, subject: PrivacySubject): SqlProgram<PersonData> {
  const f = yield* findPerson(d, shopId, subject);
  const memberships = yield* membershipRows(shopId, f);
  const properties = f.contactIds.length === 0 ? [] : yield* all(
    `SELECT contact_id, property, value, written_at FROM written_properties WHERE shop_id = ? AND contact_id IN ${list(f.contactIds)} ORDER BY contact_id, property`,
    [shopId, ...f.contactIds],
  );
  const holdout = f.personIds.length === 0 ? [] : yield* all(
    `SELECT segment_key, person_id, grp FROM holdout_members WHERE shop_id = ? AND person_id IN ${list(f.personIds)} ORDER BY segment_key, person_id`,
    [shopId, ...f.personIds],
  );
  const deliveries = f.subjects.length === 0 ? [] : yield* all(
    `SELECT source, delivery_id, topic, subject, triggered_at, received_at FROM webhook_deliveries WHERE shop_id = ? AND subject IN ${list(f.subjects)} ORDER BY received_at, delivery_id`,
    [shopId, ...f.subjects],
  );
  const pixelEvents = yield* pixelEventsOfCustomers(shopId, f.shopifyIds);
  const found = yield* findMentions(d, shopId, f.tokens);
  return {
    customers: f.customers,
    orders: f.orders,
    contacts: f.contacts,
    personIds: f.personIds,
    writtenMemberships: memberships.map((r) => ({ platform: str(r['platform']), segmentKey: str(r['segment_key']), recordId: str(r['customer_id']), writtenAt: str(r['written_at']) })),
    writtenProperties: properties.map((r) => ({ contactId: str(r['contact_id']), property: str(r['property']), value: str(r['value']), writtenAt: str(r['written_at']) })),
    holdoutCohorts: holdout.map((r) => ({ segmentKey: str(r['segment_key']), personId: str(r['person_id']), group: str(r['grp']) })),
    webhookDeliveries: deliveries.map(deliveryFromRow),
    pixelEvents,
    mentions: found.map(([table, , , key]) => ({ table, key })),
  };
}

/**
 * Whether a compliance request is the person's own: its subject is one of their Shopify customer
 * GIDs, or its payload's customer (Shopify's `customer: {id, email}`) is one of them, compared
 * exactly (the GID, or the normalised email as a person id).
 */
function isOwnRequest(f: Found, subject: string | null, payload: unknown): boolean {
  if (subject !== null && f.shopifyIds.includes(subject)) return true;
  const customer = typeof payload === 'object' && payload !== null ? (payload as { customer?: unknown }).customer : undefined;
  if (typeof customer !== 'object' || customer === null) return false;
  const { id, email } = customer as { id?: unknown; email?: unknown };
  if ((typeof id === 'number' || typeof id === 'string') && f.shopifyIds.includes(`gid://shopify/Customer/${String(id)}`)) return true;
  const normalised = typeof email === 'string' ? normaliseEmail(email) : null;
  return normalised !== null && f.personIds.includes(emailPersonId(normalised));
}

export function* redactPersonProgram(
  d: Dialect,
  shopId: string,
  subject: PrivacySubject,
  options: { suppress: readonly string[]; keepRequestId: string | null; at: string },
): SqlProgram<RedactionCounts> {
  checkShopId(shopId);
  for (const digest of options.suppress) checkText('suppression digest', digest);
  const f = yield* findPerson(d, shopId, subject);
  const counts: RedactionCounts = {};
  const count = (table: string, n: number) => {
    if (n > 0) counts[table] = (counts[table] ?? 0) + n;
  };
  for (const [platform, ids] of [['shopify', f.shopifyIds], ['hubspot', f.contactIds]] as const) {
    if (ids.length > 0) count('written_memberships', yield* run(`DELETE FROM written_memberships WHERE shop_id = ? AND platform = ? AND customer_id IN ${list(ids)}`, [shopId, platform, ...ids]));
  }
  if (f.contactIds.length > 0) {
    count('written_properties', yield* run(`DELETE FROM written_properties WHERE shop_id = ? AND contact_id IN ${list(f.contactIds)}`, [shopId, ...f.contactIds]));
    count('contacts', yield* run(`DELETE FROM contacts WHERE shop_id = ? AND id IN ${list(f.contactIds)}`, [shopId, ...f.contactIds]));
  }
  for (const o of f.orders) count('orders', yield* run('DELETE FROM orders WHERE shop_id = ? AND source = ? AND id = ?', [shopId, o.source, o.id]));
  for (const c of f.customers) count('customers', yield* run('DELETE FROM customers WHERE shop_id = ? AND source = ? AND id = ?', [shopId, c.source, c.id]));
  if (f.personIds.length > 0) {
    count('holdout_members', yield* run(`DELETE FROM holdout_members WHERE shop_id = ? AND person_id IN ${list(f.personIds)}`, [shopId, ...f.personIds]));
  }
  count('pixel_events', yield* deletePixelEventsOfCustomers(shopId, f.shopifyIds));
  if (f.subjects.length > 0) {
    count('webhook_deliveries', yield* run(`DELETE FROM webhook_deliveries WHERE shop_id = ? AND subject IN ${list(f.subjects)}`, [shopId, ...f.subjects]));
  }
  // Other requests: the person's own (its subject one of their customer GIDs, or the payload's
  // customer theirs) are deleted; another customer's request is never deleted, only scrubbed where
  // its stored JSON names the person (a data request's assembled data may). The SQL finds
  // candidates by substring; each is then checked for whole tokens here.
  const pattern = tokenPattern(f.tokens);
  const about: string[] = [];
  const aboutParams: SqlParam[] = [];
  if (f.shopifyIds.length > 0) {
    about.push(`subject IN ${list(f.shopifyIds)}`);
    aboutParams.push(...f.shopifyIds);
  }
  for (const token of f.tokens) {
    about.push(containsParam(d, 'payload'), containsParam(d, 'result'));
    aboutParams.push(token, token);
  }
  const candidates = about.length === 0 ? [] : yield* all(`SELECT id, subject, payload, result FROM privacy_requests WHERE shop_id = ? AND id <> ? AND (${about.join(' OR ')})`, [
    shopId, options.keepRequestId ?? '', ...aboutParams,
  ]);
  for (const row of candidates) {
    const id = str(row['id']);
    const payload = parseJson(row['payload']) ?? null;
    const result = parseJson(row['result']) ?? null;
    if (isOwnRequest(f, nullableStr(row['subject']), payload)) {
      count('privacy_requests', yield* run('DELETE FROM privacy_requests WHERE shop_id = ? AND id = ?', [shopId, id]));
      continue;
    }
    const scrubbedPayload = scrubJson(payload, pattern);
    const scrubbedResult = scrubJson(result, pattern);
    if (!scrubbedPayload.changed && !scrubbedResult.changed) continue;
    count('privacy_requests', yield* run(`UPDATE privacy_requests SET payload = ${jsonParam(d)}, result = ${jsonParam(d)} WHERE shop_id = ? AND id = ?`, [
      scrubbedPayload.value === null ? null : JSON.stringify(scrubbedPayload.value),
      scrubbedResult.value === null ? null : JSON.stringify(scrubbedResult.value),
      shopId, id,
    ]));
  }
  for (const [table, key, column, keyValue, value] of yield* findMentions(d, shopId, f.tokens)) {
    const scrubbed = scrubJson(value, pattern);
    if (!scrubbed.changed) continue;
    count(table, yield* run(`UPDATE ${table} SET ${column} = ${jsonParam(d)} WHERE shop_id = ? AND ${key} = ?`, [JSON.stringify(scrubbed.value), shopId, keyValue]));
  }
  for (const digest of options.suppress) {
    count('privacy_suppressions', yield* run('INSERT INTO privacy_suppressions (shop_id, digest, created_at) VALUES (?, ?, ?) ON CONFLICT (shop_id, digest) DO NOTHING', [
      shopId, digest, options.at,
    ]));
  }
  return counts;
}
