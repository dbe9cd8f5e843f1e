// Builds the customer insights block with the project's esbuild build and checks the bundle: one
// small ES module for the browser (no require, no Node built-ins) whose default export, called as
// Shopify's admin calls it (a `shopify` global with data.selected, fetch, document.body), fetches
// the app's insights route for the selected customer and renders the block.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CUSTOMER_INSIGHTS_MAX_BYTES, writeExtensions } from '../build-extensions.ts';
import { CUSTOMER_GID, knownInsights } from './test-support/fixtures.ts';
import { MiniDocument } from './test-support/mini-dom.ts';

test('the customer insights block builds, stays small, and renders under a fake admin host', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'insights-build-'));
  const g = globalThis as Record<string, unknown>;
  const saved = { shopify: g.shopify, document: g.document, fetch: g.fetch };
  try {
    const built = (await writeExtensions(dir)).find((e) => e.name === 'customer-insights');
    assert.ok(built);
    assert.equal(built.path, join(dir, 'customer-insights', 'block.js'));
    const code = await readFile(built.path, 'utf8');
    assert.equal(Buffer.byteLength(code), built.bytes);
    assert.ok(built.bytes < CUSTOMER_INSIGHTS_MAX_BYTES, `bundle is ${built.bytes} bytes`);
    assert.ok(!code.includes('require('), 'no require(');
    assert.ok(!/["']node:/.test(code), 'no node: imports');
    assert.ok(!/\bimport\s*[({"'a-zA-Z]/.test(code.replace(/import\.meta/g, '')), 'self-contained: no imports left');
    assert.match(code, /export\s*\{\s*\w+ as default\s*\}/, 'an ES module with a default export');

    // The host: Shopify's `shopify` global for admin.customer-details.block.render, fetch, document.
    const document = new MiniDocument();
    const fetched: string[] = [];
    let signals = 0;
    g.shopify = { data: { selected: [{ id: CUSTOMER_GID }] }, setSignals: () => (signals += 1) };
    g.document = document;
    g.fetch = async (url: string) => (fetched.push(url), { ok: true, status: 200, json: async () => knownInsights() });
    const modulePath = join(dir, 'customer-insights', 'block.mjs');
    await writeFile(modulePath, code);
    const { default: main } = (await import(pathToFileURL(modulePath).href)) as { default: () => Promise<void> };
    assert.equal(signals, 1, "the Preact glue hands Shopify's host the signals");
    await main();
    assert.match(document.body.textContent, /Loading customer insights/);
    for (let i = 0; i < 20 && !document.body.textContent.includes('Champions'); i++) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.deepEqual(fetched, ['/api/customers/6/insights']);
    const text = document.body.textContent;
    assert.match(document.body.outerHTML, /^<body><s-admin-block heading="Segment Refinery">/);
    for (const expected of ['Champions', 'Likely to buy (held out)', 'Cluster: Frequent big spenders', 'Purchase propensity: 81 % High', 'Churn risk: 12 % Low', 'Predicted CLV (12 months): 1,234.50', 'Expected next order: 2026-03-14']) {
      assert.ok(text.includes(expected), `"${expected}" in: ${text}`);
    }
    assert.equal(document.body.outerHTML.match(/<s-badge /g)?.length, 5);
  } finally {
    g.shopify = saved.shopify;
    g.document = saved.document;
    g.fetch = saved.fetch;
    await rm(dir, { recursive: true, force: true });
  }
});
