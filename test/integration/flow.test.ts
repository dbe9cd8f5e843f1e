// Shopify Flow end to end against the Admin emulator: the "Customer entered segment" trigger fired
// once per membership a write-back starts (not on the first write-back, not for held-out people,
// not again on a re-run, not failing the sync when Flow fails), from the batch sync and from the
// queue (batch and real time); and the "Re-score customer" action endpoint (signature, body, shop,
// replay, enqueue).
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import type { Server } from 'node:http';
import { after, before, test } from 'node:test';
import { FLOW_TRIGGER_HANDLE } from '../../app/flow/flow-trigger.ts';
import { FLOW_RESCORE_PATH } from '../../app/flow/flow-action.ts';
import { FLOW_LIFECYCLE_PATH, flowTriggerInUse, recordFlowUsage } from '../../app/flow/flow-lifecycle.ts';
import { createLocalCoordination } from '../../app/jobs/coordination.ts';
import { createHandlers } from '../../app/jobs/handlers.ts';
import type { JobData, JobQueue, QueueKind } from '../../app/jobs/job-types.ts';
import { createLocalQueue } from '../../app/jobs/local-queue.ts';
import { createLocalShopLock } from '../../app/jobs/shop-lock.ts';
import { createServer } from '../../app/server/create-server.ts';
import { runSync } from '../../app/sync/run-sync.ts';
import { emailPersonId } from '../../core/identity.ts';
import { DEFAULT_TAG_PREFIX } from '../../core/segment-tags.ts';
import { createShopifyEmulator } from '../emulators/shopify/index.ts';
import type { ShopifyEmulator } from '../emulators/shopify/types.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { makeCustomers, makeOrders } from '../support/seed-fixtures.ts';
import { orderWebhookBody } from '../support/webhook-fixtures.ts';

let emulator: ShopifyEmulator;
before(async () => {
  emulator = await createShopifyEmulator();
});
after(async () => {
  await emulator.close();
});

const RULE = { key: 'frequent-subscribers', name: 'Frequent subscribers', rule: 'orders_count >= 4 AND email_subscribed = true' };

async function harness(options: { customers?: number; holdout?: { share: number; salt: string } } = {}): Promise<Harness> {
  const customers = makeCustomers(options.customers ?? 90);
  const h = await startHarness({ emulator, customers, orders: makeOrders(customers, new Date().toISOString()), ...(options.holdout ? { holdout: options.holdout } : {}) });
  emulator.configureFlowTriggers(h.shop, [FLOW_TRIGGER_HANDLE]);
  // A merchant has a workflow on the trigger (Flow's lifecycle callback said so).
  const now = new Date().toISOString();
  await recordFlowUsage(h.store, h.shop, { enabled: true, at: now, triggerDefinitionId: 'def-1' }, now);
  return h;
}

async function addRule(h: Harness): Promise<void> {
  const now = new Date().toISOString();
  await h.store.saveRuleSegment(h.shop, { ...RULE, createdAt: now, updatedAt: now });
}

/** Our tags per customer GID, without the prefix. */
function segmentsOf(h: Harness): Map<string, Set<string>> {
  return new Map(emulator.listCustomers(h.shop).map((c) => [c.id, new Set(c.tags.filter((t) => t.startsWith(DEFAULT_TAG_PREFIX)).map((t) => t.slice(DEFAULT_TAG_PREFIX.length)))]));
}

/** (customer numeric id, segment key) pairs whose tag appeared between two snapshots, sorted. */
function startedBetween(before: Map<string, Set<string>>, after: Map<string, Set<string>>): string[] {
  const pairs: string[] = [];
  for (const [gid, keys] of after) for (const key of keys) if (!before.get(gid)?.has(key)) pairs.push(`${gid.split('/').pop()} ${key}`);
  return pairs.sort();
}

const received = (h: Harness) => emulator.flowTriggers(h.shop).map((t) => `${String(t.payload.customer_id)} ${String(t.payload['Segment key'])}`).sort();

