// Shopify webhook endpoints: `/webhooks/shopify` (data topics, app/uninstalled,
// bulk_operations/finish) and `/webhooks/shopify/compliance` (the compliance_topics uri of
// shopify.app.toml; compliance topics are accepted on either path). Each delivery is:
// 1. verified: HMAC-SHA256 of the raw body with the app secret, else 401 and nothing stored;
// 2. parsed: headers, shop domain, JSON (400 when unreadable); a compliance body is validated and
//    its shop_domain must equal the X-Shopify-Shop-Domain header (the signed body names the shop,
//    so one shop's webhook can never act on another shop);
// 3. checked for replays: a delivery triggered more than WEBHOOK_POLICY.maxAgeMs ago is ignored;
//    a delivery id already received (store table webhook_deliveries) answers 200 duplicate and
//    enqueues nothing. The HMAC covers the body only, so a replayer can change the headers: the
//    id and the age stop Shopify's own repeats and careless replays, and what a replay could do
//    is bounded anyway (later state wins in ingest; compliance work is idempotent);
// 4. answered at once, the work enqueued: data topics and app/uninstalled to `ingest`, compliance
//    requests recorded in privacy_requests and their id enqueued to `privacy`. Unknown topics and
//    bulk_operations/finish (the sync polls its bulk operations) are acknowledged and counted.
//
// Why a store table and not a Redis SET NX: it is durable with the data it protects (no Redis
// flush or eviction forgets it), it works with the in-process queue, shop/redact's deleteShop
// removes it, and a redaction finds the rows about a customer through their subject column.
import { createHash } from 'node:crypto';
import express, { type Express, type Request, type RequestHandler, type Response } from 'express';
import { assertShopDomain } from '../../connectors/shopify/admin-client.ts';
import { SHOPIFY_MAPPED_WEBHOOK_TOPICS, SHOPIFY_WEBHOOK_HEADERS, verifyShopifyWebhookHmac } from '../../connectors/shopify/webhook-payloads.ts';
import { describeError } from '../../core/errors.ts';
import type { JobQueue } from '../jobs/job-types.ts';
import { customerGid, isComplianceTopic, orderGid, parseComplianceWebhook, COMPLIANCE_TOPICS } from '../privacy/compliance-payloads.ts';
import type { Store } from '../store/store.ts';

export const SHOPIFY_WEBHOOK_PATH = '/webhooks/shopify';
export const SHOPIFY_COMPLIANCE_PATH = '/webhooks/shopify/compliance';
export const SHOPIFY_WEBHOOK_MAX_BYTES = 1024 * 1024;

/** Topics subscribed at SHOPIFY_WEBHOOK_PATH (shopify.app.toml must list exactly these). */
export const SHOPIFY_HANDLED_TOPICS = [...SHOPIFY_MAPPED_WEBHOOK_TOPICS, 'app/uninstalled', 'bulk_operations/finish'] as const;
/** Compliance topics, served at SHOPIFY_COMPLIANCE_PATH. */
export const SHOPIFY_COMPLIANCE_TOPICS = COMPLIANCE_TOPICS;

export const WEBHOOK_POLICY = {
  /**
   * A delivery whose X-Shopify-Triggered-At is older than this is a replay. Shopify retries a
   * failed delivery up to 8 times over 4 hours, keeping the event's trigger time, so a bound of
   * minutes would drop genuine retries; 48 hours also covers Shopify's former 48-hour retry policy.
   */
  maxAgeMs: 48 * 3600_000,
  /** A trigger time this far in the future (clock skew beyond it) is not believed either. */
  maxFutureMs: 15 * 60_000,
  /**
   * How long delivery ids are remembered: longer than maxAgeMs, so that any delivery young enough
   * to be accepted is still remembered when it comes again.
   */
  retentionMs: 72 * 3600_000,
} as const;

export interface ShopifyWebhookOptions {
  store: Store;
  queue: JobQueue;
  shopifyApiSecret: string | null;
  now: () => Date;
}

/** Counts of deliveries acknowledged without work, by reason (for the admin stats). */
export type WebhookCounters = Record<string, number>;

/** The delivery's subject for the ledger: the customer GID, or a guest order's GID. */
function subjectOf(topic: string, body: Record<string, unknown>): string | null {
  const gidOf = (value: unknown, resource: 'Customer' | 'Order'): string | null => {
    if (typeof value !== 'object' || value === null) return null;
    const { admin_graphql_api_id: gid, id } = value as { admin_graphql_api_id?: unknown; id?: unknown };
    if (typeof gid === 'string' && gid.startsWith(`gid://shopify/${resource}/`)) return gid;
    if ((typeof id === 'number' && Number.isSafeInteger(id)) || (typeof id === 'string' && /^[0-9]{1,20}$/.test(id))) {
      return resource === 'Customer' ? customerGid(id) : orderGid(id);
    }
    return null;
  };
  if (topic.startsWith('customers/')) return gidOf(topic === 'customers/redact' || topic === 'customers/data_request' ? body.customer : body, 'Customer');
  if (topic.startsWith('orders/')) return gidOf(body.customer, 'Customer') ?? gidOf(body, 'Order');
  return null;
}

/** A stable request id per shop and delivery, so that a retried delivery upserts the same request. */
function requestIdOf(shopId: string, deliveryId: string): string {
  return createHash('sha256').update(`${shopId}\u0000${deliveryId}`).digest('hex').slice(0, 24);
}

