// Versioned schema migrations, one list for both backends. Each migration has a version (strictly
// increasing), a name, and the SQL for SQLite and for PostgreSQL. A `schema_migrations` table
// records what was applied; each backend applies pending migrations one transaction at a time.
//
// Multi-tenant from the first table: every table except schema_migrations has shop_id as the first
// column of its primary key and references shops(shop_id). Timestamps are ISO-8601 text (stored
// exactly as given), money is REAL / double precision, nested data is JSON text / jsonb.
// PostgreSQL key columns use COLLATE "C" so that ordering matches SQLite's byte-wise ordering.
import { RefineryError } from '../../core/errors.ts';
import type { Store } from './store.ts';

export interface Migration {
  version: number;
  name: string;
  sqlite: string;
  postgres: string;
}

export interface AppliedMigration {
  version: number;
  name: string;
  appliedAt: string;
}

/** Both backends also report which migrations a database has (for tests and a status command). */
export interface MigratingStore extends Store {
  appliedMigrations(): Promise<AppliedMigration[]>;
}

export const SCHEMA_MIGRATIONS_SQLITE = `
CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER NOT NULL PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at TEXT NOT NULL
) STRICT;`;

export const SCHEMA_MIGRATIONS_POSTGRES = `
CREATE TABLE IF NOT EXISTS schema_migrations (
  version integer NOT NULL PRIMARY KEY,
  name text NOT NULL,
  applied_at text NOT NULL
);`;

const INITIAL_SQLITE = `
CREATE TABLE shops (
  shop_id TEXT NOT NULL CHECK (shop_id <> ''),
  created_at TEXT NOT NULL,
  settings TEXT,
  PRIMARY KEY (shop_id)
) STRICT;

CREATE TABLE customers (
  shop_id TEXT NOT NULL REFERENCES shops (shop_id),
  source TEXT NOT NULL CHECK (source IN ('shopify', 'csv')),
  id TEXT NOT NULL CHECK (id <> ''),
  email TEXT,
  marketing_state TEXT,
  first_name TEXT,
  last_name TEXT,
  tags TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (shop_id, source, id)
) STRICT;

CREATE TABLE orders (
  shop_id TEXT NOT NULL REFERENCES shops (shop_id),
  source TEXT NOT NULL CHECK (source IN ('shopify', 'csv')),
  id TEXT NOT NULL CHECK (id <> ''),
  customer_id TEXT,
  email TEXT,
  processed_at TEXT NOT NULL,
  cancelled_at TEXT,
  currency TEXT NOT NULL,
  total REAL NOT NULL,
  refunded REAL NOT NULL,
  discount REAL NOT NULL,
  line_items TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (shop_id, source, id)
) STRICT;
CREATE INDEX orders_by_customer ON orders (shop_id, customer_id, source, processed_at, id);

CREATE TABLE checkpoints (
  shop_id TEXT NOT NULL REFERENCES shops (shop_id),
  stream TEXT NOT NULL CHECK (stream <> ''),
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (shop_id, stream)
) STRICT;

CREATE TABLE written_memberships (
  shop_id TEXT NOT NULL REFERENCES shops (shop_id),
  platform TEXT NOT NULL,
  segment_key TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  written_at TEXT NOT NULL,
  PRIMARY KEY (shop_id, platform, segment_key, customer_id)
) STRICT;

CREATE TABLE remote_segments (
  shop_id TEXT NOT NULL REFERENCES shops (shop_id),
  platform TEXT NOT NULL,
  segment_key TEXT NOT NULL,
  remote_id TEXT NOT NULL,
  name TEXT NOT NULL,
  query TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (shop_id, platform, segment_key)
) STRICT;

CREATE TABLE segment_snapshots (
  shop_id TEXT NOT NULL REFERENCES shops (shop_id),
  segment_key TEXT NOT NULL,
  position INTEGER NOT NULL,
  definition TEXT NOT NULL,
  size INTEGER NOT NULL,
  revenue REAL NOT NULL,
  revenue_share REAL NOT NULL,
  computed_at TEXT NOT NULL,
  PRIMARY KEY (shop_id, segment_key)
) STRICT;

CREATE TABLE runs (
  shop_id TEXT NOT NULL REFERENCES shops (shop_id),
  id TEXT NOT NULL,
  trigger TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
  started_at TEXT NOT NULL,
  finished_at TEXT,
  report TEXT NOT NULL,
  PRIMARY KEY (shop_id, id)
) STRICT;
CREATE INDEX runs_by_start ON runs (shop_id, started_at);
`;