test('no trigger on the first write-back; a rule added later fires exactly one trigger per membership it starts; a re-run fires nothing', async () => {
  const h = await harness();
  try {
    const first = await runSync(h.store, h.deps, { shopId: h.shop, trigger: 'test', pollIntervalMs: 10 });
    assert.deepEqual(first.errors, []);
    assert.ok(first.wrote.shopify.tagsAdded > 0);
    assert.equal(first.wrote.shopify.flowTriggers, undefined, 'the initial load is not "entering": no trigger, no count');
    assert.deepEqual(emulator.flowTriggers(h.shop), []);

    await addRule(h);
    const tagsBefore = segmentsOf(h);
    const mutationsBefore = emulator.stats(h.shop).mutations;
    const second = await runSync(h.store, h.deps, { shopId: h.shop, trigger: 'test', pollIntervalMs: 10 });
    assert.deepEqual(second.errors, []);
    const expected = startedBetween(tagsBefore, segmentsOf(h));
    const ruleMembers = expected.filter((p) => p.endsWith(` rule-${RULE.key}`));
    assert.ok(ruleMembers.length >= 5, `the rule started ${ruleMembers.length} memberships`);
    assert.deepEqual(received(h), expected, 'one trigger per started (customer, segment), nothing else');
    assert.equal(second.wrote.shopify.flowTriggers, expected.length);
    assert.equal(second.wrote.shopify.flowTriggerFailures, 0);
    assert.ok(emulator.stats(h.shop).mutations - mutationsBefore >= expected.length, 'each trigger is an Admin mutation');

    const trigger = emulator.flowTriggers(h.shop).find((t) => t.payload['Segment key'] === `rule-${RULE.key}`);
    assert.ok(trigger);
    assert.equal(trigger.handle, FLOW_TRIGGER_HANDLE);
    assert.deepEqual(Object.keys(trigger.payload).sort(), ['Segment key', 'Segment name', 'customer_id']);
    assert.equal(typeof trigger.payload.customer_id, 'number');
    assert.equal(trigger.payload['Segment name'], RULE.name);

    const count = emulator.flowTriggers(h.shop).length;
    const third = await runSync(h.store, h.deps, { shopId: h.shop, trigger: 'test', pollIntervalMs: 10 });
    assert.deepEqual(third.errors, []);
    assert.equal(third.wrote.shopify.tagsAdded, 0);
    assert.equal(third.wrote.shopify.flowTriggers ?? 0, 0);
    assert.equal(emulator.flowTriggers(h.shop).length, count, 'a re-run fires nothing more');
  } finally {
    await h.close();
  }
});

test('held-out members of a new segment get no tag and no trigger', async () => {
  const h = await harness({ customers: 150, holdout: { share: 0.3, salt: 'flow-holdout' } });
  try {
    assert.deepEqual((await runSync(h.store, h.deps, { shopId: h.shop, trigger: 'test', pollIntervalMs: 10 })).errors, []);
    await addRule(h);
    const tagsBefore = segmentsOf(h);
    const second = await runSync(h.store, h.deps, { shopId: h.shop, trigger: 'test', pollIntervalMs: 10 });
    assert.deepEqual(second.errors, []);
    assert.deepEqual(received(h), startedBetween(tagsBefore, segmentsOf(h)));
    const cohort = (await h.store.listHoldoutCohorts(h.shop)).find((c) => c.segmentKey === `rule-${RULE.key}`);
    assert.ok(cohort && cohort.holdout.length > 0 && cohort.treated.length > 0, 'the rule has treated and held-out members');
    const fired = new Set(received(h).filter((p) => p.endsWith(` rule-${RULE.key}`)).map((p) => Number(p.split(' ')[0])));
    assert.equal(fired.size, cohort.treated.length, 'a trigger for each treated member');
    for (const personId of cohort.holdout) {
      const n = Number(/person(\d+)@/.exec(personId)?.[1]);
      assert.ok(!fired.has(n), `held-out ${personId} fired nothing`);
    }
  } finally {
    await h.close();
  }
});

