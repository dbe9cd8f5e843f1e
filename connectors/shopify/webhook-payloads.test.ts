import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import type { Customer, Order } from '../../core/model.ts';
import {
  SHOPIFY_WEBHOOK_HEADERS,
  SHOPIFY_WEBHOOK_LIMITS,
  SHOPIFY_WEBHOOK_TOPICS,
  mergeWebhookCustomer,
  parseShopifyWebhook,
  verifyShopifyWebhookHmac,
  type ShopifyWebhookEvent,
  type ShopifyWebhookParseResult,
} from './webhook-payloads.ts';

// Example payloads in the documented REST shape, written for these tests. The customer objects
// follow API versions from 2025-01 on (no tags or email_marketing_consent) unless stated.

function lineItem(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 14021938200117,
    admin_graphql_api_id: 'gid://shopify/LineItem/14021938200117',
    current_quantity: 2,
    fulfillable_quantity: 2,
    gift_card: false,
    grams: 340,
    name: 'Stoneware Mug - Sage',
    price: '18.00',
    price_set: { shop_money: { amount: '18.00', currency_code: 'EUR' }, presentment_money: { amount: '18.00', currency_code: 'EUR' } },
    product_exists: true,
    product_id: 8833012400117,
    quantity: 2,
    requires_shipping: true,
    sku: 'MUG-SAGE-350',
    taxable: true,
    title: 'Stoneware Mug',
    total_discount: '0.00',
    variant_id: 47120033900117,
    variant_title: 'Sage',
    vendor: 'Kiln & Co',
    tax_lines: [],
    discount_allocations: [],
    ...overrides,
  };
}

function orderCustomer(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 7310044500117,
    email: ' Mara.Lind@Example.org ',
    created_at: '2024-11-02T09:15:44+01:00',
    updated_at: '2025-06-14T17:03:12+02:00',
    first_name: 'Mara',
    last_name: 'Lind',
    state: 'enabled',
    note: null,
    verified_email: true,
    multipass_identifier: null,
    tax_exempt: false,
    phone: null,
    currency: 'EUR',
    tax_exemptions: [],
    admin_graphql_api_id: 'gid://shopify/Customer/7310044500117',
    default_address: { id: 9100200300117, customer_id: 7310044500117, city: 'Uppsala', country_code: 'SE', default: true },
    ...overrides,
  };
}

function order(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 6120450900117,
    admin_graphql_api_id: 'gid://shopify/Order/6120450900117',
    app_id: 580111,
    buyer_accepts_marketing: false,
    cancel_reason: null,
    cancelled_at: null,
    confirmation_number: 'K7QX2M9PA',
    confirmed: true,
    contact_email: 'mara.lind@example.org',
    created_at: '2025-06-14T17:02:58+02:00',
    currency: 'EUR',
    current_total_price: '41.50',
    email: 'Mara.Lind@Example.org',
    financial_status: 'paid',
    fulfillment_status: null,
    name: '#2044',
    order_number: 2044,
    presentment_currency: 'EUR',
    processed_at: '2025-06-14T17:02:57+02:00',
    source_name: 'web',
    subtotal_price: '36.00',
    tags: '',
    test: false,
    total_discounts: '4.50',
    total_discounts_set: { shop_money: { amount: '4.50', currency_code: 'EUR' }, presentment_money: { amount: '4.50', currency_code: 'EUR' } },
    total_line_items_price: '40.50',
    total_price: '41.50',
    total_price_set: { shop_money: { amount: '41.50', currency_code: 'EUR' }, presentment_money: { amount: '41.50', currency_code: 'EUR' } },
    total_tax: '8.30',
    updated_at: '2025-06-14T17:03:01+02:00',
    billing_address: null,
    customer: orderCustomer(),
    discount_applications: [],
    fulfillments: [],
    line_items: [lineItem(), lineItem({ id: 14021938200118, title: 'Linen Napkin', name: 'Linen Napkin', price: '4.50', quantity: 1, sku: '', vendor: 'Kiln & Co', product_id: null })],
    refunds: [],
    shipping_lines: [{ id: 5012000100117, price: '5.50', title: 'Standard' }],
    ...overrides,
  };
}

