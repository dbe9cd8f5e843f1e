import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LineItem, Order } from '../model.ts';
import type { Engagement } from '../profile.ts';
import { computeFeatures, createFeatureAccumulator } from './feature-accumulator.ts';
import { BASE_FEATURES, FEATURES, featureInfo, type FeatureRow } from './feature-names.ts';
import { mulberry32 } from '../prng.ts';

const AS_OF = '2024-06-30T00:00:00Z';

function item(productType: string | null, price: number, quantity = 1): LineItem {
  return { title: 't', quantity, price, productType, vendor: null, sku: null };
}

function order(id: string, personId: string | null, processedAt: string, extra: Partial<Order> = {}): Order {
  return {
    source: 'shopify',
    id,
    customerId: personId,
    email: null,
    processedAt,
    cancelledAt: null,
    currency: 'EUR',
    total: 10,
    refunded: 0,
    discount: 0,
    lineItems: [],
    updatedAt: processedAt,
    ...extra,
  };
}

function engagement(extra: Partial<Engagement> = {}): Engagement {
  return {
    emailDelivered: 10,
    emailOpens: 4,
    emailClicks: 1,
    emailBounces: 0,
    emailOptOut: false,
    pageViews: 30,
    visits: 5,
    lastVisitAt: null,
    openRate: 0.4,
    clickRate: 0.1,
    ...extra,
  };
}

function rowOf(rows: FeatureRow[], personId: string): FeatureRow {
  const row = rows.find((r) => r.personId === personId);
  assert.ok(row, `row for ${personId}`);
  return row;
}

test('computes recency, frequency, money, tenure and intervals from person-keyed orders', () => {
  const table = computeFeatures(
    {
      orders: [
        order('1', 'p', '2024-01-01T10:00:00Z', { total: 30, refunded: 10, discount: 5 }),
        order('2', 'p', '2024-01-01T20:00:00Z', { total: 10 }),
        order('3', 'p', '2024-01-11T10:00:00Z', { total: 20 }),
        order('4', 'p', '2024-01-31T10:00:00Z', { total: 40, discount: 1 }),
        order('5', 'p', '2024-06-20T10:00:00Z', { total: 100, cancelledAt: '2024-06-21T00:00:00Z' }),
        order('6', 'p', '2024-07-05T10:00:00Z', { total: 100 }),
        order('7', 'p', '2024-06-25T10:00:00Z', { total: 0, cancelledAt: '2024-07-02T00:00:00Z' }),
        order('8', null, '2024-01-01T10:00:00Z'),
      ],
      people: [{ personId: 'p', createdAt: '2023-12-01T00:00:00Z' }],
    },
    { asOf: AS_OF },
  );
  const v = rowOf(table.rows, 'p').values;
  // Counted: 1, 2, 3, 4 and 7 (cancelled after asOf); 5 cancelled before asOf, 6 after asOf, 8 guest.
  assert.equal(v.orderCount, 5);
  assert.equal(v.frequency, 4); // Jan 1, Jan 11, Jan 31, Jun 25
  assert.equal(v.recencyDays, 4); // Jun 25 10:00 -> Jun 30 00:00
  assert.equal(v.monetaryTotal, 90); // 20 + 10 + 20 + 40 + 0
  assert.equal(v.averageOrderValue, 18);
  assert.equal(v.tenureDays, 212); // account created 2023-12-01
  // Purchase days 19723, 19733, 19753, 19899: gaps 10, 20, 146.
  assert.equal(v.meanDaysBetween, 176 / 3);
  const mean = 176 / 3;
  const std = Math.sqrt(((10 - mean) ** 2 + (20 - mean) ** 2 + (146 - mean) ** 2) / 3);
  assert.ok(Math.abs((v.stdDaysBetween ?? 0) - std) < 1e-9);
  assert.equal(v.discountedShare, 2 / 5);
  assert.equal(v.refundRate, 10 / 100);
  assert.deepEqual(table.stats, {
    ordersSeen: 8,
    ordersCounted: 5,
    guestOrders: 1,
    cancelledOrders: 1,
    futureOrders: 1,
    invalidOrders: 0,
    people: 1,
    peopleWithOrders: 1,
    peopleWithEngagement: 0,
    peopleWithStorefront: 0,
    productTypes: 0,
  });
});

