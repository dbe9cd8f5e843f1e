import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SAMPLE_DATA, STORE, standardEvent } from '../test-support/fake-shopify.ts';
import { customerIdFromInit, mapEvent } from './map-event.ts';
import { STANDARD_EVENTS } from './wire.ts';

const now = () => Date.parse('2026-05-04T12:00:00.000Z');

test('each standard event maps to its documented fields', () => {
  const expected: Record<string, unknown> = {
    page_viewed: {},
    product_viewed: { productId: '8124001665236', variantId: '44003150577876', productType: 'Kitchen', price: 24.5, currency: 'EUR' },
    collection_viewed: { collectionId: '455621935316' },
    product_added_to_cart: { productId: '8124001665236', variantId: '44003150577876', productType: 'Kitchen', price: 24.5, currency: 'EUR', quantity: 2 },
    cart_viewed: { totalPrice: 61, currency: 'EUR', quantity: 3 },
    checkout_started: { checkoutToken: 'c1-8f3b2a9d7e6c5b4a3f2e1d0c9b8a7f6e', totalPrice: 66, currency: 'EUR', quantity: 3 },
    checkout_completed: { checkoutToken: 'c1-8f3b2a9d7e6c5b4a3f2e1d0c9b8a7f6e', orderId: '5901234567890', totalPrice: 66, currency: 'EUR', quantity: 3 },
    search_submitted: { searchQuery: 'blue mug' },
  };
  for (const name of STANDARD_EVENTS) {
    const raw = standardEvent(name, { id: `sh-${name}`, timestamp: '2026-05-04T10:00:01.250Z' });
    const mapped = mapEvent(raw, '7012345678901', now);
    assert.ok(mapped, name);
    assert.equal(mapped.clientId, raw.clientId);
    assert.deepEqual(mapped.event, { id: `sh-${name}`, name, timestamp: '2026-05-04T10:00:01.250Z', customerId: '7012345678901', url: raw.context.document.location.href, data: expected[name] }, name);
  }
});

test('no personal data from the payload leaks into the wire event (email, addresses, titles)', () => {
  for (const name of STANDARD_EVENTS) {
    const text = JSON.stringify(mapEvent(standardEvent(name), null, now));
    assert.ok(!text.includes('ada@example.com'), name);
    assert.ok(!text.includes('Enamel mug'), name);
  }
});

test('unknown names, missing ids and non-objects map to null', () => {
  assert.equal(mapEvent(standardEvent('clicked'), null, now), null);
  assert.equal(mapEvent(standardEvent('product_removed_from_cart'), null, now), null);
  assert.equal(mapEvent({ ...standardEvent('page_viewed'), id: '' }, null, now), null);
  assert.equal(mapEvent({ ...standardEvent('page_viewed'), id: 'x'.repeat(257) }, null, now), null);
  assert.equal(mapEvent({ ...standardEvent('page_viewed'), clientId: undefined }, null, now), null);
  assert.equal(mapEvent(null, null, now), null);
  assert.equal(mapEvent('page_viewed', null, now), null);
  assert.equal(mapEvent([standardEvent('page_viewed')], null, now), null);
});

test('malformed data yields fewer fields, never a throw', () => {
  const weird: unknown[] = [null, 'x', 42, [], { productVariant: null }, { productVariant: { price: { amount: 'NaN' }, product: 7 } }, { cartLine: { quantity: Infinity, merchandise: [] } }, { checkout: { lineItems: 'no', totalPrice: { amount: '12.50' } } }, { searchResult: { query: 12 } }];
  for (const name of STANDARD_EVENTS) {
    for (const data of weird) {
      const mapped = mapEvent(standardEvent(name, { data }), null, now);
      assert.ok(mapped);
      for (const value of Object.values(mapped.event.data)) assert.ok(typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)));
    }
  }
  assert.deepEqual(mapEvent(standardEvent('checkout_started', { data: { checkout: { totalPrice: { amount: '12.50', currencyCode: 'USD' }, currencyCode: null } } }), null, now)?.event.data, { totalPrice: 12.5, currency: 'USD' });
});

