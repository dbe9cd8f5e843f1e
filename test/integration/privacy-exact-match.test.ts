// Redactions match identifiers as whole tokens, on SQLite and on PostgreSQL with the real Redis and
// bull: redacting bob@example.com (customer 12) leaves jbob@example.com (customer 123) and a customer
// 1299 byte-identical everywhere (rows, model-state entries, pending privacy requests, bull jobs,
// Redis keys) while nothing of bob's is left; redacting store.myshopify.com leaves
// mystore.myshopify.com's jobs and keys alone, and an active job of that shop does not hold it up.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Redis } from 'ioredis';
import { createBullQueues } from '../../app/jobs/bull-queues.ts';
import { createRedisCoordination } from '../../app/jobs/coordination.ts';
import { QUEUE_NAMES } from '../../app/jobs/job-types.ts';
import { handlePrivacy } from '../../app/privacy/privacy-handler.ts';
import { createRedisPurger } from '../../app/privacy/queue-purge.ts';
import { createPostgresStore } from '../../app/store/postgres-store.ts';
import type { PrivacyRequest } from '../../app/store/privacy-records.ts';
import { createSqliteStore } from '../../app/store/sqlite-store.ts';
import { contact, customer, order } from '../../app/store/store-fixtures.ts';
import { PG_URL } from '../../app/store/store-test-backends.ts';
import type { Store } from '../../app/store/store.ts';
import { deleteRedisKeys, dropSchema } from '../support/cleanup.ts';
import { allJobs, allRedis, allRows, type Database } from '../support/privacy-scan.ts';
import { connectRedis, REDIS_URL } from '../support/redis.ts';
import { orderWebhookBody } from '../support/webhook-fixtures.ts';

const SHOP = 'store.myshopify.com';
const MYSHOP = 'mystore.myshopify.com';
const AT = '2026-01-05T08:30:00.000Z';
const BOB = { numeric: 12, gid: 'gid://shopify/Customer/12', email: 'bob@example.com', contactId: '9801', order: 500 };
const JBOB = { numeric: 123, gid: 'gid://shopify/Customer/123', email: 'jbob@example.com', contactId: '98012', order: 501 };
const THIRD = { numeric: 1299, gid: 'gid://shopify/Customer/1299', order: 502 };
const THIRD_PERSON = `shopify:${THIRD.gid}`;
const orderGid = (n: number) => `gid://shopify/Order/${n}`;

