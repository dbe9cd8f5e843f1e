// SQL text of the PostgreSQL backend. Multi-row writes pass one array per column and expand them
// with unnest(), so a chunk of thousands of rows is one statement with a fixed number of
// parameters. Keys are COLLATE "C" columns, so keyset order is byte order, as in SQLite.
import {
  CONTACT_COLUMNS, CUSTOMER_COLUMNS, HOLDOUT_COHORT_COLUMNS, ORDER_COLUMNS, REMOTE_SEGMENT_COLUMNS, RULE_SEGMENT_COLUMNS, RUN_COLUMNS, SNAPSHOT_COLUMNS,
} from './row-mapping.ts';
import { EMAIL_KEY_POSTGRES } from './migrations.ts';

export const UPSERT_CUSTOMERS = `
INSERT INTO customers (shop_id, ${CUSTOMER_COLUMNS})
SELECT $1, u.source, u.id, u.email, u.marketing_state, u.first_name, u.last_name, u.tags::jsonb, u.created_at, u.updated_at
FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
  AS u (source, id, email, marketing_state, first_name, last_name, tags, created_at, updated_at)
ON CONFLICT (shop_id, source, id) DO UPDATE SET
  email = EXCLUDED.email, marketing_state = EXCLUDED.marketing_state, first_name = EXCLUDED.first_name,
  last_name = EXCLUDED.last_name, tags = EXCLUDED.tags, created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at`;

export const UPSERT_ORDERS = `
INSERT INTO orders (shop_id, ${ORDER_COLUMNS})
SELECT $1, u.source, u.id, u.customer_id, u.email, u.processed_at, u.cancelled_at, u.currency,
  u.total, u.refunded, u.discount, u.line_items::jsonb, u.updated_at
FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
  $9::float8[], $10::float8[], $11::float8[], $12::text[], $13::text[])
  AS u (source, id, customer_id, email, processed_at, cancelled_at, currency, total, refunded, discount, line_items, updated_at)
ON CONFLICT (shop_id, source, id) DO UPDATE SET
  customer_id = EXCLUDED.customer_id, email = EXCLUDED.email, processed_at = EXCLUDED.processed_at,
  cancelled_at = EXCLUDED.cancelled_at, currency = EXCLUDED.currency, total = EXCLUDED.total, refunded = EXCLUDED.refunded,
  discount = EXCLUDED.discount, line_items = EXCLUDED.line_items, updated_at = EXCLUDED.updated_at`;

export const UPSERT_CONTACTS = `
INSERT INTO contacts (shop_id, ${CONTACT_COLUMNS})
SELECT $1, u.source, u.id, u.email, u.first_name, u.last_name, u.lifecycle_stage, u.email_delivered, u.email_opens, u.email_clicks,
  u.email_bounces, u.email_opt_out, u.page_views, u.visits, u.last_visit_at, u.created_at, u.updated_at
FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::bigint[], $10::bigint[],
  $11::bigint[], $12::boolean[], $13::bigint[], $14::bigint[], $15::text[], $16::text[], $17::text[])
  AS u (source, id, email, first_name, last_name, lifecycle_stage, email_delivered, email_opens, email_clicks,
    email_bounces, email_opt_out, page_views, visits, last_visit_at, created_at, updated_at)
ON CONFLICT (shop_id, id) DO UPDATE SET
  email = EXCLUDED.email, first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name, lifecycle_stage = EXCLUDED.lifecycle_stage,
  email_delivered = EXCLUDED.email_delivered, email_opens = EXCLUDED.email_opens, email_clicks = EXCLUDED.email_clicks,
  email_bounces = EXCLUDED.email_bounces, email_opt_out = EXCLUDED.email_opt_out, page_views = EXCLUDED.page_views, visits = EXCLUDED.visits,
  last_visit_at = EXCLUDED.last_visit_at, created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at`;

export const UPSERT_CHECKPOINT = `
INSERT INTO checkpoints (shop_id, stream, value, updated_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (shop_id, stream) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`;

// Keyset pagination; see the SQLite backend for the order. '' sorts before every key.
export const CUSTOMERS_AFTER = `
SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE shop_id = $1 AND (source, id) > ($2, $3) ORDER BY source, id LIMIT $4`;
export const CONTACTS_AFTER = `
SELECT ${CONTACT_COLUMNS} FROM contacts WHERE shop_id = $1 AND id > $2 ORDER BY id LIMIT $3`;
export const CUSTOMER_ORDERS_AFTER = `
SELECT ${ORDER_COLUMNS} FROM orders
WHERE shop_id = $1 AND customer_id IS NOT NULL AND (customer_id, source, processed_at, id) > ($2, $3, $4, $5)
ORDER BY customer_id, source, processed_at, id LIMIT $6`;
export const GUEST_ORDERS_AFTER = `
SELECT ${ORDER_COLUMNS} FROM orders
WHERE shop_id = $1 AND customer_id IS NULL AND (source, processed_at, id) > ($2, $3, $4)
ORDER BY source, processed_at, id LIMIT $5`;

