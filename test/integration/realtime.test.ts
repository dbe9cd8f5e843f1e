// Real-time adjustment in one process: a webhook for a new order re-scores only that person and
// writes only their changes to both emulators; duplicates are taken once; an older delivery after
// a newer one changes nothing; a burst for one person coalesces into one re-score; the re-score
// writes to Shopify itself, and a write that fails there goes to the push queue.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createHandlers } from '../../app/jobs/handlers.ts';
import { createLocalCoordination } from '../../app/jobs/coordination.ts';
import { createLocalQueue } from '../../app/jobs/local-queue.ts';
import { createLocalShopLock } from '../../app/jobs/shop-lock.ts';
import { runSync } from '../../app/sync/run-sync.ts';
import { computePersonTarget } from '../../app/realtime/person-target.ts';
import { DEFAULT_TAG_PREFIX } from '../../core/segment-tags.ts';
import { RFM_SEGMENTS } from '../../core/rfm.ts';
import { connectPortal, useBothEmulators } from '../support/both-platforms.ts';
import { startHarness } from '../support/harness.ts';
import { addPortal, makeContacts } from '../support/hubspot-harness.ts';
import { makeCustomers, makeOrders } from '../support/seed-fixtures.ts';
import { orderWebhookBody } from '../support/webhook-fixtures.ts';

const emulators = useBothEmulators();

const RFM = new Set(RFM_SEGMENTS.map((d) => `${DEFAULT_TAG_PREFIX}${d.key}`));

test('an order webhook re-scores only its person and writes only their changes, once, on both platforms', async () => {
  const { shopify, hubspot } = emulators;
  const customers = makeCustomers(120);
  const h = await startHarness({ emulator: shopify, customers, orders: makeOrders(customers, new Date().toISOString()) });
  const portal = await addPortal(hubspot, { contacts: makeContacts(120) });
  try {
    await connectPortal(h, hubspot, portal);
    const batch = await runSync(h.store, h.deps, { shopId: h.shop, trigger: 'test', pollIntervalMs: 10 });
    assert.deepEqual(batch.errors, []);

    const queue = createLocalQueue();
    const coordination = createLocalCoordination();
    queue.setHandlers(createHandlers({ store: h.store, deps: h.deps, queue, shopLock: createLocalShopLock(), personLock: createLocalShopLock(), ...coordination, coalesceMs: 50 }));

    // Customer 1 never bought (the fixture gives every sixth customer no orders): a prospect.
    const before = shopify.customerTags(h.shop, 'gid://shopify/Customer/1');
    assert.ok(before.includes(`${DEFAULT_TAG_PREFIX}prospects`));
    const othersBefore = new Map(shopify.listCustomers(h.shop).filter((c) => c.id !== 'gid://shopify/Customer/1').map((c) => [c.id, [...c.tags].sort()]));
    const mutationsBefore = shopify.stats(h.shop).mutations;
    const flowTriggersBefore = shopify.flowTriggers(h.shop).length;

    const now = new Date().toISOString();
    const body = orderWebhookBody({ orderId: 500_001, customer: { id: 1, email: 'person1@example.com' }, at: now, total: 64 });
    // The same delivery three times (platforms deliver at least once) and a second order in the same burst.
    for (let i = 0; i < 3; i++) await queue.enqueue('ingest', { shopId: h.shop, source: 'shopify', topic: 'orders/create', eventId: 'wh-1', occurredAt: now, payload: body });
    await queue.enqueue('ingest', { shopId: h.shop, source: 'shopify', topic: 'orders/create', eventId: 'wh-2', occurredAt: now, payload: orderWebhookBody({ orderId: 500_002, customer: { id: 1, email: 'person1@example.com' }, at: now, total: 20 }) });
    await queue.idle();

    const ingests = queue.done.filter((d) => d.kind === 'ingest').map((d) => (d.result as { status: string }).status);
    assert.deepEqual(ingests.sort(), ['duplicate', 'duplicate', 'stored', 'stored']);
    assert.equal(queue.done.filter((d) => d.kind === 'scoring').length, 1, 'the burst coalesced into one re-score');
    assert.equal(await h.store.countOrders(h.shop), batch.read.orders + 2);

    const after = shopify.customerTags(h.shop, 'gid://shopify/Customer/1');
    const rfm = after.filter((t) => RFM.has(t));
    assert.equal(rfm.length, 1);
    assert.notEqual(rfm[0], `${DEFAULT_TAG_PREFIX}prospects`, 'the buyer left the prospects');
    assert.ok(after.some((t) => t.startsWith(`${DEFAULT_TAG_PREFIX}propensity-`)), 'and got a propensity tier');
    for (const c of shopify.listCustomers(h.shop)) if (c.id !== 'gid://shopify/Customer/1') assert.deepEqual([...c.tags].sort(), othersBefore.get(c.id), `${c.id} untouched`);
    // Flow triggers for the segments the person entered are mutations too (app/flow/flow-trigger.ts).
    const mutations = shopify.stats(h.shop).mutations - mutationsBefore - (shopify.flowTriggers(h.shop).length - flowTriggersBefore);
    assert.ok(mutations >= 1 && mutations <= 2, `${mutations} Shopify mutations for one person (tagsRemove + tagsAdd)`);

    const contact = hubspot.getContactByEmail(portal.portalId, 'person1@example.com');
    assert.ok(contact);
    assert.equal(contact.properties.refinery_segments, after.map((t) => t.slice(DEFAULT_TAG_PREFIX.length)).sort().join(';'), 'the same segments on both sides');
    assert.ok(Number(contact.properties.refinery_purchase_propensity) > 0);

    // An older state of the first order arrives late: nothing changes.
    const stale = orderWebhookBody({ orderId: 500_001, customer: { id: 1, email: 'person1@example.com' }, at: now, updatedAt: new Date(Date.parse(now) - 3_600_000).toISOString(), total: 1 });
    await queue.enqueue('ingest', { shopId: h.shop, source: 'shopify', topic: 'orders/updated', eventId: 'wh-3', occurredAt: now, payload: stale });
    await queue.idle();
    assert.equal((await h.store.getOrder(h.shop, 'shopify', 'gid://shopify/Order/500001'))?.total, 64, 'the later state wins');
    assert.deepEqual(shopify.customerTags(h.shop, 'gid://shopify/Customer/1'), after);

    // A malformed delivery is rejected with its reason and stores nothing.
    await queue.enqueue('ingest', { shopId: h.shop, source: 'shopify', topic: 'orders/create', eventId: 'wh-4', occurredAt: now, payload: { id: 'x' } });
    await queue.idle();
    const last = queue.done.at(-1);
    assert.equal((last?.result as { status: string }).status, 'rejected');
    assert.equal(await h.store.countOrders(h.shop), batch.read.orders + 2);

    // An order from a customer the store does not know yet (created in Shopify since the last
    // sync): the customer is stored from the order's own customer object and scored at once.
    await shopify.seed(h.shop, { customers: makeCustomers(1, { startId: 5000 }) });
    assert.equal(await h.store.getCustomer(h.shop, 'shopify', 'gid://shopify/Customer/5000'), null);
    await queue.enqueue('ingest', { shopId: h.shop, source: 'shopify', topic: 'orders/create', eventId: 'wh-5', occurredAt: now, payload: orderWebhookBody({ orderId: 500_005, customer: { id: 5000, email: 'person5000@example.com' }, at: now, total: 99 }) });
    await queue.idle();
    assert.equal((await h.store.getCustomer(h.shop, 'shopify', 'gid://shopify/Customer/5000'))?.email, 'person5000@example.com');
    const newcomer = shopify.customerTags(h.shop, 'gid://shopify/Customer/5000');
    assert.equal(newcomer.filter((t) => RFM.has(t)).length, 1, 'the new customer is in one RFM group at once');

    // The next batch sync agrees with what real time wrote for the person's RFM group.
    const next = await runSync(h.store, h.deps, { shopId: h.shop, trigger: 'test', pollIntervalMs: 10 });
    assert.deepEqual(next.errors, []);
    assert.deepEqual(shopify.customerTags(h.shop, 'gid://shopify/Customer/1').filter((t) => RFM.has(t)), rfm);
  } finally {
    await h.close();
  }
});

