// The embedded admin in a real browser (Debian's Chromium through playwright-core) against the
// real parts: the web app (listenAppServer, in-process jobs) on a SQLite store, the Shopify and
// HubSpot emulators holding a small store built from the demo data and synced twice. The shop is
// not installed at first: opening it in the emulated Shopify admin installs it by token exchange.
// Then every page with data, a schedule changed and persisted, and a rule segment written back to
// Shopify as tags and a native segment. Nothing may leave loopback; no page error is tolerated.
// Screenshots of every page go to test/browser/screenshots/.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import type { Frame, Locator, Page, Route } from 'playwright-core';
import { realSleep } from '../../connectors/shared/with-retry.ts';
import { DEFAULT_TAG_PREFIX, segmentTag } from '../../core/segment-tags.ts';
import { buildDemoContacts } from '../../app/demo/demo-portal.ts';
import { buildDemoSeed } from '../../app/demo/demo-store.ts';
import { readOrderFile } from '../../app/import/read-order-file.ts';
import { createInProcessJobs } from '../../app/jobs/in-process-jobs.ts';
import type { LocalQueue } from '../../app/jobs/local-queue.ts';
import { listenAppServer, type RunningAppServer } from '../../app/server/app-server.ts';
import { createStore } from '../../app/store/create-store.ts';
import { createSecretBox, parseKeyRing } from '../../app/store/secret-box.ts';
import type { Store } from '../../app/store/store.ts';
import { runSync } from '../../app/sync/run-sync.ts';
import type { SyncDeps } from '../../app/sync/sync-types.ts';
import { createHubSpotEmulator, type HubSpotEmulator } from '../emulators/hubspot/index.ts';
import { createShopifyEmulator } from '../emulators/shopify/index.ts';
import type { SeedOrder, ShopifyEmulator } from '../emulators/shopify/types.ts';
import { openBrowser, saveScreenshot, type BrowserSession } from '../support/browser.ts';
import { NO_HOLDOUT } from '../support/harness.ts';

const SHOP = `browser-${process.pid}.myshopify.com`;
const SHOP_TOKEN = `shpat_browser_${process.pid}`;
const PORTAL = 6_100_000 + (process.pid % 100_000);
const PORTAL_TOKEN = `pat-browser-${process.pid}`;
const APP = { clientId: `refinery-browser-${process.pid}`, clientSecret: `shpss_browser_${process.pid}_secret` };
const DEMO_FILE = fileURLToPath(new URL('../../app/demo/data/online-retail-sample.csv', import.meta.url));
/** One demo customer in this many: a store of some 700 customers, quick to sync. */
const CUSTOMER_SAMPLE = 5;
/** The rule segment the test writes: people with at least this many orders. */
const RULE_MIN_ORDERS = 6;
const RULE_KEY = 'frequent-buyers';

/** Bounds of every wait. */
const PAGE_TIMEOUT = 20_000;
const SYNC_TIMEOUT = 60_000;

let dir: string;
let shopify: ShopifyEmulator;
let hubspot: HubSpotEmulator;
let store: Store;
let queue: LocalQueue;
let app: RunningAppServer;
let session: BrowserSession;
let seedOrders: SeedOrder[] = [];
const logs: string[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'refinery-browser-'));
  const file = await readOrderFile(DEMO_FILE);
  const sample = file.orders.filter((o) => o.customerId !== null && Number(o.customerId) % CUSTOMER_SAMPLE === 0);
  const seed = buildDemoSeed(sample, new Date());
  seedOrders = seed.orders;

  shopify = await createShopifyEmulator();
  hubspot = await createHubSpotEmulator();
  shopify.addShop(SHOP, { accessToken: SHOP_TOKEN, currency: 'GBP' });
  await shopify.seed(SHOP, { customers: seed.customers, orders: seed.orders });
  hubspot.addPortal(PORTAL, { accessToken: PORTAL_TOKEN, requestsPerTenSeconds: 1000, searchRequestsPerSecond: 100 });
  await hubspot.seed(PORTAL, { contacts: buildDemoContacts(seed.customers, new Date()) });

  store = await createStore({ sqlitePath: join(dir, 'refinery.db'), secrets: createSecretBox(parseKeyRing(`browser:${randomBytes(32).toString('base64')}`)) });
  await store.saveShopSettings(
    SHOP,
    {
      tagPrefix: DEFAULT_TAG_PREFIX,
      shopify: { accessToken: SHOP_TOKEN, adminOrigin: shopify.origin },
      hubspot: { accessToken: PORTAL_TOKEN, basePath: hubspot.origin, requestsPerTenSeconds: 1000, createContacts: true },
      holdout: NO_HOLDOUT,
    },
    new Date().toISOString(),
  );
  const deps: SyncDeps = { now: () => new Date(), sleep: realSleep, random: Math.random, log: (line) => logs.push(line), progress: () => {} };
  // Two runs: a full one and an incremental one, so that the trends have two points.
  for (const full of [true, false]) {
    const report = await runSync(store, deps, { shopId: SHOP, trigger: 'test', full, pollIntervalMs: 20 });
    assert.equal(report.status, 'succeeded', JSON.stringify(report.errors));
  }
  // Not installed: the settings hold a token, but no offline session exists yet.
  assert.deepEqual(await store.findShopifySessionsByShop(SHOP), []);

  queue = createInProcessJobs(store, deps, { pollIntervalMs: 20 });
  app = await listenAppServer(
    (url) => ({
      store,
      queue,
      shopifyApp: { apiKey: APP.clientId, apiSecret: APP.clientSecret, appUrl: url, adminOrigin: shopify.origin, appBridgeUrl: `${shopify.origin}/shopifycloud/app-bridge.js` },
      hubspotApp: null,
      hubspotBasePath: hubspot.origin,
      hubspotClientSecret: null,
      admin: null,
      now: () => new Date(),
    }),
    { port: 0, host: '127.0.0.1' },
  );
  shopify.configureApp({ ...APP, appUrl: app.url });
  session = await openBrowser();
});

