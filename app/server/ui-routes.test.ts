import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import express from 'express';
import { buildUiBundle, type UiBundle } from '../ui/build-ui.ts';
import { DEFAULT_APP_BRIDGE_URL, frameAncestorsFor, mountUi, type UiOptions } from './ui-routes.ts';

const fakeBundle: UiBundle = {
  js: { body: Buffer.from('console.log(1)'), hash: 'jshash' },
  css: { body: Buffer.from('body{}'), hash: 'csshash' },
  builtAt: new Date(0),
  durationMs: 0,
};

async function serve(options: Partial<UiOptions> = {}) {
  const app = express();
  mountUi(app, { apiKey: 'key-123', bundle: async () => fakeBundle, ...options });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

test('the shell: API key, App Bridge as the first script, nav menu, versioned assets', async (t) => {
  const { base, close } = await serve();
  t.after(close);
  const res = await fetch(`${base}/?shop=demo.myshopify.com&host=abc&embedded=1`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/html/);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  assert.equal(res.headers.get('content-security-policy'), 'frame-ancestors https://demo.myshopify.com https://admin.shopify.com');
  const html = await res.text();
  assert.match(html, /<meta name="shopify-api-key" content="key-123">/);
  const scripts = [...html.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(scripts, [DEFAULT_APP_BRIDGE_URL, '/assets/app.js?v=jshash']);
  assert.match(html, /<link rel="stylesheet" href="\/assets\/app.css\?v=csshash">/);
  assert.match(html, /<ui-nav-menu>[\s\S]*<a href="\/" rel="home">Overview<\/a>[\s\S]*<a href="\/settings">Settings<\/a>/);
  assert.doesNotMatch(html, /fonts|cdn\.shopify\.com\/static/);
});

test('every page path serves the shell; other paths do not', async (t) => {
  const { base, close } = await serve();
  t.after(close);
  for (const path of ['/segments/champions', '/models', '/quality', '/runs', '/rules', '/settings']) {
    const res = await fetch(`${base}${path}?shop=demo.myshopify.com`);
    assert.equal(res.status, 200, path);
    assert.match(await res.text(), /<div id="app">/);
  }
  assert.equal((await fetch(`${base}/nope`)).status, 404);
});

test('frame-ancestors: the shop and admin, extra origins, nobody without a valid shop', async (t) => {
  assert.equal(frameAncestorsFor('evil.com'), "frame-ancestors 'none'");
  assert.equal(frameAncestorsFor(undefined), "frame-ancestors 'none'");
  assert.equal(frameAncestorsFor('Demo.myshopify.com', ['http://127.0.0.1:9000']), 'frame-ancestors https://demo.myshopify.com https://admin.shopify.com http://127.0.0.1:9000');
  const { base, close } = await serve({ appBridgeUrl: 'http://127.0.0.1:9000/shopifycloud/app-bridge.js', frameAncestors: ['http://127.0.0.1:9000'] });
  t.after(close);
  const res = await fetch(`${base}/models?shop=demo.myshopify.com`);
  assert.equal(res.headers.get('content-security-policy'), 'frame-ancestors https://demo.myshopify.com https://admin.shopify.com http://127.0.0.1:9000');
  assert.match(await res.text(), /<script src="http:\/\/127.0.0.1:9000\/shopifycloud\/app-bridge.js"><\/script>/);
});

test('assets: long cache for the versioned URL, ETag revalidation otherwise', async (t) => {
  const { base, close } = await serve();
  t.after(close);
  const versioned = await fetch(`${base}/assets/app.js?v=jshash`);
  assert.equal(versioned.status, 200);
  assert.match(versioned.headers.get('content-type') ?? '', /javascript/);
  assert.equal(versioned.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  assert.equal(await versioned.text(), 'console.log(1)');
  const plain = await fetch(`${base}/assets/app.css`);
  assert.equal(plain.headers.get('cache-control'), 'no-cache');
  assert.match(plain.headers.get('content-type') ?? '', /text\/css/);
  const again = await fetch(`${base}/assets/app.css`, { headers: { 'If-None-Match': '"csshash"' } });
  assert.equal(again.status, 304);
});

test('the document middleware runs before the shell (and may answer instead)', async (t) => {
  const seen: string[] = [];
  const { base, close } = await serve({
    documentMiddleware: (req, res, next) => {
      seen.push(req.path);
      if (req.query.shop === 'new.myshopify.com') res.redirect('/auth?shop=new.myshopify.com');
      else next();
    },
  });
  t.after(close);
  assert.equal((await fetch(`${base}/runs?shop=demo.myshopify.com`)).status, 200);
  const redirected = await fetch(`${base}/?shop=new.myshopify.com`, { redirect: 'manual' });
  assert.equal(redirected.status, 302);
  assert.equal((await fetch(`${base}/assets/app.js`)).status, 200, 'assets skip the document middleware');
  assert.deepEqual(seen, ['/runs', '/']);
});

test('a failed build answers 500 with the reason', async (t) => {
  const { base, close } = await serve({ bundle: async () => Promise.reject(new Error('syntax error in app.tsx')) });
  t.after(close);
  const res = await fetch(`${base}/`);
  assert.equal(res.status, 500);
  assert.match(await res.text(), /syntax error in app.tsx/);
});

test('the real UI builds: one script and Polaris styles, nothing from a CDN', async () => {
  const bundle = await buildUiBundle();
  assert.ok(bundle.js.body.length > 100_000);
  const css = bundle.css.body.toString('utf8');
  assert.match(css, /\.Polaris-Page/);
  assert.doesNotMatch(css, /https?:\/\//);
  assert.doesNotMatch(bundle.js.body.toString('utf8'), /cdn\.shopify\.com\/static\/fonts/);
});