const INITIAL_POSTGRES = `
CREATE TABLE shops (
  shop_id text COLLATE "C" NOT NULL CHECK (shop_id <> ''),
  created_at text NOT NULL,
  settings jsonb,
  PRIMARY KEY (shop_id)
);

CREATE TABLE customers (
  shop_id text COLLATE "C" NOT NULL REFERENCES shops (shop_id),
  source text COLLATE "C" NOT NULL CHECK (source IN ('shopify', 'csv')),
  id text COLLATE "C" NOT NULL CHECK (id <> ''),
  email text,
  marketing_state text,
  first_name text,
  last_name text,
  tags jsonb NOT NULL,
  created_at text NOT NULL,
  updated_at text NOT NULL,
  PRIMARY KEY (shop_id, source, id)
);

CREATE TABLE orders (
  shop_id text COLLATE "C" NOT NULL REFERENCES shops (shop_id),
  source text COLLATE "C" NOT NULL CHECK (source IN ('shopify', 'csv')),
  id text COLLATE "C" NOT NULL CHECK (id <> ''),
  customer_id text COLLATE "C",
  email text,
  processed_at text COLLATE "C" NOT NULL,
  cancelled_at text,
  currency text NOT NULL,
  total double precision NOT NULL CHECK (total <> 'NaN'),
  refunded double precision NOT NULL CHECK (refunded <> 'NaN'),
  discount double precision NOT NULL CHECK (discount <> 'NaN'),
  line_items jsonb NOT NULL,
  updated_at text NOT NULL,
  PRIMARY KEY (shop_id, source, id)
);
CREATE INDEX orders_by_customer ON orders (shop_id, customer_id, source, processed_at, id);

CREATE TABLE checkpoints (
  shop_id text COLLATE "C" NOT NULL REFERENCES shops (shop_id),
  stream text COLLATE "C" NOT NULL CHECK (stream <> ''),
  value text NOT NULL,
  updated_at text NOT NULL,
  PRIMARY KEY (shop_id, stream)
);

CREATE TABLE written_memberships (
  shop_id text COLLATE "C" NOT NULL REFERENCES shops (shop_id),
  platform text COLLATE "C" NOT NULL,
  segment_key text COLLATE "C" NOT NULL,
  customer_id text COLLATE "C" NOT NULL,
  written_at text NOT NULL,
  PRIMARY KEY (shop_id, platform, segment_key, customer_id)
);

CREATE TABLE remote_segments (
  shop_id text COLLATE "C" NOT NULL REFERENCES shops (shop_id),
  platform text COLLATE "C" NOT NULL,
  segment_key text COLLATE "C" NOT NULL,
  remote_id text NOT NULL,
  name text NOT NULL,
  query text NOT NULL,
  updated_at text NOT NULL,
  PRIMARY KEY (shop_id, platform, segment_key)
);

CREATE TABLE segment_snapshots (
  shop_id text COLLATE "C" NOT NULL REFERENCES shops (shop_id),
  segment_key text COLLATE "C" NOT NULL,
  position integer NOT NULL,
  definition jsonb NOT NULL,
  size integer NOT NULL,
  revenue double precision NOT NULL,
  revenue_share double precision NOT NULL,
  computed_at text NOT NULL,
  PRIMARY KEY (shop_id, segment_key)
);

CREATE TABLE runs (
  shop_id text COLLATE "C" NOT NULL REFERENCES shops (shop_id),
  id text COLLATE "C" NOT NULL,
  trigger text NOT NULL,
  status text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
  started_at text COLLATE "C" NOT NULL,
  finished_at text,
  report jsonb NOT NULL,
  PRIMARY KEY (shop_id, id)
);
CREATE INDEX runs_by_start ON runs (shop_id, started_at);
`;