function refund(transactions: Array<Record<string, unknown>>, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 990120300117,
    admin_graphql_api_id: 'gid://shopify/Refund/990120300117',
    created_at: '2025-06-20T10:00:00+02:00',
    note: 'Chipped on arrival',
    order_id: 6120450900117,
    processed_at: '2025-06-20T10:00:00+02:00',
    restock: false,
    refund_line_items: [{ id: 610200117, line_item_id: 14021938200117, quantity: 1, subtotal: '18.00', total_tax: '3.60' }],
    order_adjustments: [],
    transactions,
    ...overrides,
  };
}

function transaction(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 8800120300117,
    admin_graphql_api_id: 'gid://shopify/OrderTransaction/8800120300117',
    amount: '18.00',
    authorization: null,
    created_at: '2025-06-20T10:00:01+02:00',
    currency: 'EUR',
    gateway: 'shopify_payments',
    kind: 'refund',
    message: null,
    order_id: 6120450900117,
    parent_id: 8800120200117,
    processed_at: '2025-06-20T10:00:01+02:00',
    source_name: 'web',
    status: 'success',
    test: false,
    ...overrides,
  };
}

function customerPayload(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 7310044500117,
    email: 'mara.lind@example.org',
    created_at: '2024-11-02T09:15:44+01:00',
    updated_at: '2025-06-15T08:00:00+02:00',
    first_name: 'Mara',
    last_name: 'Lind',
    state: 'enabled',
    note: '',
    verified_email: true,
    multipass_identifier: null,
    tax_exempt: false,
    phone: '+46701234567',
    currency: 'EUR',
    addresses: [],
    tax_exemptions: [],
    admin_graphql_api_id: 'gid://shopify/Customer/7310044500117',
    default_address: null,
    ...overrides,
  };
}

function ok(result: ShopifyWebhookParseResult): ShopifyWebhookEvent {
  assert.equal(result.ok, true, result.ok ? '' : result.reason);
  if (!result.ok) throw new Error('unreachable');
  return result.event;
}

function orderEvent(result: ShopifyWebhookParseResult): Extract<ShopifyWebhookEvent, { kind: 'order' }> {
  const event = ok(result);
  assert.equal(event.kind, 'order');
  if (event.kind !== 'order') throw new Error('unreachable');
  return event;
}

function customerEvent(result: ShopifyWebhookParseResult): Extract<ShopifyWebhookEvent, { kind: 'customer' }> {
  const event = ok(result);
  assert.equal(event.kind, 'customer');
  if (event.kind !== 'customer') throw new Error('unreachable');
  return event;
}

function reason(result: ShopifyWebhookParseResult): string {
  assert.equal(result.ok, false, 'expected the payload to be rejected');
  if (result.ok) throw new Error('unreachable');
  return result.reason;
}

// The checks app/store/page-validation.ts applies to a page, restated here: connectors/ does not
// import app/ (data flows one way), so the invariants are asserted directly.
const STORE_MARKETING_STATES = new Set(['SUBSCRIBED', 'NOT_SUBSCRIBED', 'UNSUBSCRIBED', 'PENDING', 'REDACTED', 'INVALID', 'UNKNOWN']);

function assertStoreText(value: unknown, field: string, nullable: boolean): void {
  if (nullable && value === null) return;
  assert.equal(typeof value, 'string', `${field} must be a string`);
  assert.ok(!(value as string).includes('\u0000'), `${field} must not contain NUL`);
}

function assertStoreTimestamp(value: unknown, field: string, nullable: boolean): void {
  if (nullable && value === null) return;
  assertStoreText(value, field, false);
  assert.match(value as string, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, `${field} must be ISO UTC`);
  assert.ok(!Number.isNaN(Date.parse(value as string)), `${field} must parse`);
}