test('null means unknown: prospects, one- and two-day buyers, no engagement, no storefront', () => {
  const table = computeFeatures(
    {
      orders: [
        order('1', 'one', '2024-05-01T00:00:00Z'),
        order('2', 'two', '2024-05-01T00:00:00Z'),
        order('3', 'two', '2024-05-11T00:00:00Z'),
      ],
      people: ['prospect', { personId: 'late', createdAt: '2024-08-01T00:00:00Z' }],
    },
    { asOf: AS_OF },
  );
  const prospect = rowOf(table.rows, 'prospect').values;
  assert.equal(prospect.orderCount, 0);
  assert.equal(prospect.frequency, 0);
  assert.equal(prospect.monetaryTotal, 0);
  for (const name of ['recencyDays', 'averageOrderValue', 'tenureDays', 'meanDaysBetween', 'discountedShare', 'refundRate'] as const) {
    assert.equal(prospect[name], null, name);
  }
  assert.equal(rowOf(table.rows, 'late').values.tenureDays, null, 'account created after asOf');
  const one = rowOf(table.rows, 'one').values;
  assert.equal(one.meanDaysBetween, null);
  assert.equal(one.stdDaysBetween, null);
  assert.equal(one.tenureDays, 60);
  const two = rowOf(table.rows, 'two').values;
  assert.equal(two.meanDaysBetween, 10);
  assert.equal(two.stdDaysBetween, null);
  for (const row of table.rows) {
    for (const name of ['emailOpens', 'emailClicks', 'emailOptOut', 'emailOpenRate', 'visits', 'pageViews', 'cartAddsWithoutPurchase'] as const) {
      assert.equal(row.values[name], null, `${row.personId} ${name}`);
    }
    assert.equal(row.values.categoryOtherShare, null, 'no line items');
  }
  assert.deepEqual(
    table.rows.map((r) => r.personId),
    ['late', 'one', 'prospect', 'two'],
  );
});

test('category mix keeps the most common product types store-wide and folds the rest into other', () => {
  const orders: Order[] = [];
  // Types by number of buyers: A (4 people), B (3), C (2), D (1), untyped items count as other.
  const plan: Record<string, LineItem[]> = {
    p1: [item('A', 10), item('B', 30), item(null, 60)],
    p2: [item('A', 5, 2), item('C', 10)],
    p3: [item('A', 1), item('B', 1), item('D', 2)],
    p4: [item(' A ', 10), item('B', 10), item('C', 10)],
  };
  let n = 0;
  for (const [person, items] of Object.entries(plan)) {
    orders.push(order(String(++n), person, '2024-06-01T00:00:00Z', { lineItems: items }));
  }
  const table = computeFeatures({ orders }, { asOf: AS_OF, topCategories: 2 });
  assert.deepEqual(table.categories, ['A', 'B']);
  assert.deepEqual(table.featureNames.slice(10, 13), ['category:A', 'category:B', 'categoryOtherShare']);
  const p1 = rowOf(table.rows, 'p1').values;
  assert.equal(p1['category:A'], 0.1);
  assert.equal(p1['category:B'], 0.3);
  assert.equal(p1.categoryOtherShare, 0.6);
  const p2 = rowOf(table.rows, 'p2').values;
  assert.equal(p2['category:A'], 0.5);
  assert.equal(p2['category:B'], 0);
  assert.equal(p2.categoryOtherShare, 0.5);
  assert.equal(table.stats.productTypes, 4);
  for (const row of table.rows) assert.deepEqual(Object.keys(row.values), table.featureNames);
});