// Version 2: HubSpot. Contacts (counts nullable: null means HubSpot holds no value, not zero),
// contact property values this app wrote, and an index to find a record's written memberships
// (HubSpot privacy deletion). written_memberships and remote_segments have no CHECK on platform in
// version 1, so they take 'hubspot' rows as they are (no table rebuild); the store validates
// platform names before writing. Only CREATE statements: existing rows are untouched.
const HUBSPOT_SQLITE = `
CREATE TABLE contacts (
  shop_id TEXT NOT NULL REFERENCES shops (shop_id),
  source TEXT NOT NULL CHECK (source = 'hubspot'),
  id TEXT NOT NULL CHECK (id <> ''),
  email TEXT,
  first_name TEXT,
  last_name TEXT,
  lifecycle_stage TEXT,
  email_delivered INTEGER CHECK (email_delivered >= 0),
  email_opens INTEGER CHECK (email_opens >= 0),
  email_clicks INTEGER CHECK (email_clicks >= 0),
  email_bounces INTEGER CHECK (email_bounces >= 0),
  email_opt_out INTEGER CHECK (email_opt_out IN (0, 1)),
  page_views INTEGER CHECK (page_views >= 0),
  visits INTEGER CHECK (visits >= 0),
  last_visit_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (shop_id, id)
) STRICT;
CREATE INDEX contacts_by_email ON contacts (shop_id, email);

CREATE TABLE written_properties (
  shop_id TEXT NOT NULL REFERENCES shops (shop_id),
  contact_id TEXT NOT NULL CHECK (contact_id <> ''),
  property TEXT NOT NULL CHECK (property <> ''),
  value TEXT NOT NULL,
  written_at TEXT NOT NULL,
  PRIMARY KEY (shop_id, contact_id, property)
) STRICT;

CREATE INDEX written_memberships_by_record ON written_memberships (shop_id, platform, customer_id);
`;

const HUBSPOT_POSTGRES = `
CREATE TABLE contacts (
  shop_id text COLLATE "C" NOT NULL REFERENCES shops (shop_id),
  source text COLLATE "C" NOT NULL CHECK (source = 'hubspot'),
  id text COLLATE "C" NOT NULL CHECK (id <> ''),
  email text,
  first_name text,
  last_name text,
  lifecycle_stage text,
  email_delivered bigint CHECK (email_delivered >= 0),
  email_opens bigint CHECK (email_opens >= 0),
  email_clicks bigint CHECK (email_clicks >= 0),
  email_bounces bigint CHECK (email_bounces >= 0),
  email_opt_out boolean,
  page_views bigint CHECK (page_views >= 0),
  visits bigint CHECK (visits >= 0),
  last_visit_at text,
  created_at text NOT NULL,
  updated_at text NOT NULL,
  PRIMARY KEY (shop_id, id)
);
CREATE INDEX contacts_by_email ON contacts (shop_id, email);

CREATE TABLE written_properties (
  shop_id text COLLATE "C" NOT NULL REFERENCES shops (shop_id),
  contact_id text COLLATE "C" NOT NULL CHECK (contact_id <> ''),
  property text COLLATE "C" NOT NULL CHECK (property <> ''),
  value text NOT NULL,
  written_at text NOT NULL,
  PRIMARY KEY (shop_id, contact_id, property)
);

CREATE INDEX written_memberships_by_record ON written_memberships (shop_id, platform, customer_id);
`;