function assertStorableOrder(o: Order): void {
  assert.deepEqual(Object.keys(o).sort(), ['cancelledAt', 'currency', 'customerId', 'discount', 'email', 'id', 'lineItems', 'processedAt', 'refunded', 'source', 'total', 'updatedAt']);
  assert.equal(o.source, 'shopify');
  assert.match(o.id, /^gid:\/\/shopify\/Order\/[1-9]\d*$/);
  if (o.customerId !== null) assert.match(o.customerId, /^gid:\/\/shopify\/Customer\/[1-9]\d*$/);
  assertStoreText(o.email, 'email', true);
  if (o.email !== null) assert.equal(o.email, o.email.trim().toLowerCase());
  assertStoreTimestamp(o.processedAt, 'processedAt', false);
  assertStoreTimestamp(o.cancelledAt, 'cancelledAt', true);
  assertStoreTimestamp(o.updatedAt, 'updatedAt', false);
  assert.ok(o.currency.length > 0);
  for (const n of [o.total, o.refunded, o.discount]) assert.ok(Number.isFinite(n));
  for (const item of o.lineItems) {
    assert.deepEqual(Object.keys(item).sort(), ['price', 'productType', 'quantity', 'sku', 'title', 'vendor']);
    assertStoreText(item.title, 'title', false);
    assert.ok(Number.isFinite(item.quantity) && Number.isFinite(item.price));
    assertStoreText(item.productType, 'productType', true);
    assertStoreText(item.vendor, 'vendor', true);
    assertStoreText(item.sku, 'sku', true);
  }
}

function assertStorableCustomer(c: Customer): void {
  assert.deepEqual(Object.keys(c).sort(), ['createdAt', 'email', 'firstName', 'id', 'lastName', 'marketingState', 'source', 'tags', 'updatedAt']);
  assert.equal(c.source, 'shopify');
  assert.match(c.id, /^gid:\/\/shopify\/Customer\/[1-9]\d*$/);
  assertStoreText(c.email, 'email', true);
  assert.ok(c.marketingState === null || STORE_MARKETING_STATES.has(c.marketingState));
  assertStoreText(c.firstName, 'firstName', true);
  assertStoreText(c.lastName, 'lastName', true);
  assert.ok(Array.isArray(c.tags));
  for (const tag of c.tags) assertStoreText(tag, 'tag', false);
  assertStoreTimestamp(c.createdAt, 'createdAt', false);
  assertStoreTimestamp(c.updatedAt, 'updatedAt', false);
}

// --- orders ---------------------------------------------------------------------------------

test('orders/create maps a registered customer order to the canonical order and customer', () => {
  const event = orderEvent(parseShopifyWebhook('orders/create', order()));
  assert.deepEqual(event.order, {
    source: 'shopify',
    id: 'gid://shopify/Order/6120450900117',
    customerId: 'gid://shopify/Customer/7310044500117',
    email: 'mara.lind@example.org',
    processedAt: '2025-06-14T15:02:57.000Z',
    cancelledAt: null,
    currency: 'EUR',
    total: 41.5,
    refunded: 0,
    discount: 4.5,
    lineItems: [
      { title: 'Stoneware Mug', quantity: 2, price: 18, productType: null, vendor: 'Kiln & Co', sku: 'MUG-SAGE-350' },
      { title: 'Linen Napkin', quantity: 1, price: 4.5, productType: null, vendor: 'Kiln & Co', sku: null },
    ],
    updatedAt: '2025-06-14T15:03:01.000Z',
  });
  assert.deepEqual(event.customer, {
    source: 'shopify',
    id: 'gid://shopify/Customer/7310044500117',
    email: 'mara.lind@example.org',
    marketingState: null,
    firstName: 'Mara',
    lastName: 'Lind',
    tags: [],
    createdAt: '2024-11-02T08:15:44.000Z',
    updatedAt: '2025-06-14T15:03:12.000Z',
  });
  // Since 2025-01 the customer in a webhook carries neither tags nor consent: placeholders only.
  assert.deepEqual(event.notSent, ['tags', 'marketingState']);
  assertStorableOrder(event.order);
  assert.ok(event.customer);
  assertStorableCustomer(event.customer);
});

test('orders/updated is mapped like orders/create; a product_type, when present, is kept', () => {
  const event = orderEvent(parseShopifyWebhook('orders/updated', order({ line_items: [lineItem({ product_type: 'Tableware' })] })));
  assert.equal(event.order.lineItems[0]?.productType, 'Tableware');
});

