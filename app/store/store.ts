// The data-access contract. Two backends implement it (SQLite via node:sqlite, PostgreSQL via pg)
// and one contract test suite runs against both. Every method is scoped to a shop: no call can
// read or write another tenant's rows. Writes that belong together are one transaction.
import type { Contact, Customer, Order, Platform, SegmentDefinition } from '../../core/model.ts';
import type { ShopSchedule } from '../../core/schedule/schedule.ts';
import type { PersonData, PrivacyRequest, PrivacySubject, RedactionCounts, Suppressions, WebhookDelivery } from './privacy-records.ts';
import type { ConsentPolicy } from '../../core/consent-policy.ts';
import type { CustomerPixelEvent, CustomerPixelEventQuery, PixelEventQuery, PixelEventRecord } from './pixel-queries.ts';

export type { CustomerPixelEvent, CustomerPixelEventQuery, PixelEventQuery, PixelEventRecord };

export interface ShopRecord {
  shopId: string; // the shop's myshopify domain, e.g. demo-store.myshopify.com
  createdAt: string;
}

/**
 * Per-shop settings. Secrets (shopify.accessToken, hubspot.accessToken, hubspot.refreshToken) are
 * stored sealed with the store's secret box (app/store/secret-box.ts) and returned opened.
 */
export interface ShopSettings {
  /** Prefix of every tag this app writes, e.g. `refinery:`. */
  tagPrefix: string;
  shopify: {
    accessToken: string;
    /** Origin that Admin API calls go to instead of https://{shop}; set only for the emulator. */
    adminOrigin: string | null;
    /**
     * When the install hook (app/server/shopify-app.ts afterAuth) stored this token (ISO-8601);
     * absent in settings saved before it was recorded. An app/uninstalled that happened before it
     * belongs to an earlier install and is ignored (app/webhooks/uninstall.ts). saveShopSettings
     * checks it (VALIDATION): a timestamp when present.
     */
    installedAt?: string;
  } | null;
  /**
   * Set by app/uninstalled (app/webhooks/uninstall.ts), removed by the next install: when the
   * uninstall happened and whether it paused the schedule (then the install resumes it; a schedule
   * the merchant had paused stays paused). saveShopSettings checks it (VALIDATION): `at` a
   * timestamp, `pausedSchedule` a boolean.
   */
  uninstalled?: { at: string; pausedSchedule: boolean };
  /**
   * The connected HubSpot portal, or null. May be omitted when saving; getShopSettings always
   * returns the key, null when none was saved (including settings saved before HubSpot existed).
   * saveShopSettings checks it (VALIDATION): non-empty accessToken, basePath string or null,
   * requestsPerTenSeconds a positive whole number, createContacts a boolean.
   */
  hubspot?: HubSpotSettings | null;
  /**
   * Holdouts (core/holdout/holdout.md). May be omitted when saving; getShopSettings returns what
   * was saved, or undefined. saveShopSettings checks it (VALIDATION): an object (not null), share a
   * finite number from 0 to 0.5, salt a non-empty string of at most 200 characters without NUL
   * characters.
   */
  holdout?: HoldoutSettings;
  /**
   * When syncs run (core/schedule/schedule.md). May be omitted when saving; getShopSettings returns
   * what was saved, or undefined (the scheduler then uses the default schedule for shops connected
   * to Shopify). saveShopSettings checks it with validateSchedule (VALIDATION): an object with
   * exactly fullSyncCron (five-field cron or null), timeZone (IANA name), incrementalEveryMinutes
   * (1 to 1440 or null) and paused (boolean).
   */
  schedule?: ShopSchedule;
  /**
   * Which people the write-back carries (core/consent-policy.ts): 'all', or 'subscribed-only' for
   * people with email marketing consent only. May be omitted (read as 'all'); getShopSettings
   * returns what was saved, or undefined. saveShopSettings checks it (VALIDATION).
   */
  consentPolicy?: ConsentPolicy;
}

export interface HoldoutSettings {
  /** Share of each segment held out of the write-back, 0 to 0.5 (0 holds nobody out). */
  share: number;
  /** Random per-shop salt, chosen once; changing it redraws every holdout. */
  salt: string;
}

