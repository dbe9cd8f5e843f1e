// Shopify webhook deliveries (orders/create, orders/updated, customers/create, customers/update,
// customers/delete) validated and mapped to the canonical model, for real-time re-scoring.
// Verify the HMAC on the raw body first (verifyShopifyWebhookHmac), then JSON.parse it and call
// parseShopifyWebhook with the X-Shopify-Topic header. Expected failures are values: nothing here
// throws for a bad delivery.
//
// What Shopify documents, and what this relies on:
// - Bodies are REST-shaped JSON, whatever the pinned version: snake_case, numeric `id` plus the
//   Admin GraphQL GID in `admin_graphql_api_id`, money as decimal strings in the shop currency
//   (`total_price`, `total_discounts`, line item `price`), timestamps with a UTC offset
//   (`2025-01-23T22:09:39-05:00`), `customer: null` for a guest checkout. Line items carry
//   `product_id`, `vendor` and `sku` but no product type: `productType` is null unless a
//   `product_type` is present. The GID is preferred; without one it is built from the numeric id,
//   which must then be a safe integer (JSON numbers above 2^53 have lost precision).
// - Refunds: `refunds[].transactions[]` (REST Transaction: `kind`, `status`, `amount`,
//   `currency`). Money returned = transactions of kind `refund` with status `success` (the other
//   statuses are pending, failure and error), as the bulk path's `totalRefundedSet` sums a refund's
//   transactions. Refund transactions are made in the order's presentment currency: when that
//   differs from the shop currency the amount cannot be converted faithfully, and the delivery is
//   rejected with a reason saying so (re-read the order through the Admin API instead).
// - Since API version 2025-01, webhooks that carry a customer (customers/*, and the `customer` of
//   an order) no longer include `tags`, `email_marketing_consent`, `sms_marketing_consent` and the
//   purchase summary; Shopify sends them on `customer.tags_added` / `customer.tags_removed` and
//   `customers/email_marketing_consent_update` instead (shopify.dev changelog "New customer's
//   webhook and changes to existing customer's webhooks payload"). This app pins 2026-10, so a
//   mapped customer usually lacks them. A field whose key is absent from the payload is therefore
//   reported in `notSent`, with a placeholder ([] or null) in the record: the caller must keep the
//   stored value (mergeWebhookCustomer) instead of overwriting it. A key present with null means
//   null. When the payload does carry them (an older version), `tags` is the comma-separated string
//   and `email_marketing_consent.state` one of subscribed, not_subscribed, unsubscribed, pending,
//   redacted, invalid (upper-cased like the GraphQL enum; anything else is UNKNOWN).
// - customers/delete carries little more than the id: it maps to the deletion of the customer GID.
// - Shopify may deliver an event more than once, and retries a failed delivery 8 times over 4 hours
//   with the payload as it was when triggered (changelog "Updates to webhook retry mechanism"):
//   dedupe on X-Shopify-Event-Id (the same value across deliveries of one event, per "Ignore
//   duplicate webhooks") or the X-Shopify-Webhook-Id the official library exposes as the
//   idempotency key, and do not let a stale delivery overwrite a newer record
//   (mergeWebhookCustomer compares updatedAt; for orders compare order.updatedAt the same way).
// - ok:false means the payload cannot be mapped, not that a retry would help: an authenticated
//   delivery that will never parse is best acknowledged (2xx) and logged rather than retried.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Customer, LineItem, MarketingState, Order } from '../../core/model.ts';
import { SHOPIFY_LIMITS } from './platform.ts';