test('a guest checkout has no customer: customerId and customer are null, an empty email is null', () => {
  const event = orderEvent(parseShopifyWebhook('orders/create', order({ customer: null, email: '', contact_email: null })));
  assert.equal(event.order.customerId, null);
  assert.equal(event.order.email, null);
  assert.equal(event.customer, null);
  assert.deepEqual(event.notSent, []);
  assertStorableOrder(event.order);
  const absent = orderEvent(parseShopifyWebhook('orders/create', { ...order(), customer: undefined }));
  assert.equal(absent.order.customerId, null);
});

test("a customer object without email or timestamps links the order but is not returned", () => {
  const noEmail = orderEvent(parseShopifyWebhook('orders/create', order({ customer: orderCustomer({ email: null }) })));
  assert.equal(noEmail.order.customerId, 'gid://shopify/Customer/7310044500117');
  assert.equal(noEmail.customer, null);
  const partial = orderEvent(parseShopifyWebhook('orders/create', order({ customer: { id: 7310044500117, email: 'a@b.example' } })));
  assert.equal(partial.order.customerId, 'gid://shopify/Customer/7310044500117');
  assert.equal(partial.customer, null);
});

test('a cancelled order with refunds: only successful refund transactions count, summed exactly', () => {
  const event = orderEvent(
    parseShopifyWebhook(
      'orders/updated',
      order({
        cancelled_at: '2025-06-21T09:30:00+02:00',
        cancel_reason: 'customer',
        financial_status: 'partially_refunded',
        refunds: [
          refund([transaction({ amount: '10.10' }), transaction({ id: 2, amount: '99.00', status: 'failure' })]),
          refund([transaction({ id: 3, amount: '0.20' }), transaction({ id: 4, amount: '5.00', status: 'pending' })], { id: 990120300118 }),
          refund([transaction({ id: 5, kind: 'sale', amount: '41.50' }), transaction({ id: 6, kind: 'void', amount: '1.00' })], { id: 990120300119 }),
          refund([], { id: 990120300120, refund_line_items: [] }),
          refund([transaction({ id: 7, amount: 3, currency: null })], { id: 990120300121, transactions: undefined }),
        ],
      }),
    ),
  );
  assert.equal(event.order.cancelledAt, '2025-06-21T07:30:00.000Z');
  assert.equal(event.order.refunded, 10.3); // not 10.299999999999999
  assertStorableOrder(event.order);
});

test('a refund transaction without a currency counts in the order currency', () => {
  const event = orderEvent(parseShopifyWebhook('orders/updated', order({ refunds: [refund([transaction({ currency: undefined, amount: '2.5' })])] })));
  assert.equal(event.order.refunded, 2.5);
});

test('refunds made in a presentment currency other than the shop currency are rejected with a reason', () => {
  const foreign = order({ presentment_currency: 'SEK', refunds: [refund([transaction({ currency: 'SEK', amount: '199.00' })])] });
  assert.match(reason(parseShopifyWebhook('orders/updated', foreign)), /^refunds\.0\.transactions\.0\.currency: SEK is not the shop currency EUR/);
  const implicit = order({ presentment_currency: 'SEK', refunds: [refund([transaction({ currency: undefined })])] });
  assert.match(reason(parseShopifyWebhook('orders/updated', implicit)), /SEK is not the shop currency EUR/);
  // A failed transaction in another currency returned nothing: no reason to reject.
  const failed = order({ presentment_currency: 'SEK', refunds: [refund([transaction({ currency: 'SEK', status: 'failure' })])] });
  assert.equal(orderEvent(parseShopifyWebhook('orders/updated', failed)).order.refunded, 0);
});

