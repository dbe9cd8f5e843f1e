// A seeded generator of a store and its HubSpot portal at a given size, for the benchmarks.
// Customers fall in planted behaviour groups that the segmentation should find again:
//   loyal head (6 %)      orders all through the two years, most of the volume
//   regulars (14 %)       a handful of orders spread out
//   one-timers (48 %)     a single order
//   lapsed (14 %)         several orders, all in the first year
//   newcomers (12 %)      joined in the last 90 days, one or two recent orders
//   prospects (6 %)       an account, never an order
// Orders: two years, two to four line items with product types (each group leans to its own
// types), discounts for some, refunds and cancellations for a few. Dirty records on purpose:
// customers without email, the same email twice in different letter case, guest orders, line
// items without a product type, HubSpot contacts whose email differs only in letter case.
// Generators throughout: nothing but a per-group index of customer ids is held whole.
import { mulberry32 } from '../../core/prng.ts';
import type { SeedContact } from '../emulators/hubspot/types.ts';
import type { SeedCustomer, SeedOrder } from '../emulators/shopify/types.ts';

const DAY = 86_400_000;
const PRODUCT_TYPES = ['Mugs', 'Tea', 'Candles', 'Cards', 'Bags', 'Kitchen', 'Garden', 'Toys'];

export type BehaviourGroup = 'loyal' | 'regular' | 'one-time' | 'lapsed' | 'new' | 'prospect';

/** Share of customers and relative order weight (orders per customer) of each group. */
const GROUPS: ReadonlyArray<{ group: BehaviourGroup; share: number; weight: number }> = [
  { group: 'loyal', share: 0.06, weight: 60 },
  { group: 'regular', share: 0.14, weight: 10 },
  { group: 'one-time', share: 0.48, weight: 0 },
  { group: 'lapsed', share: 0.14, weight: 6 },
  { group: 'new', share: 0.12, weight: 0 },
  { group: 'prospect', share: 0.06, weight: 0 },
];

/** A customer's group: a hash of the id, so it is the same in every generator pass. */
export function groupOf(id: number, seed: number): BehaviourGroup {
  const u = mulberry32((seed ^ Math.imul(id, 0x9e3779b1)) >>> 0)();
  let acc = 0;
  for (const g of GROUPS) {
    acc += g.share;
    if (u < acc) return g.group;
  }
  return 'prospect';
}

export interface StoreShape {
  customers: number;
  orders: number;
  seed: number;
  end?: Date;
}

export interface GeneratedStore {
  customers(): Generator<SeedCustomer>;
  orders(): Generator<SeedOrder>;
  contacts(): Generator<SeedContact>;
  /** How many customers each group holds. */
  groups: Record<BehaviourGroup, number>;
}

const email = (id: number) => `c${id}@example.com`;