/** Webhook request headers (Shopify's spelling; Node lower-cases header names on receipt). */
export const SHOPIFY_WEBHOOK_HEADERS = {
  /** The topic, e.g. `orders/create`: the first argument of parseShopifyWebhook. */
  topic: 'X-Shopify-Topic',
  /** The shop's myshopify.com domain: which tenant the delivery belongs to. */
  shopDomain: 'X-Shopify-Shop-Domain',
  /** Identifies the webhook; the official library's idempotency key. */
  webhookId: 'X-Shopify-Webhook-Id',
  /** Identifies the event: the same value across deliveries of one event means a duplicate. */
  eventId: 'X-Shopify-Event-Id',
  /** When the event was triggered (ISO-8601). */
  triggeredAt: 'X-Shopify-Triggered-At',
  /** Base64 HMAC-SHA256 of the raw body keyed with the app's client secret. */
  hmac: 'X-Shopify-Hmac-Sha256',
  /** The API version the payload was rendered with (the app pins SHOPIFY_API_VERSION). */
  apiVersion: 'X-Shopify-API-Version',
} as const;

/** Topics this module maps to the canonical model (subscribed in shopify.app.toml). */
export const SHOPIFY_MAPPED_WEBHOOK_TOPICS = [
  'orders/create',
  'orders/updated',
  'customers/create',
  'customers/update',
  'customers/delete',
] as const;

/** Topics the app subscribes to: the mapped ones, and two handled elsewhere. */
export const SHOPIFY_WEBHOOK_TOPICS = [...SHOPIFY_MAPPED_WEBHOOK_TOPICS, 'app/uninstalled', 'bulk_operations/finish'] as const;

export type ShopifyWebhookTopic = (typeof SHOPIFY_WEBHOOK_TOPICS)[number];
export type ShopifyMappedWebhookTopic = (typeof SHOPIFY_MAPPED_WEBHOOK_TOPICS)[number];

/** Limits beyond which a payload is absurd and rejected rather than processed. */
export const SHOPIFY_WEBHOOK_LIMITS = {
  lineItems: 5000,
  refunds: 1000,
  transactionsPerRefund: 1000,
  /** Characters in any text field that is mapped. */
  textLength: 10_000,
  tagsPerCustomer: SHOPIFY_LIMITS.maxTagsPerCustomer,
  tagLength: SHOPIFY_LIMITS.maxTagLength,
} as const;

/** Customer fields a webhook may leave out (see the header comment). */
export type WebhookCustomerField = 'email' | 'firstName' | 'lastName' | 'tags' | 'marketingState';

export type ShopifyWebhookEvent =
  | {
      kind: 'order';
      order: Order;
      /** The order's customer when the payload holds enough of it (id, email, created_at,
       *  updated_at); null for a guest checkout or a partial customer object. */
      customer: Customer | null;
      /** Fields of `customer` the payload did not carry (empty when customer is null). */
      notSent: WebhookCustomerField[];
    }
  | { kind: 'customer'; customer: Customer; notSent: WebhookCustomerField[] }
  | { kind: 'customer-deleted'; customerId: string };

export type ShopifyWebhookParseResult = { ok: true; event: ShopifyWebhookEvent } | { ok: false; reason: string };

const MAPPED: ReadonlySet<string> = new Set(SHOPIFY_MAPPED_WEBHOOK_TOPICS);
const KNOWN: ReadonlySet<string> = new Set(SHOPIFY_WEBHOOK_TOPICS);
const CONSENT_STATES: ReadonlySet<string> = new Set(['SUBSCRIBED', 'NOT_SUBSCRIBED', 'UNSUBSCRIBED', 'PENDING', 'REDACTED', 'INVALID']);

// --- field schemas ---------------------------------------------------------------------------

const text = z
  .string()
  .max(SHOPIFY_WEBHOOK_LIMITS.textLength, `must be at most ${SHOPIFY_WEBHOOK_LIMITS.textLength} characters`)
  .refine((s) => !s.includes('\u0000'), 'must not contain NUL characters');
const optionalText = text.nullable().optional();

/** A non-negative decimal amount: Shopify sends strings ("12.50"); a finite JSON number is accepted. */
const AMOUNT = /^[0-9]{1,15}(\.[0-9]{1,6})?$/;
const amount = z.unknown().transform((value, ctx) => {
  if (typeof value !== 'string' && typeof value !== 'number') {
    ctx.addIssue({ code: 'custom', message: `must be a decimal amount (got ${value === null ? 'null' : typeof value})` });
    return z.NEVER;
  }
  const s = typeof value === 'number' ? String(value) : value;
  if (!AMOUNT.test(s)) {
    ctx.addIssue({ code: 'custom', message: `must be a finite non-negative decimal amount (got ${JSON.stringify(s).slice(0, 40)})` });
    return z.NEVER;
  }
  return s;
});