test('ids: the GID is preferred, built from the numeric id when absent, and checked against it', () => {
  const built = orderEvent(parseShopifyWebhook('orders/create', order({ admin_graphql_api_id: undefined, customer: orderCustomer({ admin_graphql_api_id: undefined }) })));
  assert.equal(built.order.id, 'gid://shopify/Order/6120450900117');
  assert.equal(built.order.customerId, 'gid://shopify/Customer/7310044500117');
  const fromString = orderEvent(parseShopifyWebhook('orders/create', order({ id: '6120450900117', admin_graphql_api_id: null })));
  assert.equal(fromString.order.id, 'gid://shopify/Order/6120450900117');
  // An id above 2^53 lost precision in JSON.parse: the GID string is used as it is.
  const big = orderEvent(parseShopifyWebhook('orders/create', order({ id: 2 ** 60, admin_graphql_api_id: 'gid://shopify/Order/1152921504606846977' })));
  assert.equal(big.order.id, 'gid://shopify/Order/1152921504606846977');
  assert.match(reason(parseShopifyWebhook('orders/create', order({ id: 2 ** 60, admin_graphql_api_id: undefined }))), /^id: above 2\^53/);
  assert.match(
    reason(parseShopifyWebhook('orders/create', order({ admin_graphql_api_id: 'gid://shopify/Order/1' }))),
    /^admin_graphql_api_id: gid:\/\/shopify\/Order\/1 does not match id 6120450900117$/,
  );
  assert.match(reason(parseShopifyWebhook('orders/create', order({ admin_graphql_api_id: 'gid://shopify/Customer/6120450900117' }))), /^admin_graphql_api_id: must be a gid:\/\/shopify\/Order/);
  assert.match(
    reason(parseShopifyWebhook('orders/create', order({ customer: orderCustomer({ admin_graphql_api_id: 'gid://shopify/Customer/5' }) }))),
    /^customer\.admin_graphql_api_id: .* does not match id 7310044500117$/,
  );
});

// --- customers ------------------------------------------------------------------------------

test('customers/create and customers/update (2025-01+ shape) map the customer and report what was not sent', () => {
  for (const topic of ['customers/create', 'customers/update']) {
    const event = customerEvent(parseShopifyWebhook(topic, customerPayload({ email: '  MARA.Lind@Example.ORG', last_name: null })));
    assert.deepEqual(event.customer, {
      source: 'shopify',
      id: 'gid://shopify/Customer/7310044500117',
      email: 'mara.lind@example.org',
      marketingState: null,
      firstName: 'Mara',
      lastName: null,
      tags: [],
      createdAt: '2024-11-02T08:15:44.000Z',
      updatedAt: '2025-06-15T06:00:00.000Z',
    });
    assert.deepEqual(event.notSent, ['tags', 'marketingState']);
    assertStorableCustomer(event.customer);
  }
});

test('a customer payload that carries tags (comma-separated) and consent maps them', () => {
  const event = customerEvent(
    parseShopifyWebhook(
      'customers/update',
      customerPayload({
        tags: ' vip, refinery:champions ,, wholesale ',
        email_marketing_consent: { state: 'subscribed', opt_in_level: 'confirmed_opt_in', consent_updated_at: '2025-03-01T12:00:00+00:00' },
      }),
    ),
  );
  assert.deepEqual(event.customer.tags, ['vip', 'refinery:champions', 'wholesale']);
  assert.equal(event.customer.marketingState, 'SUBSCRIBED');
  assert.deepEqual(event.notSent, []);
  assertStorableCustomer(event.customer);

  const states: Array<[string, string | null]> = [
    ['not_subscribed', 'NOT_SUBSCRIBED'],
    ['unsubscribed', 'UNSUBSCRIBED'],
    ['pending', 'PENDING'],
    ['redacted', 'REDACTED'],
    ['invalid', 'INVALID'],
    ['something_new', 'UNKNOWN'],
  ];
  for (const [state, expected] of states) {
    const mapped = customerEvent(parseShopifyWebhook('customers/update', customerPayload({ tags: '', email_marketing_consent: { state } })));
    assert.equal(mapped.customer.marketingState, expected, state);
    assert.deepEqual(mapped.customer.tags, []);
  }
  const noConsent = customerEvent(parseShopifyWebhook('customers/update', customerPayload({ tags: 'a', email: null, email_marketing_consent: null })));
  assert.equal(noConsent.customer.marketingState, null);
  assert.equal(noConsent.customer.email, null);
  assert.deepEqual(noConsent.notSent, []);
});