test('engagement and storefront counts: given values kept, absent ones null, storefront summed over calls', () => {
  const accumulator = createFeatureAccumulator({ asOf: AS_OF });
  accumulator.addOrders([order('1', 'a', '2024-06-01T00:00:00Z')]);
  accumulator.setEngagement('a', engagement({ emailOptOut: true }));
  accumulator.setEngagement('b', engagement({ emailOpens: null, openRate: null, emailOptOut: null, visits: null, pageViews: null }));
  accumulator.addStorefrontActivity('a', { visits: 3, cartAddsWithoutPurchase: 2 });
  accumulator.addStorefrontActivity('a', { visits: 4, pageViews: Number.NaN, cartAddsWithoutPurchase: 1 });
  const table = accumulator.result();
  const a = rowOf(table.rows, 'a').values;
  assert.equal(a.emailOpens, 4);
  assert.equal(a.emailClicks, 1);
  assert.equal(a.emailOpenRate, 0.4);
  assert.equal(a.emailClickRate, 0.1);
  assert.equal(a.emailOptOut, 1);
  assert.equal(a.storefrontVisits, 7, 'storefront counts are summed over calls');
  assert.equal(a.storefrontPageViews, null, 'a NaN count is unknown');
  assert.equal(a.visits, 5, "HubSpot's web analytics stay apart from the storefront's");
  assert.equal(a.pageViews, 30);
  assert.equal(a.cartAddsWithoutPurchase, 3);
  const b = rowOf(table.rows, 'b').values;
  assert.equal(b.orderCount, 0);
  assert.equal(b.emailOpens, null);
  assert.equal(b.emailOpenRate, null);
  assert.equal(b.emailClicks, 1);
  assert.equal(b.emailOptOut, null);
  assert.equal(b.visits, null);
  assert.equal(b.cartAddsWithoutPurchase, null);
  assert.equal(table.stats.peopleWithEngagement, 2);
  assert.equal(table.stats.peopleWithStorefront, 1);
});

test('storefront events: summarised as of each table date, with the last counted order as a purchase', () => {
  const events = [
    { name: 'product_added_to_cart', occurredAt: '2024-05-30T10:00:00Z', clientId: 'x' },
    { name: 'checkout_started', occurredAt: '2024-05-30T10:05:00Z', clientId: 'x' },
    { name: 'product_viewed', occurredAt: '2024-06-02T10:00:00Z', clientId: 'x' },
    { name: 'product_added_to_cart', occurredAt: '2024-06-02T10:01:00Z', clientId: 'x' },
  ];
  const at = (asOf: string) => {
    const accumulator = createFeatureAccumulator({ asOf });
    accumulator.addOrders([order('1', 'a', '2024-06-01T00:00:00Z')]);
    accumulator.addStorefrontEvents('a', events);
    accumulator.addStorefrontActivity('a', { visits: 1 });
    const table = accumulator.result();
    assert.equal(table.stats.peopleWithStorefront, 1);
    return rowOf(table.rows, 'a').values;
  };
  // Before the order: the cart add and the checkout are unbought; the checkout was left over an hour.
  const before = at('2024-05-31T00:00:00Z');
  assert.equal(before.cartAddsWithoutPurchase, 1);
  assert.equal(before.checkoutsAbandoned, 1);
  assert.equal(before.productViews, 0);
  assert.equal(before.storefrontVisits, 2, 'one session from the events plus one given as a count');
  // After the order and a later cart add: only the later add is unbought.
  const after = at('2024-06-03T00:00:00Z');
  assert.equal(after.cartAddsWithoutPurchase, 1);
  assert.equal(after.checkoutsAbandoned, 0);
  assert.equal(after.productViews, 1);
  assert.equal(after.storefrontVisits, 3);
  // Before any of the events: the storefront had not seen the person; only the given count is known.
  const early = at('2024-05-01T00:00:00Z');
  assert.equal(early.productViews, null);
  assert.equal(early.cartAddsWithoutPurchase, null);
  assert.equal(early.storefrontVisits, 1);
});