const ISO = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$/;

/** An ISO-8601 timestamp with seconds and an offset, a real calendar date; mapped to UTC. */
const timestamp = z.string().transform((s, ctx) => {
  const iso = canonicalTimestamp(s);
  if (iso === null) {
    ctx.addIssue({ code: 'custom', message: `must be an ISO-8601 timestamp with an offset (got ${JSON.stringify(s).slice(0, 40)})` });
    return z.NEVER;
  }
  return iso;
});

function canonicalTimestamp(s: string): string | null {
  const m = ISO.exec(s);
  if (m === null) return null;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return null;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth) return null;
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

const currency = z.string().regex(/^[A-Z]{3}$/, 'must be a three-letter ISO 4217 currency code');

/** A numeric REST id: a positive JSON integer or a decimal string. Safety is checked in resolveId
 *  (zod's int() would refuse integers above 2^53 before the GID could be used instead). */
const restId = z.union(
  [
    z.number().refine((n) => Number.isInteger(n) && n > 0, 'must be a positive integer'),
    z.string().regex(/^[1-9][0-9]{0,19}$/, 'must be a positive integer'),
  ],
  { error: 'must be a positive integer' },
);

const consentSchema = z.looseObject({ state: optionalText });

const customerFields = {
  id: restId,
  admin_graphql_api_id: optionalText,
  email: optionalText,
  first_name: optionalText,
  last_name: optionalText,
  tags: optionalText,
  email_marketing_consent: consentSchema.nullable().optional(),
};

const customerSchema = z.looseObject({ ...customerFields, created_at: timestamp, updated_at: timestamp });
/** The `customer` of an order: may be partial, so its timestamps are optional here. */
const orderCustomerSchema = z.looseObject({ ...customerFields, created_at: timestamp.nullable().optional(), updated_at: timestamp.nullable().optional() });

const lineItemSchema = z.looseObject({
  title: text,
  quantity: z.number().int('must be a whole number').nonnegative('must not be negative').refine(Number.isSafeInteger, 'must be a safe integer'),
  price: amount,
  product_type: optionalText,
  vendor: optionalText,
  sku: optionalText,
});

const transactionSchema = z.looseObject({
  kind: text,
  status: optionalText,
  amount,
  currency: currency.nullable().optional(),
});

const refundSchema = z.looseObject({
  transactions: z.array(transactionSchema).max(SHOPIFY_WEBHOOK_LIMITS.transactionsPerRefund).nullable().optional(),
});

const orderSchema = z.looseObject({
  id: restId,
  admin_graphql_api_id: optionalText,
  email: optionalText,
  created_at: timestamp.nullable().optional(),
  processed_at: timestamp,
  updated_at: timestamp,
  cancelled_at: timestamp.nullable().optional(),
  currency,
  presentment_currency: currency.nullable().optional(),
  total_price: amount,
  total_discounts: amount.nullable().optional(),
  line_items: z.array(lineItemSchema).max(SHOPIFY_WEBHOOK_LIMITS.lineItems),
  refunds: z.array(refundSchema).max(SHOPIFY_WEBHOOK_LIMITS.refunds).nullable().optional(),
  customer: orderCustomerSchema.nullable().optional(),
});

const deletionSchema = z.looseObject({ id: restId, admin_graphql_api_id: optionalText });

type RawCustomer = z.infer<typeof orderCustomerSchema>;
type RawOrder = z.infer<typeof orderSchema>;

// --- mapping ---------------------------------------------------------------------------------

/** A payload that passed the schema but cannot be mapped; caught in parseShopifyWebhook. */
class Unmappable extends Error {}