export function shopifyWebhookHandler(options: ShopifyWebhookOptions, counters: WebhookCounters): RequestHandler {
  const ignore = (res: Response, reason: string, extra: Record<string, unknown> = {}) => {
    counters[reason] = (counters[reason] ?? 0) + 1;
    res.status(200).json({ ignored: reason, count: counters[reason], ...extra });
  };
  return async (req: Request, res: Response) => {
    const header = (name: string) => req.get(name) ?? undefined;
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!options.shopifyApiSecret || !verifyShopifyWebhookHmac(body, header(SHOPIFY_WEBHOOK_HEADERS.hmac), options.shopifyApiSecret)) {
      res.status(401).json({ error: 'the webhook signature does not match' });
      return;
    }
    const topic = header(SHOPIFY_WEBHOOK_HEADERS.topic);
    const shop = header(SHOPIFY_WEBHOOK_HEADERS.shopDomain);
    // Shopify marks a repeated delivery of one event with the same event id (and webhook id).
    const eventId = header(SHOPIFY_WEBHOOK_HEADERS.eventId) ?? header(SHOPIFY_WEBHOOK_HEADERS.webhookId);
    if (!topic || !shop || !eventId || eventId.length > 200) {
      res.status(400).json({ error: 'missing X-Shopify-Topic, X-Shopify-Shop-Domain or X-Shopify-Event-Id' });
      return;
    }
    let shopId: string;
    let payload: unknown;
    try {
      shopId = assertShopDomain(shop);
      payload = JSON.parse(body.toString('utf8'));
    } catch (error) {
      res.status(400).json({ error: describeError(error) });
      return;
    }
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
      res.status(400).json({ error: 'the body must be a JSON object' });
      return;
    }
    const compliance = isComplianceTopic(topic) ? parseComplianceWebhook(topic, payload) : null;
    if (compliance && !compliance.ok) {
      res.status(400).json({ error: `invalid ${topic} body: ${compliance.reason}` });
      return;
    }
    if (compliance?.ok && compliance.request.shopDomain !== shopId) {
      res.status(400).json({ error: `the body is about ${JSON.stringify(compliance.request.shopDomain).slice(0, 100)}, not ${shopId}` });
      return;
    }
    const now = options.now();
    const triggered = header(SHOPIFY_WEBHOOK_HEADERS.triggeredAt);
    const triggeredMs = triggered === undefined ? NaN : Date.parse(triggered);
    if (!Number.isNaN(triggeredMs) && (now.getTime() - triggeredMs > WEBHOOK_POLICY.maxAgeMs || triggeredMs - now.getTime() > WEBHOOK_POLICY.maxFutureMs)) {
      ignore(res, 'stale delivery');
      return;
    }
    if (!compliance && !(SHOPIFY_HANDLED_TOPICS as readonly string[]).includes(topic)) {
      ignore(res, 'unknown topic', { topic: topic.slice(0, 100) });
      return;
    }
    if (!(await options.store.getShopSettings(shopId))) {
      // Signed by our secret but for a shop we do not serve (never installed, or redacted).
      ignore(res, 'unknown shop');
      return;
    }
    const occurredAt = Number.isNaN(triggeredMs) ? now.toISOString() : new Date(triggeredMs).toISOString();
    const claimed = await options.store.claimWebhookDelivery(
      shopId,
      { source: 'shopify', deliveryId: eventId, topic, subject: subjectOf(topic, payload as Record<string, unknown>), triggeredAt: Number.isNaN(triggeredMs) ? null : occurredAt, receivedAt: now.toISOString() },
      new Date(now.getTime() - WEBHOOK_POLICY.retentionMs).toISOString(),
    );
    if (!claimed) {
      res.status(200).json({ duplicate: true });
      return;
    }
    if (topic === 'bulk_operations/finish') {
      // Syncs poll their bulk operations (the webhook is not guaranteed); nothing waits on it.
      ignore(res, 'bulk operation finished (syncs poll)');
      return;
    }
    try {
      if (compliance?.ok) {
        const requestId = requestIdOf(shopId, eventId);
        await options.store.savePrivacyRequest(shopId, {
          id: requestId,
          topic: compliance.request.topic,
          subject: compliance.request.subject?.shopifyCustomerIds[0] ?? null,
          status: 'pending',
          receivedAt: now.toISOString(),
          completedAt: null,
          payload: payload as Record<string, unknown>,
          result: null,
        });
        await options.queue.enqueue('privacy', { shopId, requestId, topic: compliance.request.topic }, { jobId: `privacy|${requestId}` });
        res.status(200).json({ queued: true, request: requestId });
        return;
      }
      await options.queue.enqueue('ingest', { shopId, source: 'shopify', topic, eventId, occurredAt, payload }, { jobId: `ingest|${shopId}|shopify|${eventId}` });
    } catch (error) {
      // Not taken: forget the id so that Shopify's retry is.
      await options.store.releaseWebhookDelivery(shopId, 'shopify', eventId).catch(() => {});
      res.status(500).json({ error: `the delivery could not be queued: ${describeError(error)}` });
      return;
    }
    res.status(200).json({ queued: true });
  };
}

/** Mounts both Shopify webhook paths; returns the counters of deliveries acknowledged without work. */
export function mountShopifyWebhooks(app: Express, options: ShopifyWebhookOptions): WebhookCounters {
  const counters: WebhookCounters = {};
  const raw = express.raw({ type: () => true, limit: SHOPIFY_WEBHOOK_MAX_BYTES });
  const handler = shopifyWebhookHandler(options, counters);
  app.post(SHOPIFY_WEBHOOK_PATH, raw, handler);
  app.post(SHOPIFY_COMPLIANCE_PATH, raw, handler);
  return counters;
}
