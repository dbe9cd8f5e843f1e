// The web process: Shopify and HubSpot webhooks (signatures checked on the raw body, answered at
// once, work enqueued; a HubSpot event goes to the shops connected to its portal), the
// queue dashboard (bull-board) behind admin authentication, "sync now", and a health check. The
// embedded admin UI and the install flow join it with the Shopify app.
import { createBullBoard } from '@bull-board/api';
import { BullAdapter } from '@bull-board/api/bullAdapter';
import { ExpressAdapter } from '@bull-board/express';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { MAX_WEBHOOK_EVENTS, parseHubSpotWebhookEvent } from '../../connectors/hubspot/webhook-events.ts';
import { HUBSPOT_SIGNATURE_V3_HEADER, HUBSPOT_TIMESTAMP_HEADER, verifyHubSpotSignatureV3 } from '../../connectors/hubspot/webhook-signature.ts';
import type { BullQueues } from '../jobs/bull-queues.ts';
import type { JobQueue } from '../jobs/job-types.ts';
import type { Store } from '../store/store.ts';
import { adminAuth } from './admin-auth.ts';
import { knownShopOrAnswer } from './known-shop.ts';
import { mountUi, type UiOptions } from './ui-routes.ts';
import { mountShopifyApp, type ShopifyServerOptions } from './mount-shopify-app.ts';
import { mountShopifyWebhooks } from '../webhooks/shopify-webhook.ts';
import { mountPixelRoutes, PIXEL_STATS_PATH, type PixelRouteOptions } from './pixel-routes.ts';
import { mountFlowActions } from '../flow/flow-action.ts';
import { createApiRouter } from './api/api-router.ts';
import { openApiDocument } from './api/api-routes.ts';
import { EXTENSION_API_PREFIXES, extensionCors } from './extension-cors.ts';

export const ADMIN_QUEUES_PATH = '/admin/queues';
/** Shopify webhook bodies are small; anything much larger is not one. */
export const MAX_WEBHOOK_BYTES = 1024 * 1024;

export interface ServerOptions {
  store: Store;
  queue: JobQueue;
  /** For the dashboard; omitted when running without bull (tests of the webhook path). */
  queues?: BullQueues;
  /** The app's client secret: Shopify signs webhooks with it. */
  shopifyApiSecret: string | null;
  /** The HubSpot app's client secret: HubSpot signs webhooks (v3) with it. */
  hubspotClientSecret?: string | null;
  admin: { user: string; password: string } | null;
  now: () => Date;
  /** The Shopify app (install, /auth, session-token auth of /api, HubSpot connection): mount-shopify-app.ts. */
  shopify?: ShopifyServerOptions;
  /** The embedded admin UI (page shells and assets, app/server/ui-routes.ts); omitted: no UI. */
  ui?: UiOptions;
  /** The web pixel endpoint's tuning (rate limits, caches: app/server/pixel-routes.ts); its secret is shopifyApiSecret. */
  pixel?: Omit<PixelRouteOptions, 'store' | 'queue' | 'appSecret' | 'now'>;
}