after(async () => {
  if (process.env['BROWSER_TEST_LOGS']) console.log(logs.join('\n'));
  await session?.close();
  await app?.close();
  await queue?.idle();
  await store?.close();
  await shopify?.close();
  await hubspot?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: not done after ${ms} ms`)), ms);
    }),
  ]);
}

/** The page's (or frame's) visible text, for failure messages. */
async function shown(target: Page | Frame): Promise<string> {
  try {
    const text = await target.locator('body').innerText({ timeout: 2_000 });
    return text.replace(/\n{2,}/g, '\n').slice(0, 3_000);
  } catch (error) {
    return `(no text: ${String(error)})`;
  }
}

/** Runs a step; a failure says what the page showed, and the page errors so far. */
async function step<T>(target: Page | Frame, what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${what}: ${message}\n--- the page (${target.url()}) showed:\n${await shown(target)}\n--- page errors: ${JSON.stringify(session.pageErrors)}\n--- blocked: ${JSON.stringify(session.blocked)}`, { cause: error });
  }
}

const byTestId = (target: Page | Frame, id: string): Locator => target.locator(`[data-testid="${id}"]`);

/** Waits for a page of the app with its data (not the skeleton, not the error banner). */
async function waitForPage(target: Page | Frame, name: string, dataTestId: string): Promise<void> {
  await step(target, `the ${name} page`, async () => {
    await byTestId(target, `page-${name}`).waitFor({ timeout: PAGE_TIMEOUT });
    await byTestId(target, dataTestId).first().waitFor({ timeout: PAGE_TIMEOUT });
    assert.equal(await byTestId(target, 'page-error').count(), 0, 'an error banner');
    assert.equal(await byTestId(target, 'page-loading').count(), 0, 'still loading');
  });
}

/** Nothing left loopback, and no page error except the ones the step expects. */
function assertClean(expected: RegExp[] = []): void {
  assert.deepEqual(session.blocked, [], 'requests that would have left loopback');
  const unexpected = session.pageErrors.filter((e) => !expected.some((re) => re.test(e)));
  assert.deepEqual(unexpected, [], 'page errors');
}

/** The app opened on its own (no admin around it), at an app path, with a fresh session token. */
async function openStandalone(path: string): Promise<Page> {
  const page = session.page;
  await page.goto(`${app.url}${path}?${shopify.embeddedAppQuery(SHOP)}`, { timeout: PAGE_TIMEOUT });
  return page;
}

async function navigate(page: Page, label: string): Promise<void> {
  await step(page, `the navigation link ${label}`, () => page.locator('[data-testid="app-nav"]').getByRole('link', { name: label, exact: true }).click({ timeout: PAGE_TIMEOUT }));
}

/** A table (Polaris IndexTable) inside the element fits its card: nothing to scroll sideways. */
async function assertTableFits(page: Page, testId: string): Promise<void> {
  const sizes = await byTestId(page, testId).locator('.Polaris-IndexTable-ScrollContainer').first().evaluate((el) => ({ scrollWidth: el.scrollWidth, clientWidth: el.clientWidth }));
  assert.ok(sizes.scrollWidth <= sizes.clientWidth + 1, `the ${testId} table overflows its card: ${JSON.stringify(sizes)}`);
}

