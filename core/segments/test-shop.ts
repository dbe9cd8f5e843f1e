// A small seeded shop for the refine tests: customers of four kinds (loyal, regular, lapsed,
// one-timers) with orders over two years, a few prospects from HubSpot, turned into a RefineInput
// through the same core steps the sync uses (identity, aggregates, features, RFM).
import { createCustomerAggregator } from '../customer-aggregate.ts';
import { createFeatureAccumulator } from '../features/feature-accumulator.ts';
import { resolveIdentities } from '../identity.ts';
import { MS_PER_DAY } from '../instant.ts';
import type { Contact, Customer, Order } from '../model.ts';
import { createPersonOrderKeyer } from '../profile.ts';
import { mulberry32 } from '../prng.ts';
import { scoreRfm } from '../rfm.ts';
import { testContact, testCustomer } from '../test-records.ts';
import type { PersonOrderHistory, RefineInput } from './refine.ts';

export const TEST_AS_OF = '2026-06-01T00:00:00.000Z';

export interface TestShopOptions {
  customers: number;
  prospects?: number;
  seed?: number;
  /** Every customer gets exactly one order. */
  oneOrderEach?: boolean;
  /** Every customer alike: one order, same amount, day and product type, no HubSpot contact. */
  identical?: boolean;
}

export function testShopRecords(options: TestShopOptions): { customers: Customer[]; contacts: Contact[]; orders: Order[] } {
  const random = mulberry32(options.seed ?? 11);
  const end = Date.parse(TEST_AS_OF);
  const customers: Customer[] = [];
  const contacts: Contact[] = [];
  const orders: Order[] = [];
  const types = ['Boards', 'Wax', 'Apparel', 'Leashes'];
  for (let i = 0; i < options.customers; i++) {
    const id = `gid://shopify/Customer/${i + 1}`;
    const email = `c${i + 1}@example.com`;
    customers.push(testCustomer(id, email, { marketingState: i % 3 === 0 ? 'SUBSCRIBED' : 'NOT_SUBSCRIBED' }));
    const kind = i % 4; // 0 loyal, 1 regular, 2 lapsed, 3 one-timer
    const count = options.oneOrderEach || options.identical ? 1 : kind === 0 ? 6 + Math.floor(random() * 6) : kind === 1 ? 2 + Math.floor(random() * 3) : kind === 2 ? 2 : 1;
    const lastAgo = options.identical ? 100 : kind === 0 ? random() * 40 : kind === 1 ? 30 + random() * 120 : kind === 2 ? 300 + random() * 300 : random() * 700;
    const gap = kind === 0 ? 25 + random() * 30 : 60 + random() * 90;
    for (let k = 0; k < count; k++) {
      const at = end - (lastAgo + k * gap) * MS_PER_DAY;
      const amount = options.identical ? 50 : Math.round((kind === 0 ? 120 : 45) * (0.5 + random()) * 100) / 100;
      const iso = new Date(at).toISOString();
      orders.push({
        source: 'shopify', id: `gid://shopify/Order/${i + 1}-${k}`, customerId: id, email, processedAt: iso, cancelledAt: null, currency: 'EUR',
        total: amount, refunded: 0, discount: kind === 3 && !options.identical ? 5 : 0,
        lineItems: [{ title: 'Item', quantity: 1, price: amount, productType: options.identical ? 'Boards' : (types[(i + k) % types.length] ?? null), vendor: null, sku: null }],
        updatedAt: iso,
      });
    }
    if (i % 2 === 0 && !options.identical) contacts.push(testContact(String(1000 + i), email, { emailOpens: Math.floor(random() * 20), emailClicks: Math.floor(random() * 5), emailDelivered: 20 }));
  }
  for (let j = 0; j < (options.prospects ?? 0); j++) contacts.push(testContact(String(9000 + j), `prospect${j}@example.com`, { emailOpens: 2, emailDelivered: 5 }));
  return { customers, contacts, orders };
}

export function testRefineInput(options: TestShopOptions, extra: Partial<RefineInput> = {}): RefineInput {
  const { customers, contacts, orders } = testShopRecords(options);
  const identity = resolveIdentities(customers, contacts);
  const keyed = [...createPersonOrderKeyer(identity.index).keyOrders(orders)];
  const ids = identity.people.map((p) => p.personId);
  const asOf = extra.asOf ?? TEST_AS_OF;
  const horizon = extra.options?.horizonDays ?? 30;
  const snapshot = (at: string) => {
    const acc = createFeatureAccumulator({ asOf: at });
    acc.addPeople(ids);
    acc.addOrders(keyed);
    return acc.result();
  };
  const aggregator = createCustomerAggregator({ asOf });
  aggregator.addCustomers(ids);
  aggregator.addOrders(keyed);
  const aggregates = aggregator.result();
  const history = new Map<string, { times: number[]; amounts: number[] }>();
  const productTypes = new Map<string, string[]>();
  for (const o of keyed) {
    if (!o.customerId) continue;
    const h = history.get(o.customerId) ?? { times: [], amounts: [] };
    h.times.push(Date.parse(o.processedAt));
    h.amounts.push(o.total);
    history.set(o.customerId, h);
    const list = productTypes.get(o.customerId) ?? [];
    for (const li of o.lineItems) if (li.productType && !list.includes(li.productType)) list.push(li.productType);
    productTypes.set(o.customerId, list);
  }
  const orderHistory = new Map<string, PersonOrderHistory>();
  for (const [id, h] of history) {
    const order = h.times.map((_, i) => i).sort((a, b) => (h.times[a] ?? 0) - (h.times[b] ?? 0));
    orderHistory.set(id, { times: order.map((i) => h.times[i] ?? 0), amounts: order.map((i) => h.amounts[i] ?? 0) });
  }
  return {
    asOf,
    people: identity.people,
    aggregates,
    rfm: scoreRfm(aggregates, asOf),
    featuresNow: snapshot(asOf),
    featuresAtCutoff: snapshot(new Date(Date.parse(asOf) - horizon * MS_PER_DAY).toISOString()),
    orders: orderHistory,
    productTypes,
    previousClusters: null,
    rules: [],
    ...extra,
  };
}