test('a HubSpot contact change re-scores that person: the contact is read back, stored, and their rule segment follows', async () => {
  const { shopify, hubspot } = emulators;
  const customers = makeCustomers(80);
  const h = await startHarness({ emulator: shopify, customers, orders: makeOrders(customers, new Date().toISOString()) });
  const portal = await addPortal(hubspot, { contacts: makeContacts(80) });
  try {
    await connectPortal(h, hubspot, portal);
    const now = new Date().toISOString();
    await h.store.saveRuleSegment(h.shop, { key: 'opted-out', name: 'Opted out', rule: 'email_opted_out = true', createdAt: now, updatedAt: now });
    const batch = await runSync(h.store, h.deps, { shopId: h.shop, trigger: 'test', pollIntervalMs: 10 });
    assert.deepEqual(batch.errors, []);
    const tag = `${DEFAULT_TAG_PREFIX}rule-opted-out`;
    assert.ok(!shopify.customerTags(h.shop, 'gid://shopify/Customer/5').includes(tag));

    const queue = createLocalQueue();
    queue.setHandlers(createHandlers({ store: h.store, deps: h.deps, queue, shopLock: createLocalShopLock(), personLock: createLocalShopLock(), ...createLocalCoordination(), coalesceMs: 50 }));
    const contact = hubspot.getContactByEmail(portal.portalId, 'person5@example.com');
    assert.ok(contact);
    hubspot.updateContact(portal.portalId, contact.id, { hs_email_optout: 'true' });
    const event = (eventId: number, subscriptionType: string, extra: Record<string, unknown> = {}) => ({
      eventId, subscriptionId: 77, portalId: portal.portalId, appId: 1, occurredAt: Date.now(), subscriptionType, attemptNumber: 0, objectId: Number(contact.id), changeSource: 'CRM_UI', ...extra,
    });
    await queue.enqueue('ingest', { shopId: h.shop, source: 'hubspot', topic: 'contact.propertyChange', eventId: '9001', occurredAt: new Date().toISOString(), payload: event(9001, 'contact.propertyChange', { propertyName: 'hs_email_optout', propertyValue: 'true' }) });
    await queue.idle();
    assert.deepEqual(queue.done.map((d) => d.error).filter(Boolean), []);
    assert.equal((await h.store.getContact(h.shop, contact.id))?.emailOptOut, true, 'the contact is read back and stored');
    assert.ok(shopify.customerTags(h.shop, 'gid://shopify/Customer/5').includes(tag), 'the rule segment follows in Shopify');
    assert.match(hubspot.getContactByEmail(portal.portalId, 'person5@example.com')?.properties.refinery_segments ?? '', /rule-opted-out/);

    // The contact is deleted in HubSpot: the store forgets it and what was written about it.
    await queue.enqueue('ingest', { shopId: h.shop, source: 'hubspot', topic: 'contact.deletion', eventId: '9002', occurredAt: new Date().toISOString(), payload: event(9002, 'contact.deletion') });
    await queue.idle();
    assert.equal(await h.store.getContact(h.shop, contact.id), null);
    assert.equal((await h.store.getWrittenProperties(h.shop, [contact.id])).size, 0);
  } finally {
    await h.close();
  }
});

