// Per-person behaviour features as of a date, built by streaming pages of PERSON-KEYED orders (see
// core/profile.ts: `customerId` is already the person id) into an accumulator, then `result()`.
//
// Memory grows with the number of people, plus per person the distinct days they bought on and the
// product types they bought (the same bound as core/customer-aggregate.ts); never with the number
// of orders.
//
// Rules (the order rules are those of core/customer-aggregate.ts):
// - An order counts when it has a customer (here: a person), its processedAt parses,
//   processedAt <= asOf, and it is not cancelled as of asOf (cancelledAt set and <= asOf, or set
//   but unparseable). Each order must be fed once.
// - Net spend per order = max(0, total - refunded), in integer cents.
// - Category mix uses line items: spend = price x quantity (before discounts). The store's top
//   product types (by number of people who bought them, then spend, then name) get one feature
//   each; everything else, including line items without a product type, is `categoryOtherShare`.
// - Engagement (HubSpot) is given per person by the caller; storefront event counts are added per
//   person by the caller. Absent means unknown: null, never 0.
import type { Order } from '../model.ts';
import type { Engagement } from '../profile.ts';
import {
  compareStrings,
  parseEpochMs,
  toCents,
  toEpochMs,
  toIso,
  utcDayNumber,
  wholeDaysBetween,
  type InstantInput,
} from '../instant.ts';
import { categoryFeatureName, featureColumns, type FeatureName, type FeatureRow } from './feature-names.ts';
import { countOrderAsOf } from '../order-counting.ts';
import { summariseStorefront, type StorefrontActivity, type StorefrontEvent } from './storefront-activity.ts';

export type { StorefrontActivity, StorefrontEvent };

/** A person to include even without orders, with the account creation date when known. */
export interface PersonSeed {
  personId: string;
  /** Earliest account creation among the person's customers, ISO-8601; null when unknown. */
  createdAt?: string | null;
}

export interface FeatureStats {
  ordersSeen: number;
  ordersCounted: number;
  guestOrders: number;
  cancelledOrders: number;
  futureOrders: number;
  invalidOrders: number;
  people: number;
  peopleWithOrders: number;
  peopleWithEngagement: number;
  peopleWithStorefront: number;
  /** Distinct product types seen on counted orders (a missing type not counted). */
  productTypes: number;
}

export interface FeatureTable {
  /** ISO-8601 UTC. */
  asOf: string;
  /** Column order; every row's `values` has exactly these keys. */
  featureNames: FeatureName[];
  /** The product types kept as `category:<type>` features, most common first. */
  categories: string[];
  /** Sorted by personId. */
  rows: FeatureRow[];
  stats: FeatureStats;
}

export interface FeatureAccumulator {
  /** Make sure these people appear (even without orders), and record account creation dates. */
  addPeople(people: Iterable<PersonSeed | string>): void;
  /** Feed one page of person-keyed orders. */
  addOrders(orders: Iterable<Order>): void;
  /** Set (replace) the HubSpot engagement of a person. */
  setEngagement(personId: string, engagement: Engagement): void;
  /** Add storefront event counts for a person; counts given in several calls are summed. */
  addStorefrontActivity(personId: string, activity: StorefrontActivity): void;
  /**
   * Add a person's web pixel events (core/features/storefront-activity.ts turns them into counts as
   * of the accumulator's date, with the person's last counted order as a purchase).
   */
  addStorefrontEvents(personId: string, events: Iterable<StorefrontEvent>): void;
  /** The features so far. The accumulator stays usable afterwards. */
  result(): FeatureTable;
}

export interface FeatureOptions {
  asOf: InstantInput;
  /**
   * The product types that get a feature of their own, as a batch run chose them: re-scoring one
   * person must use the batch's columns, not that person's own top types. Overrides topCategories.
   */
  categories?: readonly string[];
  /** How many product types get a feature of their own (default 8). */
  topCategories?: number;
}

export const DEFAULT_TOP_CATEGORIES = 8;