export function createServer(options: ServerOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  const requireAdmin = adminAuth(options.admin);

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  // The web pixel's events, from any storefront origin (app/server/pixel-routes.ts).
  const pixelStats = mountPixelRoutes(app, { store: options.store, queue: options.queue, appSecret: options.shopifyApiSecret, now: options.now, ...options.pixel });
  app.get(PIXEL_STATS_PATH, requireAdmin, (_req, res) => {
    res.json(pixelStats.snapshot());
  });
  // Install (/auth), session-token authentication of everything under /api, HubSpot connection.
  if (options.shopify) {
    // The API's description is public (it holds no shop's data): tools read it without a session.
    app.get('/api/openapi.json', (_req, res) => {
      res.json(openApiDocument());
    });
    // Admin UI extensions call their routes cross-origin: CORS and the preflight, before authentication.
    app.use([...EXTENSION_API_PREFIXES], extensionCors);
    mountShopifyApp(app, options.shopify.app, { store: options.store, now: options.now, ...options.shopify });
    // The admin API behind the UI: only ever the authenticated shop's data (api/api-router.ts).
    app.use('/api', createApiRouter({ store: options.store, queue: options.queue, now: options.now, log: (line) => process.stderr.write(`${line}\n`) }));
  }

  // Shopify webhooks and the compliance webhooks (app/webhooks/shopify-webhook.ts).
  const shopifyWebhookCounters = mountShopifyWebhooks(app, { store: options.store, queue: options.queue, shopifyApiSecret: options.shopifyApiSecret, now: options.now });
  // Shopify Flow actions (app/flow/flow-action.ts), signed with the same app secret.
  mountFlowActions(app, { store: options.store, queue: options.queue, shopifyApiSecret: options.shopifyApiSecret, now: options.now });
  app.get('/admin/webhooks/stats', requireAdmin, (_req, res) => {
    res.json({ shopify: { acknowledgedWithoutWork: shopifyWebhookCounters } });
  });

  app.post('/webhooks/hubspot', express.raw({ type: () => true, limit: MAX_WEBHOOK_BYTES }), async (req, res) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const check = verifyHubSpotSignatureV3({
      method: req.method,
      uri: `${req.protocol}://${req.get('host') ?? ''}${req.originalUrl}`,
      rawBody: body,
      signature: req.get(HUBSPOT_SIGNATURE_V3_HEADER),
      timestamp: req.get(HUBSPOT_TIMESTAMP_HEADER),
      clientSecret: options.hubspotClientSecret ?? '',
      now: options.now(),
    });
    if (!check.valid) {
      res.status(401).json({ error: `the webhook signature does not hold (${check.reason})` });
      return;
    }
    let entries: unknown;
    try {
      entries = JSON.parse(body.toString('utf8'));
    } catch {
      res.status(400).json({ error: 'the body is not JSON' });
      return;
    }
    if (!Array.isArray(entries) || entries.length > MAX_WEBHOOK_EVENTS) {
      res.status(400).json({ error: `the body must be an array of at most ${MAX_WEBHOOK_EVENTS} events` });
      return;
    }
    // Each event names its portal; it goes to every shop connected to that portal.
    const shopsOf = new Map<string, string[]>();
    for (const { shopId } of await options.store.listShops()) {
      const portalId = (await options.store.getShopSettings(shopId))?.hubspot?.portalId;
      if (portalId) shopsOf.set(String(portalId), [...(shopsOf.get(String(portalId)) ?? []), shopId]);
    }
    let queued = 0;
    const rejected: Array<{ index: number; reason: string }> = [];
    for (const [index, entry] of entries.entries()) {
      const parsed = parseHubSpotWebhookEvent(entry);
      if ('reason' in parsed) {
        rejected.push({ index, reason: parsed.reason });
        continue;
      }
      const event = parsed.event;
      for (const shopId of shopsOf.get(event.portalId) ?? []) {
        await options.queue.enqueue('ingest', { shopId, source: 'hubspot', topic: event.kind, eventId: event.dedupeKey, occurredAt: event.occurredAt, payload: entry }, { jobId: `ingest|${shopId}|hubspot|${event.dedupeKey}` });
        queued++;
      }
    }
    res.status(200).json({ queued, rejected });
  });

  app.post('/admin/shops/:shop/sync', requireAdmin, async (req, res) => {
    const shopId = await knownShopOrAnswer(options.store, String(req.params.shop), res);
    if (shopId === null) return;
    const at = options.now().toISOString();
    await options.queue.enqueue('fullSync', { shopId, trigger: 'sync-now', firedAt: at }, { jobId: `sync-now|${shopId}|${at}` });
    res.status(202).json({ queued: true, shop: shopId });
  });

  if (options.queues) {
    const board = new ExpressAdapter();
    board.setBasePath(ADMIN_QUEUES_PATH);
    createBullBoard({ queues: Object.values(options.queues.queues).map((q) => new BullAdapter(q)), serverAdapter: board });
    app.use(ADMIN_QUEUES_PATH, requireAdmin, board.getRouter());
  }
  if (options.ui) mountUi(app, options.ui);
  // Body-parser refusals (oversized, unreadable) and anything unexpected: a status and a short
  // message, never a stack trace.
  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const status = typeof (error as { status?: unknown }).status === 'number' ? (error as { status: number }).status : 500;
    res.status(status).json({ error: status === 413 ? `the body is larger than ${MAX_WEBHOOK_BYTES} bytes` : status < 500 ? 'the request could not be read' : 'internal error' });
  });
  return app;
}