/** Bob, found independently of the code under test: his identifiers as whole tokens. */
const BOB_PATTERNS = [
  /(?<![a-z0-9.!#$%&'*+/=?^_`{|}~@-])bob@example\.com/i,
  /gid:\/\/shopify\/Customer\/12(?![0-9])/,
  /gid:\/\/shopify\/Order\/500(?![0-9])/,
  // A whole token, as ids are matched (no letter, digit or _ beside it): a salted hex digest that
  // happens to hold the digits 9801 (privacy_suppressions) is not bob's contact id.
  /(?<![A-Za-z0-9_])9801(?![A-Za-z0-9_])/,
  /"id":12[,}]/,
];
const isBob = (text: string) => BOB_PATTERNS.some((p) => p.test(text));
/** bull's own per-queue structures (lists and sets of job ids), which change when any job goes. */
const QUEUE_STRUCTURE = /:(wait|active|delayed|completed|failed|paused|priority|id|stalled|stalled-check|meta-paused|limiter(:.*)?)$/;

const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

function request(id: string, topic: PrivacyRequest['topic'], subject: string | null, payload: Record<string, unknown> | null, extra: Partial<PrivacyRequest> = {}): PrivacyRequest {
  return { id, topic, subject, status: 'pending', receivedAt: AT, completedAt: null, payload, result: null, ...extra };
}

async function seed(store: Store): Promise<void> {
  for (const shop of [SHOP, MYSHOP]) await store.saveShopSettings(shop, { tagPrefix: 'refinery:', shopify: { accessToken: `shpat_${shop}`, adminOrigin: null } }, AT);
  await store.savePage(SHOP, {
    customers: [
      customer(BOB.gid, { email: BOB.email, firstName: 'Bob', lastName: 'Smith' }),
      customer(JBOB.gid, { email: JBOB.email, firstName: 'Jay', lastName: 'Bobson' }),
      customer(THIRD.gid, { email: null, firstName: 'Tess', lastName: 'Third' }),
    ],
    orders: [order(orderGid(BOB.order), BOB.gid, { email: BOB.email }), order(orderGid(JBOB.order), JBOB.gid, { email: JBOB.email }), order(orderGid(THIRD.order), THIRD.gid, { email: null })],
    contacts: [contact(BOB.contactId, { email: BOB.email }), contact(JBOB.contactId, { email: JBOB.email })],
  });
  await store.savePage(MYSHOP, { customers: [customer(JBOB.gid, { email: JBOB.email })] });
  await store.recordMembershipWrite(SHOP, { platform: 'shopify', added: [BOB.gid, JBOB.gid, THIRD.gid].map((customerId) => ({ segmentKey: 'champions', customerId })), removed: [], at: AT });
  await store.recordMembershipWrite(SHOP, { platform: 'hubspot', added: [BOB.contactId, JBOB.contactId].map((customerId) => ({ segmentKey: 'champions', customerId })), removed: [], at: AT });
  await store.recordPropertyWrites(SHOP, [BOB.contactId, JBOB.contactId].map((contactId) => ({ contactId, values: { refinery_segments: 'champions' } })), AT);
  await store.startHoldoutCohort(SHOP, { segmentKey: 'champions', startedAt: AT, share: 0.1, treated: [`email:${BOB.email}`, `email:${JBOB.email}`, THIRD_PERSON].sort(), holdout: [] });
  const run = await store.startRun(SHOP, 'test', AT);
  await store.finishRun(SHOP, run.id, 'succeeded', {
    errors: [
      { code: 'PROPERTY_WRITE', message: `${BOB.email}: rejected` },
      { code: 'PROPERTY_WRITE', message: `${JBOB.email}: rejected` },
      { code: 'TAG_WRITE', message: `${THIRD.gid} failed` },
      { code: 'TAG_WRITE', message: `${JBOB.gid} failed` },
    ],
  }, AT);
  await store.saveModelState(SHOP, 'test-assignments', {
    byPerson: { [`email:${BOB.email}`]: 'c1', [`email:${JBOB.email}`]: 'c2', [`shopify:${JBOB.gid}`]: 'c3', [THIRD_PERSON]: 'c4', [`shopify:${BOB.gid}`]: 'c5' },
    people: [`email:${BOB.email}`, `email:${JBOB.email}`, THIRD_PERSON],
  }, AT);
  for (const [id, subject] of [['evt-bob', BOB.gid], ['evt-jbob', JBOB.gid], ['evt-third', THIRD.gid]] as const) {
    await store.claimWebhookDelivery(SHOP, { source: 'shopify', deliveryId: id, topic: 'customers/update', subject, triggeredAt: AT, receivedAt: AT }, '2000-01-01T00:00:00.000Z');
  }
  const redactBody = (c: { numeric: number; email: string | null }, orderId: number) => ({ shop_id: 1, shop_domain: SHOP, customer: { id: c.numeric, email: c.email, phone: null }, orders_to_redact: [orderId] });
  await store.savePrivacyRequest(SHOP, request('req-bob', 'customers/redact', BOB.gid, redactBody(BOB, BOB.order)));
  await store.savePrivacyRequest(SHOP, request('req-bob-data', 'customers/data_request', BOB.gid, { shop_id: 1, shop_domain: SHOP, customer: { id: BOB.numeric, email: BOB.email } }, {
    status: 'completed', completedAt: AT, result: { personIds: [`email:${BOB.email}`], customers: [{ id: BOB.gid }] },
  }));
  await store.savePrivacyRequest(SHOP, request('req-jbob', 'customers/redact', JBOB.gid, redactBody(JBOB, JBOB.order)));
  // jbob's answered data request, whose assembled data names bob (an order they shared).
  await store.savePrivacyRequest(SHOP, request('req-jbob-data', 'customers/data_request', JBOB.gid, { shop_id: 1, shop_domain: SHOP, customer: { id: JBOB.numeric, email: JBOB.email } }, {
    status: 'completed', completedAt: AT, result: { orders: [{ id: orderGid(BOB.order), email: BOB.email }, { id: orderGid(JBOB.order), email: JBOB.email }] },
  }));
  await store.savePrivacyRequest(SHOP, request('req-third', 'customers/data_request', THIRD.gid, { shop_id: 1, shop_domain: SHOP, customer: { id: THIRD.numeric, email: null } }, {
    status: 'completed', completedAt: AT, result: { personIds: [THIRD_PERSON], customers: [{ id: THIRD.gid }] },
  }));
}

for (const kind of ['sqlite', 'postgres'] as const) {
  test(`whole-token redaction on ${kind}: bob's redaction spares jbob and 1299; store's spares mystore`, async (t) => {
    let store: Store;
    let db: Database;
    if (kind === 'sqlite') {
      const dir = mkdtempSync(join(tmpdir(), 'refinery-exact-'));
      db = { kind, path: join(dir, 'refinery.db') };
      store = createSqliteStore({ path: db.path });
      cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    } else {
      const schema = `refinery_exact_${process.pid}_${Date.now().toString(36)}`;
      db = { kind, schema };
      store = createPostgresStore({ connectionString: PG_URL, schema });
      cleanups.push(() => dropSchema(schema));
    }
    await store.migrate();
    const prefix = `refinery-test-exact-${randomUUID().slice(0, 8)}`;
    const queues = createBullQueues({ redisUrl: REDIS_URL, prefix });
    const redis: Redis = await connectRedis();
    cleanups.push(async () => {
      await queues.close();
      await deleteRedisKeys(prefix);
      redis.disconnect();
      await store.close();
    });
    await seed(store);
    const { ledger, versions } = createRedisCoordination(redis, prefix);
    const people = [`email:${BOB.email}`, `email:${JBOB.email}`, THIRD_PERSON];
    const jobs = [[BOB, 'evt-1'], [JBOB, 'evt-2'], [{ ...THIRD, email: '' }, 'evt-3']] as const;
    for (const [c, eventId] of jobs) {
      const payload = orderWebhookBody({ orderId: c.order, customer: { id: c.numeric, email: c.email, createdAt: AT, updatedAt: AT }, at: AT, total: 20 });
      await queues.queue.enqueue('ingest', { shopId: SHOP, source: 'shopify', topic: 'orders/create', eventId, occurredAt: AT, payload }, { jobId: `ingest|${SHOP}|shopify|${eventId}` });
      await ledger.firstSeen(SHOP, 'shopify', eventId);
    }
    for (const personId of people) {
      await queues.queue.enqueue('scoring', { shopId: SHOP, personId }, { coalesce: { id: `score|${SHOP}|${personId}`, windowMs: 600_000 } });
      // A push job as bull holds it (its target, which the scoring computes, left out).
      await queues.queues.shopifyPush.add({ shopId: SHOP, personId, version: 1 }, { jobId: `push-shopify|${SHOP}|${personId}|1`, delay: 600_000 });
      await versions.next(SHOP, personId);
      await redis.set(`${prefix}:lock:person:hubspot|${SHOP}|${personId}`, 'token', 'PX', 600_000);
    }
    // The other shop: a waiting job, coordination keys, a lock and a budget.
    await queues.queue.enqueue('ingest', { shopId: MYSHOP, source: 'shopify', topic: 'orders/create', eventId: 'evt-9', occurredAt: AT, payload: { id: 9 } }, { jobId: `ingest|${MYSHOP}|shopify|evt-9` });
    await ledger.firstSeen(MYSHOP, 'shopify', 'evt-9');
    await versions.next(MYSHOP, `email:${JBOB.email}`);
    await redis.set(`${prefix}:lock:person:${MYSHOP}|email:${JBOB.email}`, 'token', 'PX', 600_000);
    for (const shop of [SHOP, MYSHOP]) {
      await redis.hset(`${prefix}:budget:shopify:{${shop}}`, 'available', '1000');
      await redis.set(`${prefix}:lock:shop:${shop}`, 'token', 'PX', 600_000);
    }
    await redis.del(`${prefix}:lock:shop:${SHOP}`); // the redacted shop's lock is taken by nobody

    const purger = createRedisPurger(redis, prefix, queues);
    const ctx = { store, purger, now: () => new Date(AT) };
    const snapshot = async () => ({
      rows: (await allRows(db)).map((r) => `${r.table}\n${r.text}`),
      jobs: new Map((await allJobs(queues)).map((j) => [`${j.queue}/${j.id}`, j.text])),
      keys: new Map((await allRedis(redis, prefix)).map((k) => [k.key, k.text])),
    });

    await t.test('customers/redact of bob: nothing of bob is left, everything of jbob and 1299 is byte-identical', async () => {
      const before = await snapshot();
      const bobTables = new Set(before.rows.filter(isBob).map((r) => r.split('\n')[0]));
      for (const table of ['customers', 'orders', 'contacts', 'written_memberships', 'written_properties', 'holdout_members', 'runs', 'model_states', 'webhook_deliveries', 'privacy_requests']) {
        assert.ok(bobTables.has(table), `bob is in ${table} before`);
      }
      assert.ok([...before.jobs.values()].filter(isBob).length >= 3, "bob's ingest, scoring and push jobs");
      assert.ok([...before.keys.keys()].filter(isBob).length >= 3, "bob's version, lock and coalescing keys");

      const outcome = await handlePrivacy(ctx, { shopId: SHOP, requestId: 'req-bob', topic: 'customers/redact' });
      assert.equal(outcome.status, 'completed');
      const after = await snapshot();

      // Nothing of bob's, anywhere.
      assert.deepEqual(after.rows.filter(isBob), [], 'rows still naming bob');
      assert.deepEqual([...after.jobs.entries()].filter(([, text]) => isBob(text)).map(([id]) => id), [], 'jobs still naming bob');
      assert.deepEqual([...after.keys.entries()].filter(([key, text]) => isBob(key) || isBob(text)).map(([key]) => key), [], 'keys still naming bob');
      // Everything else, byte-identical.
      const rowsAfter = new Set(after.rows);
      assert.deepEqual(before.rows.filter((r) => !isBob(r) && !rowsAfter.has(r)), [], 'rows of others changed or gone');
      assert.deepEqual([...before.jobs].filter(([id, text]) => !isBob(text) && after.jobs.get(id) !== text).map(([id]) => id), [], 'jobs of others changed or gone');
      const keyChanged = ([key, text]: [string, string]) => !isBob(key) && !isBob(text) && !QUEUE_STRUCTURE.test(key) && after.keys.get(key) !== text;
      assert.deepEqual([...before.keys].filter(keyChanged).map(([key]) => key), [], 'keys of others changed or gone');

      // The rows mixing bob and the others: only bob's parts went.
      assert.deepEqual(await store.getModelState(SHOP, 'test-assignments'), {
        byPerson: { [`email:${JBOB.email}`]: 'c2', [`shopify:${JBOB.gid}`]: 'c3', [THIRD_PERSON]: 'c4' },
        people: [`email:${JBOB.email}`, THIRD_PERSON],
      });
      const report = (await store.listRuns(SHOP))[0]?.report as { errors: Array<{ message: string }> };
      assert.deepEqual(report.errors.map((e) => e.message), ['[redacted]: rejected', `${JBOB.email}: rejected`, `${THIRD.gid} failed`, `${JBOB.gid} failed`]);
      const jbobRequest = await store.getPrivacyRequest(SHOP, 'req-jbob');
      assert.equal(jbobRequest?.status, 'pending', "jbob's own redaction is still to be done");
      assert.equal(jbobRequest?.subject, JBOB.gid);
      assert.ok(await store.getPrivacyRequest(SHOP, 'req-third'));
      const jbobData = await store.getPrivacyRequest(SHOP, 'req-jbob-data');
      assert.deepEqual(jbobData?.result, { orders: [{ id: '[redacted]', email: '[redacted]' }, { id: orderGid(JBOB.order), email: JBOB.email }] }, "another customer's request is scrubbed, never deleted");
      assert.deepEqual(jbobData?.payload, { shop_id: 1, shop_domain: SHOP, customer: { id: JBOB.numeric, email: JBOB.email } });
      assert.equal(await store.getPrivacyRequest(SHOP, 'req-bob-data'), null, "bob's data request went with him");
      assert.equal((await store.getPrivacyRequest(SHOP, 'req-bob'))?.status, 'completed');
      assert.deepEqual((await store.listHoldoutCohorts(SHOP))[0]?.treated, [`email:${JBOB.email}`, THIRD_PERSON]);
      for (const personId of [`email:${JBOB.email}`, THIRD_PERSON]) assert.equal(await versions.latest(SHOP, personId), 1);

      // jbob's own redaction, done next, finds him.
      assert.equal((await handlePrivacy(ctx, { shopId: SHOP, requestId: 'req-jbob', topic: 'customers/redact' })).status, 'completed');
      assert.equal(await store.getCustomer(SHOP, 'shopify', JBOB.gid), null);
      assert.ok(await store.getCustomer(SHOP, 'shopify', THIRD.gid));
      assert.ok(await store.getCustomer(MYSHOP, 'shopify', JBOB.gid), "the other shop's customer of the same email is another shop's");
    });

    await t.test('shop/redact of store.myshopify.com: mystore.myshopify.com keeps its jobs and keys; its active job does not block', async () => {
      // An active (locked) job of the other shop, in a queue of its own.
      await queues.queue.enqueue('incrementalSync', { shopId: MYSHOP, trigger: 'schedule', firedAt: AT }, { jobId: `sync|${MYSHOP}` });
      const active = await queues.queues.incrementalSync.getNextJob();
      assert.equal((active as { id?: unknown } | undefined)?.id, `sync|${MYSHOP}`);
      const before = await snapshot();
      const ofOther = (text: string) => text.includes(MYSHOP);
      assert.ok([...before.jobs.values()].filter(ofOther).length >= 2);
      assert.ok([...before.keys.keys()].filter(ofOther).length >= 5);
      await store.savePrivacyRequest(SHOP, request('req-shop', 'shop/redact', null, { shop_id: 1, shop_domain: SHOP }));
      const outcome = await handlePrivacy(ctx, { shopId: SHOP, requestId: 'req-shop', topic: 'shop/redact' });
      assert.equal(outcome.status, 'completed', 'not BUSY because of the other shop');
      const after = await snapshot();
      const ofShop = (text: string) => text.replaceAll(MYSHOP, '').includes(SHOP);
      assert.deepEqual([...after.jobs.entries()].filter(([, text]) => ofShop(text)).map(([id]) => id), [], 'jobs of the redacted shop');
      assert.deepEqual([...after.keys.keys()].filter(ofShop), [], 'keys of the redacted shop');
      assert.deepEqual([...before.jobs].filter(([id, text]) => ofOther(text) && after.jobs.get(id) !== text).map(([id]) => id), [], "the other shop's jobs changed or gone");
      const otherKeys = [...before.keys].filter(([key]) => ofOther(key));
      assert.deepEqual(otherKeys.filter(([key, text]) => after.keys.get(key) !== text).map(([key]) => key), [], "the other shop's keys changed or gone");
      for (const name of ['seen', 'person-version', 'lock:person', 'lock:shop', 'budget:shopify']) assert.ok(otherKeys.some(([key]) => key.startsWith(`${prefix}:${name}:`)), name);
      assert.ok(after.keys.has(`${prefix}:${QUEUE_NAMES.incrementalSync}:sync|${MYSHOP}:lock`), "the active job's lock is its worker's");
      assert.ok(await store.getCustomer(MYSHOP, 'shopify', JBOB.gid));
      assert.equal(await store.getShopSettings(SHOP), null);
    });
  });
}
