// loadConfig: the Shopify app's public URL. HOST is the listen address and never the app's URL;
// without SHOPIFY_APP_URL, development uses http://localhost:<PORT>, production refuses to start.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RefineryError } from '../core/errors.ts';
import { loadConfig } from './config.ts';

const APP = { SHOPIFY_API_KEY: 'key', SHOPIFY_API_SECRET: 'secret', REFINERY_SQLITE_PATH: '/tmp/refinery-config-test.db' };

function inputError(pattern: RegExp) {
  return (error: unknown) => error instanceof RefineryError && error.code === 'INPUT' && pattern.test(error.message);
}

test('the app URL: SHOPIFY_APP_URL, else http://localhost:<PORT or 3000>; HOST is never used for it', () => {
  assert.equal(loadConfig({ ...APP, SHOPIFY_APP_URL: 'https://refinery.example.com/' }).shopifyApp?.appUrl, 'https://refinery.example.com');
  assert.equal(loadConfig({ ...APP, HOST: '0.0.0.0' }).shopifyApp?.appUrl, 'http://localhost:3000');
  assert.equal(loadConfig({ ...APP, HOST: '0.0.0.0', PORT: '8080' }).shopifyApp?.appUrl, 'http://localhost:8080');
  assert.equal(loadConfig({ ...APP, HOST: 'https://wrong.example.com', SHOPIFY_APP_URL: 'http://127.0.0.1:4000' }).shopifyApp?.appUrl, 'http://127.0.0.1:4000');
  assert.throws(() => loadConfig({ ...APP, SHOPIFY_APP_URL: 'not a url' }), inputError(/SHOPIFY_APP_URL "not a url" is not a URL/));
  assert.throws(() => loadConfig({ ...APP, SHOPIFY_APP_URL: 'ftp://refinery.example.com' }), inputError(/must be an http\(s\) URL/));
  // Without the app's key, the URL is not needed.
  assert.equal(loadConfig({ HOST: '0.0.0.0', NODE_ENV: 'production' }).shopifyApp, null);
});

test('NODE_ENV=production with SHOPIFY_API_KEY requires an https SHOPIFY_APP_URL', () => {
  const production = { ...APP, NODE_ENV: 'production', HOST: '0.0.0.0' };
  assert.throws(() => loadConfig(production), inputError(/SHOPIFY_APP_URL is required with NODE_ENV=production/));
  assert.throws(() => loadConfig({ ...production, SHOPIFY_API_SECRET: '' }), inputError(/SHOPIFY_APP_URL is required/), 'the key alone is enough to require it');
  assert.throws(() => loadConfig({ ...production, SHOPIFY_APP_URL: 'http://refinery.example.com' }), inputError(/must be https with NODE_ENV=production/));
  assert.equal(loadConfig({ ...production, SHOPIFY_APP_URL: 'https://refinery.example.com' }).shopifyApp?.appUrl, 'https://refinery.example.com');
});
