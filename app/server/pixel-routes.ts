// The web pixel's endpoint: POST /pixel/events takes the batches extensions/web-pixel sends from a
// shop's storefront (wire format: app/pixel/pixel-schema.ts). The pixel runs in a sandbox on the
// storefront's origin, so the endpoint answers any origin (`Access-Control-Allow-Origin: *`,
// never with credentials; OPTIONS preflight 204). Each request is, in order:
// 1. read: text/plain or application/json, at most 60,000 bytes (413), JSON (400), the whole body
//    valid (400: strict schema, bounded strings, at most 50 events, no timestamp more than 24 h
//    ahead);
// 2. checked: the shop is installed here (404) and the key is the shop's pixel key (403, compared
//    in constant time: app/pixel/pixel-key.ts), so one shop's key never writes another shop's events;
// 3. limited: token buckets per (shop, browser) and per shop (429 with Retry-After): shared by all
//    web processes in Redis on the server, this process's own otherwise (app/pixel/rate-limit.ts);
// 4. stored: events older than 30 days dropped as stale, events of a redacted customer dropped,
//    the rest stored in one transaction (a replayed event id is a duplicate);
// 5. acted on: one coalesced `ingest` job per customer with new events, which re-scores the person.
// Answered 202 {accepted, duplicates, dropped}. Every refusal and dropped event is counted per shop
// by a stable reason (app/pixel/pixel-stats.ts, GET /admin/pixel/stats). Errors are short JSON
// messages, never a stack.
import { createHash } from 'node:crypto';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { describeError } from '../../core/errors.ts';
import type { JobQueue } from '../jobs/job-types.ts';
import { PIXEL_EVENTS_PATH } from '../pixel/activate-pixel.ts';
import { pixelKeyMatches } from '../pixel/pixel-key.ts';
import { PIXEL_LIMITS, isStale, parsePixelBatch, type PixelBatch, type PixelEventInput } from '../pixel/pixel-schema.ts';
import { PixelStats, type PixelRejection } from '../pixel/pixel-stats.ts';
import { PIXEL_RATE_LIMITS, createMemoryRateLimiter, type BucketLimit, type PixelRateLimiter } from '../pixel/rate-limit.ts';
import { loadSuppression } from '../privacy/suppression.ts';
import type { PixelEventRecord, Store } from '../store/store.ts';

export { PIXEL_EVENTS_PATH };
export const PIXEL_STATS_PATH = '/admin/pixel/stats';

export interface PixelRouteOptions {
  store: Store;
  queue: JobQueue;
  /** The Shopify app's client secret (pixel keys derive from it); null: every request is refused. */
  appSecret: string | null;
  now: () => Date;
  /** Default: this process's own token buckets (createMemoryRateLimiter); the server passes the Redis one. */
  limiter?: PixelRateLimiter;
  limits?: { shop?: BucketLimit; client?: BucketLimit };
  /** How long whether a shop is installed is remembered, in ms; default 5000; 0: asked every time. */
  knownShopTtlMs?: number;
  /** The re-score of a customer waits this long for more events of theirs (default 2000 ms). */
  coalesceMs?: number;
  log?: (line: string) => void;
}

const CONTENT_TYPES = new Set(['text/plain', 'application/json']);