export interface HubSpotSettings {
  /** Private-app or OAuth access token. */
  accessToken: string;
  /** API base URL without a trailing slash; null for https://api.hubapi.com. Set for the emulator. */
  basePath: string | null;
  /** Requests allowed per ten seconds for this portal (100 Free/Starter, 190 Pro/Enterprise, 110 OAuth). */
  requestsPerTenSeconds: number;
  /** Create HubSpot contacts for Shopify customers who have none (only those with marketing consent). */
  createContacts: boolean;
  /** The portal's id (hub id): routes HubSpot's webhook deliveries, which name the portal, to this shop. */
  portalId?: number | null;
  /** How the token was obtained: a private-app token pasted by an admin (default), or the OAuth app. */
  authKind?: 'private-app' | 'oauth';
  /** OAuth only: the refresh token (stored sealed). */
  refreshToken?: string | null;
  /** OAuth only: when the access token expires (ISO-8601); the client factory refreshes it before. */
  expiresAt?: string | null;
}

/**
 * A Shopify session as stored (app/server/session-storage.ts converts to and from the SDK's
 * Session): the access and refresh tokens are stored sealed and returned opened; dates are epoch
 * milliseconds; onlineAccessInfo is kept as given (JSON).
 */
export interface ShopifySessionRecord {
  id: string;
  /** The shop's myshopify domain. */
  shop: string;
  state: string;
  isOnline: boolean;
  scope?: string;
  expires?: number;
  accessToken?: string;
  refreshToken?: string;
  refreshTokenExpires?: number;
  onlineAccessInfo?: Record<string, unknown>;
}

/** What `reencryptSecrets` did: stored values looked at, and secrets re-sealed with the current key. */
export interface SecretRotationReport {
  keyId: string;
  shops: number;
  sessions: number;
  reencrypted: number;
}

/** One page pulled from a platform, saved atomically with the stream's checkpoint. */
export interface PulledPage {
  customers?: Customer[];
  orders?: Order[];
  contacts?: Contact[];
  /** Stream checkpoint to save in the same transaction; omitted = leave unchanged. */
  checkpoint?: { stream: string; value: string };
}

/** A platform-side object that represents a refined segment (a Shopify segment, a HubSpot list). */
export interface RemoteSegment {
  platform: Platform;
  segmentKey: string;
  remoteId: string;
  name: string;
  query: string;
  updatedAt: string;
}

/** Membership changes confirmed written to a platform, recorded together. For HubSpot, customerId is the contact id. */
export interface MembershipWrite {
  platform: Platform;
  added: Array<{ segmentKey: string; customerId: string }>;
  removed: Array<{ segmentKey: string; customerId: string }>;
  at: string;
}

export interface SegmentSnapshot {
  definition: SegmentDefinition;
  size: number;
  revenue: number;
  revenueShare: number;
  computedAt: string;
}

/** A segment written by a user in the rule language (core/rules). */
export interface RuleSegment {
  /** Lower-case slug, unique per shop; the segment key is `rule-<key>`. */
  key: string;
  name: string;
  /** The rule text as the user wrote it. */
  rule: string;
  createdAt: string;
  updatedAt: string;
}

/**
 * Who was treated and who was held out of a segment when it was first written back: the groups a
 * lift report compares. Recorded once per segment; later runs never change it.
 */
export interface HoldoutCohort {
  segmentKey: string;
  startedAt: string;
  share: number;
  /** Person ids, sorted. */
  treated: string[];
  /** Person ids, sorted. */
  holdout: string[];
}

export type RunStatus = 'running' | 'succeeded' | 'failed';

export interface RunRecord {
  id: string;
  shopId: string;
  trigger: string;
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  report: Record<string, unknown>;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Applies pending versioned migrations; safe to call on every start. */
  migrate(): Promise<void>;
  close(): Promise<void>;

