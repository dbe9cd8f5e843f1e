// The consent policy in the write-back, through the real SDKs against both emulators: under
// 'subscribed-only' people without email marketing consent get no tags and no list memberships
// (and what was written before is taken away); real-time re-scoring follows the same rule.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computePersonTarget } from '../../app/realtime/person-target.ts';
import type { Store } from '../../app/store/store.ts';
import { loadPeople } from '../../app/sync/load-people.ts';
import { runSync } from '../../app/sync/run-sync.ts';
import type { ConsentPolicy } from '../../core/consent-policy.ts';
import { DEFAULT_TAG_PREFIX } from '../../core/segment-tags.ts';
import { connectPortal, useBothEmulators } from '../support/both-platforms.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { addPortal, makeContacts } from '../support/hubspot-harness.ts';
import { makeCustomers, makeOrders } from '../support/seed-fixtures.ts';

const emulators = useBothEmulators();

async function setPolicy(store: Store, shop: string, consentPolicy: ConsentPolicy): Promise<void> {
  const settings = await store.getShopSettings(shop);
  assert.ok(settings);
  await store.saveShopSettings(shop, { ...settings, consentPolicy }, new Date().toISOString());
}

function ownTags(h: Harness, customerId: string): string[] {
  return emulators.shopify.customerTags(h.shop, customerId).filter((t) => t.startsWith(DEFAULT_TAG_PREFIX));
}

test("'subscribed-only' writes no tags or list memberships for people without consent, in batch and real time", async () => {
  const { shopify, hubspot } = emulators;
  const customers = makeCustomers(60);
  const h = await startHarness({ emulator: shopify, customers, orders: makeOrders(customers, new Date().toISOString()) });
  const portal = await addPortal(hubspot, { contacts: makeContacts(60) });
  try {
    await connectPortal(h, hubspot, portal);
    await setPolicy(h.store, h.shop, 'subscribed-only');
    const first = await runSync(h.store, h.deps, { shopId: h.shop, trigger: 'test', pollIntervalMs: 10 });
    assert.deepEqual(first.errors, []);

    // Who consents, by the identity rules (a SUBSCRIBED customer and no opt-out anywhere).
    const { identity } = await loadPeople(h.store, h.shop);
    const consenting = identity.people.filter((p) => p.marketingConsent);
    const refusing = identity.people.filter((p) => !p.marketingConsent);
    assert.ok(consenting.length >= 20 && refusing.length >= 15, `${consenting.length} consenting, ${refusing.length} not`);

    for (const p of consenting) for (const id of p.shopifyCustomerIds) assert.ok(ownTags(h, id).length > 0, `${p.personId} is tagged`);
    for (const p of refusing) for (const id of p.shopifyCustomerIds) assert.deepEqual(ownTags(h, id), [], `${p.personId} has no consent: no tags`);

    const listed = new Set<string>();
    for (const list of hubspot.listLists(portal.portalId)) for (const id of hubspot.listMembers(portal.portalId, list.listId)) listed.add(id);
    for (const p of consenting) if (p.hubspotContactId) assert.ok(listed.has(p.hubspotContactId), `${p.personId} is in a list`);
    for (const p of refusing) if (p.hubspotContactId) assert.ok(!listed.has(p.hubspotContactId), `${p.personId} has no consent: in no list`);
    const cohorts = await h.store.listHoldoutCohorts(h.shop);
    const refusingIds = new Set(refusing.map((p) => p.personId));
    for (const c of cohorts) assert.ok(c.treated.every((id) => !refusingIds.has(id)), `${c.segmentKey}: the cohort holds only people the policy writes`);

    // Real time: a re-score of someone without consent targets no segment; someone with consent does.
    const refuser = refusing.find((p) => p.shopifyCustomerIds.length > 0);
    const consenter = consenting[0];
    assert.ok(refuser && consenter);
    const none = await computePersonTarget(h.store, h.shop, refuser.personId, () => new Date());
    assert.equal(none.status, 'scored');
    if (none.status === 'scored') assert.deepEqual([none.target.treated, none.target.heldOut], [[], []]);
    const some = await computePersonTarget(h.store, h.shop, consenter.personId, () => new Date());
    assert.ok(some.status === 'scored' && some.target.treated.length > 0);

    // 'all' writes everyone; back to 'subscribed-only' takes the tags and memberships away again.
    await setPolicy(h.store, h.shop, 'all');
    const everyone = await runSync(h.store, h.deps, { shopId: h.shop, trigger: 'test', pollIntervalMs: 10 });
    assert.deepEqual(everyone.errors, []);
    for (const p of refusing) for (const id of p.shopifyCustomerIds) assert.ok(ownTags(h, id).length > 0, `${p.personId} is tagged under 'all'`);
    await setPolicy(h.store, h.shop, 'subscribed-only');
    const again = await runSync(h.store, h.deps, { shopId: h.shop, trigger: 'test', pollIntervalMs: 10 });
    assert.deepEqual(again.errors, []);
    assert.ok(again.wrote.shopify.tagsRemoved > 0 && again.wrote.hubspot.membershipsRemoved > 0);
    assert.equal(again.wrote.shopify.tagsAdded, 0);
    for (const p of refusing) for (const id of p.shopifyCustomerIds) assert.deepEqual(ownTags(h, id), [], `${p.personId}'s tags are taken away`);
    const written = await h.store.getWrittenMemberships(h.shop, 'hubspot');
    const refusingContacts = new Set(refusing.flatMap((p) => (p.hubspotContactId ? [p.hubspotContactId] : [])));
    for (const [key, members] of written) for (const id of members) assert.ok(!refusingContacts.has(id), `${key}: contact ${id} is no longer recorded`);
  } finally {
    await h.close();
  }
});

test('the store refuses a consent policy it does not know', async () => {
  const h = await startHarness({ emulator: emulators.shopify });
  try {
    const settings = await h.store.getShopSettings(h.shop);
    assert.ok(settings);
    await assert.rejects(h.store.saveShopSettings(h.shop, { ...settings, consentPolicy: 'some' as ConsentPolicy }, new Date().toISOString()), { code: 'VALIDATION' });
    assert.equal((await h.store.getShopSettings(h.shop))?.consentPolicy, undefined);
  } finally {
    await h.close();
  }
});