function cors(res: Response): void {
  res.set({
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Expose-Headers': 'Retry-After',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
}

/** The ingest job's event id for a customer's new events: the same events, the same id. */
function batchEventId(events: readonly PixelEventRecord[]): string {
  const hash = createHash('sha256');
  for (const id of events.map((e) => e.eventId).sort()) hash.update(`${id}\u0000`);
  return `pixel-${hash.digest('hex').slice(0, 32)}`;
}

function toRecord(batch: PixelBatch, e: PixelEventInput, receivedAt: string): PixelEventRecord {
  return {
    eventId: e.id,
    clientId: batch.clientId,
    customerId: e.customerId ? `gid://shopify/Customer/${e.customerId}` : null,
    name: e.name,
    occurredAt: new Date(Date.parse(e.timestamp)).toISOString(),
    url: e.url ?? null,
    data: { ...(e.data ?? {}) },
    receivedAt,
  };
}

/** Mounts POST /pixel/events (and its preflight); returns the counters for the admin stats. */
export function mountPixelRoutes(app: Express, options: PixelRouteOptions): PixelStats {
  const stats = new PixelStats();
  const limiter = options.limiter ?? createMemoryRateLimiter();
  const shopLimit = options.limits?.shop ?? PIXEL_RATE_LIMITS.shop;
  const clientLimit = options.limits?.client ?? PIXEL_RATE_LIMITS.client;
  const ttl = options.knownShopTtlMs ?? 5000;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const known = new Map<string, { installed: boolean; until: number }>();

  const installed = async (shopId: string): Promise<boolean> => {
    const now = Date.now();
    const cached = known.get(shopId);
    if (cached && cached.until > now) return cached.installed;
    const settings = await options.store.getShopSettings(shopId);
    const answer = settings !== null && settings.shopify !== null;
    if (ttl > 0) {
      known.delete(shopId);
      known.set(shopId, { installed: answer, until: now + ttl });
      if (known.size > 10_000) known.delete(known.keys().next().value ?? '');
    }
    return answer;
  };

  const refuse = (res: Response, shopId: string | null, reason: PixelRejection, status: number, message: string, retryAfterMs?: number): void => {
    stats.rejected(shopId, reason);
    if (retryAfterMs !== undefined) res.set('Retry-After', String(Number.isFinite(retryAfterMs) ? Math.max(1, Math.ceil(retryAfterMs / 1000)) : 60));
    res.status(status).json({ error: message, reason });
  };

  const raw = express.raw({ type: () => true, limit: PIXEL_LIMITS.maxBodyBytes });

  app.options(PIXEL_EVENTS_PATH, (_req, res) => {
    cors(res);
    res.set({ 'Access-Control-Allow-Methods': 'POST, OPTIONS', 'Access-Control-Allow-Headers': 'Content-Type', 'Access-Control-Max-Age': '86400' });
    res.status(204).end();
  });

  app.post(
    PIXEL_EVENTS_PATH,
    (req: Request, res: Response, next: NextFunction) => {
      cors(res);
      const type = (req.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      if (!CONTENT_TYPES.has(type)) return refuse(res, null, 'malformed', 415, 'the body must be sent as text/plain or application/json');
      raw(req, res, (error?: unknown) => {
        if (!error) return next();
        const status = (error as { status?: unknown }).status;
        if (status === 413) return refuse(res, null, 'too_large', 413, `the body is larger than ${PIXEL_LIMITS.maxBodyBytes} bytes`);
        refuse(res, null, 'malformed', 400, 'the body could not be read');
      });
    },
    async (req: Request, res: Response) => {
      try {
        const now = options.now();
        const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        let json: unknown;
        try {
          json = JSON.parse(body.toString('utf8'));
        } catch {
          return refuse(res, null, 'malformed', 400, 'the body is not JSON');
        }
        const parsed = parsePixelBatch(json, now);
        if (!parsed.ok) return refuse(res, null, 'malformed', 400, `the batch is not valid: ${parsed.reason}`);
        const batch = parsed.batch;
        const shopId = batch.shop;
        if (!options.appSecret || !(await installed(shopId))) return refuse(res, null, 'unknown_shop', 404, 'unknown shop');
        if (!pixelKeyMatches(options.appSecret, shopId, batch.key)) return refuse(res, shopId, 'bad_key', 403, 'the key is not this shop\'s pixel key');

        const cost = batch.events.length;
        // The shop in braces: one Redis Cluster hash tag for both keys (app/pixel/redis-rate-limit.ts).
        const taken = await limiter.take([
          { key: `client:{${shopId}}:${batch.clientId}`, limit: clientLimit, cost },
          { key: `shop:{${shopId}}`, limit: shopLimit, cost },
        ]);
        if (taken.fallback) stats.fallback(shopId, taken.fallback);
        if (!taken.ok) {
          return taken.refused === 0
            ? refuse(res, shopId, 'rate_limited_client', 429, 'too many events from this browser', taken.retryAfterMs)
            : refuse(res, shopId, 'rate_limited_shop', 429, 'too many events for this shop', taken.retryAfterMs);
        }
        stats.dropped(shopId, 'client_dropped', batch.dropped ?? 0);

        const receivedAt = now.toISOString();
        const fresh = batch.events.filter((e) => !isStale(e, now));
        const stale = batch.events.length - fresh.length;
        let records = fresh.map((e) => toRecord(batch, e, receivedAt));
        let redacted = 0;
        if (records.some((r) => r.customerId !== null)) {
          const suppression = await loadSuppression(options.store, shopId);
          if (!suppression.empty) {
            const kept = records.filter((r) => r.customerId === null || !suppression.customer({ source: 'shopify', id: r.customerId, email: null }));
            redacted = records.length - kept.length;
            records = kept;
          }
        }
        const saved = records.length === 0 ? { inserted: 0, duplicates: 0 } : await options.store.savePixelEvents(shopId, records);
        stats.dropped(shopId, 'stale', stale);
        stats.dropped(shopId, 'redacted_customer', redacted);
        stats.dropped(shopId, 'duplicate', saved.duplicates);
        stats.accepted(shopId, saved.inserted);

        if (saved.inserted > 0) {
          const byCustomer = new Map<string, PixelEventRecord[]>();
          for (const r of records) if (r.customerId !== null) byCustomer.set(r.customerId, [...(byCustomer.get(r.customerId) ?? []), r]);
          for (const [customerId, events] of byCustomer) {
            const occurredAt = events.map((e) => e.occurredAt).sort().at(-1) ?? receivedAt;
            try {
              await options.queue.enqueue(
                'ingest',
                { shopId, source: 'pixel', topic: 'pixel/events', eventId: batchEventId(events), occurredAt, payload: { customerId, events: events.length } },
                { coalesce: { id: `ingest|${shopId}|pixel|${customerId}`, windowMs: options.coalesceMs ?? 2000 } },
              );
            } catch (error) {
              // The events are stored; the person's next re-score (or sync) takes them into account.
              log(`[pixel] ${shopId}: the re-score of a customer could not be queued: ${describeError(error)}`);
            }
          }
        }
        res.status(202).json({ accepted: saved.inserted, duplicates: saved.duplicates, dropped: stale + redacted });
      } catch (error) {
        log(`[pixel] the batch could not be taken: ${describeError(error)}`);
        if (!res.headersSent) res.status(503).json({ error: 'the events could not be stored; send them again later' });
      }
    },
  );
  return stats;
}