// Version 3: what a run keeps for the next one (model states), rule segments written by users, and
// holdout cohorts. A cohort is one row in holdout_cohorts plus one row per person in
// holdout_members (a cohort can hold 100,000 people: no JSON array to rewrite). A member row
// references its cohort (and through it the shop), so deleteShop removes holdout_members before
// holdout_cohorts. In SQLite holdout_members is WITHOUT ROWID: its rows are stored in primary-key
// order, so reading a shop's cohorts in (segment_key, person_id) order is one sequential scan
// instead of a random table lookup per person. Only CREATE statements: existing rows are untouched.
const MODELS_RULES_HOLDOUTS_SQLITE = `
CREATE TABLE model_states (
  shop_id TEXT NOT NULL REFERENCES shops (shop_id),
  name TEXT NOT NULL CHECK (name <> ''),
  value TEXT NOT NULL,
  saved_at TEXT NOT NULL,
  PRIMARY KEY (shop_id, name)
) STRICT;

CREATE TABLE rule_segments (
  shop_id TEXT NOT NULL REFERENCES shops (shop_id),
  key TEXT NOT NULL CHECK (key <> ''),
  name TEXT NOT NULL,
  rule TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (shop_id, key)
) STRICT;

CREATE TABLE holdout_cohorts (
  shop_id TEXT NOT NULL REFERENCES shops (shop_id),
  segment_key TEXT NOT NULL CHECK (segment_key <> ''),
  started_at TEXT NOT NULL,
  share REAL NOT NULL CHECK (share >= 0 AND share <= 0.5),
  PRIMARY KEY (shop_id, segment_key)
) STRICT;

CREATE TABLE holdout_members (
  shop_id TEXT NOT NULL,
  segment_key TEXT NOT NULL,
  person_id TEXT NOT NULL CHECK (person_id <> ''),
  grp TEXT NOT NULL CHECK (grp IN ('treated', 'holdout')),
  PRIMARY KEY (shop_id, segment_key, person_id),
  FOREIGN KEY (shop_id, segment_key) REFERENCES holdout_cohorts (shop_id, segment_key)
) STRICT, WITHOUT ROWID;
`;

const MODELS_RULES_HOLDOUTS_POSTGRES = `
CREATE TABLE model_states (
  shop_id text COLLATE "C" NOT NULL REFERENCES shops (shop_id),
  name text COLLATE "C" NOT NULL CHECK (name <> ''),
  value jsonb NOT NULL,
  saved_at text NOT NULL,
  PRIMARY KEY (shop_id, name)
);

CREATE TABLE rule_segments (
  shop_id text COLLATE "C" NOT NULL REFERENCES shops (shop_id),
  key text COLLATE "C" NOT NULL CHECK (key <> ''),
  name text NOT NULL,
  rule text NOT NULL,
  created_at text NOT NULL,
  updated_at text NOT NULL,
  PRIMARY KEY (shop_id, key)
);

CREATE TABLE holdout_cohorts (
  shop_id text COLLATE "C" NOT NULL REFERENCES shops (shop_id),
  segment_key text COLLATE "C" NOT NULL CHECK (segment_key <> ''),
  started_at text NOT NULL,
  share double precision NOT NULL CHECK (share >= 0 AND share <= 0.5),
  PRIMARY KEY (shop_id, segment_key)
);

CREATE TABLE holdout_members (
  shop_id text COLLATE "C" NOT NULL,
  segment_key text COLLATE "C" NOT NULL,
  person_id text COLLATE "C" NOT NULL CHECK (person_id <> ''),
  grp text NOT NULL CHECK (grp IN ('treated', 'holdout')),
  PRIMARY KEY (shop_id, segment_key, person_id),
  FOREIGN KEY (shop_id, segment_key) REFERENCES holdout_cohorts (shop_id, segment_key)
);
`;

// Version 4: person lookups (real-time re-scoring of one person after a webhook). A person is one
// normalised email (core/identity.ts: trimmed, lower-cased) across customers and contacts, but
// both tables store the email as given, so each gets an index on an email key expression, with the
// sort columns after it so that a lookup returns rows in order without a sort. The key trims
// exactly what String.prototype.trim removes (the characters of EMAIL_KEY_TRIM_CODES) and
// lower-cases ASCII letters only, the same way in both backends (SQLite's lower() without ICU;
// PostgreSQL's lower() under COLLATE "C", whatever the database's locale). A query must spell the
// expression exactly as the index does, hence EMAIL_KEY_SQLITE / EMAIL_KEY_POSTGRES; they are part
// of this shipped migration: never change them (a new key needs a new migration and new names).
// Orders of a customer use orders_by_customer from version 1. Only CREATE statements.