const MAX_REPORTED_ISSUES = 5;

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) return `is required (${issue.expected})`;
  return issue.message;
}

function describeIssues(error: z.ZodError): string {
  const parts = error.issues
    .slice(0, MAX_REPORTED_ISSUES)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ${issueMessage(issue)}` : issueMessage(issue)));
  const more = error.issues.length - MAX_REPORTED_ISSUES;
  return more > 0 ? `${parts.join('; ')}; and ${more} more` : parts.join('; ');
}

/** The resource's GID: admin_graphql_api_id when present (checked against id), else built from id. */
function resolveId(resource: 'Order' | 'Customer', id: number | string, gid: string | null | undefined, field: string): string {
  const numeric = typeof id === 'number' ? (Number.isSafeInteger(id) ? String(id) : null) : id;
  if (gid != null) {
    const match = new RegExp(`^gid://shopify/${resource}/([1-9][0-9]{0,19})$`).exec(gid);
    if (match === null) throw new Unmappable(`${field}admin_graphql_api_id: must be a gid://shopify/${resource}/<id> (got ${JSON.stringify(gid).slice(0, 60)})`);
    if (numeric !== null && match[1] !== numeric) {
      throw new Unmappable(`${field}admin_graphql_api_id: ${gid} does not match id ${numeric}`);
    }
    return gid;
  }
  if (numeric === null) throw new Unmappable(`${field}id: above 2^53 and lost precision, and no admin_graphql_api_id to fall back on`);
  return `gid://shopify/${resource}/${numeric}`;
}

function normaliseEmail(email: string | null | undefined): string | null {
  return email?.trim().toLowerCase() || null;
}

function splitTags(tags: string, field: string): string[] {
  const list = tags
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag.length > 0);
  if (list.length > SHOPIFY_WEBHOOK_LIMITS.tagsPerCustomer) {
    throw new Unmappable(`${field}tags: ${list.length} tags; at most ${SHOPIFY_WEBHOOK_LIMITS.tagsPerCustomer} are accepted`);
  }
  const long = list.find((tag) => tag.length > SHOPIFY_WEBHOOK_LIMITS.tagLength);
  if (long !== undefined) throw new Unmappable(`${field}tags: a tag is longer than ${SHOPIFY_WEBHOOK_LIMITS.tagLength} characters`);
  return list;
}

function marketingStateOf(consent: { state?: string | null | undefined } | null): MarketingState | null {
  const state = consent?.state;
  if (state == null || state === '') return null;
  const upper = state.toUpperCase();
  return (CONSENT_STATES.has(upper) ? upper : 'UNKNOWN') as MarketingState;
}

function mapCustomer(
  raw: RawCustomer & { created_at: string; updated_at: string },
  field: string,
): { customer: Customer; notSent: WebhookCustomerField[] } {
  const notSent: WebhookCustomerField[] = [];
  if (raw.email === undefined) notSent.push('email');
  if (raw.first_name === undefined) notSent.push('firstName');
  if (raw.last_name === undefined) notSent.push('lastName');
  if (raw.tags === undefined) notSent.push('tags');
  if (raw.email_marketing_consent === undefined) notSent.push('marketingState');
  const customer: Customer = {
    source: 'shopify',
    id: resolveId('Customer', raw.id, raw.admin_graphql_api_id, field),
    email: normaliseEmail(raw.email),
    marketingState: raw.email_marketing_consent === undefined ? null : marketingStateOf(raw.email_marketing_consent),
    firstName: raw.first_name ?? null,
    lastName: raw.last_name ?? null,
    tags: raw.tags == null ? [] : splitTags(raw.tags, field),
    createdAt: raw.created_at,
    updatedAt: raw.updated_at,
  };
  return { customer, notSent };
}

function mapLineItem(raw: RawOrder['line_items'][number]): LineItem {
  return {
    title: raw.title,
    quantity: raw.quantity,
    price: Number(raw.price),
    productType: raw.product_type || null,
    vendor: raw.vendor || null,
    sku: raw.sku || null,
  };
}

