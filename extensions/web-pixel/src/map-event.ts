// Maps one Shopify standard event (as the analytics bus delivers it) to the wire event: a few flat
// fields, nothing else. Pure and defensive: the input is read as unknown, and an event without a
// usable id or name maps to null.
import { LIMITS, STANDARD_EVENTS, truncate, type StandardEventName, type WireEvent, type WireEventData } from './wire.ts';

type Obj = Record<string, unknown>;

function obj(value: unknown): Obj | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Obj) : undefined;
}

/** Follows a path of object keys; undefined as soon as one step is not an object. */
function at(value: unknown, ...path: string[]): unknown {
  let current: unknown = value;
  for (const key of path) {
    const o = obj(current);
    if (!o) return undefined;
    current = o[key];
  }
  return current;
}

/** A non-empty id (numbers are written as strings) of at most `maxIdChars`, without NUL; else undefined. */
function idString(value: unknown): string | undefined {
  const text = typeof value === 'string' ? value : typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
  if (text === undefined || text.length === 0 || text.length > LIMITS.maxIdChars || text.includes('\u0000')) return undefined;
  return text;
}

/** Free text without NUL characters, cut to `max` characters; undefined when nothing is left. */
function text(value: unknown, max: number): string | undefined {
  if (typeof value !== 'string') return undefined;
  const cleaned = truncate(value.split('\u0000').join(''), max);
  return cleaned.length > 0 ? cleaned : undefined;
}

/** A finite number; numeric strings (some money amounts) are accepted. */
function num(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

function money(value: unknown): number | undefined {
  const n = num(value);
  return n !== undefined && n >= 0 && n <= LIMITS.maxMoney ? n : undefined;
}

function quantity(value: unknown): number | undefined {
  const n = num(value);
  return n !== undefined && Number.isInteger(n) && n >= 0 && n <= LIMITS.maxQuantity ? n : undefined;
}

/** An ISO 4217 code (three letters). */
function currency(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const code = value.trim().toUpperCase();
  return /^[A-Z]{3}$/.test(code) ? code : undefined;
}

/** A Shopify customer id as digits: "7012345678901", 7012345678901 or "gid://shopify/Customer/7012345678901". */
function customerIdString(value: unknown): string | undefined {
  const raw = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : typeof value === 'string' ? value.trim() : '';
  const digits = /^gid:\/\/shopify\/Customer\/(\d+)$/.exec(raw)?.[1] ?? raw;
  return /^[1-9][0-9]{0,19}$/.test(digits) ? digits : undefined;
}

function isStandardName(name: unknown): name is StandardEventName {
  return typeof name === 'string' && (STANDARD_EVENTS as readonly string[]).includes(name);
}

/** Writes only the defined fields, so the JSON carries no nulls or empty keys. */
function compact(data: WireEventData): WireEventData {
  const out: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(data)) if (value !== undefined) out[key] = value;
  return out as WireEventData;
}

/** A product variant (product_viewed.data.productVariant, cartLine.merchandise). */
function variantFields(variant: unknown): WireEventData {
  return {
    productId: idString(at(variant, 'product', 'id')),
    variantId: idString(at(variant, 'id')),
    productType: text(at(variant, 'product', 'type'), LIMITS.maxProductTypeChars),
    price: money(at(variant, 'price', 'amount')),
    currency: currency(at(variant, 'price', 'currencyCode')),
  };
}

function checkoutFields(checkout: unknown, withOrder: boolean): WireEventData {
  const lines = at(checkout, 'lineItems');
  let items: number | undefined;
  if (Array.isArray(lines)) {
    items = 0;
    for (const line of lines) items += quantity(at(line, 'quantity')) ?? 0;
  }
  return {
    checkoutToken: idString(at(checkout, 'token')),
    orderId: withOrder ? idString(at(checkout, 'order', 'id')) : undefined,
    totalPrice: money(at(checkout, 'totalPrice', 'amount')),
    currency: currency(at(checkout, 'currencyCode')) ?? currency(at(checkout, 'totalPrice', 'currencyCode')),
    quantity: quantity(items),
  };
}

/** The `data` fields of one standard event. */
export function mapEventData(name: StandardEventName, data: unknown): WireEventData {
  switch (name) {
    case 'page_viewed':
      return {};
    case 'product_viewed':
      return compact(variantFields(at(data, 'productVariant')));
    case 'collection_viewed':
      return compact({ collectionId: idString(at(data, 'collection', 'id')) });
    case 'product_added_to_cart': {
      const line = at(data, 'cartLine');
      return compact({ ...variantFields(at(line, 'merchandise')), quantity: quantity(at(line, 'quantity')) });
    }
    case 'cart_viewed': {
      const cart = at(data, 'cart');
      return compact({
        totalPrice: money(at(cart, 'cost', 'totalAmount', 'amount')),
        currency: currency(at(cart, 'cost', 'totalAmount', 'currencyCode')),
        quantity: quantity(at(cart, 'totalQuantity')),
      });
    }
    case 'checkout_started':
      return compact(checkoutFields(at(data, 'checkout'), false));
    case 'checkout_completed':
      return compact(checkoutFields(at(data, 'checkout'), true));
    case 'search_submitted':
      return compact({ searchQuery: text(at(data, 'searchResult', 'query'), LIMITS.maxSearchQueryChars) });
  }
}

/** The customer id the page was rendered for (init.data.customer.id, as digits), or null for a visitor. */
export function customerIdFromInit(init: unknown): string | null {
  return customerIdString(at(init, 'data', 'customer', 'id')) ?? null;
}

export interface MappedEvent {
  clientId: string;
  event: WireEvent;
}

/**
 * One bus event to the wire. `customerId` is the page's customer (see customerIdFromInit); a
 * checkout_completed of a guest carries the order's customer instead. `now` stamps events whose
 * own timestamp is unusable.
 */
export function mapEvent(raw: unknown, customerId: string | null, now: () => number): MappedEvent | null {
  const name = at(raw, 'name');
  if (!isStandardName(name)) return null;
  const id = idString(at(raw, 'id'));
  const clientId = idString(at(raw, 'clientId'));
  if (!id || !clientId) return null;
  const stamp = at(raw, 'timestamp');
  const parsed = typeof stamp === 'string' ? Date.parse(stamp) : NaN;
  const clock = now();
  // Unparseable, before 1970 or far ahead of the clock (also keeps toISOString to four-digit years): the clock.
  const timestamp = new Date(Number.isFinite(parsed) && parsed >= 0 && parsed <= clock + LIMITS.maxFutureMs ? parsed : clock).toISOString();
  const orderCustomer = name === 'checkout_completed' ? customerIdString(at(raw, 'data', 'checkout', 'order', 'customer', 'id')) : undefined;
  return {
    clientId,
    event: {
      id,
      name,
      timestamp,
      customerId: customerId ?? orderCustomer ?? null,
      url: text(at(raw, 'context', 'document', 'location', 'href'), LIMITS.maxUrlChars) ?? null,
      data: mapEventData(name, at(raw, 'data')),
    },
  };
}