// Per-person state, packed for speed: every order touches one person, so what an order updates
// sits together. People are numbered as first seen (a Map from person id to number); their
// numbers and sums live in one Float64Array, STATS slots per person:
const ORDERS = 0; // counted orders
const FIRST_MS = 1; // first counted order (NaN: none)
const LAST_MS = 2; // last counted order (NaN: none)
const NET_CENTS = 3;
const CHARGED_CENTS = 4;
const REFUNDED_CENTS = 5;
const DISCOUNTED_ORDERS = 6;
const LINE_CENTS = 7; // line-item spend in cents, all types
const CREATED_MS = 8; // earliest account creation (NaN: unknown)
const STATS = 9;
// and, once the person has a counted order, one array of small integers:
//   [n, day_1, ..., day_n, type, cents, type, cents, ...]
// the n distinct UTC day numbers with a counted order (ascending), then the line-item spend in
// cents per product type (type = index into the accumulator's list of types; '' = no type).

type Storefront = { [K in keyof StorefrontActivity]-?: number | null };

const NO_STOREFRONT: Storefront = { visits: null, pageViews: null, productViews: null, cartAddsWithoutPurchase: null, checkoutsAbandoned: null };

function addActivity(previous: Storefront, activity: StorefrontActivity): Storefront {
  const sum = { ...previous };
  for (const key of Object.keys(NO_STOREFRONT) as (keyof Storefront)[]) sum[key] = addCounts(previous[key], countOrNull(activity[key]));
  return sum;
}

/** Add a purchase day to a person's list; no-op when present. */
function addDay(list: number[], day: number): void {
  const count = list[0] as number;
  // Binary search among list[1..count]; most orders come on or after the last purchase day.
  let low = 1;
  let high = count + 1;
  if (count > 0 && (list[count] as number) < day) low = high;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((list[mid] as number) < day) low = mid + 1;
    else high = mid;
  }
  if (low <= count && list[low] === day) return;
  if (low === list.length) list.push(day);
  else list.splice(low, 0, day);
  list[0] = count + 1;
}

/** Add cents to a type in a person's list. */
function addTypeCents(list: number[], type: number, cents: number): void {
  for (let i = (list[0] as number) + 1; i < list.length; i += 2) {
    if (list[i] === type) {
      list[i + 1] = (list[i + 1] as number) + cents;
      return;
    }
  }
  list.push(type, cents);
}

/** A count as given by a caller: kept when finite and >= 0, else unknown. */
function countOrNull(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
}

function shareOrNull(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : null;
}

function addCounts(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return a + b;
}

/** Finite money as cents, non-negative; anything else counts as 0. */
function positiveCents(amount: number): number {
  return Number.isFinite(amount) && amount > 0 ? toCents(amount) : 0;
}

/** Never NaN or Infinity in a row: anything non-finite becomes null. */
function finite(value: number | null): number | null {
  return value !== null && Number.isFinite(value) ? value : null;
}