// Person lookups. The email key is spelled exactly as in the migration 4 indexes, or PostgreSQL
// would not use them. Customer refs come as two arrays ($2 sources, $3 ids); each pair is an
// orders_by_customer index scan.
export const CUSTOMERS_BY_EMAIL = `
SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE shop_id = $1 AND ${EMAIL_KEY_POSTGRES} = $2 ORDER BY source, id`;
export const CONTACTS_BY_EMAIL = `
SELECT ${CONTACT_COLUMNS} FROM contacts WHERE shop_id = $1 AND ${EMAIL_KEY_POSTGRES} = $2 ORDER BY id`;
export const ORDERS_OF_CUSTOMERS = `
SELECT ${ORDER_COLUMNS} FROM orders
WHERE shop_id = $1 AND (customer_id, source) IN (SELECT r.customer_id, r.source FROM unnest($2::text[], $3::text[]) AS r (source, customer_id))
ORDER BY source, customer_id, processed_at, id`;

export const DELETE_MEMBERSHIPS = `
DELETE FROM written_memberships w
USING unnest($3::text[], $4::text[]) AS r (segment_key, customer_id)
WHERE w.shop_id = $1 AND w.platform = $2 AND w.segment_key = r.segment_key AND w.customer_id = r.customer_id`;

export const INSERT_MEMBERSHIPS = `
INSERT INTO written_memberships (shop_id, platform, segment_key, customer_id, written_at)
SELECT $1, $2, r.segment_key, r.customer_id, $5 FROM unnest($3::text[], $4::text[]) AS r (segment_key, customer_id)
ON CONFLICT (shop_id, platform, segment_key, customer_id) DO UPDATE SET written_at = EXCLUDED.written_at`;

/**
 * DELETE_MEMBERSHIPS and INSERT_MEMBERSHIPS as one statement (one round trip, atomic without
 * BEGIN/COMMIT), for a write whose removed and added pairs are disjoint (both parts see the same
 * snapshot, so a pair in both would be ambiguous).
 */
export const RECORD_MEMBERSHIPS = `
WITH removed AS (
  DELETE FROM written_memberships w
  USING unnest($3::text[], $4::text[]) AS r (segment_key, customer_id)
  WHERE w.shop_id = $1 AND w.platform = $2 AND w.segment_key = r.segment_key AND w.customer_id = r.customer_id
)
INSERT INTO written_memberships (shop_id, platform, segment_key, customer_id, written_at)
SELECT $1, $2, r.segment_key, r.customer_id, $7 FROM unnest($5::text[], $6::text[]) AS r (segment_key, customer_id)
ON CONFLICT (shop_id, platform, segment_key, customer_id) DO UPDATE SET written_at = EXCLUDED.written_at`;

export const UPSERT_WRITTEN_PROPERTIES = `
INSERT INTO written_properties (shop_id, contact_id, property, value, written_at)
SELECT $1, r.contact_id, r.property, r.value, $5 FROM unnest($2::text[], $3::text[], $4::text[]) AS r (contact_id, property, value)
ON CONFLICT (shop_id, contact_id, property) DO UPDATE SET value = EXCLUDED.value, written_at = EXCLUDED.written_at`;

export const UPSERT_REMOTE_SEGMENT = `
INSERT INTO remote_segments (shop_id, ${REMOTE_SEGMENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (shop_id, platform, segment_key) DO UPDATE SET
  remote_id = EXCLUDED.remote_id, name = EXCLUDED.name, query = EXCLUDED.query, updated_at = EXCLUDED.updated_at`;

export const INSERT_SNAPSHOTS = `
INSERT INTO segment_snapshots (shop_id, segment_key, position, ${SNAPSHOT_COLUMNS})
SELECT $1, u.segment_key, u.position, u.definition::jsonb, u.size, u.revenue, u.revenue_share, u.computed_at
FROM unnest($2::text[], $3::int[], $4::text[], $5::int[], $6::float8[], $7::float8[], $8::text[])
  AS u (segment_key, position, definition, size, revenue, revenue_share, computed_at)`;

export const INSERT_RUN = `INSERT INTO runs (${RUN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`;

export const UPSERT_MODEL_STATE = `
INSERT INTO model_states (shop_id, name, value, saved_at) VALUES ($1, $2, $3::jsonb, $4)
ON CONFLICT (shop_id, name) DO UPDATE SET value = EXCLUDED.value, saved_at = EXCLUDED.saved_at`;

// created_at is not in the update: a replaced rule segment keeps the date it was first created.
export const UPSERT_RULE_SEGMENT = `
INSERT INTO rule_segments (shop_id, ${RULE_SEGMENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (shop_id, key) DO UPDATE SET name = EXCLUDED.name, rule = EXCLUDED.rule, updated_at = EXCLUDED.updated_at`;

/** Returns a row only when the cohort was inserted (not when one was already recorded for the key). */
export const INSERT_HOLDOUT_COHORT = `
INSERT INTO holdout_cohorts (shop_id, ${HOLDOUT_COHORT_COLUMNS}) VALUES ($1, $2, $3, $4)
ON CONFLICT (shop_id, segment_key) DO NOTHING RETURNING segment_key`;

/** One group of a cohort's people: $3 the person ids, $4 'treated' or 'holdout'. */
export const INSERT_HOLDOUT_MEMBERS = `
INSERT INTO holdout_members (shop_id, segment_key, person_id, grp)
SELECT $1, $2, u.person_id, $4 FROM unnest($3::text[]) AS u (person_id)`;