test('the re-score writes to Shopify at once; a write it cannot do (another write of the person in hand) goes to the push queue', async () => {
  const { shopify } = emulators;
  const customers = makeCustomers(60);
  const h = await startHarness({ emulator: shopify, customers, orders: makeOrders(customers, new Date().toISOString()) });
  try {
    const batch = await runSync(h.store, h.deps, { shopId: h.shop, trigger: 'test', pollIntervalMs: 10 });
    assert.deepEqual(batch.errors, []);
    const queue = createLocalQueue();
    const personLock = createLocalShopLock();
    queue.setHandlers(createHandlers({ store: h.store, deps: h.deps, queue, shopLock: createLocalShopLock(), personLock, ...createLocalCoordination(), coalesceMs: 10 }));
    const order = (n: number, customer: number) => orderWebhookBody({ orderId: 600_000 + n, customer: { id: customer, email: `person${customer}@example.com` }, at: new Date().toISOString(), total: 80 });
    const tagsOf = (customer: number) => shopify.customerTags(h.shop, `gid://shopify/Customer/${customer}`).filter((t) => t.startsWith(DEFAULT_TAG_PREFIX)).map((t) => t.slice(DEFAULT_TAG_PREFIX.length)).sort();

    // In the re-score job: no push job, the tags are there when it is done.
    await queue.enqueue('ingest', { shopId: h.shop, source: 'shopify', topic: 'orders/create', eventId: 'inline-1', occurredAt: new Date().toISOString(), payload: order(1, 1) });
    await queue.idle();
    const first = queue.done.find((d) => d.kind === 'scoring')?.result as { status: string; version: number; shopify?: { status: string } };
    assert.deepEqual({ status: first.status, shopify: first.shopify?.status }, { status: 'scored', shopify: 'written' });
    assert.equal(queue.done.filter((d) => d.kind === 'shopifyPush').length, 0);
    const target1 = await computePersonTarget(h.store, h.shop, 'email:person1@example.com', () => new Date());
    assert.equal(target1.status, 'scored');
    if (target1.status === 'scored') assert.deepEqual(tagsOf(1), target1.target.treated);

    // An earlier write of the person still in hand (its lock held): the push job writes this one
    // once that is done (the queue retries it meanwhile).
    queue.done.length = 0;
    let release: () => void = () => {};
    const held = personLock.withLock(`shopify|${h.shop}|email:person7@example.com`, () => new Promise<void>((resolve) => (release = resolve)));
    await queue.enqueue('ingest', { shopId: h.shop, source: 'shopify', topic: 'orders/create', eventId: 'inline-2', occurredAt: new Date().toISOString(), payload: order(2, 7) });
    while (!queue.done.some((d) => d.kind === 'scoring')) await new Promise((r) => setTimeout(r, 10));
    release();
    await held;
    await queue.idle();
    const second = queue.done.find((d) => d.kind === 'scoring')?.result as { shopify?: { status: string } };
    assert.equal(second.shopify?.status, 'queued');
    const pushes = queue.done.filter((d) => d.kind === 'shopifyPush');
    assert.deepEqual(pushes.map((p) => (p.result as { status: string }).status), ['written']);
    const target7 = await computePersonTarget(h.store, h.shop, 'email:person7@example.com', () => new Date());
    assert.equal(target7.status, 'scored');
    if (target7.status === 'scored') assert.deepEqual(tagsOf(7), target7.target.treated);
    const written = await h.store.getWrittenMemberships(h.shop, 'shopify', ['gid://shopify/Customer/7']);
    assert.deepEqual([...written.keys()].sort(), tagsOf(7), 'what was written is recorded');
  } finally {
    await h.close();
  }
});