export function createFeatureAccumulator(options: FeatureOptions): FeatureAccumulator {
  const asOfMs = toEpochMs(options.asOf, 'asOf');
  const topCategories = Math.max(0, Math.floor(options.topCategories ?? DEFAULT_TOP_CATEGORIES));
  const counters = { ordersSeen: 0, ordersCounted: 0, guestOrders: 0, cancelledOrders: 0, futureOrders: 0, invalidOrders: 0 };
  /** Person number by id, and id by number. */
  const numbers = new Map<string, number>();
  const ids: string[] = [];
  let stats = new Float64Array(1024 * STATS);
  const lists: (number[] | null)[] = [];
  const engagements = new Map<number, Engagement>();
  const storefronts = new Map<number, Storefront>();
  /** Pixel events per person, summarised at result() (they need the person's last order). */
  const storefrontEvents = new Map<number, StorefrontEvent[]>();
  /** Product types seen on priced line items ('' = none), by first appearance; and their indices. */
  const typeNames: string[] = [];
  const typeIndex = new Map<string, number>();
  /** The type index of each product type as given, untrimmed (trimming every line item costs). */
  const typeOfRaw = new Map<string, number>();

  function person(personId: string): number {
    let at = numbers.get(personId);
    if (at === undefined) {
      at = ids.length;
      if ((at + 1) * STATS > stats.length) {
        const grown = new Float64Array(stats.length * 2);
        grown.set(stats);
        stats = grown;
      }
      const base = at * STATS;
      stats[base + FIRST_MS] = Number.NaN;
      stats[base + LAST_MS] = Number.NaN;
      stats[base + CREATED_MS] = Number.NaN;
      numbers.set(personId, at);
      ids.push(personId);
      lists.push(null);
    }
    return at;
  }

  function indexOfType(type: string): number {
    let index = typeIndex.get(type);
    if (index === undefined) {
      index = typeNames.length;
      typeNames.push(type);
      typeIndex.set(type, index);
    }
    return index;
  }

  /** The type index of a line item's product type (trimmed; null or missing: ''). */
  function typeOf(productType: string | null | undefined): number {
    if (productType == null) return indexOfType('');
    let index = typeOfRaw.get(productType);
    if (index === undefined) {
      index = indexOfType(productType.trim());
      typeOfRaw.set(productType, index);
    }
    return index;
  }

  function addOrder(order: Order): void {
    counters.ordersSeen += 1;
    const verdict = countOrderAsOf(order, asOfMs);
    if (!verdict.counted) {
      counters[verdict.reason] += 1;
      return;
    }
    const processedMs = verdict.processedMs;
    counters.ordersCounted += 1;
    const at = person(verdict.customerId);
    const base = at * STATS;
    const s = stats;
    s[base + ORDERS] = (s[base + ORDERS] as number) + 1;
    let list = lists[at] as number[] | null;
    if (list === null) {
      list = [0];
      lists[at] = list;
    }
    addDay(list, utcDayNumber(processedMs));
    const charged = positiveCents(order.total);
    const refunded = positiveCents(order.refunded);
    s[base + CHARGED_CENTS] = (s[base + CHARGED_CENTS] as number) + charged;
    s[base + REFUNDED_CENTS] = (s[base + REFUNDED_CENTS] as number) + refunded;
    s[base + NET_CENTS] = (s[base + NET_CENTS] as number) + Math.max(0, charged - refunded);
    if (Number.isFinite(order.discount) && order.discount > 0) s[base + DISCOUNTED_ORDERS] = (s[base + DISCOUNTED_ORDERS] as number) + 1;
    // NaN (no order yet) compares false: the first order sets both.
    if (!(processedMs >= (s[base + FIRST_MS] as number))) s[base + FIRST_MS] = processedMs;
    if (!(processedMs <= (s[base + LAST_MS] as number))) s[base + LAST_MS] = processedMs;
    const items = order.lineItems;
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as Order['lineItems'][number];
      const quantity = Number.isFinite(item.quantity) && item.quantity > 0 ? item.quantity : 0;
      const cents = positiveCents(item.price) * quantity;
      if (cents <= 0) continue;
      s[base + LINE_CENTS] = (s[base + LINE_CENTS] as number) + cents;
      addTypeCents(list, typeOf(item.productType), cents);
    }
  }

  /** The kept product types: most people first, then most spend, then name. */
  function chooseCategories(): { categories: string[]; productTypes: number } {
    if (options.categories !== undefined) return { categories: [...options.categories], productTypes: typeNames.filter((name) => name !== '').length };
    const buyers = new Float64Array(typeNames.length);
    const spend = new Float64Array(typeNames.length);
    for (const list of lists) {
      if (list === null) continue;
      for (let i = (list[0] as number) + 1; i < list.length; i += 2) {
        const type = list[i] as number;
        buyers[type] = (buyers[type] as number) + 1;
        spend[type] = (spend[type] as number) + (list[i + 1] as number);
      }
    }
    const ranked: number[] = [];
    for (let type = 0; type < typeNames.length; type++) if (typeNames[type] !== '' && (buyers[type] as number) > 0) ranked.push(type);
    ranked.sort(
      (a, b) =>
        (buyers[b] as number) - (buyers[a] as number) ||
        (spend[b] as number) - (spend[a] as number) ||
        compareStrings(typeNames[a] as string, typeNames[b] as string),
    );
    return { categories: ranked.slice(0, topCategories).map((type) => typeNames[type] as string), productTypes: ranked.length };
  }

  function rowOf(
    at: number,
    template: Record<FeatureName, number | null>,
    categories: readonly { type: string; feature: FeatureName }[],
    /** Per type index: its place in `categories`, or -1. */
    categorySlot: Int32Array,
    categoryCents: Float64Array,
  ): FeatureRow {
    // A copy of one template: every row gets the same keys in the same order (and object shape).
    // Every value set below goes through finite(): never NaN or Infinity, null instead.
    const values = { ...template };
    const base = at * STATS;
    const orderCount = stats[base + ORDERS] as number;
    const netCents = stats[base + NET_CENTS] as number;
    const chargedCents = stats[base + CHARGED_CENTS] as number;
    const refundedCents = stats[base + REFUNDED_CENTS] as number;
    const lastMs = stats[base + LAST_MS] as number;
    const createdMs = stats[base + CREATED_MS] as number;
    const lineCents = stats[base + LINE_CENTS] as number;
    const list = lists[at] ?? null;
    const dayCount = list === null ? 0 : (list[0] as number);

    values.frequency = dayCount;
    values.orderCount = orderCount;
    values.monetaryTotal = finite(netCents / 100);
    if (orderCount > 0 && !Number.isNaN(lastMs)) {
      values.recencyDays = finite(wholeDaysBetween(lastMs, asOfMs));
      values.averageOrderValue = finite(Math.round(netCents / orderCount) / 100);
      values.discountedShare = finite((stats[base + DISCOUNTED_ORDERS] as number) / orderCount);
      values.refundRate = finite(chargedCents > 0 ? Math.min(1, refundedCents / chargedCents) : refundedCents > 0 ? 1 : 0);
    }
    let startMs = stats[base + FIRST_MS] as number;
    if (!Number.isNaN(createdMs) && createdMs <= asOfMs && (Number.isNaN(startMs) || createdMs < startMs)) startMs = createdMs;
    values.tenureDays = Number.isNaN(startMs) ? null : finite(wholeDaysBetween(startMs, asOfMs));
    if (list !== null && dayCount >= 2) {
      const first = list[1] as number;
      const last = list[dayCount] as number;
      const mean = (last - first) / (dayCount - 1);
      values.meanDaysBetween = finite(mean);
      if (dayCount >= 3) {
        let squares = 0;
        for (let i = 2; i <= dayCount; i++) {
          const delta = (list[i] as number) - (list[i - 1] as number) - mean;
          squares += delta * delta;
        }
        values.stdDaysBetween = finite(Math.sqrt(squares / (dayCount - 1)));
      }
    }
    if (lineCents > 0 && list !== null) {
      categoryCents.fill(0);
      for (let i = dayCount + 1; i < list.length; i += 2) {
        const slot = categorySlot[list[i] as number] as number;
        if (slot >= 0) categoryCents[slot] = list[i + 1] as number;
      }
      let kept = 0;
      for (let c = 0; c < categories.length; c++) {
        const cents = categoryCents[c] as number;
        kept += cents;
        values[(categories[c] as { feature: FeatureName }).feature] = finite(cents / lineCents);
      }
      values.categoryOtherShare = finite(Math.max(0, lineCents - kept) / lineCents);
    }

    const engagement = engagements.get(at);
    if (engagement !== undefined) {
      values.emailOpens = countOrNull(engagement.emailOpens);
      values.emailClicks = countOrNull(engagement.emailClicks);
      values.emailOpenRate = shareOrNull(engagement.openRate);
      values.emailClickRate = shareOrNull(engagement.clickRate);
      values.emailOptOut = typeof engagement.emailOptOut === 'boolean' ? (engagement.emailOptOut ? 1 : 0) : null;
    }
    let storefront = storefronts.get(at);
    const events = storefrontEvents.get(at);
    if (events !== undefined) {
      const last = stats[at * STATS + LAST_MS] as number;
      const summary = summariseStorefront(events, asOfMs, Number.isNaN(last) ? null : last);
      if (summary !== null) storefront = addActivity(storefront ?? NO_STOREFRONT, summary);
    }
    // HubSpot's web analytics and the storefront's pixel stay apart: a model trained before the
    // pixel was installed must not read pixel sessions as HubSpot visits.
    values.visits = finite(countOrNull(engagement?.visits));
    values.pageViews = finite(countOrNull(engagement?.pageViews));
    values.storefrontVisits = finite(storefront?.visits ?? null);
    values.storefrontPageViews = finite(storefront?.pageViews ?? null);
    values.productViews = finite(storefront?.productViews ?? null);
    values.cartAddsWithoutPurchase = finite(storefront?.cartAddsWithoutPurchase ?? null);
    values.checkoutsAbandoned = finite(storefront?.checkoutsAbandoned ?? null);
    return { personId: ids[at] as string, values };
  }

  return {
    addPeople(seeds) {
      for (const seed of seeds) {
        const personId = typeof seed === 'string' ? seed : seed.personId;
        const at = person(personId);
        if (typeof seed === 'string') continue;
        const createdMs = parseEpochMs(seed.createdAt);
        const known = stats[at * STATS + CREATED_MS] as number;
        if (createdMs !== null && (Number.isNaN(known) || createdMs < known)) stats[at * STATS + CREATED_MS] = createdMs;
      }
    },
    addOrders(orders) {
      for (const order of orders) addOrder(order);
    },
    setEngagement(personId, engagement) {
      engagements.set(person(personId), engagement);
    },
    addStorefrontActivity(personId, activity) {
      const at = person(personId);
      storefronts.set(at, addActivity(storefronts.get(at) ?? NO_STOREFRONT, activity));
    },
    addStorefrontEvents(personId, events) {
      const at = person(personId);
      let list = storefrontEvents.get(at);
      if (!list) storefrontEvents.set(at, (list = []));
      for (const e of events) list.push(e);
    },
    result() {
      const { categories, productTypes } = chooseCategories();
      const columns = featureColumns(categories);
      // Made by JSON.parse, which gives an object whose properties all sit inside it (one
      // allocation per copy; an object grown key by key keeps most of them in a second array),
      // so that its copies, one per row, are cheap. The same keys in the same order.
      const template = JSON.parse(JSON.stringify(Object.fromEntries(columns.map((name) => [name, null])))) as Record<FeatureName, number | null>;
      const categoryColumns = categories.map((type) => ({ type, feature: categoryFeatureName(type) }));
      const categorySlot = new Int32Array(typeNames.length).fill(-1);
      categories.forEach((type, slot) => {
        const index = typeIndex.get(type);
        if (index !== undefined) categorySlot[index] = slot;
      });
      const categoryCents = new Float64Array(categories.length);
      // Person numbers in person id order (the default sort orders strings by UTF-16 code units,
      // as compareStrings does).
      const order = ids.map((_, at) => at).sort((a, b) => compareStrings(ids[a] as string, ids[b] as string));
      const rows: FeatureRow[] = [];
      let withOrders = 0;
      let withStorefront = 0;
      for (const at of order) {
        if ((stats[at * STATS + ORDERS] as number) > 0) withOrders += 1;
        const row = rowOf(at, template, categoryColumns, categorySlot, categoryCents);
        // Events summarise to counts only when some had occurred by the date.
        if (storefronts.has(at) || (storefrontEvents.has(at) && row.values.cartAddsWithoutPurchase !== null)) withStorefront += 1;
        rows.push(row);
      }
      return {
        asOf: toIso(asOfMs),
        featureNames: columns,
        categories,
        rows,
        stats: {
          ...counters,
          people: rows.length,
          peopleWithOrders: withOrders,
          peopleWithEngagement: engagements.size,
          peopleWithStorefront: withStorefront,
          productTypes,
        },
      };
    },
  };
}

/** One-shot form: features of all people as of `asOf`. */
export function computeFeatures(
  input: {
    orders: Iterable<Order>;
    people?: Iterable<PersonSeed | string>;
    engagement?: Iterable<readonly [string, Engagement]>;
    storefront?: Iterable<readonly [string, StorefrontActivity]>;
  },
  options: FeatureOptions,
): FeatureTable {
  const accumulator = createFeatureAccumulator(options);
  if (input.people !== undefined) accumulator.addPeople(input.people);
  accumulator.addOrders(input.orders);
  for (const [personId, engagement] of input.engagement ?? []) accumulator.setEngagement(personId, engagement);
  for (const [personId, activity] of input.storefront ?? []) accumulator.addStorefrontActivity(personId, activity);
  return accumulator.result();
}