  ensureShop(shopId: string, now: string): Promise<ShopRecord>;
  listShops(): Promise<ShopRecord[]>;
  /** Settings of a shop, or null when the shop is unknown. */
  getShopSettings(shopId: string): Promise<ShopSettings | null>;
  /**
   * Saves settings, creating the shop if needed. This replaces the whole document: to change a part
   * of settings that may be stored already, use updateShopSettings (a read followed by a save loses
   * what another writer saved in between).
   */
  saveShopSettings(shopId: string, settings: ShopSettings, now: string): Promise<void>;
  /**
   * Read-modify-write of a shop's settings in one transaction, the shop's row locked from the read
   * to the write (PostgreSQL: SELECT ... FOR UPDATE; SQLite: BEGIN IMMEDIATE), so that concurrent
   * updates of different parts (a schedule saved while a worker refreshes the HubSpot token) all
   * survive. `update` gets the stored settings (opened, as getShopSettings returns them; null for
   * an unknown shop) and returns the settings to save, or null to change nothing. It must be
   * synchronous, do no I/O and may be called more than once (PostgreSQL retries it when a
   * concurrent call created the shop first); do network calls before. The result is checked as
   * saveShopSettings checks it (VALIDATION); anything `update` or the check throws leaves the
   * stored settings unchanged and is rethrown. Returning settings for an unknown shop creates it.
   * Returns the settings stored after the call (null: unknown shop and nothing saved).
   */
  updateShopSettings(shopId: string, update: (current: ShopSettings | null) => ShopSettings | null, now: string): Promise<ShopSettings | null>;
  /** Deletes every row of the shop in every table, its Shopify sessions included (shop redact, demo reset). */
  deleteShop(shopId: string): Promise<void>;

  /**
   * Creates or replaces a Shopify session by id (the shop need not be stored yet: the app library
   * stores the session before the install hook runs). VALIDATION for an empty id or shop.
   */
  storeShopifySession(session: ShopifySessionRecord): Promise<void>;
  /** The session with that id, or null. */
  loadShopifySession(id: string): Promise<ShopifySessionRecord | null>;
  /** Deletes the sessions with these ids (unknown ids are ignored); returns how many were deleted. */
  deleteShopifySessions(ids: readonly string[]): Promise<number>;
  /** Every session of a shop, sorted by id (byte order). */
  findShopifySessionsByShop(shop: string): Promise<ShopifySessionRecord[]>;
  /** Deletes every session of a shop (app/uninstalled); returns how many were deleted. */
  deleteShopSessions(shopId: string): Promise<number>;
  /**
   * Re-seals with the secret box's current key every stored secret (settings tokens, session tokens)
   * that is plain or sealed with an older key; idempotent (a second run re-seals nothing).
   */
  reencryptSecrets(): Promise<SecretRotationReport>;

  /**
   * Upserts customers and orders by (shop, source, id), contacts by (shop, id), and saves the
   * checkpoint, all or nothing. Every record is validated first (RefineryError VALIDATION: empty
   * id, non-finite money, bad timestamp, NUL characters, a contact count that is not a whole
   * number >= 0 or null, emailOptOut not a boolean or null...); a database failure rolls the
   * whole page back (RefineryError STORE). The shop must exist (ensureShop / saveShopSettings).
   * Within a page, the last record with a given key wins.
   */
  savePage(shopId: string, page: PulledPage): Promise<void>;
  getCheckpoint(shopId: string, stream: string): Promise<string | null>;

  countCustomers(shopId: string): Promise<number>;
  countOrders(shopId: string): Promise<number>;
  getCustomer(shopId: string, source: Customer['source'], id: string): Promise<Customer | null>;
  /** One order by (source, id), or null. */
  getOrder(shopId: string, source: Order['source'], id: string): Promise<Order | null>;
  /**
   * Streams all customers of a shop ordered by (source, id) (byte order), in pages of at most
   * pageSize (default 1000) with keyset pagination, without loading them all at once.
   */
  iterateCustomers(shopId: string, pageSize?: number): AsyncIterable<Customer[]>;
  /**
   * Streams all orders of a shop, in pages of at most pageSize (default 1000), keyset-paginated.
   * Order: orders with a customer first, by (customerId, source, processedAt, id); then guest
   * orders (customerId null) by (source, processedAt, id). Strings compare in byte order, so both
   * backends agree; the orders of one (source, customerId) are contiguous and oldest first.
   */
  iterateOrders(shopId: string, pageSize?: number): AsyncIterable<Order[]>;