test('mergeWebhookCustomer keeps stored values for fields not sent, and a newer stored record', () => {
  const stored: Customer = {
    source: 'shopify',
    id: 'gid://shopify/Customer/7310044500117',
    email: 'old@example.org',
    marketingState: 'SUBSCRIBED',
    firstName: 'M',
    lastName: 'Lind',
    tags: ['vip', 'refinery:champions'],
    createdAt: '2024-11-02T08:15:44.000Z',
    updatedAt: '2025-06-01T00:00:00.000Z',
  };
  const event = customerEvent(parseShopifyWebhook('customers/update', customerPayload({ phone: null })));
  const merged = mergeWebhookCustomer(event.customer, event.notSent, stored);
  assert.deepEqual(merged, { ...event.customer, tags: ['vip', 'refinery:champions'], marketingState: 'SUBSCRIBED' });
  assert.notEqual(merged.tags, stored.tags);
  const withoutName = customerEvent(parseShopifyWebhook('customers/update', { ...customerPayload(), first_name: undefined, email: undefined }));
  assert.deepEqual(withoutName.notSent, ['email', 'firstName', 'tags', 'marketingState']);
  const kept = mergeWebhookCustomer(withoutName.customer, withoutName.notSent, stored);
  assert.equal(kept.email, 'old@example.org');
  assert.equal(kept.firstName, 'M');
  // An out-of-order (older) delivery does not overwrite a newer stored record.
  const newer = { ...stored, updatedAt: '2025-07-01T00:00:00.000Z' };
  assert.equal(mergeWebhookCustomer(event.customer, event.notSent, newer), newer);
  assert.equal(mergeWebhookCustomer(event.customer, event.notSent, null), event.customer);
});

test('customers/delete maps to the deletion of the customer GID', () => {
  const payload = { id: 7310044500117, phone: null, addresses: [], tax_exemptions: [], email_marketing_consent: null, admin_graphql_api_id: 'gid://shopify/Customer/7310044500117' };
  assert.deepEqual(ok(parseShopifyWebhook('customers/delete', payload)), { kind: 'customer-deleted', customerId: 'gid://shopify/Customer/7310044500117' });
  assert.deepEqual(ok(parseShopifyWebhook('customers/delete', { id: 42 })), { kind: 'customer-deleted', customerId: 'gid://shopify/Customer/42' });
  assert.match(reason(parseShopifyWebhook('customers/delete', { phone: null })), /^id: /);
  assert.match(reason(parseShopifyWebhook('customers/delete', { id: 0 })), /^id: must be a positive integer/);
});

// --- topics and bad input -------------------------------------------------------------------

test('topics: unknown ones and known ones not mapped here are rejected with a reason', () => {
  assert.deepEqual([...SHOPIFY_WEBHOOK_TOPICS], [
    'orders/create',
    'orders/updated',
    'customers/create',
    'customers/update',
    'customers/delete',
    'app/uninstalled',
    'bulk_operations/finish',
  ]);
  assert.equal(reason(parseShopifyWebhook('app/uninstalled', { id: 1 })), 'topic app/uninstalled is known but not mapped to the canonical model here');
  assert.equal(reason(parseShopifyWebhook('bulk_operations/finish', {})), 'topic bulk_operations/finish is known but not mapped to the canonical model here');
  assert.equal(reason(parseShopifyWebhook('products/update', order())), 'unknown topic "products/update"');
  assert.equal(reason(parseShopifyWebhook('ORDERS_CREATE', order())), 'unknown topic "ORDERS_CREATE"');
  assert.equal(SHOPIFY_WEBHOOK_HEADERS.hmac, 'X-Shopify-Hmac-Sha256');
  assert.equal(SHOPIFY_WEBHOOK_HEADERS.topic, 'X-Shopify-Topic');
});

