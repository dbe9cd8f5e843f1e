// shopify.app.toml compared with the code: the pinned API version is the connector's; the scopes
// are exactly those the connector's operations and the extensions need; every webhook topic the
// server handles is subscribed (and nothing else), at a path the server serves; the compliance
// topics go to the compliance uri.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { test } from 'node:test';
import { parse, type OperationDefinitionNode } from 'graphql';
import { ALL_DOCUMENTS } from '../../connectors/shopify/documents.ts';
import { SHOPIFY_API_VERSION, SHOPIFY_OPERATION_SCOPES, SHOPIFY_REQUIRED_SCOPES } from '../../connectors/shopify/platform.ts';
import { createServer } from '../../app/server/create-server.ts';
import { createStore } from '../../app/store/create-store.ts';
import { SHOPIFY_COMPLIANCE_PATH, SHOPIFY_COMPLIANCE_TOPICS, SHOPIFY_HANDLED_TOPICS, SHOPIFY_WEBHOOK_PATH } from '../../app/webhooks/shopify-webhook.ts';
import { ROOT } from '../support/run-cli.ts';

const toml = readFileSync(`${ROOT}/shopify.app.toml`, 'utf8');

/** The [[webhooks.subscriptions]] blocks: topics, compliance topics and uri of each. */
function subscriptions(): Array<{ topics: string[]; compliance: string[]; uri: string }> {
  const blocks = toml.split(/^\[\[webhooks\.subscriptions\]\]\s*$/m).slice(1).map((b) => b.split(/^\[/m)[0] ?? '');
  const list = (block: string, key: string) => {
    const m = new RegExp(`^${key}\\s*=\\s*\\[([^\\]]*)\\]`, 'm').exec(block);
    return m?.[1] ? [...m[1].matchAll(/"([^"]+)"/g)].map((x) => x[1] as string) : [];
  };
  return blocks.map((b) => ({ topics: list(b, 'topics'), compliance: list(b, 'compliance_topics'), uri: /^uri\s*=\s*"([^"]+)"/m.exec(b)?.[1] ?? '' }));
}

test('shopify.app.toml pins the connector API version', () => {
  assert.equal(/^\[webhooks\][^[]*^api_version\s*=\s*"([^"]+)"/m.exec(toml)?.[1], SHOPIFY_API_VERSION);
});

test('the scopes requested are exactly those the connector operations and the extensions need', () => {
  const used = new Set<string>();
  for (const [name, text] of Object.entries(ALL_DOCUMENTS)) {
    for (const definition of parse(text).definitions) {
      for (const selection of (definition as OperationDefinitionNode).selectionSet.selections) {
        if (selection.kind !== 'Field') continue;
        assert.ok(selection.name.value in SHOPIFY_OPERATION_SCOPES, `${name} calls ${selection.name.value}, which has no scope entry in SHOPIFY_OPERATION_SCOPES`);
        used.add(selection.name.value);
      }
    }
  }
  for (const field of Object.keys(SHOPIFY_OPERATION_SCOPES)) assert.ok(used.has(field), `SHOPIFY_OPERATION_SCOPES lists ${field}, which no document calls`);
  const scopes = /^scopes\s*=\s*"([^"]*)"/m.exec(toml)?.[1]?.split(',').map((s) => s.trim()).filter(Boolean) ?? [];
  assert.deepEqual([...scopes].sort(), [...SHOPIFY_REQUIRED_SCOPES].sort());
  for (const scope of ['read_customers', 'write_customers', 'read_orders', 'read_all_orders', 'write_pixels']) assert.ok(SHOPIFY_REQUIRED_SCOPES.includes(scope), scope);
});

test('every handled webhook topic is subscribed at the path that handles it, and nothing else is', () => {
  const subs = subscriptions();
  const data = subs.flatMap((s) => s.topics.map((topic) => ({ topic, uri: s.uri })));
  assert.deepEqual(data.map((d) => d.topic).sort(), [...SHOPIFY_HANDLED_TOPICS].sort());
  for (const d of data) assert.equal(d.uri, SHOPIFY_WEBHOOK_PATH, d.topic);
  const compliance = subs.flatMap((s) => s.compliance.map((topic) => ({ topic, uri: s.uri })));
  assert.deepEqual(compliance.map((c) => c.topic).sort(), [...SHOPIFY_COMPLIANCE_TOPICS].sort());
  for (const c of compliance) assert.equal(c.uri, SHOPIFY_COMPLIANCE_PATH, c.topic);
});

test('the server serves the subscribed uris: a signed delivery is taken, a forged one is 401', async () => {
  const secret = 'app-config-secret';
  const store = await createStore({ sqlitePath: ':memory:' });
  const enqueued: string[] = [];
  const app = createServer({ store, queue: { enqueue: async (kind) => void enqueued.push(kind) }, shopifyApiSecret: secret, admin: null, now: () => new Date() });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  try {
    const address = server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const shop = 'config-test.myshopify.com';
    await store.ensureShop(shop, new Date().toISOString());
    for (const [i, sub] of subscriptions().entries()) {
      const topic = sub.compliance[0] ?? sub.topics[0] ?? '';
      const body = JSON.stringify(topic === 'shop/redact' || sub.compliance.length > 0 ? { shop_id: 1, shop_domain: shop, customer: { id: 1, email: null, phone: null }, orders_to_redact: [], orders_requested: [] } : { id: 1 });
      const headers = { 'content-type': 'application/json', 'X-Shopify-Topic': topic, 'X-Shopify-Shop-Domain': shop, 'X-Shopify-Event-Id': `config-${i}` };
      const forged = await fetch(`${base}${sub.uri}`, { method: 'POST', headers: { ...headers, 'X-Shopify-Hmac-Sha256': 'bm9wZQ==' }, body });
      assert.equal(forged.status, 401, sub.uri);
      const signed = await fetch(`${base}${sub.uri}`, { method: 'POST', headers: { ...headers, 'X-Shopify-Hmac-Sha256': createHmac('sha256', secret).update(body).digest('base64') }, body });
      assert.equal(signed.status, 200, `${sub.uri} ${topic}: ${await signed.text()}`);
    }
    assert.ok(enqueued.includes('privacy') && enqueued.includes('ingest'), enqueued.join(', '));
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await store.close();
  }
});
