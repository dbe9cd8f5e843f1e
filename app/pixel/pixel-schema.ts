// The wire format of the web pixel's batches (extensions/web-pixel sends them), checked whole at the
// boundary with zod: strict objects (an unknown field is refused), bounded strings and counts,
// ISO-8601 timestamps. parsePixelBatch never throws: a refusal is a value with a short reason that
// names the field, never the value sent.
//
//   { v: 1, shop, key, clientId, sentAt, dropped?, events: [ { id, name, timestamp, customerId, url, data } ] }   1..50 events
import { z } from 'zod';
import { PIXEL_EVENT_NAMES, PIXEL_WIRE_LIMITS, type PixelEventName } from '../../connectors/shopify/pixel-wire.ts';

export { PIXEL_EVENT_NAMES, type PixelEventName };

export const PIXEL_LIMITS = {
  ...PIXEL_WIRE_LIMITS,
  /** An event (or sentAt) further in the future than this is refused (clock skew beyond it is not believed). */
  maxFutureMs: 24 * 3600_000,
  /** An event older than this is dropped as stale (a browser that kept a batch for weeks). */
  maxAgeMs: 30 * 24 * 3600_000,
} as const;

const noNul = (s: string) => !s.includes('\u0000');
const text = (max: number) => z.string().min(1).max(max).refine(noNul, 'must not contain NUL characters');
const timestamp = z.iso.datetime({ offset: true });
const money = z.number().finite().min(0).max(1e12);

const eventData = z.strictObject({
  productId: text(200).optional(),
  variantId: text(200).optional(),
  productType: z.string().max(255).refine(noNul, 'must not contain NUL characters').optional(),
  price: money.optional(),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code').optional(),
  quantity: z.number().int().min(0).max(100_000).optional(),
  collectionId: text(200).optional(),
  searchQuery: z.string().max(PIXEL_LIMITS.maxSearchQuery).refine(noNul, 'must not contain NUL characters').optional(),
  checkoutToken: text(200).optional(),
  orderId: text(200).optional(),
  totalPrice: money.optional(),
});

const event = z.strictObject({
  id: text(200),
  name: z.enum(PIXEL_EVENT_NAMES),
  timestamp,
  customerId: z.string().regex(/^[1-9][0-9]{0,19}$/, 'must be a numeric Shopify customer id').nullable().optional(),
  url: text(PIXEL_LIMITS.maxUrl).nullable().optional(),
  data: eventData.optional(),
});

const batch = z.strictObject({
  v: z.literal(1),
  shop: z.string().max(255).regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, 'must be a myshopify.com domain'),
  key: text(100),
  clientId: text(200),
  sentAt: timestamp,
  dropped: z.number().int().min(0).max(1_000_000).optional(),
  events: z.array(event).min(1).max(PIXEL_LIMITS.maxEvents),
});

export type PixelBatch = z.infer<typeof batch>;
export type PixelEventInput = PixelBatch['events'][number];

export type ParsedBatch = { ok: true; batch: PixelBatch } | { ok: false; reason: string };

/** The batch checked whole; `now` bounds the timestamps in the future. */
export function parsePixelBatch(body: unknown, now: Date): ParsedBatch {
  const parsed = batch.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.map(String).join('.') || '(body)';
    return { ok: false, reason: `${path}: ${(issue?.message ?? 'invalid').slice(0, 200)}` };
  }
  const latest = now.getTime() + PIXEL_LIMITS.maxFutureMs;
  if (Date.parse(parsed.data.sentAt) > latest) return { ok: false, reason: 'sentAt: more than 24 hours in the future' };
  const future = parsed.data.events.findIndex((e) => Date.parse(e.timestamp) > latest);
  if (future >= 0) return { ok: false, reason: `events.${future}.timestamp: more than 24 hours in the future` };
  return { ok: true, batch: parsed.data };
}

/** Whether an event is too old to take (dropped as `stale`). */
export function isStale(e: PixelEventInput, now: Date): boolean {
  return Date.parse(e.timestamp) < now.getTime() - PIXEL_LIMITS.maxAgeMs;
}
