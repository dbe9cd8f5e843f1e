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

/** Storefront event counts for one person (from the web pixel). Absent or null means unknown. */
export interface StorefrontActivity {
  visits?: number | null;
  pageViews?: number | null;
  /** Add-to-cart events not followed by a completed checkout. */
  cartAddsWithoutPurchase?: number | null;
}

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
  /** The features so far. The accumulator stays usable afterwards. */
  result(): FeatureTable;
}

export interface FeatureOptions {
  asOf: InstantInput;
  /** How many product types get a feature of their own (default 8). */
  topCategories?: number;
}

export const DEFAULT_TOP_CATEGORIES = 8;

interface PersonState {
  createdMs: number | null;
  firstMs: number | null;
  lastMs: number | null;
  orderCount: number;
  /** Distinct UTC day numbers with a counted order, sorted ascending. */
  days: number[];
  netCents: number;
  chargedCents: number;
  refundedCents: number;
  discountedOrders: number;
  /** Line-item spend in cents, all types. */
  lineCents: number;
  /** Line-item spend in cents per product type ('' = no type). */
  byType: Map<string, number> | null;
  engagement: Engagement | null;
  storefront: { visits: number | null; pageViews: number | null; cartAddsWithoutPurchase: number | null } | null;
}

function emptyState(): PersonState {
  return {
    createdMs: null,
    firstMs: null,
    lastMs: null,
    orderCount: 0,
    days: [],
    netCents: 0,
    chargedCents: 0,
    refundedCents: 0,
    discountedOrders: 0,
    lineCents: 0,
    byType: null,
    engagement: null,
    storefront: null,
  };
}