test('Flow failing does not fail the sync: the failures are counted and reported', async () => {
  const h = await harness();
  try {
    assert.deepEqual((await runSync(h.store, h.deps, { shopId: h.shop, trigger: 'test', pollIntervalMs: 10 })).errors, []);
    await addRule(h);
    emulator.injectFault(h.shop, { kind: 'flow-trigger', mode: 'user-error', times: 10_000, message: 'Flow is unavailable for this shop' });
    const tagsBefore = segmentsOf(h);
    const second = await runSync(h.store, h.deps, { shopId: h.shop, trigger: 'test', pollIntervalMs: 10 });
    emulator.clearFaults(h.shop);
    const expected = startedBetween(tagsBefore, segmentsOf(h));
    assert.equal(second.status, 'succeeded');
    assert.ok(expected.length > 0);
    assert.equal(second.wrote.shopify.tagsAdded, expected.length, 'the write-back itself went through');
    assert.equal(second.wrote.shopify.flowTriggers, 0);
    assert.equal(second.wrote.shopify.flowTriggerFailures, expected.length);
    assert.ok(second.errors.length > 0 && second.errors.length <= 5 && second.errors.every((e) => e.code === 'FLOW_TRIGGER' && /Flow is unavailable/.test(e.message)));
    assert.deepEqual(emulator.flowTriggers(h.shop), []);
    const stored = (await h.store.listRuns(h.shop, 1))[0];
    assert.equal((stored?.report as { wrote: { shopify: { flowTriggerFailures: number } } }).wrote.shopify.flowTriggerFailures, expected.length, 'recorded with the run');
  } finally {
    await h.close();
  }
});

test('the emulator validates the handle and the payload size', async () => {
  const h = await harness({ customers: 1 });
  try {
    const client = h.client();
    const call = (handle: string, payload: unknown) =>
      client.request<{ flowTriggerReceive: { userErrors: Array<{ message: string }> } }>('flowTriggerReceive', 'mutation F($handle: String!, $payload: JSON!) { flowTriggerReceive(handle: $handle, payload: $payload) { userErrors { field message } } }', { handle, payload });
    assert.match((await call('another-trigger', { customer_id: 1 })).flowTriggerReceive.userErrors[0]?.message ?? '', /Invalid handle/);
    assert.match((await call(FLOW_TRIGGER_HANDLE, { blob: 'x'.repeat(60_000) })).flowTriggerReceive.userErrors[0]?.message ?? '', /too large/);
    assert.deepEqual((await call(FLOW_TRIGGER_HANDLE, { customer_id: 1, 'Segment key': 'k', 'Segment name': 'n' })).flowTriggerReceive.userErrors, []);
    assert.equal(emulator.flowTriggers(h.shop).length, 1);
    assert.equal(client.stats().costPointsSpent, 30, 'each call costs a mutation (10)');
  } finally {
    await h.close();
  }
});