/** Code points String.prototype.trim removes (ECMAScript WhiteSpace and LineTerminator). */
export const EMAIL_KEY_TRIM_CODES: readonly number[] = [
  9, 10, 11, 12, 13, 32, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8232, 8233, 8239, 8287, 12288, 65279,
];

/** The email key of migration 4 in SQLite; `email` is the column. */
export const EMAIL_KEY_SQLITE =
  'lower(trim(email, char(9, 10, 11, 12, 13, 32, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8232, 8233, 8239, 8287, 12288, 65279)))';

/** The email key of migration 4 in PostgreSQL; `email` is the column. */
export const EMAIL_KEY_POSTGRES =
  "lower(btrim(email, E'\\u0009\\u000a\\u000b\\u000c\\u000d\\u0020\\u00a0\\u1680\\u2000\\u2001\\u2002\\u2003\\u2004\\u2005\\u2006\\u2007\\u2008\\u2009\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff') COLLATE \"C\")";

const PERSON_LOOKUPS_SQLITE = `
CREATE INDEX customers_by_email_key ON customers (shop_id, ${EMAIL_KEY_SQLITE}, source, id);
CREATE INDEX contacts_by_email_key ON contacts (shop_id, ${EMAIL_KEY_SQLITE}, id);
`;

const PERSON_LOOKUPS_POSTGRES = `
CREATE INDEX customers_by_email_key ON customers (shop_id, (${EMAIL_KEY_POSTGRES}), source, id);
CREATE INDEX contacts_by_email_key ON contacts (shop_id, (${EMAIL_KEY_POSTGRES}), id);
`;

// Version 5: Shopify sessions (app/server/session-storage.ts). The Shopify app library stores a
// session before our install hook runs, so a session row may exist before its shop row: the table
// has no foreign key to shops and the session id (offline_{shop} or a uuid for online sessions) is
// the primary key, with an index by shop. `data` is the session as JSON with its access and refresh
// tokens encrypted (app/store/secret-box.ts). deleteShop clears it (TENANT_TABLES).
const SHOPIFY_SESSIONS_SQLITE = `
CREATE TABLE shopify_sessions (
  id TEXT NOT NULL CHECK (id <> ''),
  shop_id TEXT NOT NULL CHECK (shop_id <> ''),
  data TEXT NOT NULL,
  PRIMARY KEY (id)
) STRICT;
CREATE INDEX shopify_sessions_by_shop ON shopify_sessions (shop_id, id);
`;

const SHOPIFY_SESSIONS_POSTGRES = `
CREATE TABLE shopify_sessions (
  id text COLLATE "C" NOT NULL CHECK (id <> ''),
  shop_id text COLLATE "C" NOT NULL CHECK (shop_id <> ''),
  data text NOT NULL,
  PRIMARY KEY (id)
);
CREATE INDEX shopify_sessions_by_shop ON shopify_sessions (shop_id, id);
`;

// Version 6: webhooks and privacy (app/webhooks/shopify-webhook.ts, app/privacy/). webhook_deliveries remembers each
// delivery id a shop received (no payload; `subject` is the Shopify customer or order GID the
// delivery is about, so that a data request can list them and a redaction remove them), pruned
// after the retention window. privacy_requests records every compliance request: for a data
// request the assembled data for the merchant; for a redaction only counts once done (its payload,
// which names the customer, is removed then). privacy_suppressions holds keyed digests (HMAC with
// the shop's random salt in privacy_salts) of redacted customers' ids and emails, never the values,
// so a later webhook, sync or import of them is dropped. Only CREATE statements.
const PRIVACY_SQLITE = `
CREATE TABLE webhook_deliveries (
  shop_id TEXT NOT NULL REFERENCES shops (shop_id),
  source TEXT NOT NULL CHECK (source <> ''),
  delivery_id TEXT NOT NULL CHECK (delivery_id <> ''),
  topic TEXT NOT NULL,
  subject TEXT,
  triggered_at TEXT,
  received_at TEXT NOT NULL,
  PRIMARY KEY (shop_id, source, delivery_id)
) STRICT;
CREATE INDEX webhook_deliveries_by_time ON webhook_deliveries (shop_id, received_at);
CREATE INDEX webhook_deliveries_by_subject ON webhook_deliveries (shop_id, subject);

CREATE TABLE privacy_requests (
  shop_id TEXT NOT NULL REFERENCES shops (shop_id),
  id TEXT NOT NULL CHECK (id <> ''),
  topic TEXT NOT NULL CHECK (topic IN ('customers/data_request', 'customers/redact', 'shop/redact')),
  subject TEXT,
  status TEXT NOT NULL CHECK (status IN ('pending', 'completed', 'failed')),
  received_at TEXT NOT NULL,
  completed_at TEXT,
  payload TEXT,
  result TEXT,
  PRIMARY KEY (shop_id, id)
) STRICT;
CREATE INDEX privacy_requests_by_time ON privacy_requests (shop_id, received_at);

CREATE TABLE privacy_salts (
  shop_id TEXT NOT NULL REFERENCES shops (shop_id),
  salt TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (shop_id)
) STRICT;

CREATE TABLE privacy_suppressions (
  shop_id TEXT NOT NULL REFERENCES shops (shop_id),
  digest TEXT NOT NULL CHECK (digest <> ''),
  created_at TEXT NOT NULL,
  PRIMARY KEY (shop_id, digest)
) STRICT;
`;

