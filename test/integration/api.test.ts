// The admin API over HTTP against a store filled by real syncs of two shops (both emulators):
// every endpoint answers from the authenticated shop's data only, bad input gets the right 4xx
// and changes nothing, and the OpenAPI document lists exactly the routes served.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { Store } from '../../app/store/store.ts';
import { runSync } from '../../app/sync/run-sync.ts';
import { EXTERNAL_ROUTES, openApiPath } from '../../app/server/api/openapi.ts';
import type {
  ApiError, ModelsResponse, OverviewResponse, QualityResponse, RulePreviewResponse, RuleSaveErrorResponse, RuleSegmentView, RulesResponse,
  RunsResponse, SegmentResponse, SettingsResponse, SyncNowResponse,
} from '../../app/server/api/api-types.ts';
import { DEFAULT_TAG_PREFIX } from '../../core/segment-tags.ts';
import { connectPortal, useBothEmulators } from '../support/both-platforms.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { addPortal, makeContacts, type PortalHarness } from '../support/hubspot-harness.ts';
import { makeCustomers, makeOrders } from '../support/seed-fixtures.ts';
import { startApiServer, type ApiTestServer } from '../support/api-server.ts';

const emulators = useBothEmulators();
let h: Harness;
let portal: PortalHarness;
let api: ApiTestServer;
let store: Store;
let A = '';
const B = `api-shop-b-${process.pid}.myshopify.com`;

// Root hooks do not wait for each other: the shops are set up on first use, once.
let ready: Promise<void> | null = null;
const setup = () => (ready ??= prepare());