test('bad payloads are rejected with a reason naming the field', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['orders/create', null, /^body must be a JSON object \(got null\)$/],
    ['orders/create', [order()], /^body must be a JSON object \(got array\)$/],
    ['customers/update', 'text', /^body must be a JSON object \(got string\)$/],
    ['orders/create', order({ total_price: 'abc' }), /^total_price: must be a finite non-negative decimal amount \(got "abc"\)$/],
    ['orders/create', order({ total_price: 'NaN' }), /^total_price: must be a finite non-negative decimal amount/],
    ['orders/create', order({ total_price: 'Infinity' }), /^total_price: must be a finite non-negative decimal amount/],
    ['orders/create', JSON.parse(JSON.stringify(order()).replace('"total_price":"41.50"', '"total_price":1e400')), /^total_price: must be a finite non-negative decimal amount \(got "Infinity"\)$/],
    ['orders/create', order({ total_price: '-5.00' }), /^total_price: must be a finite non-negative/],
    ['orders/create', order({ total_price: true }), /^total_price: must be a decimal amount \(got boolean\)$/],
    ['orders/create', order({ total_price: undefined }), /^total_price: must be a decimal amount \(got undefined\)$/],
    ['orders/create', order({ total_discounts: '1,50' }), /^total_discounts: must be a finite/],
    ['orders/create', order({ processed_at: undefined }), /^processed_at: is required \(string\)$/],
    ['orders/create', order({ updated_at: 'yesterday' }), /^updated_at: must be an ISO-8601 timestamp with an offset \(got "yesterday"\)$/],
    ['orders/create', order({ processed_at: '2025-02-30T10:00:00Z' }), /^processed_at: must be an ISO-8601 timestamp/],
    ['orders/create', order({ processed_at: '2025-06-14T17:02:57' }), /^processed_at: must be an ISO-8601 timestamp with an offset/],
    ['orders/create', order({ cancelled_at: '2025-13-01T00:00:00Z' }), /^cancelled_at: must be an ISO-8601/],
    ['orders/create', order({ currency: 'eur' }), /^currency: must be a three-letter ISO 4217 currency code$/],
    ['orders/create', order({ currency: undefined }), /^currency: /],
    ['orders/create', order({ id: -3 }), /^id: must be a positive integer$/],
    ['orders/create', order({ id: 1.5 }), /^id: must be a positive integer$/],
    ['orders/create', order({ id: 'abc' }), /^id: must be a positive integer$/],
    ['orders/create', order({ line_items: undefined }), /^line_items: /],
    ['orders/create', order({ line_items: [lineItem({ title: 'Mug\u0000' })] }), /^line_items\.0\.title: must not contain NUL characters$/],
    ['orders/create', order({ line_items: [lineItem(), lineItem({ quantity: 1.5 })] }), /^line_items\.1\.quantity: must be a whole number$/],
    ['orders/create', order({ line_items: [lineItem({ price: '1e3' })] }), /^line_items\.0\.price: must be a finite/],
    ['orders/create', order({ line_items: [lineItem({ title: 'x'.repeat(SHOPIFY_WEBHOOK_LIMITS.textLength + 1) })] }), /^line_items\.0\.title: must be at most 10000 characters$/],
    ['orders/create', order({ email: 'a\u0000@example.org' }), /^email: must not contain NUL characters$/],
    ['orders/create', order({ refunds: [refund([transaction({ amount: 'NaN' })])] }), /^refunds\.0\.transactions\.0\.amount: must be a finite/],
    ['orders/create', order({ refunds: {} }), /^refunds: /],
    ['orders/create', order({ customer: orderCustomer({ id: 'x' }) }), /^customer\.id: must be a positive integer$/],
    ['orders/create', order({ customer: 'guest' }), /^customer: /],
    ['customers/update', customerPayload({ created_at: undefined }), /^created_at: is required \(string\)$/],
    ['customers/update', customerPayload({ tags: ['vip'] }), /^tags: /],
    ['customers/update', customerPayload({ first_name: 7 }), /^first_name: /],
    ['customers/update', customerPayload({ tags: 'vip,\u0000x' }), /^tags: must not contain NUL characters$/],
    ['customers/update', customerPayload({ email_marketing_consent: 'subscribed' }), /^email_marketing_consent: /],
  ];
  for (const [topic, body, expected] of cases) {
    const result = parseShopifyWebhook(topic, body);
    assert.equal(result.ok, false, `expected ${topic} ${JSON.stringify(body)?.slice(0, 120)} to be rejected`);
    if (!result.ok) assert.match(result.reason, expected);
  }
});