  /**
   * What this app last wrote to a platform: segment key -> record ids (customer GIDs, contact ids).
   * A platform other than 'shopify' / 'hubspot' fails with RefineryError INPUT (VALIDATION in records).
   * With `recordIds` (at most 200, non-empty strings, else INPUT), only those records' memberships:
   * one person's, for a real-time update.
   */
  getWrittenMemberships(shopId: string, platform: Platform, recordIds?: readonly string[]): Promise<Map<string, Set<string>>>;
  /** One transaction: deletes `removed` pairs, then upserts `added` pairs (re-adding is fine). */
  recordMembershipWrite(shopId: string, write: MembershipWrite): Promise<void>;

  /**
   * Contact property values this app last wrote to HubSpot: contact id -> property -> value. With
   * `contactIds` (at most 200, else INPUT), only those contacts'.
   */
  getWrittenProperties(shopId: string, contactIds?: readonly string[]): Promise<Map<string, Record<string, string>>>;
  /**
   * Records property values confirmed written, in one transaction: each (contact, property) value is
   * upserted; properties not mentioned keep their earlier values. Within one call the last value of
   * a (contact, property) wins. Contact ids and property names must be non-empty, values strings
   * (no NUL characters), `at` a timestamp (RefineryError VALIDATION). The contact need not be stored.
   */
  recordPropertyWrites(shopId: string, writes: Array<{ contactId: string; values: Record<string, string> }>, at: string): Promise<void>;

  countContacts(shopId: string): Promise<number>;
  getContact(shopId: string, id: string): Promise<Contact | null>;
  /**
   * Streams all contacts of a shop ordered by id in byte order ('10' before '9'), in pages of at
   * most pageSize (default 1000) with keyset pagination.
   */
  iterateContacts(shopId: string, pageSize?: number): AsyncIterable<Contact[]>;
  /**
   * HubSpot privacy deletion: removes the contact and what this app recorded writing about it
   * (its HubSpot memberships, its written properties), in one transaction. The recorded writes are
   * removed even when no contact row exists. Returns whether a contact row was found.
   */
  deleteContact(shopId: string, contactId: string): Promise<boolean>;

  /**
   * Person lookups, for re-scoring one person (core/identity.ts: one normalised email across
   * customers and contacts) without reading the whole shop; each is an index lookup. `email` is
   * normalised as normaliseEmail does (trimmed, lower-cased) before matching; a non-string, blank
   * or NUL-containing email is RefineryError INPUT. A stored email matches when it equals the
   * normalised email after trimming and lower-casing its ASCII letters: emails stored normalised
   * (the Shopify and HubSpot mappings store them so) and emails differing only in ASCII case or
   * surrounding whitespace always match; a stored email with upper-case non-ASCII letters
   * (`JÖRG@x.de`, possible from a CSV file) does not (both backends agree). Unknown shop: [].
   *
   * Every customer (Shopify and CSV) with that email, sorted by (source, id) in byte order.
   */
  findCustomersByEmail(shopId: string, email: string): Promise<Customer[]>;
  /**
   * Every contact with that email (see findCustomersByEmail for the matching), sorted by id in
   * byte order. Several contacts can share an email; identity links only the lowest id.
   */
  findContactsByEmail(shopId: string, email: string): Promise<Contact[]>;
  /**
   * Every order of the given customers: orders whose (source, customerId) is one of the refs,
   * sorted by (source, customerId, processedAt, id) in byte order. Guest orders (customerId null)
   * are never returned: core/profile.ts does not match them to a person by their email (see
   * core/identity.md), so neither does this. At most 200 refs per call (a ref listed twice counts
   * twice); more, a source other than 'shopify' / 'csv', or an id that is not a non-empty string
   * without NUL characters is RefineryError INPUT. No refs: [].
   */
  listOrdersOfCustomers(shopId: string, customers: ReadonlyArray<{ source: Customer['source']; id: string }>): Promise<Order[]>;

  getRemoteSegments(shopId: string, platform: Platform): Promise<RemoteSegment[]>;
  saveRemoteSegment(shopId: string, segment: RemoteSegment): Promise<void>;
  /** Forgets a remote segment (deleted on the platform); returns whether one was recorded. */
  deleteRemoteSegment(shopId: string, platform: Platform, segmentKey: string): Promise<boolean>;

