// The app's configuration agrees with shopify.app.toml; the HubSpot OAuth state is bound to a shop.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { signOAuthState, verifyOAuthState } from './hubspot-oauth-state.ts';
import { SHOPIFY_APP_SCOPES } from './shopify-app.ts';

test('the scopes the app asks for are those of shopify.app.toml', () => {
  const toml = readFileSync(new URL('../../shopify.app.toml', import.meta.url), 'utf8');
  assert.deepEqual(SHOPIFY_APP_SCOPES, toml.match(/^scopes = "([^"]+)"/m)?.[1]?.split(','));
});

test('a HubSpot OAuth state names its shop, and only with the right secret, untouched and in time', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  const state = signOAuthState('shop-a.myshopify.com', 'secret', now);
  assert.equal(verifyOAuthState(state, 'secret', now), 'shop-a.myshopify.com');
  assert.equal(verifyOAuthState(state, 'other-secret', now), null);
  const [shop, ...rest] = state.split('.');
  assert.ok(shop);
  const swapped = [Buffer.from('shop-b.myshopify.com').toString('base64url'), ...rest].join('.');
  assert.equal(verifyOAuthState(swapped, 'secret', now), null);
  assert.equal(verifyOAuthState(state, 'secret', new Date(now.getTime() + 11 * 60_000)), null);
  assert.equal(verifyOAuthState('garbage', 'secret', now), null);
});
