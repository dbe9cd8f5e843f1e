// The wire format between the pixel and the app's endpoint (POST /pixel/events), and its limits.
// Agreed with the endpoint (app/pixel/pixel-schema.ts), which refuses a whole batch for one field
// out of its bounds: the pixel only ever sends values inside them. Change both sides together.
import { PIXEL_EVENT_NAMES, PIXEL_WIRE_LIMITS, type PixelEventName } from '../../../connectors/shopify/pixel-wire.ts';

/** The standard events the pixel subscribes to (and the only names it sends). */
export const STANDARD_EVENTS = PIXEL_EVENT_NAMES;

export type StandardEventName = PixelEventName;

export const LIMITS = {
  /** Events in one request body. */
  maxEventsPerBody: PIXEL_WIRE_LIMITS.maxEvents,
  /** UTF-8 bytes of one request body. */
  maxBodyBytes: PIXEL_WIRE_LIMITS.maxBodyBytes,
  /** Flush as soon as this many events are buffered. */
  flushAtEvents: 20,
  /** Flush this long after the first event entered an empty buffer. */
  flushAfterMs: 2_000,
  /** An urgent event (one that often precedes leaving the page) flushes at once if the last flush is this old. */
  minUrgentGapMs: 1_000,
  /** Client-side cap: events accepted per browser in any rolling window. */
  rateLimitEvents: 120,
  rateWindowMs: 60_000,
  /** Event ids remembered for de-duplication. */
  dedupeIds: 1_000,
  maxUrlChars: PIXEL_WIRE_LIMITS.maxUrl,
  maxSearchQueryChars: PIXEL_WIRE_LIMITS.maxSearchQuery,
  maxProductTypeChars: 255,
  /** Ids (event, client, product, variant, collection, checkout token, order). A longer event or client id makes the event invalid; another id is left out. */
  maxIdChars: 200,
  /** The shop key from the settings. */
  maxKeyChars: 100,
  maxQuantity: 100_000,
  maxMoney: 1e12,
  /** The `dropped` count of one body (more is reported as this). */
  maxDroppedReported: 1_000_000,
  /** An event timestamp further ahead of the browser clock than this is replaced by the clock. */
  maxFutureMs: 24 * 3_600_000,
} as const;

/** The optional, flat fields an event may carry (strings and finite numbers only). */
export interface WireEventData {
  productId?: string;
  variantId?: string;
  productType?: string;
  price?: number;
  currency?: string;
  quantity?: number;
  collectionId?: string;
  searchQuery?: string;
  checkoutToken?: string;
  orderId?: string;
  totalPrice?: number;
}

export interface WireEvent {
  id: string;
  name: StandardEventName;
  timestamp: string;
  customerId: string | null;
  url: string | null;
  data: WireEventData;
}

export interface WireBody {
  v: 1;
  shop: string;
  key: string;
  clientId: string;
  sentAt: string;
  /** Events this browser dropped (client-side rate cap) since the previous body. */
  dropped?: number;
  events: WireEvent[];
}

/** UTF-8 length of a string, as TextEncoder counts it (a lone surrogate is 3 bytes). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** At most `max` UTF-16 units, never splitting a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return text.slice(0, end);
}
