// Installing the Shopify app and connecting HubSpot, end to end through the unmodified SDKs against
// the emulators: token exchange on the embedded load (session and token stored sealed, a sync's
// GraphQL call works with the exchanged token), the OAuth code flow, session-token authentication
// of /api (401 / 403 as JSON, one shop per token), HubSpot private-app and OAuth connections (with
// refresh), secret rotation through the CLI, and app/uninstalled forgetting the installation.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, test } from 'node:test';
import type { Express } from 'express';
import { createHubSpotClient } from '../../connectors/hubspot/hubspot-client.ts';
import type { HubSpotAppConfig } from '../../app/config.ts';
import type { JobQueue } from '../../app/jobs/job-types.ts';
import { createServer } from '../../app/server/create-server.ts';
import { forgetInstallation } from '../../app/server/forget-installation.ts';
import { createShopifyApp, type RefineryShopifyApp } from '../../app/server/shopify-app.ts';
import { createStore } from '../../app/store/create-store.ts';
import { decodeConnectionCode } from '../../app/ui/lib/oauth-connection-code.ts';
import { createSecretBox, parseKeyRing } from '../../app/store/secret-box.ts';
import type { Store } from '../../app/store/store.ts';
import { createPlatformClients } from '../../app/sync/platform-clients.ts';
import { realSleep } from '../../connectors/shared/with-retry.ts';
import { createHubSpotEmulator, type HubSpotEmulator } from '../emulators/hubspot/index.ts';
import { createShopifyEmulator, signSessionToken, type ShopifyEmulator } from '../emulators/shopify/index.ts';
import { runCli } from '../support/run-cli.ts';

const API_KEY = 'refinery-test-client-id';
const API_SECRET = `shpss_${randomBytes(8).toString('hex')}`;
const SHOP_A = 'install-a.myshopify.com';
const SHOP_B = 'install-b.myshopify.com';
const SHOP_C = 'install-c.myshopify.com';
const TOKENS: Record<string, string> = { [SHOP_A]: 'shpat_offline_a', [SHOP_B]: 'shpat_offline_b', [SHOP_C]: 'shpat_offline_c' };
const KEY_OLD = `old:${randomBytes(32).toString('base64')}`;
const KEY_NEW = `new:${randomBytes(32).toString('base64')}`;
const PORTAL = 4242;
const PORTAL_TOKEN = 'pat-na1-good-token';

let dir: string;
let dbPath: string;
let shopifyEmu: ShopifyEmulator;
let hubspotEmu: HubSpotEmulator;
let store: Store;
let shopify: RefineryShopifyApp;
let server: Server;
let base = '';
let hubspotApp: HubSpotAppConfig;
const logs: string[] = [];
const deps = () => ({ now: () => new Date(), sleep: realSleep, random: Math.random, log: (line: string) => logs.push(line), progress: () => {}, hubspotOAuth: hubspotApp });

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'refinery-install-'));
  dbPath = join(dir, 'refinery.db');
  shopifyEmu = await createShopifyEmulator();
  for (const shop of [SHOP_A, SHOP_B, SHOP_C]) shopifyEmu.addShop(shop, { accessToken: TOKENS[shop] ?? '' });
  await shopifyEmu.seed(SHOP_A, { customers: [{ id: 1, email: 'one@example.com', createdAt: '2024-01-01T00:00:00Z', updatedAt: '2024-01-01T00:00:00Z' }] });
  hubspotEmu = await createHubSpotEmulator();
  hubspotEmu.addPortal(PORTAL, { accessToken: PORTAL_TOKEN });
  store = await createStore({ sqlitePath: dbPath, secrets: createSecretBox(parseKeyRing(KEY_OLD)) });

  // The app's URL must be known before the app is built: listen first, then attach express.
  server = createHttpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  shopifyEmu.configureApp({ clientId: API_KEY, clientSecret: API_SECRET, appUrl: base });
  hubspotApp = { clientId: 'hs-client', clientSecret: 'hs-secret', authorizeUrl: `${hubspotEmu.origin}/oauth/authorize`, basePath: hubspotEmu.origin, scopes: 'crm.objects.contacts.read' };
  hubspotEmu.configureOAuthApp({ clientId: hubspotApp.clientId, clientSecret: hubspotApp.clientSecret, portalId: PORTAL, accessTokenTtlSeconds: 60 });

  shopify = createShopifyApp(
    { apiKey: API_KEY, apiSecret: API_SECRET, appUrl: base, adminOrigin: shopifyEmu.origin, appBridgeUrl: `${shopifyEmu.origin}/shopifycloud/app-bridge.js` },
    { store, now: () => new Date(), log: (line) => logs.push(line) },
  );
  const queue: JobQueue = { async enqueue() {} };
  const app: Express = createServer({ store, queue, shopifyApiSecret: API_SECRET, admin: null, now: () => new Date(), shopify: { app: shopify, hubspotApp, hubspotBasePath: hubspotEmu.origin } });
  // A stand-in for the UI's document route (the browser tests use the real one): what the install gives it.
  app.get('/app', shopify.ensureInstalled(), (_req, res) => {
    res.type('html').send(`<html><body><div id="app">shell for ${String(res.locals['shopId'])}</div></body></html>`);
  });
  server.on('request', app);
});