async function count(locator: Locator): Promise<number> {
  return locator.count();
}

test('opened in the emulated Shopify admin, the app installs itself by token exchange and shows the overview', async () => {
  const page = session.page;
  assert.deepEqual(shopify.issuedAccessTokens(SHOP), []);
  await page.goto(`${shopify.origin}/admin/apps/${APP.clientId}?shop=${SHOP}`, { timeout: PAGE_TIMEOUT });
  const frame = await step(page, 'the app frame', async () => {
    const handle = await page.locator('#app-iframe').elementHandle({ timeout: PAGE_TIMEOUT });
    const found = await handle?.contentFrame();
    assert.ok(found, 'the admin frames the app');
    return found;
  });
  await waitForPage(frame, 'overview', 'segments-table');
  await step(frame, 'the overview in the frame', async () => {
    assert.ok(new URL(frame.url()).origin === new URL(app.url).origin, `the frame shows the app: ${frame.url()}`);
    assert.ok((await count(frame.locator('[data-testid^="segment-row-"]'))) > 0, 'segment rows');
    // Embedded: the admin's navigation is used, the app shows none of its own.
    assert.equal(await count(byTestId(frame, 'app-nav')), 0);
    assert.match(await byTestId(frame, 'kpi-customers').innerText(), /^\d[\d,]*$/);
  });
  await saveScreenshot(page, '00-admin-embedded');

  const sessions = await store.findShopifySessionsByShop(SHOP);
  assert.equal(sessions.length, 1, 'one offline session stored');
  assert.equal(sessions[0]?.isOnline, false);
  assert.equal(sessions[0]?.accessToken, SHOP_TOKEN);
  assert.deepEqual(shopify.issuedAccessTokens(SHOP), [{ grant: 'token-exchange', online: false }]);

  // Inside the frame, a segment link routes in place.
  await step(frame, 'a segment link in the frame', () => frame.locator('[data-testid^="segment-row-"] a').first().click({ timeout: PAGE_TIMEOUT }));
  await waitForPage(frame, 'segment', 'segment-explanation');
  assertClean();
});