test('pages in any order give the same table; values are never NaN or Infinity', () => {
  const orders: Order[] = [];
  for (let i = 0; i < 300; i++) {
    const day = String(1 + (i % 28)).padStart(2, '0');
    const month = String(1 + (i % 6)).padStart(2, '0');
    orders.push(
      order(String(i), `p${i % 17}`, `2024-${month}-${day}T12:00:00Z`, {
        total: i % 11 === 0 ? Number.NaN : (i * 7) % 50,
        refunded: i % 13 === 0 ? 100 : 0,
        discount: i % 3,
        lineItems: [item(`T${i % 5}`, (i % 9) + 0.5, 1 + (i % 2)), item(null, 0)],
      }),
    );
  }
  const forward = createFeatureAccumulator({ asOf: AS_OF });
  for (let i = 0; i < orders.length; i += 50) forward.addOrders(orders.slice(i, i + 50));
  const backward = createFeatureAccumulator({ asOf: AS_OF });
  backward.addOrders([...orders].reverse());
  const a = forward.result();
  assert.deepEqual(a, backward.result());
  for (const row of a.rows) {
    for (const [name, value] of Object.entries(row.values)) {
      assert.ok(value === null || Number.isFinite(value), `${row.personId} ${name} = ${value}`);
    }
  }
});

test('every base feature has a one-line meaning and a meaning of null', () => {
  assert.equal(FEATURES.length, BASE_FEATURES.length);
  for (const info of FEATURES) {
    assert.ok(info.meaning.length > 10 && !info.meaning.includes('\n'), info.name);
    assert.ok(info.whenNull.length > 5, info.name);
  }
  assert.equal(featureInfo('category:Shoes').unit, 'share');
  assert.match(featureInfo('category:Shoes').meaning, /Shoes/);
});

test('streams 300,000 orders of 100,000 people in pages (timing printed, not asserted tightly)', () => {
  const random = mulberry32(1);
  const types = ['Boards', 'Wax', 'Bindings', 'Apparel', 'Boots', 'Helmets', 'Goggles', 'Gloves', 'Socks', 'Gift cards', null];
  const accumulator = createFeatureAccumulator({ asOf: AS_OF });
  const started = performance.now();
  let page: Order[] = [];
  for (let i = 0; i < 300_000; i++) {
    const day = Math.floor(random() * 900);
    const processedAt = new Date(Date.UTC(2022, 0, 1) + day * 86_400_000).toISOString();
    page.push(
      order(String(i), `person-${Math.floor(random() * 100_000)}`, processedAt, {
        total: Math.round(random() * 20_000) / 100,
        discount: random() < 0.3 ? 5 : 0,
        lineItems: [item(types[Math.floor(random() * types.length)] ?? null, 20, 1), item(types[i % types.length] ?? null, 10, 2)],
      }),
    );
    if (page.length === 250) {
      accumulator.addOrders(page);
      page = [];
    }
  }
  accumulator.addOrders(page);
  const fed = performance.now();
  const table = accumulator.result();
  const elapsed = performance.now() - started;
  console.log(
    `  300,000 orders / ${table.rows.length} people: fed in ${(fed - started).toFixed(0)} ms, result() ${(elapsed - (fed - started)).toFixed(0)} ms, ` +
      `${table.featureNames.length} features, categories ${table.categories.join(', ')}`,
  );
  assert.equal(table.stats.ordersCounted, 300_000 - table.stats.futureOrders);
  assert.ok(table.rows.length > 94_000, `${table.rows.length} people`);
  assert.equal(table.categories.length, 8);
  assert.ok(elapsed < 30_000);
});