test('absurd sizes are rejected before the payload is walked', () => {
  const items = Array.from({ length: SHOPIFY_WEBHOOK_LIMITS.lineItems + 1 }, () => ({}));
  assert.equal(reason(parseShopifyWebhook('orders/create', order({ line_items: items }))), 'line_items: 5001 items; at most 5000 are accepted');
  const atLimit = Array.from({ length: SHOPIFY_WEBHOOK_LIMITS.lineItems }, () => lineItem());
  assert.equal(orderEvent(parseShopifyWebhook('orders/create', order({ line_items: atLimit }))).order.lineItems.length, 5000);
  const refunds = Array.from({ length: SHOPIFY_WEBHOOK_LIMITS.refunds + 1 }, () => ({}));
  assert.match(reason(parseShopifyWebhook('orders/updated', order({ refunds }))), /^refunds: 1001 refunds; at most 1000/);
  const transactions = Array.from({ length: SHOPIFY_WEBHOOK_LIMITS.transactionsPerRefund + 1 }, () => ({}));
  assert.match(reason(parseShopifyWebhook('orders/updated', order({ refunds: [refund(transactions)] }))), /^refunds\.0\.transactions: 1001 transactions/);
  const tags = Array.from({ length: SHOPIFY_WEBHOOK_LIMITS.tagsPerCustomer + 1 }, (_, i) => `t${i}`).join(', ');
  assert.match(reason(parseShopifyWebhook('customers/update', customerPayload({ tags }))), /^tags: 251 tags; at most 250 are accepted$/);
  assert.match(reason(parseShopifyWebhook('customers/update', customerPayload({ tags: 'x'.repeat(256) }))), /^tags: a tag is longer than 255 characters$/);
});

test('many issues are summarised, not listed in full', () => {
  const items = Array.from({ length: 20 }, () => lineItem({ price: 'free' }));
  const text = reason(parseShopifyWebhook('orders/create', order({ line_items: items })));
  assert.match(text, /^line_items\.0\.price: .*; and 15 more$/);
});

// --- HMAC -----------------------------------------------------------------------------------

test('verifyShopifyWebhookHmac accepts the base64 HMAC-SHA256 of the raw body and nothing else', () => {
  const secret = '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';
  const rawBody = JSON.stringify(order());
  const header = createHmac('sha256', secret).update(Buffer.from(rawBody, 'utf8')).digest('base64');
  assert.equal(verifyShopifyWebhookHmac(rawBody, header, secret), true);
  assert.equal(verifyShopifyWebhookHmac(new TextEncoder().encode(rawBody), header, secret), true);
  assert.equal(verifyShopifyWebhookHmac(Buffer.from(rawBody, 'utf8'), header, secret), true);

  const tampered = rawBody.replace('"total_price":"41.50"', '"total_price":"0.50"');
  assert.notEqual(tampered, rawBody);
  assert.equal(verifyShopifyWebhookHmac(tampered, header, secret), false);
  // Re-serialised JSON (different whitespace) is not the raw body.
  assert.equal(verifyShopifyWebhookHmac(JSON.stringify(JSON.parse(rawBody), null, 2), header, secret), false);
  assert.equal(verifyShopifyWebhookHmac(rawBody, header, `${secret}x`), false);
  assert.equal(verifyShopifyWebhookHmac(rawBody, createHmac('sha256', secret).update(rawBody).digest('hex'), secret), false);
  assert.equal(verifyShopifyWebhookHmac(rawBody, `${header}=`, secret), false);
  assert.equal(verifyShopifyWebhookHmac(rawBody, header.slice(0, -4), secret), false);
  assert.equal(verifyShopifyWebhookHmac(rawBody, undefined, secret), false);
  assert.equal(verifyShopifyWebhookHmac(rawBody, '', secret), false);
  assert.equal(verifyShopifyWebhookHmac(rawBody, header, ''), false);
  assert.equal(verifyShopifyWebhookHmac('', createHmac('sha256', secret).update('').digest('base64'), secret), false);
});

test('verifyShopifyWebhookHmac agrees with the RFC 4231 HMAC-SHA256 test vector (case 2)', () => {
  // RFC 4231 section 4.3: key "Jefe", data "what do ya want for nothing?".
  const expectedHex = '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843';
  const header = Buffer.from(expectedHex, 'hex').toString('base64');
  assert.equal(verifyShopifyWebhookHmac('what do ya want for nothing?', header, 'Jefe'), true);
  assert.equal(verifyShopifyWebhookHmac('what do ya want for nothing!', header, 'Jefe'), false);
});