const PRIVACY_POSTGRES = `
CREATE TABLE webhook_deliveries (
  shop_id text COLLATE "C" NOT NULL REFERENCES shops (shop_id),
  source text COLLATE "C" NOT NULL CHECK (source <> ''),
  delivery_id text COLLATE "C" NOT NULL CHECK (delivery_id <> ''),
  topic text NOT NULL,
  subject text COLLATE "C",
  triggered_at text,
  received_at text COLLATE "C" NOT NULL,
  PRIMARY KEY (shop_id, source, delivery_id)
);
CREATE INDEX webhook_deliveries_by_time ON webhook_deliveries (shop_id, received_at);
CREATE INDEX webhook_deliveries_by_subject ON webhook_deliveries (shop_id, subject);

CREATE TABLE privacy_requests (
  shop_id text COLLATE "C" NOT NULL REFERENCES shops (shop_id),
  id text COLLATE "C" NOT NULL CHECK (id <> ''),
  topic text NOT NULL CHECK (topic IN ('customers/data_request', 'customers/redact', 'shop/redact')),
  subject text COLLATE "C",
  status text NOT NULL CHECK (status IN ('pending', 'completed', 'failed')),
  received_at text COLLATE "C" NOT NULL,
  completed_at text,
  payload jsonb,
  result jsonb,
  PRIMARY KEY (shop_id, id)
);
CREATE INDEX privacy_requests_by_time ON privacy_requests (shop_id, received_at);

CREATE TABLE privacy_salts (
  shop_id text COLLATE "C" NOT NULL REFERENCES shops (shop_id),
  salt text NOT NULL,
  created_at text NOT NULL,
  PRIMARY KEY (shop_id)
);

CREATE TABLE privacy_suppressions (
  shop_id text COLLATE "C" NOT NULL REFERENCES shops (shop_id),
  digest text COLLATE "C" NOT NULL CHECK (digest <> ''),
  created_at text NOT NULL,
  PRIMARY KEY (shop_id, digest)
);
`;

// Version 7: storefront events from the web pixel (app/server/pixel-routes.ts). The primary key
// (shop, event id) makes a replayed event a duplicate. customer_id is the Shopify customer GID the
// storefront knew (null for anonymous visitors): a customers/redact deletes the customer's events by
// it (privacy-queries.ts), deleteShop clears the table (TENANT_TABLES). Only CREATE statements.
const PIXEL_EVENTS_SQLITE = `
CREATE TABLE pixel_events (
  shop_id TEXT NOT NULL REFERENCES shops (shop_id),
  event_id TEXT NOT NULL CHECK (event_id <> ''),
  client_id TEXT NOT NULL CHECK (client_id <> ''),
  customer_id TEXT,
  name TEXT NOT NULL CHECK (name <> ''),
  occurred_at TEXT NOT NULL,
  url TEXT,
  data TEXT NOT NULL,
  received_at TEXT NOT NULL,
  PRIMARY KEY (shop_id, event_id)
) STRICT;
CREATE INDEX pixel_events_by_time ON pixel_events (shop_id, occurred_at, event_id);
CREATE INDEX pixel_events_by_customer ON pixel_events (shop_id, customer_id, occurred_at, event_id);
`;