/** Exact decimal arithmetic at 6 places (amounts are at most 6 decimals by the schema). */
function micros(value: string): bigint {
  const [whole = '0', fraction = ''] = value.split('.');
  return BigInt(whole) * 1_000_000n + BigInt(fraction.padEnd(6, '0'));
}

function refundedAmount(raw: RawOrder): number {
  let total = 0n;
  for (const [r, refund] of (raw.refunds ?? []).entries()) {
    for (const [t, transaction] of (refund.transactions ?? []).entries()) {
      if (transaction.kind !== 'refund' || transaction.status !== 'success') continue;
      // Without its own currency, a transaction is in the presentment currency.
      const inCurrency = transaction.currency ?? raw.presentment_currency ?? raw.currency;
      if (inCurrency !== raw.currency) {
        throw new Unmappable(
          `refunds.${r}.transactions.${t}.currency: ${inCurrency} is not the shop currency ${raw.currency}; ` +
            'the refunded amount in shop currency is not in the payload (re-read the order through the Admin API)',
        );
      }
      total += micros(transaction.amount);
    }
  }
  return Number(total) / 1_000_000;
}

function mapOrderPayload(raw: RawOrder): ShopifyWebhookEvent {
  const rawCustomer = raw.customer ?? null;
  const customerId = rawCustomer === null ? null : resolveId('Customer', rawCustomer.id, rawCustomer.admin_graphql_api_id, 'customer.');
  const order: Order = {
    source: 'shopify',
    id: resolveId('Order', raw.id, raw.admin_graphql_api_id, ''),
    customerId,
    email: normaliseEmail(raw.email),
    processedAt: raw.processed_at,
    cancelledAt: raw.cancelled_at ?? null,
    currency: raw.currency,
    total: Number(raw.total_price),
    refunded: refundedAmount(raw),
    discount: raw.total_discounts == null ? 0 : Number(raw.total_discounts),
    lineItems: raw.line_items.map(mapLineItem),
    updatedAt: raw.updated_at,
  };
  if (
    rawCustomer === null ||
    normaliseEmail(rawCustomer.email) === null ||
    rawCustomer.created_at == null ||
    rawCustomer.updated_at == null
  ) {
    return { kind: 'order', order, customer: null, notSent: [] };
  }
  const { customer, notSent } = mapCustomer({ ...rawCustomer, created_at: rawCustomer.created_at, updated_at: rawCustomer.updated_at }, 'customer.');
  return { kind: 'order', order, customer, notSent };
}

/** Rejects arrays too long to be real before the schema walks them. */
function sizeProblem(body: Record<string, unknown>): string | null {
  const { line_items: lineItems, refunds } = body;
  if (Array.isArray(lineItems) && lineItems.length > SHOPIFY_WEBHOOK_LIMITS.lineItems) {
    return `line_items: ${lineItems.length} items; at most ${SHOPIFY_WEBHOOK_LIMITS.lineItems} are accepted`;
  }
  if (Array.isArray(refunds)) {
    if (refunds.length > SHOPIFY_WEBHOOK_LIMITS.refunds) {
      return `refunds: ${refunds.length} refunds; at most ${SHOPIFY_WEBHOOK_LIMITS.refunds} are accepted`;
    }
    for (const [index, refund] of refunds.entries()) {
      const transactions = typeof refund === 'object' && refund !== null ? (refund as { transactions?: unknown }).transactions : undefined;
      if (Array.isArray(transactions) && transactions.length > SHOPIFY_WEBHOOK_LIMITS.transactionsPerRefund) {
        return `refunds.${index}.transactions: ${transactions.length} transactions; at most ${SHOPIFY_WEBHOOK_LIMITS.transactionsPerRefund} are accepted`;
      }
    }
  }
  return null;
}

/**
 * Validate a decoded webhook body for its topic (the X-Shopify-Topic header) and map it to the
 * canonical model. Unknown topics, known topics not mapped here, malformed or absurd payloads are
 * `ok: false` with a reason naming the field. Never throws.
 */