test('every page renders with data: overview, a segment, models, data quality, sync history, rule segments, settings', async () => {
  const page = await openStandalone('/');
  await waitForPage(page, 'overview', 'segments-table');
  await step(page, 'the overview', async () => {
    assert.ok((await count(page.locator('[data-testid^="segment-row-"]'))) > 5);
    assert.ok((await count(byTestId(page, 'sparkline'))) > 5, 'trend sparklines');
    await byTestId(page, 'chart-segment-sizes').waitFor({ timeout: PAGE_TIMEOUT });
    await byTestId(page, 'chart-revenue-share').waitFor({ timeout: PAGE_TIMEOUT });
    assert.ok((await count(byTestId(page, 'chart-segment-sizes').locator('rect'))) > 5, 'bars in the size chart');
    assert.equal(await byTestId(page, 'connection-hubspot').getAttribute('data-connected'), 'true');
    // The Trend column fits in its card at 1280 px: the sparklines are inside the table's box.
    await assertTableFits(page, 'segments-table');
    const table = await byTestId(page, 'segments-table').boundingBox();
    const spark = await byTestId(page, 'sparkline').first().boundingBox();
    assert.ok(table && spark && spark.x + spark.width <= table.x + table.width, `the sparkline (${JSON.stringify(spark)}) is inside the table (${JSON.stringify(table)})`);
    // The navigation's background runs down the whole page, not only the first screen.
    const frame = await page.locator('.Polaris-Frame').first().evaluate((el) => ({ height: el.getBoundingClientRect().height, background: el.ownerDocument.defaultView?.getComputedStyle(el).backgroundImage ?? '' }));
    assert.ok(frame.height > 900 && /gradient/.test(frame.background), JSON.stringify(frame));
  });
  await saveScreenshot(page, '01-overview');

  // The champions, from their link in the table.
  await step(page, 'a segment link', () => page.locator('[data-testid="segment-row-champions"] a').click({ timeout: PAGE_TIMEOUT }));
  await waitForPage(page, 'segment', 'segment-explanation');
  await step(page, 'the segment page', async () => {
    assert.match(await byTestId(page, 'segment-explanation').innerText(), /RFM rule: R /);
    assert.match(await byTestId(page, 'segment-size').innerText(), /^[1-9][\d,]*$/);
    await byTestId(page, 'chart-profile').waitFor({ timeout: PAGE_TIMEOUT });
    assert.ok((await count(byTestId(page, 'segment-members').locator('tbody tr'))) > 0, 'sample members');
    const synced = await byTestId(page, 'segment-synced-to').innerText();
    assert.match(synced, /Shopify/);
    assert.match(synced, /HubSpot/);
  });
  await saveScreenshot(page, '02-segment');

  await navigate(page, 'Models');
  await waitForPage(page, 'models', 'model-propensity');
  await step(page, 'the models page', async () => {
    await byTestId(page, 'calibration-chart').waitFor({ timeout: PAGE_TIMEOUT });
    assert.match(await byTestId(page, 'model-auc').innerText(), /^0\.\d{3}$/, 'an AUC: the default date leaves a horizon that happened');
    await byTestId(page, 'chart-bgnbd-repeat').waitFor({ timeout: PAGE_TIMEOUT });
    assert.match(await byTestId(page, 'model-bgnbd').innerText(), /Log-likelihood/);
    await byTestId(page, 'chart-clusters').waitFor({ timeout: PAGE_TIMEOUT });
  });
  await saveScreenshot(page, '03-models');

  await navigate(page, 'Data quality');
  await waitForPage(page, 'quality', 'quality-checks');
  await step(page, 'the data quality page', async () => {
    assert.ok((await count(page.locator('[data-testid^="quality-check-"]'))) > 3, 'quality checks');
    await assertTableFits(page, 'quality-checks');
    await byTestId(page, 'severity').first().waitFor({ timeout: PAGE_TIMEOUT });
  });
  await saveScreenshot(page, '04-quality');

  await navigate(page, 'Sync history');
  await waitForPage(page, 'runs', 'runs-table');
  await step(page, 'the sync history', async () => {
    const rows = page.locator('[data-testid^="run-row-"]');
    assert.ok((await count(rows)) >= 2, 'both runs');
    // The older run (the full sync), opened in detail.
    const older = rows.nth(1);
    const id = ((await older.getAttribute('data-testid')) ?? '').replace('run-row-', '');
    await older.click({ timeout: PAGE_TIMEOUT });
    await page.locator(`[data-testid="run-detail"][data-run-id="${id}"]`).waitFor({ timeout: PAGE_TIMEOUT });
    assert.match(await byTestId(page, 'run-read').innerText(), /\d/);
    await byTestId(page, 'run-wrote-shopify').waitFor({ timeout: PAGE_TIMEOUT });
    await byTestId(page, 'run-wrote-hubspot').waitFor({ timeout: PAGE_TIMEOUT });
  });
  await saveScreenshot(page, '05-runs');

  await navigate(page, 'Rule segments');
  await waitForPage(page, 'rules', 'rules-list');
  await step(page, 'the rule segments page', () => byTestId(page, 'rule-editor-placeholder').waitFor({ timeout: PAGE_TIMEOUT }));
  await saveScreenshot(page, '06-rules');

  await navigate(page, 'Settings');
  await waitForPage(page, 'settings', 'settings-schedule');
  await step(page, 'the settings page', async () => {
    await byTestId(page, 'hubspot-connected').waitFor({ timeout: PAGE_TIMEOUT });
    assert.equal(await page.locator('#settings-cron').inputValue(), '0 3 * * *');
    assert.match(await byTestId(page, 'next-full-sync').innerText(), /Next full sync/);
  });
  await saveScreenshot(page, '07-settings');
  assertClean();
});

