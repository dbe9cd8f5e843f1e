// What the storefront pixel (extensions/web-pixel) and the app's endpoint (app/pixel) agree on: the
// event names and the bounds of a batch. No imports: the pixel bundles this file as it is.

/** The standard storefront events the pixel subscribes to, and the only names the endpoint takes. */
export const PIXEL_EVENT_NAMES = [
  'page_viewed',
  'product_viewed',
  'collection_viewed',
  'product_added_to_cart',
  'cart_viewed',
  'checkout_started',
  'checkout_completed',
  'search_submitted',
] as const;

export type PixelEventName = (typeof PIXEL_EVENT_NAMES)[number];

export const PIXEL_WIRE_LIMITS = {
  /** UTF-8 bytes of one request body. */
  maxBodyBytes: 60_000,
  /** Events in one request body. */
  maxEvents: 50,
  /** Characters of an event's page URL. */
  maxUrl: 2_048,
  /** Characters of a search query. */
  maxSearchQuery: 256,
} as const;