after(async () => {
  if (process.env['INSTALL_TEST_LOGS']) console.log(logs.join('\n'));
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await store.close();
  await shopifyEmu.close();
  await hubspotEmu.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The SDK refuses OAuth requests from bots (Node's fetch says "node"): browse like a browser. */
const BROWSER = { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36' };

const token = (shop: string, options: { secret?: string; now?: Date } = {}) =>
  signSessionToken({ shop, apiKey: API_KEY, apiSecret: options.secret ?? API_SECRET, now: options.now ?? new Date(), userId: 7 });

function api(path: string, options: { token?: string | null; shop?: string; method?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  const bearer = options.token === undefined ? token(options.shop ?? SHOP_A) : options.token;
  if (bearer) headers['Authorization'] = `Bearer ${bearer}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  return fetch(`${base}${path}`, { method: options.method ?? 'GET', headers, ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}), redirect: 'manual' });
}

function rawDatabaseText(): string {
  const db = new DatabaseSync(dbPath, { readOnly: true });
  try {
    const settings = db.prepare('SELECT settings FROM shops WHERE settings IS NOT NULL').all().map((r) => String(r['settings']));
    const sessions = db.prepare('SELECT data FROM shopify_sessions').all().map((r) => String(r['data']));
    return [...settings, ...sessions].join('\n');
  } finally {
    db.close();
  }
}

test('the embedded load installs by token exchange: session and token stored sealed, and a sync can call GraphQL with them', async () => {
  const noToken = await fetch(`${base}/app?embedded=1&shop=${SHOP_A}&host=${shopifyEmu.embeddedAppQuery(SHOP_A).get('host')}`);
  assert.equal(noToken.status, 200);
  const bounce = await noToken.text();
  assert.match(bounce, new RegExp(`data-api-key="${API_KEY}" src="${shopifyEmu.origin}/shopifycloud/app-bridge.js"`));
  assert.equal(await store.loadShopifySession(`offline_${SHOP_A}`), null);

  const query = shopifyEmu.embeddedAppQuery(SHOP_A);
  const page = await fetch(`${base}/app?${query}`);
  assert.equal(page.status, 200, await page.clone().text());
  assert.match(await page.text(), new RegExp(`shell for ${SHOP_A}`));
  assert.match(page.headers.get('content-security-policy') ?? '', new RegExp(`frame-ancestors https://${SHOP_A}.*${shopifyEmu.origin}`));
  assert.deepEqual(shopifyEmu.issuedAccessTokens(SHOP_A), [{ grant: 'token-exchange', online: false }]);

  const session = await store.loadShopifySession(`offline_${SHOP_A}`);
  assert.equal(session?.accessToken, TOKENS[SHOP_A]);
  assert.equal(session?.isOnline, false);
  const settings = await store.getShopSettings(SHOP_A);
  assert.deepEqual(settings?.shopify, { accessToken: TOKENS[SHOP_A], adminOrigin: shopifyEmu.origin, installedAt: settings?.shopify?.installedAt });
  assert.ok(Math.abs(Date.now() - Date.parse(settings?.shopify?.installedAt ?? '')) < 60_000, 'the install time is recorded');
  assert.ok(!rawDatabaseText().includes(TOKENS[SHOP_A] ?? '?'), 'the access token is stored in clear');

  const clients = await createPlatformClients(store, deps())(SHOP_A);
  const data = await clients.shopify.request<{ customers: { nodes: Array<{ id: string }> } }>('install-check', 'query { customers(first: 5) { nodes { id } } }');
  assert.deepEqual(data.customers.nodes.map((n) => n.id), ['gid://shopify/Customer/1']);

  // A second load with the session stored exchanges nothing.
  assert.equal((await fetch(`${base}/app?${shopifyEmu.embeddedAppQuery(SHOP_A)}`)).status, 200);
  assert.equal(shopifyEmu.issuedAccessTokens(SHOP_A).length, 1);
  // Outside the admin, the page sends the browser into the admin.
  const outside = await fetch(`${base}/app?shop=${SHOP_A}&host=${query.get('host')}`, { redirect: 'manual' });
  assert.equal(outside.status, 302);
  assert.match(outside.headers.get('location') ?? '', new RegExp(`^https://admin\\.shopify\\.com/store/install-a/apps/${API_KEY}`));
});

test('/api: no token, an expired token or one signed with another secret is 401 JSON; another shop named is 403; a token sees its own shop only', async () => {
  // The API's description is public; everything else needs a session token.
  const described = await api('/api/openapi.json', { token: null });
  assert.equal(described.status, 200);
  assert.equal(((await described.json()) as { openapi: string }).openapi, '3.1.0');
  const missing = await api('/api/overview', { token: null });
  assert.equal(missing.status, 401);
  assert.equal(((await missing.json()) as { error: { code: string } }).error.code, 'UNAUTHENTICATED');

  const expired = await api('/api/overview', { token: token(SHOP_A, { now: new Date(Date.now() - 5 * 60_000) }) });
  assert.equal(expired.status, 401);
  assert.equal(expired.headers.get('x-shopify-retry-invalid-session-request'), '1');
  assert.equal(((await expired.json()) as { error: { code: string } }).error.code, 'UNAUTHENTICATED');

  const forged = await api('/api/overview', { token: token(SHOP_A, { secret: 'shpss_not_ours' }) });
  assert.equal(forged.status, 401);
  assert.deepEqual(Object.keys(((await forged.json()) as { error: object }).error).sort(), ['code', 'message']);

  for (const other of [{ path: `/api/overview?shop=${SHOP_B}` }, { path: '/api/overview', headers: { 'X-Shop': SHOP_B } }]) {
    const response = await api(other.path, { headers: other.headers ?? {} });
    assert.equal(response.status, 403);
    const body = (await response.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'FORBIDDEN');
    assert.match(body.error.message, new RegExp(SHOP_B));
  }

  const own = await api(`/api/overview?shop=${SHOP_A}`);
  assert.equal(own.status, 200);
  assert.equal(((await own.json()) as { shop: string }).shop, SHOP_A, "the real API answers for the token's shop");
  // Shop B's first API call installs B by token exchange; it still only ever sees B.
  const b = await api('/api/overview', { shop: SHOP_B });
  assert.equal(((await b.json()) as { shop: string }).shop, SHOP_B);
  assert.equal((await store.getShopSettings(SHOP_B))?.shopify?.accessToken, TOKENS[SHOP_B]);
});

test('the OAuth code flow installs too: /auth -> the grant screen -> /auth/callback; a forged callback is 400', async () => {
  const begin = await fetch(`${base}/auth?shop=${SHOP_C}`, { headers: BROWSER, redirect: 'manual' });
  assert.equal(begin.status, 302);
  const authorize = new URL(begin.headers.get('location') ?? '');
  assert.equal(authorize.origin, `https://${SHOP_C}`);
  // The scopes of shopify.app.toml, as the SDK sends them (write_customers implies read_customers).
  assert.equal(authorize.searchParams.get('scope'), 'write_customers,read_orders,read_all_orders,write_pixels,read_customer_events');
  const cookies = begin.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');

  const grant = await fetch(`${shopifyEmu.origin}/shops/${SHOP_C}${authorize.pathname}${authorize.search}`, { redirect: 'manual' });
  assert.equal(grant.status, 302);
  const callback = new URL(grant.headers.get('location') ?? '');
  assert.equal(callback.origin + callback.pathname, `${base}/auth/callback`);

  const forged = new URL(callback);
  forged.searchParams.set('hmac', '0'.repeat(64));
  const refused = await fetch(forged, { headers: { ...BROWSER, Cookie: cookies }, redirect: 'manual' });
  assert.equal(refused.status, 400);
  assert.equal(await store.loadShopifySession(`offline_${SHOP_C}`), null);

  const done = await fetch(callback, { headers: { ...BROWSER, Cookie: cookies }, redirect: 'manual' });
  assert.equal(done.status, 302, await done.clone().text());
  assert.equal(done.headers.get('location'), `${shopifyEmu.origin}/admin/apps/${API_KEY}?shop=${SHOP_C}`);
  assert.equal((await store.loadShopifySession(`offline_${SHOP_C}`))?.accessToken, TOKENS[SHOP_C]);
  assert.equal((await store.getShopSettings(SHOP_C))?.shopify?.accessToken, TOKENS[SHOP_C]);
  assert.deepEqual(shopifyEmu.issuedAccessTokens(SHOP_C), [{ grant: 'authorization-code', online: false }]);
});

test('HubSpot private-app token: checked against the portal, stored sealed; bad input changes nothing; disconnect', async () => {
  const connect = (body: unknown) => api('/api/hubspot/connect', { method: 'POST', body });
  const ok = await connect({ accessToken: PORTAL_TOKEN, basePath: hubspotEmu.origin, createContacts: true });
  assert.equal(ok.status, 200, await ok.clone().text());
  assert.deepEqual(await ok.json(), { connected: true, portalId: PORTAL, authKind: 'private-app' });
  const saved = (await store.getShopSettings(SHOP_A))?.hubspot;
  assert.deepEqual(saved, { accessToken: PORTAL_TOKEN, basePath: hubspotEmu.origin, requestsPerTenSeconds: 100, createContacts: true, portalId: PORTAL, authKind: 'private-app', refreshToken: null, expiresAt: null });
  assert.ok(!rawDatabaseText().includes(PORTAL_TOKEN));

  const rejected = await connect({ accessToken: 'pat-na1-wrong', basePath: hubspotEmu.origin });
  assert.equal(rejected.status, 422);
  assert.equal(((await rejected.json()) as { error: { code: string } }).error.code, 'HUBSPOT_TOKEN_REJECTED');
  // A basePath other than the server's (an internal address, say) is refused before any call.
  for (const bad of [{ accessToken: '' }, { accessToken: PORTAL_TOKEN, basePath: 'ftp://x' }, { accessToken: PORTAL_TOKEN, basePath: 'http://169.254.169.254' }, { accessToken: PORTAL_TOKEN, extra: 1 }, { accessToken: PORTAL_TOKEN, requestsPerTenSeconds: 0 }, 'text']) {
    const response = await connect(bad);
    assert.equal(response.status, 400, JSON.stringify(bad));
    assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'VALIDATION');
  }
  assert.deepEqual((await store.getShopSettings(SHOP_A))?.hubspot, saved);

  const gone = await api('/api/hubspot', { method: 'DELETE' });
  assert.deepEqual(await gone.json(), { connected: false, disconnectedPortalId: PORTAL });
  assert.equal((await store.getShopSettings(SHOP_A))?.hubspot, null);
});

test('HubSpot OAuth: start -> HubSpot grant -> callback page (stores nothing) -> complete from the same shop stores access and refresh token; another shop, a replay or a forged state is refused; an expiring token is refreshed for a sync', async () => {
  const start = await api('/api/hubspot/oauth/start');
  const { url } = (await start.json()) as { url: string };
  assert.ok(url.startsWith(`${hubspotEmu.origin}/oauth/authorize?`));
  const grant = await fetch(url, { redirect: 'manual' });
  const callback = new URL(grant.headers.get('location') ?? '');
  assert.equal(callback.origin + callback.pathname, `${base}/hubspot/oauth/callback`);
  const code = callback.searchParams.get('code') ?? '';
  const state = callback.searchParams.get('state') ?? '';
  assert.ok(code && state);

  // A forged, damaged or expired state: a 400 page, without a script that would hand anything on.
  const expired = new URL(callback);
  const parts = state.split('.');
  expired.searchParams.set('state', [parts[0], Date.now() - 1000, parts[2], parts[3]].join('.'));
  const forged = new URL(callback);
  forged.searchParams.set('state', `${state}x`);
  const noState = new URL(callback);
  noState.searchParams.delete('state');
  for (const bad of [forged, expired, noState]) {
    const refused = await fetch(bad);
    assert.equal(refused.status, 400, bad.href);
    assert.doesNotMatch(await refused.text(), /<script/);
  }
  assert.equal((await store.getShopSettings(SHOP_A))?.hubspot, null);

  // The callback only hands code and state to the app window that opened it, at the app's origin.
  const done = await fetch(callback);
  assert.equal(done.status, 200, await done.clone().text());
  const html = await done.text();
  const csp = done.headers.get('content-security-policy') ?? '';
  const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1] ?? '';
  assert.ok(nonce && csp.startsWith("default-src 'none';"), csp);
  assert.equal(done.headers.get('referrer-policy'), 'no-referrer');
  assert.equal(done.headers.get('cache-control'), 'no-store');
  assert.deepEqual([...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]), [` nonce="${nonce}"`], 'one inline script, with the nonce');
  assert.doesNotMatch(html, /\bsrc=|href=/, 'no external loads');
  assert.match(html, /refinery:hubspot-oauth/);
  assert.ok(html.includes(`window.opener.postMessage(message, origin)`) && html.includes(JSON.stringify(base)), 'posted to the app origin only');
  assert.doesNotMatch(html, /oauth-[0-9a-f]{32}|refresh-[0-9a-f]{32}/, 'no token on the page');
  assert.equal(hubspotEmu.oauthStats().authorizationCodes, 0, 'the callback exchanges nothing');
  assert.equal((await store.getShopSettings(SHOP_A))?.hubspot, null, 'the callback stores nothing');

  const complete = (shop: string, body: unknown) => api('/api/hubspot/oauth/complete', { method: 'POST', shop, body });
  // Another shop's session (the scenario: a start URL passed on) cannot complete A's flow.
  await api('/api/overview', { shop: SHOP_C });
  const other = await complete(SHOP_C, { code, state });
  assert.equal(other.status, 403);
  assert.equal(((await other.json()) as { error: { code: string } }).error.code, 'FORBIDDEN');
  assert.equal((await store.getShopSettings(SHOP_C))?.hubspot ?? null, null);
  assert.equal((await store.getShopSettings(SHOP_A))?.hubspot, null);
  for (const bad of [{ code, state: `${state}x` }, { code, state: expired.searchParams.get('state') }, { code: '', state }, { code, state, extra: 1 }, { code: 'x'.repeat(600), state }]) {
    const refused = await complete(SHOP_A, bad);
    assert.equal(refused.status, 400, JSON.stringify(bad).slice(0, 80));
  }
  const anonymous = await api('/api/hubspot/oauth/complete', { method: 'POST', token: null, body: { code, state } });
  assert.equal(anonymous.status, 401);
  assert.equal(hubspotEmu.oauthStats().authorizationCodes, 0);
  assert.equal((await store.getShopSettings(SHOP_A))?.hubspot, null);

  const ok = await complete(SHOP_A, { code, state });
  assert.equal(ok.status, 200, await ok.clone().text());
  assert.deepEqual(await ok.json(), { connected: true, portalId: PORTAL, authKind: 'oauth' });
  const hubspot = (await store.getShopSettings(SHOP_A))?.hubspot;
  assert.equal(hubspot?.authKind, 'oauth');
  assert.equal(hubspot?.portalId, PORTAL);
  assert.equal(hubspot?.requestsPerTenSeconds, 110);
  assert.match(hubspot?.refreshToken ?? '', /^refresh-/);
  assert.ok(!rawDatabaseText().includes(hubspot?.accessToken ?? '?') && !rawDatabaseText().includes(hubspot?.refreshToken ?? '?'));

  // The same state again (even with another code) is refused before HubSpot is asked.
  const replay = await complete(SHOP_A, { code, state });
  assert.equal(replay.status, 409);
  assert.equal(((await replay.json()) as { error: { code: string } }).error.code, 'STATE_USED');
  assert.equal(hubspotEmu.oauthStats().authorizationCodes, 1);
  assert.deepEqual((await store.getShopSettings(SHOP_A))?.hubspot, hubspot);

  // A fresh state with a code HubSpot does not know: 422, nothing changed.
  const again = (await (await api('/api/hubspot/oauth/start')).json()) as { url: string };
  const rejected = await complete(SHOP_A, { code: 'not-a-code', state: new URL(again.url).searchParams.get('state') });
  assert.equal(rejected.status, 422);
  assert.equal(((await rejected.json()) as { error: { code: string } }).error.code, 'HUBSPOT_CODE_REJECTED');
  assert.deepEqual((await store.getShopSettings(SHOP_A))?.hubspot, hubspot);

  // The token lives 60 s, inside the refresh margin: building the sync's clients refreshes it first.
  const clients = await createPlatformClients(store, deps())(SHOP_A);
  assert.equal(hubspotEmu.oauthStats().refreshes, 1);
  const refreshed = (await store.getShopSettings(SHOP_A))?.hubspot;
  assert.notEqual(refreshed?.accessToken, hubspot?.accessToken);
  assert.equal(clients.hubspot?.sdk.config.accessToken, refreshed?.accessToken);
  const client = createHubSpotClient({ accessToken: refreshed?.accessToken ?? '', basePath: hubspotEmu.origin }, { now: () => Date.now(), sleep: realSleep, random: Math.random });
  const details = await client.call('details', (sdk) => sdk.apiRequest({ path: '/account-info/v3/details' }));
  assert.equal(details.status, 200);
});

test('HubSpot OAuth without an opener: the callback page holds a one-time connection code (code and state) to paste into Settings; completing with it works once', async () => {
  const connectedBefore = (await store.getShopSettings(SHOP_A))?.hubspot;
  const codesBefore = hubspotEmu.oauthStats().authorizationCodes;
  const { url } = (await (await api('/api/hubspot/oauth/start')).json()) as { url: string };
  const grant = await fetch(url, { redirect: 'manual' });
  const callback = new URL(grant.headers.get('location') ?? '');
  const code = callback.searchParams.get('code') ?? '';
  const state = callback.searchParams.get('state') ?? '';
  assert.ok(code && state);

  const done = await fetch(callback);
  assert.equal(done.status, 200);
  const html = await done.text();
  const nonce = /script-src 'nonce-([^']+)'/.exec(done.headers.get('content-security-policy') ?? '')?.[1] ?? '';
  assert.deepEqual([...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]), [` nonce="${nonce}"`], 'still one inline script, with the nonce');
  assert.doesNotMatch(html, /\bsrc=|href=|\bon[a-z]+=/, 'no external loads, no inline handlers');
  // Hidden until the script finds no opener (or no answer from it); then shown with a Copy button.
  assert.match(html, /<div id="fallback" hidden>/);
  assert.match(html, /Go back to Segment Refinery → Settings → HubSpot/);
  assert.match(html, /<textarea id="connection-code" readonly[^>]*>[A-Za-z0-9_-]+<\/textarea>/);
  assert.match(html, /<button id="copy" type="button">Copy<\/button>/);
  assert.ok(html.includes('if (!window.opener)') && html.includes('navigator.clipboard.writeText(field.value)') && html.includes('refinery:hubspot-oauth-received'));
  const connectionCode = /<textarea id="connection-code"[^>]*>([^<]*)<\/textarea>/.exec(html)?.[1] ?? '';
  assert.deepEqual(JSON.parse(Buffer.from(connectionCode, 'base64url').toString('utf8')), { code, state });
  assert.deepEqual(decodeConnectionCode(`\n ${connectionCode} \n`), { code, state }, 'as the UI reads it');
  assert.equal(hubspotEmu.oauthStats().authorizationCodes, codesBefore, 'the callback exchanges nothing');

  // Whatever the query holds ends up inside the base64url code, never as markup.
  const odd = new URL(callback);
  odd.searchParams.set('code', '"><img src=x>');
  const oddHtml = await (await fetch(odd)).text();
  assert.doesNotMatch(oddHtml, /<img/);
  assert.match(oddHtml, /<textarea id="connection-code" readonly[^>]*>[A-Za-z0-9_-]+<\/textarea>/);
  // A denied grant has no code to show.
  const denied = new URL(callback);
  denied.searchParams.delete('code');
  denied.searchParams.set('error', 'access_denied');
  assert.doesNotMatch(await (await fetch(denied)).text(), /<textarea|id="fallback"/);

  // What Settings does with the pasted code: complete with its code and state, as this shop.
  const pasted = decodeConnectionCode(connectionCode);
  const other = await api('/api/hubspot/oauth/complete', { method: 'POST', shop: SHOP_C, body: pasted });
  assert.equal(other.status, 403, 'still bound to the shop that started it');
  const ok = await api('/api/hubspot/oauth/complete', { method: 'POST', body: pasted });
  assert.equal(ok.status, 200, await ok.clone().text());
  assert.deepEqual(await ok.json(), { connected: true, portalId: PORTAL, authKind: 'oauth' });
  const hubspot = (await store.getShopSettings(SHOP_A))?.hubspot;
  assert.equal(hubspot?.authKind, 'oauth');
  assert.notEqual(hubspot?.accessToken, connectedBefore?.accessToken, 'a new connection');
  assert.equal(hubspotEmu.oauthStats().authorizationCodes, codesBefore + 1);
  const second = await api('/api/hubspot/oauth/complete', { method: 'POST', body: pasted });
  assert.equal(second.status, 409);
  assert.equal(((await second.json()) as { error: { code: string } }).error.code, 'STATE_USED');
  assert.equal(hubspotEmu.oauthStats().authorizationCodes, codesBefore + 1);
  assert.deepEqual((await store.getShopSettings(SHOP_A))?.hubspot, hubspot);
});