test('a schedule changed in Settings is saved, shown after a reload and stored; an invalid cron changes nothing', async () => {
  const page = await openStandalone('/settings');
  await waitForPage(page, 'settings', 'settings-schedule');
  await step(page, 'changing the schedule', async () => {
    await page.locator('#settings-cron').fill('30 4 * * 1');
    await page.locator('#settings-timezone').selectOption('Europe/Berlin');
    await page.locator('#settings-incremental').fill('45');
    await page.locator('#settings-save').click({ timeout: PAGE_TIMEOUT });
    await page.getByText('Settings saved').first().waitFor({ timeout: PAGE_TIMEOUT });
  });
  const schedule = { fullSyncCron: '30 4 * * 1', timeZone: 'Europe/Berlin', incrementalEveryMinutes: 45, paused: false };
  assert.deepEqual((await store.getShopSettings(SHOP))?.schedule, schedule);

  await page.reload({ timeout: PAGE_TIMEOUT });
  await waitForPage(page, 'settings', 'settings-schedule');
  await step(page, 'the saved schedule after a reload', async () => {
    assert.equal(await page.locator('#settings-cron').inputValue(), '30 4 * * 1');
    assert.equal(await page.locator('#settings-timezone').inputValue(), 'Europe/Berlin');
    assert.equal(await page.locator('#settings-incremental').inputValue(), '45');
    assert.match(await byTestId(page, 'next-full-sync').innerText(), /Europe\/Berlin/);
  });

  // Five fields, but minute 61 does not exist: the server refuses it, the field says why.
  const errorsBefore = session.pageErrors.length;
  await step(page, 'an invalid cron', async () => {
    await page.locator('#settings-cron').fill('61 4 * * 1');
    await page.locator('#settings-save').click({ timeout: PAGE_TIMEOUT });
    await byTestId(page, 'settings-errors').waitFor({ timeout: PAGE_TIMEOUT });
    const fieldError = page.locator('#settings-cronError');
    await fieldError.waitFor({ timeout: PAGE_TIMEOUT });
    assert.match(await fieldError.innerText(), /\S/);
  });
  assert.deepEqual((await store.getShopSettings(SHOP))?.schedule, schedule, 'nothing stored');
  // The refused PUT (422) is the only new console error: Chromium logs every 4xx response.
  const refused = session.pageErrors.splice(errorsBefore);
  assert.ok(refused.length > 0 && refused.every((e) => /status of 422/.test(e)), JSON.stringify(refused));
  assertClean();
});