export function parseShopifyWebhook(topic: string, body: unknown): ShopifyWebhookParseResult {
  if (!MAPPED.has(topic)) {
    return {
      ok: false,
      reason: KNOWN.has(topic)
        ? `topic ${topic} is known but not mapped to the canonical model here`
        : `unknown topic ${JSON.stringify(String(topic)).slice(0, 80)}`,
    };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, reason: `body must be a JSON object (got ${body === null ? 'null' : Array.isArray(body) ? 'array' : typeof body})` };
  }
  try {
    switch (topic as ShopifyMappedWebhookTopic) {
      case 'orders/create':
      case 'orders/updated': {
        const tooBig = sizeProblem(body as Record<string, unknown>);
        if (tooBig !== null) return { ok: false, reason: tooBig };
        const parsed = orderSchema.safeParse(body);
        if (!parsed.success) return { ok: false, reason: describeIssues(parsed.error) };
        return { ok: true, event: mapOrderPayload(parsed.data) };
      }
      case 'customers/create':
      case 'customers/update': {
        const parsed = customerSchema.safeParse(body);
        if (!parsed.success) return { ok: false, reason: describeIssues(parsed.error) };
        const { customer, notSent } = mapCustomer(parsed.data, '');
        return { ok: true, event: { kind: 'customer', customer, notSent } };
      }
      case 'customers/delete': {
        const parsed = deletionSchema.safeParse(body);
        if (!parsed.success) return { ok: false, reason: describeIssues(parsed.error) };
        return { ok: true, event: { kind: 'customer-deleted', customerId: resolveId('Customer', parsed.data.id, parsed.data.admin_graphql_api_id, '') } };
      }
    }
  } catch (error) {
    if (error instanceof Unmappable) return { ok: false, reason: error.message };
    return { ok: false, reason: `payload could not be mapped: ${error instanceof Error ? error.message : String(error)}` };
  }
  return { ok: false, reason: `topic ${topic} is not mapped` };
}

/**
 * The record to store for a customer mapped from a webhook: the fields the payload did not carry
 * are taken from the stored record, and a stored record newer than the payload (an out-of-order
 * delivery) is kept as it is. Without a stored record the placeholders stand ([] tags, null
 * consent) until the next sync reads the customer.
 */
export function mergeWebhookCustomer(incoming: Customer, notSent: readonly WebhookCustomerField[], stored: Customer | null): Customer {
  if (stored === null) return incoming;
  if (Date.parse(stored.updatedAt) > Date.parse(incoming.updatedAt)) return stored;
  const merged: Customer = { ...incoming, tags: [...incoming.tags] };
  for (const field of notSent) {
    switch (field) {
      case 'tags':
        merged.tags = [...stored.tags];
        break;
      case 'marketingState':
        merged.marketingState = stored.marketingState;
        break;
      case 'email':
      case 'firstName':
      case 'lastName':
        merged[field] = stored[field];
        break;
    }
  }
  return merged;
}

/**
 * Shopify's webhook signature: X-Shopify-Hmac-Sha256 is the base64 HMAC-SHA256 of the raw body
 * (the exact bytes received, never re-serialised JSON) keyed with the app's client secret.
 * Compared in constant time after a length check. An empty body, header or secret is invalid.
 * Webhooks created by hand in the Shopify admin are signed with another secret and fail here.
 */
export function verifyShopifyWebhookHmac(rawBody: Uint8Array | string, hmacHeader: string | undefined, secret: string): boolean {
  if (typeof secret !== 'string' || secret.length === 0) return false;
  if (typeof hmacHeader !== 'string' || hmacHeader.length === 0) return false;
  if (typeof rawBody !== 'string' && !(rawBody instanceof Uint8Array)) return false;
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
  if (body.byteLength === 0) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(body).digest('base64'), 'utf8');
  const given = Buffer.from(hmacHeader, 'utf8');
  if (given.length !== expected.length) return false;
  return timingSafeEqual(given, expected);
}