async function prepare(): Promise<void> {
  const customers = makeCustomers(90);
  h = await startHarness({ emulator: emulators.shopify, customers, orders: makeOrders(customers, new Date().toISOString()), holdout: { share: 0.2, salt: 'api-test' } });
  store = h.store;
  A = h.shop;
  portal = await addPortal(emulators.hubspot, { contacts: makeContacts(50) });
  await connectPortal(h, emulators.hubspot, portal, { holdout: { share: 0.2, salt: 'api-test' } });
  await store.saveRuleSegment(A, { key: 'repeat-buyers', name: 'Repeat buyers', rule: 'orders_count >= 3', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' });
  for (let i = 0; i < 2; i++) {
    const report = await runSync(store, h.deps, { shopId: A, trigger: 'test', pollIntervalMs: 10 });
    assert.deepEqual(report.errors, []);
  }
  // Shop B: another shop of the same store, synced from its own emulator shop.
  const token = 'shpat_api_b';
  emulators.shopify.addShop(B, { accessToken: token });
  const bCustomers = makeCustomers(12, { startId: 5000 });
  await emulators.shopify.seed(B, { customers: bCustomers, orders: makeOrders(bCustomers, new Date().toISOString(), { startId: 90_000 }) });
  await store.saveShopSettings(B, { tagPrefix: 'bshop:', shopify: { accessToken: token, adminOrigin: emulators.shopify.origin }, holdout: { share: 0, salt: 'b' } }, new Date().toISOString());
  await store.saveRuleSegment(B, { key: 'b-only', name: 'B only', rule: 'orders_count >= 1', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' });
  assert.equal((await runSync(store, h.deps, { shopId: B, trigger: 'test', pollIntervalMs: 10 })).status, 'succeeded');
  api = await startApiServer(store);
}

after(async () => {
  await api?.close();
  await h?.close();
});

function errorOf(body: unknown): ApiError['error'] {
  const e = (body as ApiError).error;
  assert.ok(e && typeof e.code === 'string' && typeof e.message === 'string', `an ApiError body: ${JSON.stringify(body)}`);
  assert.ok(!/\bat .+\.ts:\d+/.test(e.message), 'no stack in the message');
  return e;
}

test('overview: totals, last run, segments with trends and connections, of the authenticated shop only', async () => {
  await setup();
  const r = await api.call(A, 'GET', '/overview');
  assert.equal(r.status, 200);
  const o = r.body as OverviewResponse;
  assert.equal(o.shop, A);
  assert.equal(o.totals.customers, 90);
  assert.equal(o.totals.orders, await store.countOrders(A));
  assert.equal(o.totals.contacts, 50);
  assert.equal(o.totals.people, 90 + 0, 'every contact shares an email with a customer');
  assert.ok(o.totals.revenue > 0);
  assert.equal(o.lastRun?.status, 'succeeded');
  assert.equal(o.lastRun?.trigger, 'test');
  assert.deepEqual(o.connections, { shopify: true, hubspot: { connected: true, portalId: null } });
  const snapshot = await store.listSegmentSnapshot(A);
  assert.deepEqual(o.segments.map((s) => s.key), snapshot.map((s) => s.definition.key));
  for (const s of o.segments) {
    assert.equal(s.trend.length, 2, `${s.key}: one point per successful run`);
    assert.equal(s.trend[1]?.size, s.size);
    assert.ok(s.customerShare >= 0 && s.customerShare <= 1);
  }
  assert.ok(o.segments.some((s) => s.key === 'rule-repeat-buyers'));
  assert.ok(!o.segments.some((s) => s.key === 'rule-b-only'), "shop B's rule segment is not shop A's");

  const b = (await api.call(B, 'GET', '/overview')).body as OverviewResponse;
  assert.equal(b.shop, B);
  assert.equal(b.totals.customers, 12);
  assert.equal(b.connections.hubspot.connected, false);
  assert.ok(b.segments.some((s) => s.key === 'rule-b-only'));
});

test('segment page: explanation, profile, masked sample, where it is written, lift; 404 and 400', async () => {
  await setup();
  const overview = (await api.call(A, 'GET', '/overview')).body as OverviewResponse;
  const rfm = overview.segments.filter((s) => s.kind === 'rfm' && s.size > 0).sort((x, y) => y.size - x.size)[0];
  assert.ok(rfm);
  const r = await api.call(A, 'GET', `/segments/${rfm.key}`);
  assert.equal(r.status, 200, r.text);
  const s = r.body as SegmentResponse;
  assert.equal(s.segment.key, rfm.key);
  assert.match(s.explanation, /RFM rule: R /);
  const orders = s.profile.find((p) => p.feature === 'orders_count');
  assert.ok(orders && orders.store !== null && orders.segment !== null);
  assert.equal(s.profile.find((p) => p.feature === 'email_subscribed')?.unit, 'share');
  assert.ok(s.sampleMembers.length > 0 && s.sampleMembers.length <= 20);
  for (let i = 1; i < s.sampleMembers.length; i++) assert.ok((s.sampleMembers[i - 1]?.spent ?? 0) >= (s.sampleMembers[i]?.spent ?? 0), 'highest spend first');
  for (const m of s.sampleMembers) {
    assert.match(m.email ?? '', /^p\*\*\*@example\.com$/);
    assert.match(m.name ?? '', /^First\d+ Tester$/);
    assert.match(m.memberRef, /^m_[A-Za-z0-9_-]{16}$/, 'an opaque member reference, not a person id');
  }
  // No full email anywhere in the answer, and no '@' outside the masked email fields.
  const fullEmails = makeCustomers(90).map((c) => (c.email ?? '').toLowerCase()).filter((e) => e !== '');
  assert.deepEqual(fullEmails.filter((e) => r.text.toLowerCase().includes(e)), [], 'full emails in the segment page');
  const withoutEmails = JSON.stringify({ ...s, sampleMembers: s.sampleMembers.map(({ email: _masked, ...rest }) => rest) });
  assert.ok(!withoutEmails.includes('@'), `an '@' outside the masked emails: ${withoutEmails.slice(Math.max(0, withoutEmails.indexOf('@') - 80), withoutEmails.indexOf('@') + 40)}`);
  assert.equal(new Set(s.sampleMembers.map((m) => m.memberRef)).size, s.sampleMembers.length, 'one reference per member');
  const again = (await api.call(A, 'GET', `/segments/${rfm.key}`)).body as SegmentResponse;
  assert.deepEqual(again.sampleMembers.map((m) => m.memberRef), s.sampleMembers.map((m) => m.memberRef), 'stable references');
  const platforms = s.syncedTo.map((x) => x.platform).sort();
  assert.deepEqual(platforms, ['hubspot', 'shopify']);
  const shopifyWritten = (await store.getWrittenMemberships(A, 'shopify')).get(rfm.key)?.size ?? 0;
  assert.equal(s.syncedTo.find((x) => x.platform === 'shopify')?.members, shopifyWritten);
  assert.ok(shopifyWritten > 0 && shopifyWritten <= rfm.size, 'the holdout is not written');
  assert.ok(s.lift, 'a cohort was recorded at the first write-back');
  assert.equal(s.lift.segmentKey, rfm.key);

  const rule = (await api.call(A, 'GET', '/segments/rule-repeat-buyers')).body as SegmentResponse;
  assert.equal(rule.explanation, 'People matching the rule: orders_count >= 3');
  const cluster = overview.segments.find((x) => x.kind === 'cluster');
  if (cluster) assert.match(((await api.call(A, 'GET', `/segments/${cluster.key}`)).body as SegmentResponse).explanation, /k-means/);

  assert.equal((await api.call(A, 'GET', '/segments/no-such-segment')).status, 404);
  assert.equal(errorOf((await api.call(A, 'GET', '/segments/Not_A_Key')).body).code, 'VALIDATION');
  assert.equal((await api.call(A, 'GET', '/segments/Not_A_Key')).status, 400);
  assert.equal((await api.call(B, 'GET', '/segments/rule-repeat-buyers')).status, 404, "shop B cannot read shop A's segment");
});

test('models, quality and runs', async () => {
  await setup();
  const r = await api.call(A, 'GET', '/models?horizon=30');
  assert.equal(r.status, 200, r.text);
  const m = r.body as ModelsResponse;
  assert.equal(m.horizonDays, 30);
  assert.ok('ok' in m.propensity && 'ok' in m.bgnbd && 'ok' in m.gammaGamma);
  // By default the models are judged on the 30 days before the last run's data: a horizon that happened.
  const [lastRun] = (await store.listRuns(A, 20)).filter((run) => run.status === 'succeeded');
  assert.equal(m.asOf, new Date(Date.parse(String(lastRun?.report.asOf)) - 30 * 86_400_000).toISOString());
  assert.ok(m.propensity.ok && m.propensity.positives > 0, `someone bought in the horizon: ${JSON.stringify(m.propensity)}`);
  assert.ok(m.clusters.ok ? m.clusters.clusters.length === m.clusters.k : m.clusters.reason.length > 0);
  const again = await api.call(A, 'GET', '/models?horizon=30');
  assert.deepEqual(again.body, m, 'the same answer (from the cache)');
  const dated = (await api.call(A, 'GET', '/models?asOf=2026-01-15&horizon=60')).body as ModelsResponse;
  assert.equal(dated.asOf, '2026-01-15T00:00:00.000Z');
  for (const bad of ['/models?asOf=someday', '/models?horizon=0', '/models?horizon=731', '/models?horizon=1.5']) {
    const res = await api.call(A, 'GET', bad);
    assert.equal(res.status, 400, bad);
    assert.equal(errorOf(res.body).issues?.[0]?.path, bad.includes('asOf') ? 'asOf' : 'horizon');
  }

  const q = await api.call(A, 'GET', '/quality');
  assert.equal(q.status, 200);
  const quality = q.body as QualityResponse;
  assert.ok(['ok', 'info', 'warning', 'error'].includes(quality.severity) || typeof quality.severity === 'string');
  assert.ok(quality.checks.length > 0);

  const runs = (await api.call(A, 'GET', '/runs')).body as RunsResponse;
  assert.equal(runs.runs.length, 2);
  assert.ok(runs.runs.every((x) => x.status === 'succeeded' && x.read !== null && x.wrote !== null && x.durationMs !== null && x.failure === null));
  assert.equal(((await api.call(A, 'GET', '/runs?limit=1')).body as RunsResponse).runs.length, 1);
  assert.equal(((await api.call(B, 'GET', '/runs')).body as RunsResponse).runs.length, 1, "shop B sees its own run only");
  assert.equal((await api.call(A, 'GET', '/runs?limit=201')).status, 400);
  assert.equal((await api.call(A, 'GET', '/runs?limit=abc')).status, 400);
});

test('rules: list, live preview, save, refuse a bad rule or key with nothing stored, delete', async () => {
  await setup();
  const list = (await api.call(A, 'GET', '/rules')).body as RulesResponse;
  assert.deepEqual(list.rules.map((r) => r.key), ['repeat-buyers']);
  const snapshotSize = (await store.listSegmentSnapshot(A)).find((s) => s.definition.key === 'rule-repeat-buyers')?.size;
  assert.equal(list.rules[0]?.size, snapshotSize);
  assert.ok(list.fields.some((f) => f.name === 'rfm_group' && f.type.includes('CHAMPIONS')));

  // The live size of a rule is what the sync computes for it.
  const preview = (await api.call(A, 'POST', '/rules/preview', { body: { rule: 'orders_count >= 3' } })).body as RulePreviewResponse;
  assert.ok(preview.ok);
  assert.equal(preview.size, snapshotSize);
  assert.ok(preview.sampleMemberRefs.length > 0 && preview.sampleMemberRefs.length <= 10);
  for (const ref of preview.sampleMemberRefs) assert.match(ref, /^m_[A-Za-z0-9_-]{16}$/);
  const previewText = JSON.stringify(preview);
  assert.ok(!previewText.includes('@'), `no email, no email person id in the preview: ${previewText}`);
  assert.ok(!/person\d+@example\.com|email:|gid:\/\//i.test(previewText));
  const again = (await api.call(A, 'POST', '/rules/preview', { body: { rule: 'orders_count >= 3' } })).body as RulePreviewResponse;
  assert.deepEqual(again, preview, 'member references are stable');
  const bad = (await api.call(A, 'POST', '/rules/preview', { body: { rule: 'amount_spnt > 100' } })).body as RulePreviewResponse;
  assert.equal(bad.ok, false);
  if (!bad.ok) assert.deepEqual(bad.problems[0] && { line: bad.problems[0].line, column: bad.problems[0].column, suggestion: bad.problems[0].suggestion }, { line: 1, column: 1, suggestion: 'amount_spent' });
  assert.equal((await api.call(A, 'POST', '/rules/preview', { body: { rule: 'x', extra: 1 } })).status, 422);

  const before = await store.listRuleSegments(A);
  const refused = await api.call(A, 'PUT', '/rules/big-spenders', { body: { name: 'Big spenders', rule: "amount_spent > 'abc'" } });
  assert.equal(refused.status, 422);
  const refusal = refused.body as RuleSaveErrorResponse;
  assert.equal(refusal.error.code, 'VALIDATION');
  assert.equal(refusal.problems[0]?.line, 1);
  for (const [path, body, status] of [
    ['/rules/Big_Spenders', { name: 'x', rule: 'orders_count > 1' }, 400],
    [`/rules/${'a'.repeat(61)}`, { name: 'x', rule: 'orders_count > 1' }, 400],
    ['/rules/big-spenders', { name: '  ', rule: 'orders_count > 1' }, 422],
    ['/rules/big-spenders', { name: 'x' }, 422],
    ['/rules/big-spenders', { name: 'x', rule: '' }, 422],
  ] as const) {
    const res = await api.call(A, 'PUT', path, { body });
    assert.equal(res.status, status, `${path} ${JSON.stringify(body)}: ${res.text}`);
    errorOf(res.body);
  }
  assert.deepEqual(await store.listRuleSegments(A), before, 'nothing stored');

  const saved = await api.call(A, 'PUT', '/rules/big-spenders', { body: { name: ' Big spenders ', rule: ' amount_spent > 100 ' } });
  assert.equal(saved.status, 200, saved.text);
  const view = saved.body as RuleSegmentView;
  assert.deepEqual([view.key, view.name, view.rule, view.size], ['big-spenders', 'Big spenders', 'amount_spent > 100', null]);
  assert.deepEqual((await store.listRuleSegments(A)).map((r) => r.key), ['big-spenders', 'repeat-buyers']);
  assert.deepEqual((await store.listRuleSegments(B)).map((r) => r.key), ['b-only'], 'shop B untouched');

  assert.equal((await api.call(B, 'DELETE', '/rules/big-spenders')).status, 404, "shop B cannot delete shop A's rule");
  assert.equal((await api.call(A, 'DELETE', '/rules/big-spenders')).status, 200);
  assert.equal((await api.call(A, 'DELETE', '/rules/big-spenders')).status, 404);
  assert.deepEqual((await store.listRuleSegments(A)).map((r) => r.key), ['repeat-buyers']);
});

test('settings: read, partial update, every bad field refused with nothing stored, shop B untouched', async () => {
  await setup();
  const current = (await api.call(A, 'GET', '/settings')).body as SettingsResponse;
  assert.equal(current.tagPrefix, DEFAULT_TAG_PREFIX);
  assert.equal(current.consentPolicy, 'all');
  assert.equal(current.holdoutShare, 0.2);
  assert.equal(current.schedule.fullSyncCron, '0 3 * * *');
  assert.match(current.nextFullSyncAt ?? '', /T03:00:00\+00:00$/);
  assert.deepEqual(current.hubspot, { connected: true, portalId: null, authKind: 'private-app', requestsPerTenSeconds: 1000, createContacts: false });

  const storedA = await store.getShopSettings(A);
  const storedB = await store.getShopSettings(B);
  const schedule = { fullSyncCron: '30 6 * * 1', timeZone: 'Asia/Tokyo', incrementalEveryMinutes: 60, paused: false };
  const cases: Array<[unknown, string]> = [
    [{ consentPolicy: 'subscribed-only', holdoutShare: 0.7 }, 'holdoutShare'],
    [{ holdoutShare: -0.1 }, 'holdoutShare'],
    [{ consentPolicy: 'some' }, 'consentPolicy'],
    [{ tagPrefix: 'a,b' }, 'tagPrefix'],
    [{ tagPrefix: 'x'.repeat(41) }, 'tagPrefix'],
    [{ tagPrefix: '' }, 'tagPrefix'],
    [{ schedule: { ...schedule, fullSyncCron: '61 * * * *' } }, 'schedule.fullSyncCron'],
    [{ schedule: { ...schedule, timeZone: 'Mars/Olympus_Mons' } }, 'schedule.timeZone'],
    [{ schedule: { ...schedule, incrementalEveryMinutes: 0 } }, 'schedule.incrementalEveryMinutes'],
    [{ schedule: { ...schedule, paused: 'no' } }, 'schedule.paused'],
    [{ holdoutShare: 0.1, colour: 'red' }, ''],
  ];
  for (const [body, path] of cases) {
    const res = await api.call(A, 'PUT', '/settings', { body });
    assert.equal(res.status, 422, `${JSON.stringify(body)}: ${res.text}`);
    const e = errorOf(res.body);
    assert.equal(e.code, 'VALIDATION');
    assert.ok(e.issues?.some((i) => i.path === path), `${JSON.stringify(body)} names ${path}: ${JSON.stringify(e.issues)}`);
  }
  assert.deepEqual(await store.getShopSettings(A), storedA, 'nothing stored');

  // Tags with the current prefix are on customers: the prefix cannot change.
  const conflict = await api.call(A, 'PUT', '/settings', { body: { tagPrefix: 'seg:', holdoutShare: 0.1 } });
  assert.equal(conflict.status, 409);
  assert.equal(errorOf(conflict.body).code, 'CONFLICT');
  assert.deepEqual(await store.getShopSettings(A), storedA);

  const res = await api.call(A, 'PUT', '/settings', { body: { consentPolicy: 'subscribed-only', holdoutShare: 0.25, schedule: { ...schedule, fullSyncCron: '30  6 * * 1', timeZone: 'asia/tokyo' } } });
  assert.equal(res.status, 200, res.text);
  const updated = res.body as SettingsResponse;
  assert.equal(updated.consentPolicy, 'subscribed-only');
  assert.equal(updated.holdoutShare, 0.25);
  assert.deepEqual(updated.schedule, schedule, 'normalised');
  assert.match(updated.nextFullSyncAt ?? '', /T06:30:00\+09:00$/);
  const saved = await store.getShopSettings(A);
  assert.equal(saved?.consentPolicy, 'subscribed-only');
  assert.deepEqual(saved?.holdout, { share: 0.25, salt: 'api-test' }, 'the salt is kept');
  assert.equal(saved?.tagPrefix, DEFAULT_TAG_PREFIX);
  assert.deepEqual(await store.getShopSettings(B), storedB, 'shop B untouched');

  // A shop without written tags may change its prefix; an empty update changes nothing.
  const fresh = `api-fresh-${process.pid}.myshopify.com`;
  await store.saveShopSettings(fresh, { tagPrefix: 'refinery:', shopify: null }, new Date().toISOString());
  const renamed = await api.call(fresh, 'PUT', '/settings', { body: { tagPrefix: 'seg_2:' } });
  assert.equal(renamed.status, 200, renamed.text);
  assert.equal((await store.getShopSettings(fresh))?.tagPrefix, 'seg_2:');
  assert.equal((renamed.body as SettingsResponse).nextFullSyncAt, null, 'no schedule runs for a shop not connected to Shopify');
  assert.equal((await api.call(fresh, 'PUT', '/settings', { body: {} })).status, 200);
  await api.call(A, 'PUT', '/settings', { body: { consentPolicy: 'all', holdoutShare: 0.2 } });
});

test('sync now enqueues a job of the authenticated shop with a deterministic id', async () => {
  await setup();
  const res = await api.call(A, 'POST', '/sync', { body: { mode: 'incremental' } });
  assert.equal(res.status, 202);
  const body = res.body as SyncNowResponse;
  assert.equal(body.mode, 'incremental');
  const job = api.enqueued.at(-1);
  assert.equal(job?.kind, 'incrementalSync');
  assert.equal(job?.jobId, body.jobId);
  assert.match(body.jobId, new RegExp(`^sync-now-incremental\\|${A.replace(/\./g, '\\.')}\\|\\d{4}-`));
  assert.equal((job?.data as { shopId: string }).shopId, A);
  const full = await api.call(B, 'POST', '/sync', { body: { mode: 'full', shop: A } });
  assert.equal(full.status, 422, 'no shop field: the shop is never taken from the body');
  const count = api.enqueued.length;
  assert.equal((await api.call(B, 'POST', '/sync', { body: { mode: 'full' } })).status, 202);
  assert.equal(api.enqueued[count]?.kind, 'fullSync');
  assert.equal((api.enqueued[count]?.data as { shopId: string }).shopId, B);
  assert.equal((await api.call(A, 'POST', '/sync', { body: { mode: 'fast' } })).status, 422);
});

test('bodies: JSON only, bounded, well-formed; unknown routes and unauthenticated calls are JSON errors', async () => {
  await setup();
  const storedA = await store.getShopSettings(A);
  const wrongType = await api.call(A, 'PUT', '/settings', { rawBody: 'consentPolicy=all', contentType: 'application/x-www-form-urlencoded' });
  assert.equal(wrongType.status, 415);
  assert.equal(errorOf(wrongType.body).code, 'UNSUPPORTED_MEDIA_TYPE');
  const noType = await fetch(`${api.base}/sync`, { method: 'POST', headers: { 'x-test-shop': A }, body: '{"mode":"full"}' });
  assert.equal(noType.status, 415);
  const big = await api.call(A, 'POST', '/rules/preview', { body: { rule: 'x'.repeat(70 * 1024) } });
  assert.equal(big.status, 413);
  assert.equal(errorOf(big.body).code, 'TOO_LARGE');
  const broken = await api.call(A, 'PUT', '/settings', { rawBody: '{"holdoutShare": 0.1' });
  assert.equal(broken.status, 400);
  assert.equal(errorOf(broken.body).code, 'VALIDATION');
  const notObject = await api.call(A, 'PUT', '/settings', { rawBody: '"all"' });
  assert.ok(notObject.status === 400 || notObject.status === 422);
  assert.deepEqual(await store.getShopSettings(A), storedA);

  const unknown = await api.call(A, 'GET', '/nothing/here');
  assert.equal(unknown.status, 404);
  assert.equal(errorOf(unknown.body).code, 'NOT_FOUND');
  assert.equal((await api.call(A, 'PATCH', '/settings', { body: {} })).status, 404);
  // The HubSpot connection routes are another router's: this one lets them pass.
  assert.equal((await api.call(A, 'POST', '/hubspot/connect', { body: { accessToken: 'x' } })).text.includes('NOT_FOUND'), false);
  const anonymous = await api.call(null, 'GET', '/overview');
  assert.equal(anonymous.status, 401);
  assert.equal(errorOf(anonymous.body).code, 'UNAUTHENTICATED');
  const unknownShop = await api.call('nobody.myshopify.com', 'GET', '/settings');
  assert.equal(unknownShop.status, 404);
});

test('the OpenAPI document lists exactly the routes served, with schemas and the session-token scheme', async () => {
  await setup();
  const res = await api.call(A, 'GET', '/openapi.json');
  assert.equal(res.status, 200);
  const doc = res.body as { openapi: string; paths: Record<string, Record<string, { requestBody?: unknown; parameters?: Array<{ name: string; in: string }> }>>; components: { securitySchemes: Record<string, { type: string; scheme: string; bearerFormat: string }> }; security: unknown[] };
  assert.equal(doc.openapi, '3.1.0');
  assert.deepEqual(doc.components.securitySchemes.shopifySessionToken, { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Shopify session token (App Bridge), signed with the app secret' });
  assert.deepEqual(doc.security, [{ shopifySessionToken: [] }]);

  const served = new Set<string>();
  for (const layer of api.router.stack as Array<{ route?: { path: string; methods: Record<string, boolean> } }>) {
    if (!layer.route) continue;
    for (const [method, on] of Object.entries(layer.route.methods)) if (on && method !== '_all') served.add(`${method} ${openApiPath(layer.route.path)}`);
  }
  const external = new Set(EXTERNAL_ROUTES.map((r) => `${r.method} ${openApiPath(r.path)}`));
  const documented = new Set(Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`)));
  assert.deepEqual([...served].sort(), [...documented].filter((r) => !external.has(r)).sort());
  assert.ok(documented.has('post /hubspot/connect'));
  const connect = doc.paths['/hubspot/connect']?.post?.requestBody as { content: { 'application/json': { schema: { required: string[]; properties: Record<string, unknown> } } } };
  assert.deepEqual(connect.content['application/json'].schema.required, ['accessToken']);
  assert.ok(doc.paths['/settings']?.put?.requestBody);
  assert.deepEqual(doc.paths['/models']?.get?.parameters?.map((p) => `${p.in}:${p.name}`), ['query:asOf', 'query:horizon']);
  assert.deepEqual(doc.paths['/rules/{key}']?.put?.parameters?.map((p) => `${p.in}:${p.name}`), ['path:key']);
});