const PIXEL_EVENTS_POSTGRES = `
CREATE TABLE pixel_events (
  shop_id text COLLATE "C" NOT NULL REFERENCES shops (shop_id),
  event_id text COLLATE "C" NOT NULL CHECK (event_id <> ''),
  client_id text COLLATE "C" NOT NULL CHECK (client_id <> ''),
  customer_id text COLLATE "C",
  name text NOT NULL CHECK (name <> ''),
  occurred_at text COLLATE "C" NOT NULL,
  url text,
  data jsonb NOT NULL,
  received_at text NOT NULL,
  PRIMARY KEY (shop_id, event_id)
);
CREATE INDEX pixel_events_by_time ON pixel_events (shop_id, occurred_at, event_id);
CREATE INDEX pixel_events_by_customer ON pixel_events (shop_id, customer_id, occurred_at, event_id);
`;

/** Every migration, in order. Append new ones; never edit one that has shipped. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial schema', sqlite: INITIAL_SQLITE, postgres: INITIAL_POSTGRES },
  { version: 2, name: 'hubspot contacts and written properties', sqlite: HUBSPOT_SQLITE, postgres: HUBSPOT_POSTGRES },
  { version: 3, name: 'model states, rule segments and holdout cohorts', sqlite: MODELS_RULES_HOLDOUTS_SQLITE, postgres: MODELS_RULES_HOLDOUTS_POSTGRES },
  { version: 4, name: 'email key indexes for person lookups', sqlite: PERSON_LOOKUPS_SQLITE, postgres: PERSON_LOOKUPS_POSTGRES },
  { version: 5, name: 'shopify sessions', sqlite: SHOPIFY_SESSIONS_SQLITE, postgres: SHOPIFY_SESSIONS_POSTGRES },
  { version: 6, name: 'webhook deliveries and privacy requests', sqlite: PRIVACY_SQLITE, postgres: PRIVACY_POSTGRES },
  { version: 7, name: 'pixel events', sqlite: PIXEL_EVENTS_SQLITE, postgres: PIXEL_EVENTS_POSTGRES },
];

/** Checks that versions are positive integers in strictly increasing order. */
export function checkMigrations(migrations: readonly Migration[]): void {
  let previous = 0;
  for (const migration of migrations) {
    if (!Number.isInteger(migration.version) || migration.version <= previous) {
      throw new Error(`migration versions must be strictly increasing positive integers (got ${migration.version} after ${previous})`);
    }
    previous = migration.version;
  }
}

/**
 * The migrations whose versions are not in `applied`, in order. Fails when the database holds a
 * version this code does not know (it was migrated by a newer release).
 */
export function pendingMigrations(migrations: readonly Migration[], applied: Iterable<number>): Migration[] {
  const done = new Set(applied);
  const known = new Set(migrations.map((migration) => migration.version));
  const unknown = [...done].filter((version) => !known.has(version));
  if (unknown.length > 0) {
    throw new RefineryError('STORE', `the database has schema versions this code does not know (${unknown.join(', ')}): it was migrated by a newer release`);
  }
  return migrations.filter((migration) => !done.has(migration.version));
}

/**
 * Tables holding a shop's rows, children first and shops last: deleteShop deletes from each in
 * this order. A migration that adds a tenant table must add it here.
 */
export const TENANT_TABLES: readonly string[] = [
  'pixel_events',
  'customers',
  'orders',
  'contacts',
  'checkpoints',
  'written_memberships',
  'written_properties',
  'remote_segments',
  'segment_snapshots',
  'runs',
  'model_states',
  'rule_segments',
  'holdout_members',
  'holdout_cohorts',
  'webhook_deliveries',
  'privacy_requests',
  'privacy_suppressions',
  'privacy_salts',
  'shopify_sessions',
  'shops',
];
