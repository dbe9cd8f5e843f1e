// The pixel-event operations of the store (migration 7), written once for both backends as SQL
// programs (privacy-queries.ts runs them: SQLite synchronously inside its transaction, PostgreSQL on
// one transaction's connection). The web pixel's events are checked at the HTTP boundary
// (app/pixel/pixel-schema.ts); these checks keep the table sound whoever calls.
import { RefineryError } from '../../core/errors.ts';
import { checkPositiveInteger, checkShopId } from './input-checks.ts';
import type { Dialect, SqlParam, SqlProgram, SqlStep } from './privacy-queries.ts';
import type { Row } from './row-mapping.ts';

/** One storefront event as stored. */
export interface PixelEventRecord {
  /** The pixel's id of the event (unique per shop: a replay is a duplicate). */
  eventId: string;
  /** The anonymous browser id the pixel keeps. */
  clientId: string;
  /** The Shopify customer GID (`gid://shopify/Customer/<id>`) when the storefront knew the customer, else null. */
  customerId: string | null;
  /** The standard event name, e.g. `product_viewed`. */
  name: string;
  /** When the event happened, ISO-8601. */
  occurredAt: string;
  url: string | null;
  /** The event's details (product, price, search query...), a JSON object. */
  data: Record<string, unknown>;
  /** When the endpoint received it, ISO-8601. */
  receivedAt: string;
}

export interface PixelEventQuery {
  /** Only this customer's events (the customer GID). */
  customerId?: string;
  /** Only events that occurred at or after this instant (ISO-8601). */
  since?: string;
  /** At most this many (1 to 10,000). */
  limit: number;
}

/** One customer's event as the behaviour features read it (no url or data). */
export interface CustomerPixelEvent {
  /** The Shopify customer GID. */
  customerId: string;
  clientId: string;
  name: string;
  occurredAt: string;
  eventId: string;
}

export interface CustomerPixelEventQuery {
  /** Only events that occurred at or after this instant (ISO-8601). */
  since: string;
  /** Keyset: only events after this (customerId, occurredAt, eventId), in that order. */
  after?: readonly [string, string, string] | null;
  /** Only these event names (1 to 20 names), else all. */
  names?: readonly string[];
  /** At most this many (1 to 10,000). */
  limit: number;
}

/** Events per savePixelEvents call (the endpoint sends at most 50). */
export const MAX_PIXEL_EVENTS_PER_SAVE = 1000;
export const MAX_PIXEL_EVENT_LIST = 10_000;

const COLUMNS = 'event_id, client_id, customer_id, name, occurred_at, url, data, received_at';
const CUSTOMER_GID = /^gid:\/\/shopify\/Customer\/[1-9][0-9]{0,19}$/;

function* all(sql: string, params: SqlParam[]): SqlProgram<Row[]> {
  return (yield { sql, params, mode: 'all' } satisfies SqlStep) as Row[];
}

function* run(sql: string, params: SqlParam[]): SqlProgram<number> {
  return (yield { sql, params, mode: 'run' } satisfies SqlStep) as number;
}

function invalid(index: number, message: string): RefineryError {
  return new RefineryError('VALIDATION', `pixel event ${index}: ${message}`);
}

function checkText(index: number, name: string, value: unknown, max: number, nullable = false): void {
  if (nullable && value === null) return;
  if (typeof value !== 'string' || value.length === 0 || value.length > max || value.includes('\u0000')) {
    throw invalid(index, `${name} must be a non-empty string of at most ${max} characters without NUL characters`);
  }
}

function checkTimestamp(index: number, name: string, value: unknown): void {
  if (typeof value !== 'string' || value === '' || Number.isNaN(Date.parse(value))) throw invalid(index, `${name} must be an ISO-8601 timestamp`);
}

/** The event's data as JSON text: a plain object, without NUL characters (PostgreSQL cannot store them). */
function dataJson(index: number, data: unknown): string {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw invalid(index, 'data must be a JSON object');
  let json: string | undefined;
  try {
    json = JSON.stringify(data);
  } catch {
    json = undefined;
  }
  if (json === undefined || json.includes('\\u0000') || json.length > 20_000) throw invalid(index, 'data must be serialisable JSON of at most 20,000 characters without NUL characters');
  return json;
}

export function* savePixelEventsProgram(d: Dialect, shopId: string, events: readonly PixelEventRecord[]): SqlProgram<{ inserted: number; duplicates: number }> {
  checkShopId(shopId);
  if (!Array.isArray(events) || events.length > MAX_PIXEL_EVENTS_PER_SAVE) throw new RefineryError('INPUT', `events must be an array of at most ${MAX_PIXEL_EVENTS_PER_SAVE}`);
  const rows = events.map((e, i) => {
    checkText(i, 'eventId', e.eventId, 200);
    checkText(i, 'clientId', e.clientId, 200);
    checkText(i, 'name', e.name, 100);
    checkText(i, 'url', e.url, 2048, true);
    if (e.customerId !== null && (typeof e.customerId !== 'string' || !CUSTOMER_GID.test(e.customerId))) throw invalid(i, 'customerId must be a Shopify customer GID or null');
    checkTimestamp(i, 'occurredAt', e.occurredAt);
    checkTimestamp(i, 'receivedAt', e.receivedAt);
    return [e.eventId, e.clientId, e.customerId, e.name, e.occurredAt, e.url, dataJson(i, e.data), e.receivedAt] as SqlParam[];
  });
  let inserted = 0;
  for (const row of rows) {
    inserted += yield* run(
      `INSERT INTO pixel_events (shop_id, ${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ${d === 'sqlite' ? '?' : '?::jsonb'}, ?) ON CONFLICT (shop_id, event_id) DO NOTHING`,
      [shopId, ...row],
    );
  }
  return { inserted, duplicates: rows.length - inserted };
}

