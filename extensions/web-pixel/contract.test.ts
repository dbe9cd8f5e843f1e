// Contract with the app's endpoint: every body the pixel sends, from realistic and from hostile
// bus input, passes the endpoint's own batch schema (app/pixel/pixel-schema.ts), which refuses a
// whole batch for one field out of bounds.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePixelBatch } from '../../app/pixel/pixel-schema.ts';
import { STORE, createPixelEnv, variant } from './test-support/fake-shopify.ts';
import { startPixel } from './src/pixel.ts';
import { STANDARD_EVENTS } from './src/wire.ts';

async function sentBodies(emit: (env: ReturnType<typeof createPixelEnv>) => void, options: Parameters<typeof createPixelEnv>[0] = {}) {
  const env = createPixelEnv(options);
  assert.ok(startPixel(env.api, env.deps));
  emit(env);
  env.clock.advance(120_000);
  env.bus.emit('page_viewed', { id: 'last' });
  env.clock.advance(2_000);
  return { bodies: await env.bodies(), now: new Date(env.clock.now()) };
}

function assertAccepted(bodies: unknown[], now: Date) {
  assert.ok(bodies.length > 0);
  for (const body of bodies) {
    const parsed = parsePixelBatch(body, now);
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.reason);
  }
}

test('realistic events: every body passes the endpoint schema', async () => {
  const { bodies, now } = await sentBodies(({ bus }) => {
    for (let round = 0; round < 5; round++) for (const name of STANDARD_EVENTS) bus.emit(name, { id: `${name}-${round}` });
  });
  assertAccepted(bodies, now);
});

test('hostile events: every body still passes (fields out of bounds are left out, text cut and cleaned)', async () => {
  const nul = 'a\u0000b';
  const long = 'x'.repeat(5_000);
  const badVariant = { ...variant, id: long, price: { amount: -5, currencyCode: 'euro' }, product: { id: nul, type: `${'t'.repeat(300)}\u0000` } };
  const hostile: Array<[string, unknown]> = [
    ['product_viewed', { productVariant: badVariant }],
    ['product_viewed', { productVariant: { ...variant, price: { amount: 1e15, currencyCode: 'usd' } } }],
    ['product_added_to_cart', { cartLine: { merchandise: badVariant, quantity: 2.5 } }],
    ['product_added_to_cart', { cartLine: { merchandise: variant, quantity: 10_000_000 } }],
    ['cart_viewed', { cart: { cost: { totalAmount: { amount: Number.NaN, currencyCode: '' } }, totalQuantity: -1 } }],
    ['checkout_started', { checkout: { token: long, totalPrice: { amount: '12.5', currencyCode: 'EUR' }, lineItems: [{ quantity: 60_000 }, { quantity: 60_000 }] } }],
    ['checkout_completed', { checkout: { token: 't', order: { id: nul, customer: { id: 'not-a-number' } } } }],
    ['collection_viewed', { collection: { id: '' } }],
    ['search_submitted', { searchResult: { query: `\u0000${'😀'.repeat(500)}` } }],
  ];
  for (const customer of [{ id: 'gid://shopify/Customer/7012345678901' }, { id: 'guest' }, null]) {
    const { bodies, now } = await sentBodies(({ bus }) => {
      hostile.forEach(([name, data], i) => bus.emit(name, { id: `h${i}`, data, href: `${STORE}/${'é'.repeat(3000)}\u0000`, timestamp: i % 2 ? '+275760-09-13T00:00:00.000Z' : '1969-01-01T00:00:00Z' }));
      bus.emit('page_viewed', { id: `${'i'.repeat(200)}` });
      bus.emit('page_viewed', { id: `${'i'.repeat(201)}` });
      bus.emit('page_viewed', { id: 'nul\u0000id' });
    }, { customer: customer as { id: string } | null });
    assertAccepted(bodies, now);
    const events = bodies.flatMap((b) => b.events);
    assert.equal(events.length, hostile.length + 2, 'events with unusable ids are not sent; the others are');
    if (customer?.id.startsWith('gid:')) assert.ok(events.every((e) => e.customerId === '7012345678901'));
    else assert.ok(events.every((e) => e.customerId === null));
  }
});

test('a long burst: the dropped count is within the schema too', async () => {
  const { bodies, now } = await sentBodies(({ bus }) => {
    for (let i = 0; i < 2_000; i++) bus.emit('product_viewed', { id: `burst-${i}` });
  });
  assertAccepted(bodies, now);
  assert.equal(bodies.at(-1)?.dropped, 1_880);
});
