// The Flow action request: signature check on the raw body and the body's schema.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { verifyShopifyWebhookHmac } from '../../connectors/shopify/webhook-payloads.ts';
import { FLOW_RESCORE_HANDLE, parseFlowActionBody } from './flow-action.ts';

const SECRET = 'flow-test-secret';
const sign = (body: string, secret = SECRET) => createHmac('sha256', secret).update(body, 'utf8').digest('base64');

const body = (overrides: Record<string, unknown> = {}, properties: Record<string, unknown> = { customer_id: 'gid://shopify/Customer/42' }) =>
  JSON.stringify({ shop_id: 1, shopify_domain: 'demo.myshopify.com', action_run_id: 'run-1', handle: FLOW_RESCORE_HANDLE, properties, ...overrides });

test('Flow signs the raw body: base64 HMAC-SHA256 with the app secret; any change, another secret or a missing header fails', () => {
  const raw = body();
  assert.equal(verifyShopifyWebhookHmac(Buffer.from(raw), sign(raw), SECRET), true);
  assert.equal(verifyShopifyWebhookHmac(Buffer.from(raw.replace('run-1', 'run-2')), sign(raw), SECRET), false);
  assert.equal(verifyShopifyWebhookHmac(Buffer.from(raw), sign(raw, 'another-secret'), SECRET), false);
  assert.equal(verifyShopifyWebhookHmac(Buffer.from(raw), undefined, SECRET), false);
  assert.equal(verifyShopifyWebhookHmac(Buffer.from(raw), sign(raw).slice(0, -2), SECRET), false, 'a truncated signature (different length) is refused');
  assert.equal(verifyShopifyWebhookHmac(Buffer.from(raw), sign(raw), ''), false, 'no secret configured: nothing verifies');
});

test('the body: Flow\'s fields, the customer reference normalised to a GID, unknown fields ignored', () => {
  const parsed = parseFlowActionBody(body({ action_definition_id: 'def-1', extra: { anything: true } }));
  assert.ok(parsed.ok);
  assert.equal(parsed.request.properties.customer_id, 'gid://shopify/Customer/42');
  assert.equal(parsed.request.shopify_domain, 'demo.myshopify.com');
  for (const id of [42, '42']) {
    const numeric = parseFlowActionBody(body({}, { customer_id: id }));
    assert.ok(numeric.ok);
    assert.equal(numeric.request.properties.customer_id, 'gid://shopify/Customer/42');
  }
  assert.ok(parseFlowActionBody(body({ handle: undefined, shop_id: 'gid://shopify/Shop/1' })).ok, 'handle optional, shop_id a string or a number');
});

test('malformed bodies are refused with a reason', () => {
  const refused: Array<[string, string | Buffer]> = [
    ['not JSON', '{"shop_id":'],
    ['no action run id', body({ action_run_id: undefined })],
    ['empty action run id', body({ action_run_id: '' })],
    ['no shop domain', body({ shopify_domain: undefined })],
    ['no properties', body({ properties: undefined })],
    ['no customer', body({}, {})],
    ['an order, not a customer', body({}, { customer_id: 'gid://shopify/Order/42' })],
    ['a negative id', body({}, { customer_id: -1 })],
    ['another action', body({ handle: 'tag-order' })],
    ['an array', '[]'],
  ];
  for (const [what, raw] of refused) {
    const parsed = parseFlowActionBody(raw);
    assert.equal(parsed.ok, false, what);
    if (!parsed.ok) assert.ok(parsed.reason.length > 0 && parsed.reason.length < 400, what);
  }
});
