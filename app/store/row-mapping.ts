// Maps database rows (same column names in both backends) to the store's records. SQLite returns
// JSON columns as text, PostgreSQL (jsonb) as parsed values; both are accepted.
import { RefineryError } from '../../core/errors.ts';
import type { Contact, Customer, LineItem, MarketingState, Order, SegmentDefinition, Source } from '../../core/model.ts';
import type { HoldoutCohort, RemoteSegment, RuleSegment, RunRecord, RunStatus, SegmentSnapshot, ShopRecord, ShopSettings } from './store.ts';

export type Row = Record<string, unknown>;

/** Settings of a shop that exists but has never had settings saved. */
export const DEFAULT_SHOP_SETTINGS: ShopSettings = { tagPrefix: 'refinery:', shopify: null, hubspot: null };

export const CUSTOMER_COLUMNS = 'source, id, email, marketing_state, first_name, last_name, tags, created_at, updated_at';
export const ORDER_COLUMNS =
  'source, id, customer_id, email, processed_at, cancelled_at, currency, total, refunded, discount, line_items, updated_at';
export const CONTACT_COLUMNS =
  'source, id, email, first_name, last_name, lifecycle_stage, email_delivered, email_opens, email_clicks, email_bounces, ' +
  'email_opt_out, page_views, visits, last_visit_at, created_at, updated_at';
export const REMOTE_SEGMENT_COLUMNS = 'platform, segment_key, remote_id, name, query, updated_at';
export const SNAPSHOT_COLUMNS = 'definition, size, revenue, revenue_share, computed_at';
export const RUN_COLUMNS = 'shop_id, id, trigger, status, started_at, finished_at, report';
export const RULE_SEGMENT_COLUMNS = 'key, name, rule, created_at, updated_at';
export const HOLDOUT_COHORT_COLUMNS = 'segment_key, started_at, share';

function column(row: Row, name: string): unknown {
  if (!(name in row)) throw new Error(`row has no column ${name}`);
  return row[name];
}

function str(row: Row, name: string): string {
  const value = column(row, name);
  if (typeof value !== 'string') throw new Error(`column ${name} is not text`);
  return value;
}

function nullableStr(row: Row, name: string): string | null {
  const value = column(row, name);
  return value === null ? null : str(row, name);
}

function num(row: Row, name: string): number {
  const value = column(row, name);
  const parsed = typeof value === 'number' ? value : typeof value === 'bigint' || typeof value === 'string' ? Number(value) : NaN;
  if (Number.isNaN(parsed)) throw new Error(`column ${name} is not a number`);
  return parsed;
}

function nullableNum(row: Row, name: string): number | null {
  return column(row, name) === null ? null : num(row, name);
}

/** SQLite stores booleans as 0/1, PostgreSQL returns them as booleans. */
function nullableBool(row: Row, name: string): boolean | null {
  const value = column(row, name);
  if (value === null || typeof value === 'boolean') return value;
  if (value === 0 || value === 1 || value === 0n || value === 1n) return Boolean(value);
  throw new Error(`column ${name} is not a boolean`);
}

