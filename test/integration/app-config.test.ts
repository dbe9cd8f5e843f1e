// The app's Shopify configuration pins the same API version as the connector.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { SHOPIFY_API_VERSION } from '../../connectors/shopify/platform.ts';
import { ROOT } from '../support/run-cli.ts';

const toml = readFileSync(`${ROOT}/shopify.app.toml`, 'utf8');

test('shopify.app.toml pins the connector API version and requests the scopes the app uses', () => {
  assert.match(toml, new RegExp(`api_version = "${SHOPIFY_API_VERSION}"`));
  const scopes = toml.match(/^scopes = "([^"]+)"/m)?.[1]?.split(',') ?? [];
  for (const scope of ['read_customers', 'write_customers', 'read_orders', 'read_all_orders']) assert.ok(scopes.includes(scope), scope);
  for (const topic of ['customers/data_request', 'customers/redact', 'shop/redact']) assert.ok(toml.includes(`"${topic}"`), topic);
});