test('through the queue: the sync queues one flowTrigger job per start (deterministic ids), real-time writes too', async () => {
  const h = await harness();
  try {
    const queue = createLocalQueue({ backoffBaseMs: 5 });
    queue.setHandlers(createHandlers({ store: h.store, deps: h.deps, queue, shopLock: createLocalShopLock(), personLock: createLocalShopLock(), ...createLocalCoordination(), coalesceMs: 20, pollIntervalMs: 10 }));
    await queue.enqueue('fullSync', { shopId: h.shop, trigger: 'test' });
    await queue.idle();
    assert.deepEqual(emulator.flowTriggers(h.shop), []);

    await addRule(h);
    const tagsBefore = segmentsOf(h);
    await queue.enqueue('incrementalSync', { shopId: h.shop, trigger: 'test' });
    await queue.idle();
    const expected = startedBetween(tagsBefore, segmentsOf(h));
    assert.ok(expected.length > 0);
    assert.deepEqual(received(h), expected);
    const flowJobs = queue.done.filter((d) => d.kind === 'flowTrigger');
    assert.equal(flowJobs.length, expected.length);
    assert.ok(flowJobs.every((d) => d.error === undefined && /^flow\|[^|]+\|gid:\/\/shopify\/Customer\/\d+\|[a-z0-9-]+\|.+$/.test(d.jobId ?? '')));
    const run = (await h.store.listRuns(h.shop, 1))[0];
    assert.equal((run?.report as { wrote: { shopify: { flowTriggers: number } } }).wrote.shopify.flowTriggers, expected.length, 'the run counts the triggers it queued');

    // Real time: customer 1 (no orders: a prospect) buys; the segments it enters fire, tagged with the write's version.
    const beforeRealtime = segmentsOf(h);
    const count = emulator.flowTriggers(h.shop).length;
    const now = new Date().toISOString();
    await queue.enqueue('ingest', { shopId: h.shop, source: 'shopify', topic: 'orders/create', eventId: 'flow-wh-1', occurredAt: now, payload: orderWebhookBody({ orderId: 700_001, customer: { id: 1, email: 'person1@example.com' }, at: now, total: 80 }) });
    await queue.idle();
    const entered = startedBetween(beforeRealtime, segmentsOf(h));
    assert.ok(entered.length > 0 && entered.every((p) => p.startsWith('1 ')), JSON.stringify(entered));
    assert.deepEqual(emulator.flowTriggers(h.shop).slice(count).map((t) => `${String(t.payload.customer_id)} ${String(t.payload['Segment key'])}`).sort(), entered);
    const realtimeJobs = queue.done.filter((d) => d.kind === 'flowTrigger').slice(flowJobs.length);
    assert.ok(realtimeJobs.length === entered.length && realtimeJobs.every((d) => /\|v\d+$/.test(d.jobId ?? '')));
  } finally {
    await h.close();
  }
});

const SECRET = 'flow-action-secret';
const sign = (body: string, secret = SECRET) => createHmac('sha256', secret).update(body, 'utf8').digest('base64');

