// Builds the web pixel with the project's esbuild build (as `npm test` does) and checks the bundle:
// size budget, a plain browser script (no require, no Node built-ins), and that it runs: evaluated
// in a bare node:vm context with only what a strict-sandbox worker offers, it registers through
// `shopify.extend('WebPixel::Render', ...)` and sends a body for a standard event.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import vm from 'node:vm';
import { WEB_PIXEL_MAX_BYTES, writeExtensions } from '../build-extensions.ts';
import { createPixelEnv, ENDPOINT } from './test-support/fake-shopify.ts';

test('the web pixel bundle builds, stays small, and runs under a fake register()', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pixel-build-'));
  try {
    const [pixel] = await writeExtensions(dir);
    assert.ok(pixel);
    assert.equal(pixel.path, join(dir, 'web-pixel', 'main.js'));
    const code = await readFile(pixel.path, 'utf8');
    assert.equal(Buffer.byteLength(code), pixel.bytes);
    assert.ok(pixel.bytes < WEB_PIXEL_MAX_BYTES, `bundle is ${pixel.bytes} bytes`);
    assert.ok(!code.includes('require('), 'no require(');
    assert.ok(!/["']node:/.test(code), 'no node: imports');
    assert.ok(!/\bimport\s*[({"']|\bexport\s*[{*]/.test(code), 'a plain script, not a module');

    // What a strict-sandbox worker has (no window/document), plus the host's `shopify` global.
    const env = createPixelEnv();
    const registered: Array<[string, (api: unknown) => void]> = [];
    const timers: Array<() => void> = [];
    const fetched: Array<{ url: string; init: { body: string; keepalive: boolean; headers: Record<string, string> } }> = [];
    const context = vm.createContext({
      shopify: { extend: (point: string, fn: (api: unknown) => void) => registered.push([point, fn]) },
      URL,
      setTimeout: (fn: () => void) => timers.push(fn),
      clearTimeout: () => undefined,
      fetch: async (url: string, init: (typeof fetched)[number]['init']) => (fetched.push({ url, init }), {}),
    });
    vm.runInContext(code, context, { filename: 'main.js' });
    assert.equal(registered.length, 1);
    assert.equal(registered[0]?.[0], 'WebPixel::Render');
    const api = { ...env.api, browser: { ...env.api.browser, sendBeacon: undefined } };
    registered[0]?.[1](api);

    env.bus.emit('product_viewed', { id: 'b1' });
    assert.equal(timers.length, 1, 'a 2 s flush timer');
    env.bus.emit('checkout_completed', { id: 'b2' });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(fetched.length, 1);
    assert.equal(fetched[0]?.url, ENDPOINT);
    assert.equal(fetched[0]?.init.keepalive, true);
    assert.equal(fetched[0]?.init.headers['Content-Type'], 'text/plain');
    const body = JSON.parse(fetched[0]?.init.body ?? '{}') as { v: number; events: Array<{ id: string; data: Record<string, unknown> }> };
    assert.equal(body.v, 1);
    assert.deepEqual(body.events.map((e) => e.id), ['b1', 'b2']);
    assert.equal(body.events[1]?.data.orderId, '5901234567890');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