test('a long URL and search query are cut; an unusable timestamp becomes now', () => {
  const href = `${STORE}/search?q=${'é'.repeat(3000)}`;
  const mapped = mapEvent(standardEvent('search_submitted', { href, data: { searchResult: { query: 'a' + '😀'.repeat(200) } }, timestamp: 'yesterday' }), null, now);
  assert.ok(mapped);
  assert.equal(mapped.event.url?.length, 2048);
  assert.equal(mapped.event.url, href.slice(0, 2048));
  // 256 UTF-16 units would split the 128th emoji's surrogate pair: cut before it.
  assert.equal(mapped.event.data.searchQuery, 'a' + '😀'.repeat(127));
  assert.equal(mapped.event.timestamp, '2026-05-04T12:00:00.000Z');
  assert.equal(mapEvent({ ...standardEvent('page_viewed'), context: {} }, null, now)?.event.url, null);
});

test('customer id: the page customer, else a guest order customer on checkout_completed', () => {
  assert.equal(customerIdFromInit({ data: { customer: { id: '7012345678901' } } }), '7012345678901');
  assert.equal(customerIdFromInit({ data: { customer: { id: 7012345678901 } } }), '7012345678901');
  assert.equal(customerIdFromInit({ data: { customer: null } }), null);
  assert.equal(customerIdFromInit({}), null);
  assert.equal(customerIdFromInit(undefined), null);
  assert.equal(mapEvent(standardEvent('checkout_completed'), null, now)?.event.customerId, '7012345678901');
  assert.equal(mapEvent(standardEvent('checkout_completed'), '42', now)?.event.customerId, '42');
  assert.equal(mapEvent(standardEvent('checkout_started'), null, now)?.event.customerId, null);
});

test('sample payloads cover every subscribed event', () => {
  assert.deepEqual(Object.keys(SAMPLE_DATA).sort(), [...STANDARD_EVENTS].sort());
});

test('values outside the endpoint bounds are left out rather than sent', () => {
  const data = (name: string, d: unknown) => mapEvent(standardEvent(name, { data: d }), null, now)?.event.data;
  const v = (price: unknown, currencyCode: unknown) => ({ productVariant: { id: '1', price: { amount: price, currencyCode }, product: { id: '2', type: 'T' } } });
  assert.deepEqual(data('product_viewed', v(-1, 'eur')), { productId: '2', variantId: '1', productType: 'T', currency: 'EUR' });
  assert.deepEqual(data('product_viewed', v(1e13, 'EURO')), { productId: '2', variantId: '1', productType: 'T' });
  assert.deepEqual(data('product_added_to_cart', { cartLine: { quantity: 1.5, merchandise: {} } }), {});
  assert.deepEqual(data('product_added_to_cart', { cartLine: { quantity: 100_001, merchandise: {} } }), {});
  assert.deepEqual(data('collection_viewed', { collection: { id: 'x'.repeat(201) } }), {});
  assert.deepEqual(data('collection_viewed', { collection: { id: 'a\u0000' } }), {});
  assert.deepEqual(data('search_submitted', { searchResult: { query: '\u0000\u0000' } }), {});
  assert.deepEqual(data('search_submitted', { searchResult: { query: 'mu\u0000g' } }), { searchQuery: 'mug' });
  assert.equal(customerIdFromInit({ data: { customer: { id: 'gid://shopify/Customer/123' } } }), '123');
  for (const id of ['0', '-5', 'abc', '1'.repeat(21), 1.5]) assert.equal(customerIdFromInit({ data: { customer: { id } } }), null, String(id));
  const future = mapEvent(standardEvent('page_viewed', { timestamp: '2026-05-06T12:00:00.000Z' }), null, now);
  assert.equal(future?.event.timestamp, '2026-05-04T12:00:00.000Z', 'more than 24 h ahead: the clock');
  const soon = mapEvent(standardEvent('page_viewed', { timestamp: '2026-05-05T11:00:00.000Z' }), null, now);
  assert.equal(soon?.event.timestamp, '2026-05-05T11:00:00.000Z');
});