  /** Replaces the shop's segment snapshot (definitions with size and revenue share). */
  saveSegmentSnapshot(shopId: string, snapshots: SegmentSnapshot[]): Promise<void>;
  listSegmentSnapshot(shopId: string): Promise<SegmentSnapshot[]>;

  /**
   * A model a run keeps for the next one (the cluster model, so cluster ids stay stable), by name;
   * null when none was saved. Values are JSON-serialisable; names non-empty (VALIDATION).
   */
  getModelState(shopId: string, name: string): Promise<unknown>;
  /**
   * Replaces the named model state (as JSON: what JSON.stringify drops or changes, such as
   * undefined properties or NaN, reads back the JSON way). VALIDATION for an empty name, a value
   * JSON.stringify cannot serialise (undefined, a function, a BigInt, a cycle), a NUL character in
   * the name or in any string or key of the value, or `at` not a timestamp. The shop must exist
   * (RefineryError STORE otherwise).
   */
  saveModelState(shopId: string, name: string, value: unknown, at: string): Promise<void>;

  /** Rule segments of the shop, sorted by key (byte order). */
  listRuleSegments(shopId: string): Promise<RuleSegment[]>;
  /**
   * Creates or replaces a rule segment by key (createdAt kept on replace: the given one is ignored
   * then). VALIDATION for a key that is not a lower-case slug of at most 60 characters, an empty
   * (or blank) name or rule, NUL characters, or createdAt / updatedAt not a timestamp. The shop must
   * exist (RefineryError STORE otherwise).
   */
  saveRuleSegment(shopId: string, segment: RuleSegment): Promise<void>;
  /** Returns whether a rule segment with that key existed (false for an unknown shop); an empty key is INPUT. */
  deleteRuleSegment(shopId: string, key: string): Promise<boolean>;

  /**
   * Every recorded holdout cohort of the shop, sorted by segment key, each group's person ids sorted
   * (byte order, so both backends agree), read from one consistent snapshot.
   */
  listHoldoutCohorts(shopId: string): Promise<HoldoutCohort[]>;
  /**
   * Records a segment's cohort, in one transaction, unless one is already recorded for that key
   * (then nothing changes and false is returned; a concurrent call for the same key also gets
   * false). Returns true when recorded. VALIDATION (checked first, even when a cohort is already
   * recorded) for a key that is not a lower-case slug, a startedAt that is not a timestamp, a share
   * outside 0..0.5, a person id that is not a non-empty string without NUL characters, or one in both
   * groups; a person listed twice in one group is stored once. The shop must exist (STORE otherwise).
   */
  startHoldoutCohort(shopId: string, cohort: HoldoutCohort): Promise<boolean>;

  startRun(shopId: string, trigger: string, now: string): Promise<RunRecord>;
  /** Fails with RefineryError NOT_FOUND when the shop has no such run. */
  finishRun(shopId: string, runId: string, status: Exclude<RunStatus, 'running'>, report: Record<string, unknown>, now: string): Promise<void>;
  /** Newest first (by startedAt); default limit 50. */
  listRuns(shopId: string, limit?: number): Promise<RunRecord[]>;