/** The app's server on a free port, and a POST to one of its Flow endpoints signed as Flow signs (null: unsigned). */
async function serveFlowEndpoint(app: ReturnType<typeof createServer>, path: string) {
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}${path}`;
  const post = async (body: string, signature: string | null = sign(body)) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(signature === null ? {} : { 'x-shopify-hmac-sha256': signature }) }, body });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  return { server, post };
}

test('the Re-score customer action: signed, validated, for a served shop, once per action run, then one re-score queued', async () => {
  const h = await harness({ customers: 12 });
  const enqueued: Array<{ kind: QueueKind; data: unknown }> = [];
  const queue: JobQueue = {
    async enqueue<K extends QueueKind>(kind: K, data: JobData[K]) {
      enqueued.push({ kind, data });
    },
  };
  const app = createServer({ store: h.store, queue, shopifyApiSecret: SECRET, admin: null, now: () => new Date() });
  const { server, post } = await serveFlowEndpoint(app, FLOW_RESCORE_PATH);
  const action = (runId: string, customer: unknown = 'gid://shopify/Customer/3', shop = h.shop) =>
    JSON.stringify({ shop_id: 1, shopify_domain: shop, action_run_id: runId, action_definition_id: 'def', handle: 'rescore-customer', properties: { customer_id: customer } });
  try {
    assert.deepEqual((await runSync(h.store, h.deps, { shopId: h.shop, trigger: 'test', pollIntervalMs: 10 })).errors, []);

    const ok = await post(action('run-1'));
    assert.deepEqual(ok, { status: 200, body: { queued: true } });
    assert.equal(enqueued.length, 1);
    assert.equal(enqueued[0]?.kind, 'scoring');
    assert.deepEqual(enqueued[0]?.data, { shopId: h.shop, personId: emailPersonId('person3@example.com') });

    assert.deepEqual(await post(action('run-1')), { status: 200, body: { duplicate: true } }, 'Flow retrying the same run');
    assert.equal(enqueued.length, 1);

    assert.equal((await post(action('run-2'), sign(action('run-2'), 'wrong-secret'))).status, 401);
    assert.equal((await post(action('run-2'), null)).status, 401);
    assert.equal((await post('{"shopify_domain":', sign('{"shopify_domain":'))).status, 400);
    assert.equal((await post(action('run-3', 'gid://shopify/Order/3'))).status, 400);
    assert.equal((await post(action('run-4', 3, 'not-a-shop'))).status, 400);
    const unknown = await post(action('run-5', 3, 'never-installed.myshopify.com'));
    assert.equal(unknown.status, 404);
    assert.match(String(unknown.body.error), /unknown shop/);
    const notSynced = await post(action('run-6', 987654));
    assert.equal(notSynced.status, 200);
    assert.equal(notSynced.body.queued, false);
    assert.equal(enqueued.length, 1, 'nothing else was queued');

    const big = action('run-7').replace('"def"', JSON.stringify('x'.repeat(70 * 1024)));
    assert.equal((await post(big)).status, 413);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await h.close();
  }
});

test('the trigger lifecycle callback: signed and validated; the newest answer per shop decides whether triggers are sent', async () => {
  const h = await harness({ customers: 30 });
  const app = createServer({ store: h.store, queue: { enqueue: async () => {} }, shopifyApiSecret: SECRET, admin: null, now: () => new Date() });
  const { server, post } = await serveFlowEndpoint(app, FLOW_LIFECYCLE_PATH);
  const callback = (enabled: boolean, timestamp: string, shop = h.shop) =>
    JSON.stringify({ flow_trigger_definition_id: 'Customer entered segment', has_enabled_flow: enabled, shop_id: 42, shopify_domain: shop, timestamp });
  try {
    assert.deepEqual((await runSync(h.store, h.deps, { shopId: h.shop, trigger: 'test', pollIntervalMs: 10 })).errors, []);
    const t = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString();
    // The merchant disables the last workflow using the trigger: a rule added now fires nothing.
    assert.deepEqual(await post(callback(false, iso(t))), { status: 200, body: { recorded: true } });
    assert.equal(await flowTriggerInUse(h.store, h.shop), false);
    await addRule(h);
    const quiet = await runSync(h.store, h.deps, { shopId: h.shop, trigger: 'test', pollIntervalMs: 10 });
    assert.ok(quiet.wrote.shopify.tagsAdded > 0, 'the rule was written');
    assert.equal(quiet.wrote.shopify.flowTriggers ?? 0, 0);
    assert.deepEqual(emulator.flowTriggers(h.shop), [], 'no workflow uses the trigger: no call spent on it');

    // A late callback older than the recorded one changes nothing; a newer one turns triggers back on.
    assert.deepEqual(await post(callback(true, iso(t - 60_000))), { status: 200, body: { recorded: false, ignored: 'a newer lifecycle callback is recorded' } });
    assert.equal(await flowTriggerInUse(h.store, h.shop), false);
    assert.equal((await post(callback(true, iso(t + 1000)))).status, 200);
    assert.equal(await flowTriggerInUse(h.store, h.shop), true);

    // Refused: bad or missing signature, malformed bodies, a shop not served here.
    assert.equal((await post(callback(false, iso(t + 2000)), sign(callback(false, iso(t + 2000)), 'wrong-secret'))).status, 401);
    assert.equal((await post(callback(false, iso(t + 2000)), null)).status, 401);
    assert.equal((await post('{"has_enabled_flow":', sign('{"has_enabled_flow":'))).status, 400);
    const noFlag = JSON.stringify({ flow_trigger_definition_id: 'x', shopify_domain: h.shop, timestamp: iso(t + 3000) });
    assert.equal((await post(noFlag)).status, 400);
    const badTime = JSON.stringify({ flow_trigger_definition_id: 'x', has_enabled_flow: false, shopify_domain: h.shop, timestamp: 'yesterday' });
    assert.equal((await post(badTime)).status, 400);
    assert.equal((await post(callback(false, iso(t + 4000), 'unknown-shop.myshopify.com'))).status, 404);
    assert.equal(await flowTriggerInUse(h.store, h.shop), true, 'no refused callback changed the state');
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await h.close();
  }
});