function json<T>(row: Row, name: string): T {
  const value = column(row, name);
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

export function toCount(row: Row | undefined): number {
  return row === undefined ? 0 : num(row, 'count');
}

export function shopFromRow(row: Row): ShopRecord {
  return { shopId: str(row, 'shop_id'), createdAt: str(row, 'created_at') };
}

/** Settings always read back with a `hubspot` key: null when none was saved (or saved before HubSpot existed). */
export function settingsFromRow(row: Row): ShopSettings {
  if (column(row, 'settings') === null) return structuredClone(DEFAULT_SHOP_SETTINGS);
  const settings = json<ShopSettings>(row, 'settings');
  return { ...settings, hubspot: settings.hubspot ?? null };
}

/**
 * Runs an updateShopSettings callback on a copy of the stored settings (so that a callback that
 * changes its argument in place and then throws changes nothing); refuses a Promise (the
 * callback runs inside a transaction and must be synchronous).
 */
export function applySettingsUpdate(update: (current: ShopSettings | null) => ShopSettings | null, current: ShopSettings | null): ShopSettings | null {
  const next: unknown = update(current === null ? null : structuredClone(current));
  if (typeof (next as { then?: unknown } | null)?.then === 'function') {
    throw new RefineryError('INTERNAL', 'updateShopSettings: the update must be synchronous (do network calls before)');
  }
  return next as ShopSettings | null;
}

/** Settings as getShopSettings would read them back after saving: JSON round trip, hubspot always present. */
export function storedSettings(settings: ShopSettings): ShopSettings {
  const copy = JSON.parse(JSON.stringify(settings)) as ShopSettings;
  return { ...copy, hubspot: copy.hubspot ?? null };
}

export function customerFromRow(row: Row): Customer {
  return {
    source: str(row, 'source') as Source,
    id: str(row, 'id'),
    email: nullableStr(row, 'email'),
    marketingState: nullableStr(row, 'marketing_state') as MarketingState | null,
    firstName: nullableStr(row, 'first_name'),
    lastName: nullableStr(row, 'last_name'),
    tags: json<string[]>(row, 'tags'),
    createdAt: str(row, 'created_at'),
    updatedAt: str(row, 'updated_at'),
  };
}

export function orderFromRow(row: Row): Order {
  return {
    source: str(row, 'source') as Source,
    id: str(row, 'id'),
    customerId: nullableStr(row, 'customer_id'),
    email: nullableStr(row, 'email'),
    processedAt: str(row, 'processed_at'),
    cancelledAt: nullableStr(row, 'cancelled_at'),
    currency: str(row, 'currency'),
    total: num(row, 'total'),
    refunded: num(row, 'refunded'),
    discount: num(row, 'discount'),
    lineItems: json<LineItem[]>(row, 'line_items'),
    updatedAt: str(row, 'updated_at'),
  };
}

export function contactFromRow(row: Row): Contact {
  return {
    source: str(row, 'source') as Contact['source'],
    id: str(row, 'id'),
    email: nullableStr(row, 'email'),
    firstName: nullableStr(row, 'first_name'),
    lastName: nullableStr(row, 'last_name'),
    lifecycleStage: nullableStr(row, 'lifecycle_stage'),
    emailDelivered: nullableNum(row, 'email_delivered'),
    emailOpens: nullableNum(row, 'email_opens'),
    emailClicks: nullableNum(row, 'email_clicks'),
    emailBounces: nullableNum(row, 'email_bounces'),
    emailOptOut: nullableBool(row, 'email_opt_out'),
    pageViews: nullableNum(row, 'page_views'),
    visits: nullableNum(row, 'visits'),
    lastVisitAt: nullableStr(row, 'last_visit_at'),
    createdAt: str(row, 'created_at'),
    updatedAt: str(row, 'updated_at'),
  };
}

export function remoteSegmentFromRow(row: Row): RemoteSegment {
  return {
    platform: str(row, 'platform') as RemoteSegment['platform'],
    segmentKey: str(row, 'segment_key'),
    remoteId: str(row, 'remote_id'),
    name: str(row, 'name'),
    query: str(row, 'query'),
    updatedAt: str(row, 'updated_at'),
  };
}

export function snapshotFromRow(row: Row): SegmentSnapshot {
  return {
    definition: json<SegmentDefinition>(row, 'definition'),
    size: num(row, 'size'),
    revenue: num(row, 'revenue'),
    revenueShare: num(row, 'revenue_share'),
    computedAt: str(row, 'computed_at'),
  };
}

export function runFromRow(row: Row): RunRecord {
  return {
    id: str(row, 'id'),
    shopId: str(row, 'shop_id'),
    trigger: str(row, 'trigger'),
    status: str(row, 'status') as RunStatus,
    startedAt: str(row, 'started_at'),
    finishedAt: nullableStr(row, 'finished_at'),
    report: json<Record<string, unknown>>(row, 'report'),
  };
}

/** Groups (segment_key, customer_id) rows into segment key -> customer ids. */
export function membershipsFromRows(rows: Iterable<Row>): Map<string, Set<string>> {
  const memberships = new Map<string, Set<string>>();
  for (const row of rows) {
    const key = str(row, 'segment_key');
    let members = memberships.get(key);
    if (members === undefined) {
      members = new Set();
      memberships.set(key, members);
    }
    members.add(str(row, 'customer_id'));
  }
  return memberships;
}

/** Groups (contact_id, property, value) rows into contact id -> property -> value. */
export function writtenPropertiesFromRows(rows: Iterable<Row>): Map<string, Record<string, string>> {
  const entries = new Map<string, Array<[string, string]>>();
  for (const row of rows) {
    const contactId = str(row, 'contact_id');
    let properties = entries.get(contactId);
    if (properties === undefined) {
      properties = [];
      entries.set(contactId, properties);
    }
    properties.push([str(row, 'property'), str(row, 'value')]);
  }
  // Object.fromEntries defines own properties, so even a property named __proto__ stays data.
  return new Map([...entries].map(([contactId, properties]) => [contactId, Object.fromEntries(properties)]));
}

/**
 * A saved model state. Both backends select the value as JSON text (PostgreSQL: `value::text`), so
 * that a state that is itself a JSON string is not mistaken for serialised JSON.
 */
export function modelStateFromRow(row: Row): unknown {
  return JSON.parse(str(row, 'value')) as unknown;
}

export function ruleSegmentFromRow(row: Row): RuleSegment {
  return {
    key: str(row, 'key'),
    name: str(row, 'name'),
    rule: str(row, 'rule'),
    createdAt: str(row, 'created_at'),
    updatedAt: str(row, 'updated_at'),
  };
}

/**
 * Joins cohort rows (segment_key, started_at, share; ordered by segment key) with member rows
 * (segment_key, person_id, grp; ordered by segment key and person id) into cohorts whose groups
 * keep the member rows' order.
 */
export function holdoutCohortsFromRows(cohortRows: Iterable<Row>, memberRows: Iterable<Row>): HoldoutCohort[] {
  const cohorts = new Map<string, HoldoutCohort>();
  for (const row of cohortRows) {
    const segmentKey = str(row, 'segment_key');
    cohorts.set(segmentKey, { segmentKey, startedAt: str(row, 'started_at'), share: num(row, 'share'), treated: [], holdout: [] });
  }
  for (const row of memberRows) {
    const cohort = cohorts.get(str(row, 'segment_key'));
    if (cohort === undefined) continue; // a cohort recorded between the two reads
    const group = str(row, 'grp');
    if (group === 'treated') cohort.treated.push(str(row, 'person_id'));
    else if (group === 'holdout') cohort.holdout.push(str(row, 'person_id'));
    else throw new Error(`column grp holds ${JSON.stringify(group)}`);
  }
  return [...cohorts.values()];
}
