// The whole pixel against a fake analytics bus: what reaches the endpoint, when, and when not.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CLIENT_ID, ENDPOINT, SHOP, SHOP_KEY, STORE, createPixelEnv, settle } from '../test-support/fake-shopify.ts';
import { RATE_STORAGE_KEY, startPixel } from './pixel.ts';
import { STANDARD_EVENTS } from './wire.ts';

function started(options: Parameters<typeof createPixelEnv>[0] = {}) {
  const env = createPixelEnv(options);
  const handle = startPixel(env.api, env.deps);
  return { ...env, handle };
}

test('subscribes to exactly the eight standard events and sends them with the agreed fields', async () => {
  const { bus, clock, bodies, sent } = started();
  assert.deepEqual(bus.subscribedNames().sort(), [...STANDARD_EVENTS].sort());
  // A visit, in order; each urgent event (cart add, search, order) sends what is buffered so far.
  bus.emit('page_viewed', { id: 'e1', href: `${STORE}/collections/kitchen` });
  bus.emit('collection_viewed', { id: 'e2' });
  bus.emit('product_viewed', { id: 'e3' });
  bus.emit('product_added_to_cart', { id: 'e4' });
  bus.emit('cart_viewed', { id: 'e5' });
  bus.emit('checkout_started', { id: 'e6' });
  clock.advance(1_000);
  bus.emit('search_submitted', { id: 'e7' });
  clock.advance(1_000);
  bus.emit('checkout_completed', { id: 'e8' });
  const all = await bodies();
  assert.equal(clock.pending(), 0);
  assert.deepEqual(all.map((b) => b.events.map((e) => e.id)), [['e1', 'e2', 'e3', 'e4'], ['e5', 'e6', 'e7'], ['e8']]);
  assert.deepEqual(all.map((b) => b.sentAt), ['2026-05-04T10:00:00.000Z', '2026-05-04T10:00:01.000Z', '2026-05-04T10:00:02.000Z']);
  for (const body of all) {
    assert.equal(body.v, 1);
    assert.equal(body.shop, SHOP);
    assert.equal(body.key, SHOP_KEY);
    assert.equal(body.clientId, CLIENT_ID);
    assert.equal('dropped' in body, false);
  }
  assert.ok(sent.every((s) => s.via === 'beacon' && s.url === ENDPOINT));
  const events = all.flatMap((b) => b.events);
  assert.deepEqual(events.map((e) => e.name), ['page_viewed', 'collection_viewed', 'product_viewed', 'product_added_to_cart', 'cart_viewed', 'checkout_started', 'search_submitted', 'checkout_completed']);
  assert.deepEqual(events[3], {
    id: 'e4',
    name: 'product_added_to_cart',
    timestamp: '2026-05-04T10:00:00.000Z',
    customerId: '7012345678901',
    url: `${STORE}/products/enamel-mug`,
    data: { productId: '8124001665236', variantId: '44003150577876', productType: 'Kitchen', price: 24.5, currency: 'EUR', quantity: 2 },
  });
  assert.equal(events[6]?.data.searchQuery, 'blue mug');
  assert.equal(events[7]?.data.orderId, '5901234567890');
});

test('batching: 20 events make a body at once; fewer wait 2 s', async () => {
  const { bus, clock, bodies } = started();
  for (let i = 0; i < 25; i++) bus.emit('product_viewed', { id: `v${i}` });
  assert.deepEqual((await bodies()).map((b) => b.events.length), [20]);
  clock.advance(1_999);
  assert.equal((await bodies()).length, 1);
  clock.advance(1);
  assert.deepEqual((await bodies()).map((b) => b.events.length), [20, 5]);
});

test('a page_viewed of a new page sends what the previous page left; the same page does not', async () => {
  const { bus, bodies } = started();
  bus.emit('page_viewed', { id: 'p1', href: `${STORE}/checkouts/cn/abc/information` });
  bus.emit('checkout_started', { id: 'c1', href: `${STORE}/checkouts/cn/abc/information` });
  bus.emit('page_viewed', { id: 'p1b', href: `${STORE}/checkouts/cn/abc/information` });
  assert.equal((await bodies()).length, 0);
  bus.emit('page_viewed', { id: 'p2', href: `${STORE}/checkouts/cn/abc/shipping` });
  assert.deepEqual((await bodies()).map((b) => b.events.map((e) => e.id)), [['p1', 'c1', 'p1b']]);
});

test('a replayed event id is sent once', async () => {
  const { bus, clock, bodies } = started();
  const first = bus.emit('product_viewed', { id: 'same' });
  bus.publish(first);
  bus.publish({ ...first });
  clock.advance(2_000);
  bus.publish(first);
  clock.advance(2_000);
  assert.deepEqual((await bodies()).flatMap((b) => b.events.map((e) => e.id)), ['same']);
});

test('a burst from one browser is capped at 120 events a minute; the drops are reported', async () => {
  const { bus, clock, bodies } = started();
  for (let i = 0; i < 500; i++) bus.emit('product_viewed', { id: `b${i}` });
  clock.advance(2_000);
  let all = await bodies();
  assert.equal(all.reduce((n, b) => n + b.events.length, 0), 120);
  assert.equal(all.length, 6, '120 events in bodies of 20: the burst is bounded in requests too');
  assert.ok(all.every((b) => !('dropped' in b)), 'the drops come after the accepted events');
  // A minute later the window has room again; the next body reports the 380 drops.
  clock.advance(60_000);
  bus.emit('page_viewed', { id: 'later' });
  clock.advance(2_000);
  all = await bodies();
  assert.deepEqual(all.at(-1)?.events.map((e) => e.id), ['later']);
  assert.equal(all.at(-1)?.dropped, 380);
});