/** Insert into a sorted array of distinct numbers; no-op when present. */
function insertSorted(list: number[], value: number): void {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((list[mid] as number) < value) low = mid + 1;
    else high = mid;
  }
  if (list[low] === value) return;
  if (low === list.length) list.push(value);
  else list.splice(low, 0, value);
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
  const people = new Map<string, PersonState>();
  const counters = { ordersSeen: 0, ordersCounted: 0, guestOrders: 0, cancelledOrders: 0, futureOrders: 0, invalidOrders: 0 };

  function state(personId: string): PersonState {
    let entry = people.get(personId);
    if (entry === undefined) {
      entry = emptyState();
      people.set(personId, entry);
    }
    return entry;
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
    const entry = state(verdict.customerId);
    entry.orderCount += 1;
    insertSorted(entry.days, utcDayNumber(processedMs));
    const charged = positiveCents(order.total);
    const refunded = positiveCents(order.refunded);
    entry.chargedCents += charged;
    entry.refundedCents += refunded;
    entry.netCents += Math.max(0, charged - refunded);
    if (Number.isFinite(order.discount) && order.discount > 0) entry.discountedOrders += 1;
    if (entry.firstMs === null || processedMs < entry.firstMs) entry.firstMs = processedMs;
    if (entry.lastMs === null || processedMs > entry.lastMs) entry.lastMs = processedMs;
    for (const item of order.lineItems) {
      const quantity = Number.isFinite(item.quantity) && item.quantity > 0 ? item.quantity : 0;
      const cents = positiveCents(item.price) * quantity;
      if (cents <= 0) continue;
      const type = item.productType?.trim() ?? '';
      entry.lineCents += cents;
      entry.byType ??= new Map();
      entry.byType.set(type, (entry.byType.get(type) ?? 0) + cents);
    }
  }

  /** The kept product types: most people first, then most spend, then name. */
  function chooseCategories(): { categories: string[]; productTypes: number } {
    const tally = new Map<string, { people: number; cents: number }>();
    for (const entry of people.values()) {
      if (entry.byType === null) continue;
      for (const [type, cents] of entry.byType) {
        if (type === '') continue;
        const t = tally.get(type);
        if (t === undefined) tally.set(type, { people: 1, cents });
        else {
          t.people += 1;
          t.cents += cents;
        }
      }
    }
    const ranked = [...tally.entries()].sort(
      ([typeA, a], [typeB, b]) => b.people - a.people || b.cents - a.cents || compareStrings(typeA, typeB),
    );
    return { categories: ranked.slice(0, topCategories).map(([type]) => type), productTypes: tally.size };
  }

  function rowOf(
    personId: string,
    entry: PersonState,
    template: Record<FeatureName, number | null>,
    categories: readonly { type: string; feature: FeatureName }[],
  ): FeatureRow {
    // A copy of one template: every row gets the same keys in the same order (and object shape).
    const values = { ...template };
    const hasOrders = entry.orderCount > 0;
    const days = entry.days;

    values.frequency = days.length;
    values.orderCount = entry.orderCount;
    values.monetaryTotal = entry.netCents / 100;
    if (hasOrders && entry.lastMs !== null) {
      values.recencyDays = wholeDaysBetween(entry.lastMs, asOfMs);
      values.averageOrderValue = Math.round(entry.netCents / entry.orderCount) / 100;
      values.discountedShare = entry.discountedOrders / entry.orderCount;
      values.refundRate =
        entry.chargedCents > 0 ? Math.min(1, entry.refundedCents / entry.chargedCents) : entry.refundedCents > 0 ? 1 : 0;
    }
    let startMs: number | null = entry.firstMs;
    if (entry.createdMs !== null && entry.createdMs <= asOfMs && (startMs === null || entry.createdMs < startMs)) {
      startMs = entry.createdMs;
    }
    values.tenureDays = startMs === null ? null : wholeDaysBetween(startMs, asOfMs);
    if (days.length >= 2) {
      const first = days[0] as number;
      const last = days[days.length - 1] as number;
      const mean = (last - first) / (days.length - 1);
      values.meanDaysBetween = mean;
      if (days.length >= 3) {
        let squares = 0;
        for (let i = 1; i < days.length; i++) {
          const delta = (days[i] as number) - (days[i - 1] as number) - mean;
          squares += delta * delta;
        }
        values.stdDaysBetween = Math.sqrt(squares / (days.length - 1));
      }
    }
    if (entry.lineCents > 0 && entry.byType !== null) {
      let kept = 0;
      for (const { type, feature } of categories) {
        const cents = entry.byType.get(type) ?? 0;
        kept += cents;
        values[feature] = cents / entry.lineCents;
      }
      values.categoryOtherShare = Math.max(0, entry.lineCents - kept) / entry.lineCents;
    }

    const engagement = entry.engagement;
    if (engagement !== null) {
      values.emailOpens = countOrNull(engagement.emailOpens);
      values.emailClicks = countOrNull(engagement.emailClicks);
      values.emailOpenRate = shareOrNull(engagement.openRate);
      values.emailClickRate = shareOrNull(engagement.clickRate);
      values.emailOptOut = typeof engagement.emailOptOut === 'boolean' ? (engagement.emailOptOut ? 1 : 0) : null;
    }
    const storefront = entry.storefront;
    values.visits = storefront?.visits ?? countOrNull(engagement?.visits);
    values.pageViews = storefront?.pageViews ?? countOrNull(engagement?.pageViews);
    values.cartAddsWithoutPurchase = storefront?.cartAddsWithoutPurchase ?? null;

    for (const name of Object.keys(template) as FeatureName[]) values[name] = finite(values[name] ?? null);
    return { personId, values };
  }

  return {
    addPeople(seeds) {
      for (const seed of seeds) {
        const personId = typeof seed === 'string' ? seed : seed.personId;
        const entry = state(personId);
        if (typeof seed === 'string') continue;
        const createdMs = parseEpochMs(seed.createdAt);
        if (createdMs !== null && (entry.createdMs === null || createdMs < entry.createdMs)) entry.createdMs = createdMs;
      }
    },
    addOrders(orders) {
      for (const order of orders) addOrder(order);
    },
    setEngagement(personId, engagement) {
      state(personId).engagement = engagement;
    },
    addStorefrontActivity(personId, activity) {
      const entry = state(personId);
      const previous = entry.storefront ?? { visits: null, pageViews: null, cartAddsWithoutPurchase: null };
      entry.storefront = {
        visits: addCounts(previous.visits, countOrNull(activity.visits)),
        pageViews: addCounts(previous.pageViews, countOrNull(activity.pageViews)),
        cartAddsWithoutPurchase: addCounts(previous.cartAddsWithoutPurchase, countOrNull(activity.cartAddsWithoutPurchase)),
      };
    },
    result() {
      const { categories, productTypes } = chooseCategories();
      const columns = featureColumns(categories);
      // Built in one go (Object.fromEntries), so that copies of it are cheap.
      const template = Object.fromEntries(columns.map((name) => [name, null])) as Record<FeatureName, number | null>;
      const categoryColumns = categories.map((type) => ({ type, feature: categoryFeatureName(type) }));
      const ids = [...people.keys()].sort(compareStrings);
      const rows: FeatureRow[] = [];
      let withOrders = 0;
      let withEngagement = 0;
      let withStorefront = 0;
      for (const personId of ids) {
        const entry = people.get(personId) ?? emptyState();
        if (entry.orderCount > 0) withOrders += 1;
        if (entry.engagement !== null) withEngagement += 1;
        if (entry.storefront !== null) withStorefront += 1;
        rows.push(rowOf(personId, entry, template, categoryColumns));
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
          peopleWithEngagement: withEngagement,
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