/** Non-cancelled orders per Shopify customer id, from the seed. */
function ordersPerCustomer(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const order of seedOrders) {
    if (order.customerId == null || order.cancelledAt) continue;
    const id = String(order.customerId);
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

test('a rule segment: a parse error shown with its place, a valid rule previewed and saved, then written back by Sync now', async () => {
  const expected = new Set([...ordersPerCustomer()].filter(([, n]) => n >= RULE_MIN_ORDERS).map(([id]) => `gid://shopify/Customer/${id}`));
  assert.ok(expected.size > 0 && expected.size < shopify.listCustomers(SHOP).length, `a proper subset of customers: ${expected.size}`);

  const page = await openStandalone('/rules');
  await waitForPage(page, 'rules', 'rules-list');
  await step(page, 'a rule that does not parse', async () => {
    await page.getByRole('button', { name: 'New rule segment' }).first().click({ timeout: PAGE_TIMEOUT });
    await byTestId(page, 'rule-editor').waitFor({ timeout: PAGE_TIMEOUT });
    await page.locator('#rule-name').fill('Frequent buyers');
    assert.equal(await page.locator('#rule-key').inputValue(), RULE_KEY);
    await page.locator('#rule-text').fill('orders_count >= AND amount_spent > 0');
    await page.locator('[data-testid="rule-preview"][data-status="invalid"]').waitFor({ timeout: PAGE_TIMEOUT });
    const problem = byTestId(page, 'rule-problem').first();
    assert.equal(await problem.getAttribute('data-line'), '1');
    assert.ok(Number(await problem.getAttribute('data-column')) > 1);
    assert.match(await byTestId(page, 'rule-problems').innerText(), /line 1, column \d+/);
    assert.equal(await page.getByRole('button', { name: 'Save rule' }).isDisabled(), true, 'an invalid rule cannot be saved');
  });
  const shownSize = await step(page, 'the corrected rule', async () => {
    await page.locator('#rule-text').fill(`orders_count >= ${RULE_MIN_ORDERS}`);
    await page.locator('[data-testid="rule-preview"][data-status="ok"]').waitFor({ timeout: PAGE_TIMEOUT });
    assert.equal(await count(byTestId(page, 'rule-problems')), 0);
    return Number((await byTestId(page, 'rule-preview-size').innerText()).replace(/,/g, ''));
  });
  assert.equal(shownSize, expected.size, 'the preview counts the customers with enough orders');
  await saveScreenshot(page, '06-rules-preview');

  await step(page, 'saving the rule', async () => {
    await page.getByRole('button', { name: 'Save rule' }).click({ timeout: PAGE_TIMEOUT });
    await byTestId(page, `rule-item-${RULE_KEY}`).waitFor({ timeout: PAGE_TIMEOUT });
    await page.getByText('Saved Frequent buyers').first().waitFor({ timeout: PAGE_TIMEOUT });
  });
  const saved = (await store.listRuleSegments(SHOP)).find((r) => r.key === RULE_KEY);
  assert.equal(saved?.rule, `orders_count >= ${RULE_MIN_ORDERS}`);

  await navigate(page, 'Overview');
  await waitForPage(page, 'overview', 'segments-table');
  const runsBefore = (await store.listRuns(SHOP, 50)).length;
  await step(page, 'Sync now', async () => {
    await page.getByRole('button', { name: 'Sync now' }).first().click({ timeout: PAGE_TIMEOUT });
    await page.getByText('A full sync is queued').first().waitFor({ timeout: PAGE_TIMEOUT });
  });
  await withTimeout(queue.idle(), SYNC_TIMEOUT, 'the queued sync');
  assert.deepEqual(queue.done.filter((d) => d.error), [], 'no failed job');
  const runs = await store.listRuns(SHOP, 50);
  assert.equal(runs.length, runsBefore + 1, 'one more run');
  assert.equal(runs[0]?.status, 'succeeded', JSON.stringify(runs[0]?.report));

  const tag = segmentTag(DEFAULT_TAG_PREFIX, `rule-${RULE_KEY}`);
  const tagged = new Set(shopify.listCustomers(SHOP).filter((c) => c.tags.includes(tag)).map((c) => c.id));
  assert.deepEqual([...tagged].sort(), [...expected].sort(), `the customers tagged ${tag} are the rule's members`);
  const first = [...expected][0] ?? '';
  assert.ok(shopify.customerTags(SHOP, first.replace(/\D/g, '')).includes(tag));
  const native = shopify.listSegments(SHOP).find((s) => s.query.includes(`'${tag}'`));
  assert.ok(native, `a native segment for ${tag}: ${JSON.stringify(shopify.listSegments(SHOP).map((s) => s.name))}`);
  assert.equal(shopify.segmentMembers(SHOP, native.id).length, expected.size);

  // The overview lists the new segment after a reload.
  await page.reload({ timeout: PAGE_TIMEOUT });
  await waitForPage(page, 'overview', `segment-row-rule-${RULE_KEY}`);
  assertClean();
});

test('HubSpot: disconnected in Settings, then "Connect with OAuth" says that OAuth is not configured here', async () => {
  const page = await openStandalone('/settings');
  await waitForPage(page, 'settings', 'hubspot-connected');
  await step(page, 'disconnecting HubSpot', async () => {
    await page.getByRole('button', { name: 'Disconnect HubSpot' }).click({ timeout: PAGE_TIMEOUT });
    await page.getByRole('dialog').getByRole('button', { name: 'Disconnect', exact: true }).click({ timeout: PAGE_TIMEOUT });
    await byTestId(page, 'hubspot-connect-form').waitFor({ timeout: PAGE_TIMEOUT });
  });
  assert.equal((await store.getShopSettings(SHOP))?.hubspot, null);

  const errorsBefore = session.pageErrors.length;
  const popups: string[] = [];
  const onPage = (opened: Page) => popups.push(opened.url());
  session.context.on('page', onPage);
  try {
    await step(page, 'Connect with OAuth', async () => {
      await page.getByRole('button', { name: 'Connect with OAuth' }).click({ timeout: PAGE_TIMEOUT });
      const banner = byTestId(page, 'hubspot-oauth-error');
      await banner.waitFor({ timeout: PAGE_TIMEOUT });
      assert.match(await banner.innerText(), /HubSpot OAuth is not configured/);
    });
  } finally {
    session.context.off('page', onPage);
  }
  assert.deepEqual(popups, [], 'no window opened');
  // The 404 of /api/hubspot/oauth/start is the only new console error.
  const refused = session.pageErrors.splice(errorsBefore);
  assert.ok(refused.length > 0 && refused.every((e) => /status of 404/.test(e)), JSON.stringify(refused));
  await saveScreenshot(page, '08-hubspot-oauth-not-configured');
  assertClean();
});

/** A second app server, the same in all but one thing: the HubSpot public app is configured. */
async function listenOAuthAppServer(): Promise<RunningAppServer> {
  const hubspotApp = { clientId: `hs-browser-${process.pid}`, clientSecret: `hs-browser-secret-${process.pid}`, authorizeUrl: `${hubspot.origin}/oauth/authorize`, basePath: hubspot.origin, scopes: 'crm.objects.contacts.read crm.objects.contacts.write' };
  hubspot.configureOAuthApp({ clientId: hubspotApp.clientId, clientSecret: hubspotApp.clientSecret, portalId: PORTAL });
  return listenAppServer(
    (url) => ({
      store,
      queue,
      shopifyApp: { apiKey: APP.clientId, apiSecret: APP.clientSecret, appUrl: url, adminOrigin: shopify.origin, appBridgeUrl: `${shopify.origin}/shopifycloud/app-bridge.js` },
      hubspotApp,
      hubspotBasePath: hubspot.origin,
      hubspotClientSecret: null,
      admin: null,
      now: () => new Date(),
    }),
    { port: 0, host: '127.0.0.1' },
  );
}

test('HubSpot: "Connect with OAuth" opens HubSpot in a new window, whose callback hands the code back to the app, which completes the connection', async () => {
  assert.equal((await store.getShopSettings(SHOP))?.hubspot, null, 'disconnected by the test before');
  const oauthApp = await listenOAuthAppServer();
  try {
    const page = session.page;
    await page.goto(`${oauthApp.url}/settings?${shopify.embeddedAppQuery(SHOP)}`, { timeout: PAGE_TIMEOUT });
    await waitForPage(page, 'settings', 'hubspot-connect-form');
    const popup = await step(page, 'Connect with OAuth', async () => {
      const [opened] = await Promise.all([session.context.waitForEvent('page', { timeout: PAGE_TIMEOUT }), page.getByRole('button', { name: 'Connect with OAuth' }).click({ timeout: PAGE_TIMEOUT })]);
      return opened;
    });
    popup.on('pageerror', (error) => session.pageErrors.push(`popup: ${String(error)}`));
    popup.on('console', (message) => {
      if (message.type() === 'error') session.pageErrors.push(`popup: ${message.text()}`);
    });
    // The emulator approves at once and redirects to the callback, whose page reports back and closes.
    const closed = popup.waitForEvent('close', { timeout: PAGE_TIMEOUT });
    await step(page, 'the connection completed from the callback', async () => {
      await byTestId(page, 'hubspot-connected').waitFor({ timeout: PAGE_TIMEOUT });
      assert.match(await byTestId(page, 'hubspot-connected').innerText(), /Connected with OAuth/);
      await page.getByText(`HubSpot connected (portal ${PORTAL})`).first().waitFor({ timeout: PAGE_TIMEOUT });
    });
    await step(popup, 'the callback window closing itself', () => closed);
    const stored = (await store.getShopSettings(SHOP))?.hubspot;
    assert.equal(stored?.authKind, 'oauth');
    assert.equal(stored?.portalId, PORTAL);
    assert.equal(hubspot.oauthStats().authorizationCodes, 1);
    await saveScreenshot(page, '09-hubspot-oauth-connected');
    assertClean();
  } finally {
    await oauthApp.close();
  }
});

test('HubSpot: when the HubSpot window loses its opener, its callback shows a connection code, which pasted in Settings completes the connection', async () => {
  await store.updateShopSettings(SHOP, (current) => (current ? { ...current, hubspot: null } : null), new Date().toISOString());
  const codesBefore = hubspot.oauthStats().authorizationCodes;
  const oauthApp = await listenOAuthAppServer();
  // As Cross-Origin-Opener-Policy on HubSpot's pages (or an iframe sandbox) would sever the link: the
  // HubSpot window's grant is caught (the emulator approves it and answers with the redirect), and
  // the callback URL it redirects to (the emulator's code, the start URL's state) is opened in a
  // page of its own, which has no opener. (A route does not see the redirected request itself.)
  let redirected: (url: string) => void = () => {};
  const callbackUrl = new Promise<string>((resolve) => (redirected = resolve));
  const catchGrant = async (route: Route) => {
    const grant = await route.fetch({ maxRedirects: 0 });
    redirected(new URL(grant.headers()['location'] ?? '', route.request().url()).href);
    await route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>HubSpot</title>' });
  };
  const isGrant = (url: URL) => url.origin === hubspot.origin && url.pathname === '/oauth/authorize';
  await session.context.route(isGrant, catchGrant);
  const windows: Page[] = [];
  try {
    const page = session.page;
    await page.goto(`${oauthApp.url}/settings?${shopify.embeddedAppQuery(SHOP)}`, { timeout: PAGE_TIMEOUT });
    await waitForPage(page, 'settings', 'hubspot-connect-form');
    const field = page.locator('#hubspot-oauth-code');

    await step(page, 'a malformed connection code', async () => {
      assert.equal(await field.count(), 0, 'the field waits for "I have a connection code"');
      await page.getByRole('button', { name: 'I have a connection code' }).click({ timeout: PAGE_TIMEOUT });
      await field.fill('  not-a-connection-code  ', { timeout: PAGE_TIMEOUT });
      await page.getByRole('button', { name: 'Finish connecting' }).click({ timeout: PAGE_TIMEOUT });
      await page.getByText('This is not a connection code').waitFor({ timeout: PAGE_TIMEOUT });
    });
    assert.equal((await store.getShopSettings(SHOP))?.hubspot, null);
    assert.equal(hubspot.oauthStats().authorizationCodes, codesBefore, 'nothing sent');

    const opened = await step(page, 'Connect with OAuth', async () => {
      const [popup] = await Promise.all([session.context.waitForEvent('page', { timeout: PAGE_TIMEOUT }), page.getByRole('button', { name: 'Connect with OAuth' }).click({ timeout: PAGE_TIMEOUT })]);
      return popup;
    });
    windows.push(opened);
    const url = await step(opened, 'HubSpot redirecting to the callback', () => withTimeout(callbackUrl, PAGE_TIMEOUT, 'the redirect'));
    await session.context.unroute(isGrant, catchGrant);
    assert.ok(url.startsWith(`${oauthApp.url}/hubspot/oauth/callback?code=`), url);
    const alone = await session.context.newPage();
    windows.push(alone);
    alone.on('pageerror', (error) => session.pageErrors.push(`callback: ${String(error)}`));
    alone.on('console', (message) => {
      if (message.type() === 'error') session.pageErrors.push(`callback: ${message.text()}`);
    });
    const connectionCode = await step(alone, 'the connection code on the callback page', async () => {
      await alone.goto(url, { timeout: PAGE_TIMEOUT });
      assert.equal(await alone.evaluate<boolean>('window.opener === null'), true);
      const shownCode = alone.locator('#connection-code');
      await shownCode.waitFor({ state: 'visible', timeout: PAGE_TIMEOUT });
      assert.match(await alone.locator('#title').innerText(), /Finish connecting in the app/);
      assert.match(await alone.locator('#instructions').innerText(), /Go back to Segment Refinery → Settings → HubSpot/);
      assert.equal(await shownCode.getAttribute('readonly'), '');
      // Copy: the clipboard if the browser allows it, else the code is selected for Ctrl+C.
      await alone.getByRole('button', { name: 'Copy' }).click({ timeout: PAGE_TIMEOUT });
      await alone.locator('#copied').filter({ hasText: /Copied|Selected/ }).waitFor({ timeout: PAGE_TIMEOUT });
      const value = await shownCode.inputValue();
      const selected = await alone.evaluate<string>("(() => { const area = document.getElementById('connection-code'); return area.value.slice(area.selectionStart, area.selectionEnd); })()");
      if (/Selected/.test(await alone.locator('#copied').innerText())) assert.equal(selected, value, 'the whole code selected');
      return value;
    });
    const decoded = JSON.parse(Buffer.from(connectionCode, 'base64url').toString('utf8')) as { code: string; state: string };
    assert.ok(decoded.code && decoded.state);
    assert.equal(await page.locator('[data-testid="hubspot-oauth-opened"]').count(), 1, 'the app still waits for the window');
    assert.equal((await store.getShopSettings(SHOP))?.hubspot, null, 'nothing stored without the app window');

    await step(page, 'the pasted code completing the connection', async () => {
      await field.fill(`\n${connectionCode} `, { timeout: PAGE_TIMEOUT });
      await page.getByRole('button', { name: 'Finish connecting' }).click({ timeout: PAGE_TIMEOUT });
      await byTestId(page, 'hubspot-connected').waitFor({ timeout: PAGE_TIMEOUT });
      assert.match(await byTestId(page, 'hubspot-connected').innerText(), /Connected with OAuth/);
      await page.getByText(`HubSpot connected (portal ${PORTAL})`).first().waitFor({ timeout: PAGE_TIMEOUT });
    });
    const stored = (await store.getShopSettings(SHOP))?.hubspot;
    assert.equal(stored?.authKind, 'oauth');
    assert.equal(stored?.portalId, PORTAL);
    assert.equal(hubspot.oauthStats().authorizationCodes, codesBefore + 1);
    assert.equal(await alone.locator('#connection-code').isVisible(), true, 'the callback page stays');
    await saveScreenshot(alone, '10-hubspot-oauth-connection-code');
    assertClean();
  } finally {
    await session.context.unroute(isGrant, catchGrant).catch(() => undefined);
    for (const opened of windows) await opened.close().catch(() => undefined);
    await oauthApp.close();
  }
});
