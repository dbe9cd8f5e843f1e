import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSettings, validEndpoint } from './settings.ts';

test('settings: an https or loopback endpoint, a myshopify.com shop and a key', () => {
  assert.deepEqual(parseSettings({ endpoint: 'https://app.example.com/pixel/events', shop: 'Demo-Store.myshopify.com', shopKey: 'k1' }), { endpoint: 'https://app.example.com/pixel/events', shop: 'demo-store.myshopify.com', key: 'k1' });
  assert.equal(validEndpoint('http://127.0.0.1:8787/pixel/events'), 'http://127.0.0.1:8787/pixel/events');
  assert.equal(validEndpoint('http://localhost:3000/pixel/events'), 'http://localhost:3000/pixel/events');
  for (const bad of ['http://app.example.com/pixel/events', 'javascript:alert(1)', 'https://user:pw@app.example.com/', 'not a url', 42, `https://a.com/${'x'.repeat(2100)}`]) assert.equal(validEndpoint(bad), null, String(bad));
  const good = { endpoint: 'https://app.example.com/pixel/events', shop: 'demo.myshopify.com', shopKey: 'k1' };
  assert.equal(parseSettings({ ...good, shop: 'evil.com' }), null);
  assert.equal(parseSettings({ ...good, shopKey: '' }), null);
  assert.equal(parseSettings({ ...good, shopKey: 'k'.repeat(257) }), null);
  assert.equal(parseSettings({ ...good, endpoint: undefined }), null);
  assert.equal(parseSettings(null), null);
});