function eventFromRow(row: Row): PixelEventRecord {
  const data = row['data'];
  const nullable = (value: unknown) => (value === null || value === undefined ? null : String(value));
  return {
    eventId: String(row['event_id']),
    clientId: String(row['client_id']),
    customerId: nullable(row['customer_id']),
    name: String(row['name']),
    occurredAt: String(row['occurred_at']),
    url: nullable(row['url']),
    data: (typeof data === 'string' ? JSON.parse(data) : data) as Record<string, unknown>,
    receivedAt: String(row['received_at']),
  };
}

export function* listPixelEventsProgram(shopId: string, query: PixelEventQuery): SqlProgram<PixelEventRecord[]> {
  const limit = checkPositiveInteger('limit', query.limit);
  if (limit > MAX_PIXEL_EVENT_LIST) throw new RefineryError('INPUT', `limit must be at most ${MAX_PIXEL_EVENT_LIST}`);
  const where = ['shop_id = ?'];
  const params: SqlParam[] = [shopId];
  if (query.customerId !== undefined) {
    if (typeof query.customerId !== 'string' || query.customerId === '') throw new RefineryError('INPUT', 'customerId must be a non-empty string');
    where.push('customer_id = ?');
    params.push(query.customerId);
  }
  if (query.since !== undefined) {
    if (typeof query.since !== 'string' || Number.isNaN(Date.parse(query.since))) throw new RefineryError('INPUT', 'since must be an ISO-8601 timestamp');
    where.push('occurred_at >= ?');
    params.push(query.since);
  }
  const rows = yield* all(`SELECT ${COLUMNS} FROM pixel_events WHERE ${where.join(' AND ')} ORDER BY occurred_at, event_id LIMIT ?`, [...params, limit]);
  return rows.map(eventFromRow);
}

/**
 * Events of known customers, by (customer, time, event id): keyset pages for the batch features,
 * served by the index pixel_events_by_customer.
 */
export function* customerPixelEventsProgram(shopId: string, query: CustomerPixelEventQuery): SqlProgram<CustomerPixelEvent[]> {
  const limit = checkPositiveInteger('limit', query.limit);
  if (limit > MAX_PIXEL_EVENT_LIST) throw new RefineryError('INPUT', `limit must be at most ${MAX_PIXEL_EVENT_LIST}`);
  if (typeof query.since !== 'string' || Number.isNaN(Date.parse(query.since))) throw new RefineryError('INPUT', 'since must be an ISO-8601 timestamp');
  const where = ['shop_id = ?', 'customer_id IS NOT NULL', 'occurred_at >= ?'];
  const params: SqlParam[] = [shopId, query.since];
  if (query.names !== undefined) {
    if (!Array.isArray(query.names) || query.names.length === 0 || query.names.length > 20 || query.names.some((n) => typeof n !== 'string' || n === '')) {
      throw new RefineryError('INPUT', 'names must be 1 to 20 non-empty strings');
    }
    where.push(`name IN (${query.names.map(() => '?').join(', ')})`);
    params.push(...query.names);
  }
  if (query.after) {
    if (query.after.length !== 3 || query.after.some((v) => typeof v !== 'string')) throw new RefineryError('INPUT', 'after must be [customerId, occurredAt, eventId]');
    where.push('(customer_id, occurred_at, event_id) > (?, ?, ?)');
    params.push(...query.after);
  }
  const rows = yield* all(
    `SELECT customer_id, client_id, name, occurred_at, event_id FROM pixel_events WHERE ${where.join(' AND ')} ORDER BY customer_id, occurred_at, event_id LIMIT ?`,
    [...params, limit],
  );
  return rows.map((row) => ({
    customerId: String(row['customer_id']),
    clientId: String(row['client_id']),
    name: String(row['name']),
    occurredAt: String(row['occurred_at']),
    eventId: String(row['event_id']),
  }));
}

/** Retention: deletes the shop's events that occurred before `before` (ISO-8601); returns how many. */
export function* deletePixelEventsBeforeProgram(shopId: string, before: string): SqlProgram<number> {
  checkShopId(shopId);
  if (typeof before !== 'string' || Number.isNaN(Date.parse(before))) throw new RefineryError('INPUT', 'before must be an ISO-8601 timestamp');
  return yield* run('DELETE FROM pixel_events WHERE shop_id = ? AND occurred_at < ?', [shopId, new Date(Date.parse(before)).toISOString()]);
}

export function* countPixelEventsProgram(shopId: string): SqlProgram<number> {
  const [row] = yield* all('SELECT count(*) AS n FROM pixel_events WHERE shop_id = ?', [shopId]);
  return Number(row?.['n'] ?? 0);
}

/** A customer's events, for a data request (customer GIDs). */
export function* pixelEventsOfCustomers(shopId: string, customerIds: readonly string[]): SqlProgram<PixelEventRecord[]> {
  if (customerIds.length === 0) return [];
  const rows = yield* all(
    `SELECT ${COLUMNS} FROM pixel_events WHERE shop_id = ? AND customer_id IN (${customerIds.map(() => '?').join(', ')}) ORDER BY occurred_at, event_id`,
    [shopId, ...customerIds],
  );
  return rows.map(eventFromRow);
}

/** Deletes a customer's events (customers/redact); returns how many. */
export function* deletePixelEventsOfCustomers(shopId: string, customerIds: readonly string[]): SqlProgram<number> {
  if (customerIds.length === 0) return 0;
  return yield* run(`DELETE FROM pixel_events WHERE shop_id = ? AND customer_id IN (${customerIds.map(() => '?').join(', ')})`, [shopId, ...customerIds]);
}