export function generateStore(options: StoreShape): GeneratedStore {
  const end = (options.end ?? new Date('2026-11-01T00:00:00Z')).getTime();
  const start = end - 730 * DAY;
  const n = options.customers;
  const seed = options.seed;

  // Ids per group, for drawing the customer of an order.
  const groupIds = new Map<BehaviourGroup, number[]>(GROUPS.map((g) => [g.group, []]));
  for (let id = 1; id <= n; id++) groupIds.get(groupOf(id, seed))?.push(id);
  const groups = Object.fromEntries([...groupIds].map(([g, ids]) => [g, ids.length])) as Record<BehaviourGroup, number>;
  // One order each for one-timers and newcomers (a second for a quarter of the newcomers); the rest
  // of the orders go to loyal, regular and lapsed customers in proportion to share x weight.
  const oneOrder = (groups['one-time'] ?? 0) + Math.round((groups.new ?? 0) * 1.25);
  const rest = Math.max(0, options.orders - oneOrder);
  const weighted = GROUPS.filter((g) => g.weight > 0);
  const mass = weighted.reduce((sum, g) => sum + (groups[g.group] ?? 0) * g.weight, 0);
  const quota = weighted.map((g) => ({ group: g.group, orders: mass === 0 ? 0 : Math.round((rest * (groups[g.group] ?? 0) * g.weight) / mass) }));

  const createdAt = (id: number, group: BehaviourGroup): number => {
    const r = mulberry32((seed * 31 + id) >>> 0)();
    if (group === 'new') return end - Math.floor(90 * r) * DAY - DAY;
    return start - Math.floor(r * 60) * DAY;
  };

  return {
    groups,
    *customers(): Generator<SeedCustomer> {
      const random = mulberry32(seed);
      for (let id = 1; id <= n; id++) {
        const group = groupOf(id, seed);
        const created = new Date(createdAt(id, group)).toISOString();
        const r = random();
        // Dirty: 2 % without email; 1 % reuse another customer's email in capitals.
        const mail = r < 0.02 ? null : r < 0.03 && id > 1 ? email(id - 1).toUpperCase() : email(id);
        yield {
          id,
          email: mail,
          firstName: 'Bench',
          lastName: `C${id}`,
          marketingState: random() < 0.6 ? 'SUBSCRIBED' : 'NOT_SUBSCRIBED',
          tags: random() < 0.05 ? ['wholesale'] : [],
          createdAt: created,
          updatedAt: created,
        };
      }
    },
    *orders(): Generator<SeedOrder> {
      const random = mulberry32(seed + 1);
      let id = 0;
      const order = (customerId: number | null, at: number, group: BehaviourGroup | null): SeedOrder => {
        id += 1;
        const iso = new Date(Math.min(end - 60_000, at)).toISOString();
        const items = 2 + Math.floor(random() * 3);
        const lean = group === null ? 0 : GROUPS.findIndex((g) => g.group === group);
        const total = { value: 0 };
        const lineItems = Array.from({ length: items }, (_, k) => {
          const price = Math.round((5 + random() * 60) * 100) / 100;
          const quantity = 1 + Math.floor(random() * 3);
          total.value += price * quantity;
          const typeIndex = random() < 0.6 ? (lean * 2 + k) % PRODUCT_TYPES.length : Math.floor(random() * PRODUCT_TYPES.length);
          return {
            title: `Product ${(id + k) % 500}`,
            quantity,
            price,
            // Dirty: 5 % of line items without a product type.
            ...(random() < 0.05 ? {} : { productType: PRODUCT_TYPES[typeIndex] ?? 'Gifts' }),
            vendor: 'Bench',
            sku: `SKU-${(id + k) % 500}`,
          };
        });
        const r = random();
        return {
          id,
          customerId,
          email: customerId === null ? `guest${id}@example.com` : email(customerId),
          createdAt: iso,
          processedAt: iso,
          updatedAt: iso,
          currency: 'USD',
          lineItems,
          ...(r < 0.15 ? { discount: Math.round(total.value * 0.1 * 100) / 100 } : {}),
          ...(r > 0.97 ? { refunds: [{ amount: Math.round(total.value * 50) / 100, createdAt: new Date(Math.min(end - 1000, Date.parse(iso) + 5 * DAY)).toISOString() }] } : {}),
          ...(r > 0.955 && r <= 0.97 ? { cancelledAt: new Date(Math.min(end - 1000, Date.parse(iso) + DAY)).toISOString() } : {}),
        };
      };
      const span = (from: number, to: number) => from + Math.floor(random() * Math.max(1, to - from));
      // One-timers and newcomers.
      for (const cid of groupIds.get('one-time') ?? []) yield order(cid, span(Math.max(start, createdAt(cid, 'one-time')), end), 'one-time');
      for (const cid of groupIds.get('new') ?? []) {
        const joined = createdAt(cid, 'new');
        yield order(cid, span(joined, end), 'new');
        if (cid % 4 === 0) yield order(cid, span(joined, end), 'new');
      }
      // The weighted groups: draw a member for each order of the group's quota.
      for (const { group, orders } of quota) {
        const ids = groupIds.get(group) ?? [];
        if (ids.length === 0) continue;
        for (let k = 0; k < orders; k++) {
          const cid = ids[Math.floor(random() * ids.length)] as number;
          // Dirty: 1 % guest checkouts (no customer).
          const customer = random() < 0.01 ? null : cid;
          const at = group === 'lapsed' ? span(start, start + 330 * DAY) : group === 'loyal' ? end - Math.floor(random() ** 1.5 * 730 * DAY) : span(start, end);
          yield order(customer, at, group);
        }
      }
    },
    *contacts(): Generator<SeedContact> {
      const random = mulberry32(seed + 2);
      for (let id = 1; id <= n; id++) {
        if (random() >= 0.6) continue;
        const group = groupOf(id, seed);
        const engaged = group === 'loyal' ? 0.7 : group === 'regular' ? 0.45 : group === 'lapsed' ? 0.1 : 0.25;
        const delivered = 5 + Math.floor(random() * 40);
        const opens = Math.floor(delivered * engaged * random() * 1.4);
        const clicks = Math.floor(opens * 0.3 * random());
        const created = new Date(createdAt(id, group)).toISOString();
        const r = random();
        yield {
          // Dirty: the same person with the email in another letter case.
          email: r < 0.03 ? email(id).toUpperCase() : email(id),
          firstname: 'Bench',
          lastname: `C${id}`,
          lifecyclestage: 'customer',
          createdate: created,
          lastmodifieddate: created,
          hs_email_delivered: String(delivered),
          hs_email_open: String(Math.min(delivered, opens)),
          hs_email_click: String(clicks),
          hs_email_bounce: String(random() < 0.02 ? 1 : 0),
          hs_email_optout: String(random() < 0.04),
          hs_analytics_num_visits: String(Math.floor(random() * 30 * engaged)),
          hs_analytics_num_page_views: String(Math.floor(random() * 120 * engaged)),
        };
      }
      // Newsletter sign-ups who never bought: 5 % of the customer count.
      for (let k = 1; k <= Math.round(n * 0.05); k++) {
        const created = new Date(start + Math.floor(random() * 700) * DAY).toISOString();
        yield {
          email: `lead${k}@example.com`,
          firstname: null,
          lastname: null,
          lifecyclestage: 'subscriber',
          createdate: created,
          lastmodifieddate: created,
          hs_email_delivered: String(3 + Math.floor(random() * 20)),
          hs_email_open: String(Math.floor(random() * 3)),
          hs_email_click: '0',
          hs_analytics_num_visits: String(Math.floor(random() * 5)),
        };
      }
    },
  };
}