test('a burst of urgent events (cart adds) is capped and still batched', async () => {
  const { bus, clock, bodies } = started();
  for (let i = 0; i < 300; i++) {
    bus.emit('product_added_to_cart', { id: `u${i}` });
    clock.advance(10);
  }
  clock.advance(2_000);
  const all = await bodies();
  assert.equal(all.reduce((n, b) => n + b.events.length, 0), 120);
  assert.ok(all.length <= 8, `${all.length} requests`);
});

test('the cap carries over a reload through browser storage (timestamps only)', async () => {
  const storage = new Map<string, string>();
  const first = started({ storage });
  for (let i = 0; i < 100; i++) first.bus.emit('product_viewed', { id: `a${i}` });
  await settle();
  const saved = JSON.parse(storage.get(RATE_STORAGE_KEY) ?? '[]') as unknown[];
  assert.equal(saved.length, 100);
  assert.ok(saved.every((t) => typeof t === 'number'));
  const second = started({ storage });
  await settle();
  for (let i = 0; i < 50; i++) second.bus.emit('product_viewed', { id: `b${i}` });
  second.clock.advance(2_000);
  assert.equal((await second.bodies()).reduce((n, b) => n + b.events.length, 0), 20);
  assert.equal(second.handle?.batcher.unreportedDrops, 30);
});

test('without analytics consent nothing is buffered or sent, and nothing is stored', async () => {
  const { bus, clock, sent, storage, handle } = started({ analytics: false });
  for (const name of STANDARD_EVENTS) bus.emit(name);
  clock.advance(10_000);
  await settle();
  assert.equal(handle?.consented, false);
  assert.equal(handle?.batcher.buffered, 0);
  assert.equal(sent.length, 0);
  assert.equal(storage.size, 0);
});

test('consent given later: events from then on are sent', async () => {
  const { bus, clock, bodies } = started({ analytics: false });
  bus.emit('page_viewed', { id: 'before' });
  bus.consent(true);
  bus.emit('product_viewed', { id: 'after' });
  clock.advance(2_000);
  assert.deepEqual((await bodies()).flatMap((b) => b.events.map((e) => e.id)), ['after']);
});

test('consent withdrawn: the buffer and drop count are discarded and nothing more is sent', async () => {
  const { bus, clock, bodies, handle } = started();
  for (let i = 0; i < 130; i++) bus.emit('product_viewed', { id: `w${i}` });
  const before = (await bodies()).length;
  bus.emit('page_viewed', { id: 'buffered' });
  bus.consent(false);
  assert.equal(handle?.batcher.buffered, 0);
  assert.equal(handle?.batcher.unreportedDrops, 0);
  bus.emit('product_added_to_cart', { id: 'urgent-after' });
  clock.advance(120_000);
  const all = await bodies();
  assert.equal(all.length, before);
  assert.ok(!all.flatMap((b) => b.events.map((e) => e.id)).includes('buffered'));
});

test('fetch (keepalive, text/plain) when the sandbox has no sendBeacon, or the beacon is refused', async () => {
  for (const beacon of ['missing', false, 'throws'] as const) {
    const { bus, sent } = started({ beacon });
    bus.emit('checkout_completed', { id: 'done' });
    await settle();
    assert.equal(sent.length, 1, String(beacon));
    assert.equal(sent[0]?.via, 'fetch');
    assert.equal(sent[0]?.url, ENDPOINT);
    assert.deepEqual(sent[0]?.init, { method: 'POST', body: sent[0]?.body, keepalive: true, credentials: 'omit', headers: { 'Content-Type': 'text/plain' } });
  }
});

test('a visitor (no customer) is sent with customerId null', async () => {
  const { bus, bodies } = started({ customer: null });
  bus.emit('search_submitted', { id: 's' });
  assert.equal((await bodies())[0]?.events[0]?.customerId, null);
});

test('unusable settings leave the pixel inert; malformed events never throw into the host', async () => {
  for (const settings of [{}, { endpoint: 'http://evil.example.com/', shop: SHOP, shopKey: SHOP_KEY }, { endpoint: ENDPOINT, shop: 'x.com', shopKey: SHOP_KEY }, 'garbage']) {
    const env = createPixelEnv({ settings });
    assert.equal(startPixel(env.api, env.deps), null);
    assert.deepEqual(env.bus.subscribedNames(), []);
  }
  const { bus, clock, bodies } = started();
  for (const junk of [{ name: 'page_viewed' }, { name: 'product_viewed', id: 1, clientId: {} }, { name: 'cart_viewed', id: 'j', clientId: 'c', data: 'x', context: 5 }, { name: 'toString' }, { name: '__proto__', id: 'p', clientId: 'c' }]) {
    assert.doesNotThrow(() => bus.publish(junk));
  }
  clock.advance(2_000);
  const all = await bodies();
  assert.deepEqual(all.flatMap((b) => b.events), [{ id: 'j', name: 'cart_viewed', timestamp: '2026-05-04T10:00:00.000Z', customerId: '7012345678901', url: null, data: {} }]);
  assert.doesNotThrow(() => bus.consent(undefined as unknown as boolean));
});