  // --- webhooks and privacy (app/store/privacy-records.ts, app/store/privacy-queries.ts) ---
  /**
   * Remembers a webhook delivery id; true the first time, false for a repeat (the row is left as
   * it was). Deliveries of the shop received before `forgetBefore` are pruned in the same call.
   * The shop must exist (STORE otherwise).
   */
  claimWebhookDelivery(shopId: string, delivery: WebhookDelivery, forgetBefore: string): Promise<boolean>;
  /** Forgets a claimed delivery (its enqueue failed, so the platform's retry must be taken). */
  releaseWebhookDelivery(shopId: string, source: WebhookDelivery['source'], deliveryId: string): Promise<void>;
  /**
   * Deletes one customer (a customers/delete webhook) and the memberships recorded written for it
   * (Shopify customers); its orders stay. Returns whether a customer row was found.
   */
  deleteCustomer(shopId: string, source: Customer['source'], id: string): Promise<boolean>;
  /** Creates or replaces a compliance request by id. The shop must exist (STORE otherwise). */
  savePrivacyRequest(shopId: string, request: PrivacyRequest): Promise<void>;
  getPrivacyRequest(shopId: string, id: string): Promise<PrivacyRequest | null>;
  /** Compliance requests, newest first; every shop's when shopId is null (each with its shop). */
  listPrivacyRequests(shopId: string | null, options?: { topic?: PrivacyRequest['topic']; limit?: number }): Promise<Array<PrivacyRequest & { shopId: string }>>;
  /** Everything stored about the subject, read in one snapshot (a data request). */
  collectPersonData(shopId: string, subject: PrivacySubject): Promise<PersonData>;
  /**
   * Removes everything stored about the subject in one transaction (a customers/redact request):
   * customers by id and by email (every source), their orders, orders named or carrying the email,
   * contacts with the email, memberships and properties recorded written for those records,
   * holdout members, webhook delivery rows about them, their storefront (pixel) events, their other privacy requests (except
   * `keepRequestId`; another customer's request is never deleted, only scrubbed of mentions), and
   * mentions in run reports, model states and segment snapshots (rewritten). Identifiers are
   * matched as whole tokens (privacy-scrub.ts): `bob@example.com` never touches `jbob@example.com`,
   * `gid://shopify/Customer/12` never `.../Customer/123`. Records the given suppression digests.
   * Returns the rows touched per table.
   */
  redactPerson(shopId: string, subject: PrivacySubject, options: { suppress: readonly string[]; keepRequestId: string | null; at: string }): Promise<RedactionCounts>;
  /** The shop's random privacy salt, created on first use. The shop must exist. */
  privacySalt(shopId: string, at: string): Promise<string>;
  getSuppressions(shopId: string): Promise<Suppressions>;
  /**
   * A short value that changes whenever a customer of the shop is redacted (the count and latest
   * time of its suppression digests; a shop redaction resets it), cheap to read. Caches of the
   * shop's person-level data (the admin API's live segments) are keyed by it, so that a redaction
   * done by a worker, which creates no run, is not served from them at the next request.
   */
  privacyEpoch(shopId: string): Promise<string>;

  // --- storefront events from the web pixel (migration 7, app/store/pixel-queries.ts) ---
  /**
   * Stores a batch of pixel events in one transaction. An event whose id the shop already has
   * (a replay, or the same id twice in the batch) is not stored again and counts as a duplicate;
   * the first stored copy is kept as it was. VALIDATION (before anything is written) for an event id
   * or client id that is not a non-empty string of at most 200 characters, a name not a non-empty
   * string of at most 100, a url not null or a string of at most 2048, a customerId not null or a
   * customer GID (`gid://shopify/Customer/<digits>`), occurredAt / receivedAt not timestamps, data
   * not a JSON object (of at most 20,000 characters), or NUL characters anywhere; INPUT for more
   * than 1000 events. The shop must exist (STORE otherwise).
   */
  savePixelEvents(shopId: string, events: readonly PixelEventRecord[]): Promise<{ inserted: number; duplicates: number }>;
  /**
   * The shop's pixel events, oldest first by (occurredAt, eventId) (byte order), only the
   * customer's when customerId (a customer GID) is given, only those that occurred at or after
   * `since` when given; at most `limit` (1 to 10,000, else INPUT). Unknown shop: [].
   */
  listPixelEvents(shopId: string, query: PixelEventQuery): Promise<PixelEventRecord[]>;
  /** How many pixel events the shop has stored. */
  countPixelEvents(shopId: string): Promise<number>;
  /**
   * Events of known customers (customerId set) that occurred at or after `since`, ordered by
   * (customerId, occurredAt, eventId) in byte order, after the keyset `after` when given, only the
   * given names when given; at most `limit` (1 to 10,000). INPUT for a bad query. Unknown shop: [].
   */
  listCustomerPixelEvents(shopId: string, query: CustomerPixelEventQuery): Promise<CustomerPixelEvent[]>;
  /** Retention: deletes the shop's events that occurred before `before`; returns how many. */
  deletePixelEventsBefore(shopId: string, before: string): Promise<number>;
}
