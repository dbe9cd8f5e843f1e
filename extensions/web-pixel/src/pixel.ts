// Wires the pixel: settings, consent, the event subscriptions, the batcher and the transport.
// Everything the sandbox provides comes in through `api` (the object register() hands over) and
// everything else (clock, timers, fetch) through `deps`, so the whole pixel runs in tests.
import { createBatcher, type Batcher, type TimerHandle } from './batcher.ts';
import { customerIdFromInit, mapEvent } from './map-event.ts';
import { CONSENT_EVENT, createConsent } from './privacy.ts';
import { createRateLimiter } from './rate-limit.ts';
import { parseSettings, type PixelSettings } from './settings.ts';
import { createTransport, type FetchLike, type SendBeacon, type SendResult } from './transport.ts';
import { LIMITS, STANDARD_EVENTS, type StandardEventName } from './wire.ts';

type Subscribe = (name: string, callback: (event: unknown) => void) => unknown;
type ConsentSubscribe = (name: typeof CONSENT_EVENT, callback: (payload: unknown) => void) => unknown;

/** The parts of Shopify's ExtensionApi the pixel uses (structural, so tests can fake them). */
export interface PixelApi {
  analytics: { subscribe: Subscribe };
  browser?: {
    sendBeacon?: SendBeacon;
    localStorage?: { getItem(key: string): Promise<string | null>; setItem(key: string, value: string): Promise<void> };
  };
  init: unknown;
  settings: unknown;
  customerPrivacy?: { subscribe?: ConsentSubscribe };
}

export interface PixelDeps {
  now(): number;
  setTimer(callback: () => void, ms: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
  fetch?: FetchLike | undefined;
  /** Called with each delivery's outcome (tests, debugging). */
  onSent?(result: SendResult, body: string): void;
}

export interface PixelHandle {
  settings: PixelSettings;
  batcher: Batcher;
  readonly consented: boolean;
}

/** Events after which the visitor often leaves the page (a navigation or a closed tab): sent at once. */
export const URGENT_EVENTS: ReadonlySet<StandardEventName> = new Set(['product_added_to_cart', 'search_submitted', 'checkout_completed']);

/** Browser storage key of the rate limiter's log (timestamps only, no identifiers). */
export const RATE_STORAGE_KEY = 'segment-refinery:pixel-rate';

function initPrivacy(init: unknown): unknown {
  return typeof init === 'object' && init !== null ? (init as Record<string, unknown>).customerPrivacy : undefined;
}

/** Starts the pixel; null (and nothing subscribed) when the settings are unusable. Never throws into the host. */
export function startPixel(api: PixelApi, deps: PixelDeps): PixelHandle | null {
  const settings = parseSettings(api.settings);
  if (!settings) return null;
  const consent = createConsent(initPrivacy(api.init));
  const customerId = customerIdFromInit(api.init);
  const limiter = createRateLimiter({ limit: LIMITS.rateLimitEvents, windowMs: LIMITS.rateWindowMs, now: deps.now });
  const storage = api.browser?.localStorage;
  const transport = createTransport({ endpoint: settings.endpoint, sendBeacon: api.browser?.sendBeacon?.bind(api.browser), fetch: deps.fetch });

  const saveRate = () => {
    if (!storage || !consent.allowed) return;
    storage.setItem(RATE_STORAGE_KEY, JSON.stringify(limiter.snapshot())).catch(() => undefined);
  };
  const batcher = createBatcher({
    header: { shop: settings.shop, key: settings.key },
    limiter,
    now: deps.now,
    setTimer: deps.setTimer,
    clearTimer: deps.clearTimer,
    send(body) {
      transport.send(body).then(
        (result) => deps.onSent?.(result, body),
        () => undefined,
      );
      saveRate();
    },
  });

  if (storage && consent.allowed) {
    storage.getItem(RATE_STORAGE_KEY).then(
      (saved) => {
        if (saved) limiter.merge(JSON.parse(saved));
      },
      () => undefined,
    ).catch(() => undefined);
  }

  let lastPage: string | null = null;
  const onEvent = (raw: unknown) => {
    try {
      if (!consent.allowed) return;
      const mapped = mapEvent(raw, customerId, deps.now);
      if (!mapped) return;
      if (mapped.event.name === 'page_viewed') {
        // A new page in the same document (one-page checkout, client-side navigation): send what the previous page left.
        if (lastPage !== null && mapped.event.url !== lastPage) batcher.flush();
        lastPage = mapped.event.url;
      }
      batcher.add(mapped, { urgent: URGENT_EVENTS.has(mapped.event.name) });
    } catch {
      // A pixel must never break the storefront.
    }
  };
  for (const name of STANDARD_EVENTS) api.analytics.subscribe(name, onEvent);

  api.customerPrivacy?.subscribe?.(CONSENT_EVENT, (payload: unknown) => {
    try {
      if (consent.update(payload) === 'withdrawn') batcher.clear();
    } catch {
      // ignore malformed payloads
    }
  });

  return {
    settings,
    batcher,
    get consented() {
      return consent.allowed;
    },
  };
}