test('app/uninstalled: forgetInstallation deletes the sessions and the Shopify token, and keeps the data', async () => {
  await store.savePage(SHOP_B, { customers: [{ source: 'shopify', id: 'gid://shopify/Customer/9', email: 'b@example.com', marketingState: null, firstName: null, lastName: null, tags: [], createdAt: '2024-01-01T00:00:00.000Z', updatedAt: '2024-01-01T00:00:00.000Z' }] });
  const forgotten = await forgetInstallation(store, SHOP_B);
  assert.deepEqual(forgotten, { known: true, sessions: 1, superseded: false });
  assert.deepEqual(await store.findShopifySessionsByShop(SHOP_B), []);
  assert.equal((await store.getShopSettings(SHOP_B))?.shopify, null);
  assert.equal(await store.countCustomers(SHOP_B), 1);
  assert.deepEqual(await forgetInstallation(store, 'never-installed.myshopify.com'), { known: false, sessions: 0, superseded: false });
  // Shop A is untouched.
  assert.equal((await store.getShopSettings(SHOP_A))?.shopify?.accessToken, TOKENS[SHOP_A]);
});

test('refinery secrets rotate re-seals every secret with the new key, once; then the old key can go', async () => {
  const env: NodeJS.ProcessEnv = { ...process.env, REFINERY_SQLITE_PATH: dbPath, REFINERY_ENCRYPTION_KEYS: `${KEY_NEW},${KEY_OLD}` };
  delete env['DATABASE_URL'];
  const first = await runCli(['secrets', 'rotate', '--json'], env);
  assert.equal(first.code, 0, first.stderr);
  const report = JSON.parse(first.stdout) as { keyId: string; reencrypted: number; sessions: number };
  assert.equal(report.keyId, 'new');
  // Shop A: its Shopify token and HubSpot access and refresh tokens; shop C: its Shopify token (B was
  // uninstalled); the offline sessions of A and C.
  assert.equal(report.reencrypted, 6, first.stdout);
  assert.equal(report.sessions, 2);
  const second = await runCli(['secrets', 'rotate'], env);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /re-encrypted 0 secret/);
  assert.ok(!rawDatabaseText().includes('enc:v1:old:'));
  const newOnly = await createStore({ sqlitePath: dbPath, secrets: createSecretBox(parseKeyRing(KEY_NEW)) });
  try {
    assert.equal((await newOnly.getShopSettings(SHOP_A))?.shopify?.accessToken, TOKENS[SHOP_A]);
    assert.equal((await newOnly.loadShopifySession(`offline_${SHOP_C}`))?.accessToken, TOKENS[SHOP_C]);
  } finally {
    await newOnly.close();
  }
});
