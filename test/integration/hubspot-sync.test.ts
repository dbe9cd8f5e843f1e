// Both platforms in one sync, through the real SDKs against both emulators: one person, the same
// segments on both sides; a re-run writes nothing; a change writes a small difference.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runSync } from '../../app/sync/run-sync.ts';
import { DEFAULT_TAG_PREFIX } from '../../core/segment-tags.ts';
import { RFM_SEGMENTS } from '../../core/rfm.ts';
import { connectPortal, useBothEmulators } from '../support/both-platforms.ts';
import { startHarness } from '../support/harness.ts';
import { addPortal, makeContacts } from '../support/hubspot-harness.ts';
import { makeCustomers, makeOrders } from '../support/seed-fixtures.ts';

const emulators = useBothEmulators();

test('a person on both platforms ends with the same segments on both sides; a re-run writes nothing', async () => {
  const { shopify, hubspot } = emulators;
  // Customers person1..60; contacts person1..40 (shared) and person101..120 (never bought).
  const customers = makeCustomers(60);
  const h = await startHarness({ emulator: shopify, customers, orders: makeOrders(customers, new Date().toISOString()) });
  const portal = await addPortal(hubspot, { contacts: [...makeContacts(40), ...makeContacts(20, { start: 101 })] });
  try {
    await connectPortal(h, hubspot, portal, { createContacts: true });
    const first = await runSync(h.store, h.deps, { shopId: h.shop, trigger: 'test', pollIntervalMs: 10 });
    assert.deepEqual(first.errors, []);
    assert.equal(first.status, 'succeeded');
    assert.equal(first.read.hubspot.contacts, 60);
    assert.equal(first.people.total, 80, '60 customers + 20 contacts who never bought');
    assert.equal(first.people.onBothPlatforms, 40);
    const w = first.wrote.hubspot;
    assert.equal(w.listsCreated, first.segments.length, 'one list per segment');
    assert.equal(w.propertiesCreated, 6);
    // Customers 41..60 have no contact: those with marketing consent (i % 3 !== 0 in the fixture) are created.
    const consenting = customers.slice(40).filter((_, k) => (40 + k) % 3 !== 0).length;
    assert.equal(w.contactsCreated, consenting);
    assert.equal(w.contactsUpserted, 60 + consenting);
    assert.ok(w.membershipsAdded >= 60 + consenting, 'every contact is in one RFM list, and maybe more');

    // One person, the same segments on both sides.
    const lists = hubspot.listLists(portal.portalId);
    const listKey = new Map((await h.store.getRemoteSegments(h.shop, 'hubspot')).map((r) => [r.remoteId, r.segmentKey]));
    const rfmKeys = new Set(RFM_SEGMENTS.map((d) => d.key));
    for (const contact of hubspot.listContacts(portal.portalId)) {
      const rfmLists = lists.filter((l) => rfmKeys.has(listKey.get(l.listId) ?? '') && hubspot.listMembers(portal.portalId, l.listId).includes(contact.id));
      assert.equal(rfmLists.length, 1, `${contact.properties.email} is in exactly one RFM list`);
    }
    for (const n of [1, 2, 5, 17, 40]) {
      const email = `person${n}@example.com`;
      const contact = hubspot.getContactByEmail(portal.portalId, email);
      assert.ok(contact, email);
      const inLists = lists.filter((l) => hubspot.listMembers(portal.portalId, l.listId).includes(contact.id)).map((l) => listKey.get(l.listId) ?? '?').sort();
      const tags = shopify.customerTags(h.shop, `gid://shopify/Customer/${n}`).filter((t) => t.startsWith(DEFAULT_TAG_PREFIX)).map((t) => t.slice(DEFAULT_TAG_PREFIX.length)).sort();
      assert.deepEqual(inLists, tags, `${email}: HubSpot lists match Shopify tags`);
      assert.equal(contact.properties.refinery_segments, tags.join(';'));
      assert.equal(contact.properties.refinery_rfm_group, tags.find((t) => rfmKeys.has(t)));
    }
    // A contact who never bought is a prospect in HubSpot and has nothing in Shopify.
    const prospect = hubspot.getContactByEmail(portal.portalId, 'person101@example.com');
    assert.equal(prospect?.properties.refinery_segments, 'prospects');

    const second = await runSync(h.store, h.deps, { shopId: h.shop, trigger: 'test', pollIntervalMs: 10 });
    assert.deepEqual(second.errors, []);
    assert.deepEqual(second.wrote.hubspot, { contactsUpserted: 0, contactsCreated: 0, listsCreated: 0, listsDeleted: 0, membershipsAdded: 0, membershipsRemoved: 0, propertiesCreated: 0 });
    assert.deepEqual(second.wrote.shopify, { tagsAdded: 0, tagsRemoved: 0, segmentsCreated: 0, segmentsUpdated: 0, segmentsDeleted: 0 });

    // Customer 7 (a prospect: the fixture gives every sixth customer no orders) buys: they move on both sides.
    const now = new Date().toISOString();
    await shopify.seed(h.shop, { orders: [{ customerId: 7, email: 'person7@example.com', createdAt: now, processedAt: now, updatedAt: now, currency: 'USD', lineItems: [{ title: 'Mug', quantity: 1, price: 30 }] }] });
    const third = await runSync(h.store, h.deps, { shopId: h.shop, trigger: 'test', pollIntervalMs: 10 });
    assert.deepEqual(third.errors, []);
    assert.ok(third.wrote.hubspot.membershipsAdded >= 1 && third.wrote.hubspot.membershipsRemoved >= 1, `${third.wrote.hubspot.membershipsAdded} memberships added`);
    const seven = hubspot.getContactByEmail(portal.portalId, 'person7@example.com');
    assert.notEqual(seven?.properties.refinery_rfm_group, 'prospects');
    assert.ok(rfmKeys.has(seven?.properties.refinery_rfm_group ?? ''));
    const sevenTags = shopify.customerTags(h.shop, 'gid://shopify/Customer/7').filter((t) => t.startsWith(DEFAULT_TAG_PREFIX)).map((t) => t.slice(DEFAULT_TAG_PREFIX.length)).sort();
    assert.equal(seven?.properties.refinery_segments, sevenTags.join(';'), 'the same segments on both sides after the move');
  } finally {
    await h.close();
  }
});

test('without permission to create contacts, customers without a contact stay out of HubSpot', async () => {
  const { shopify, hubspot } = emulators;
  const customers = makeCustomers(30);
  const h = await startHarness({ emulator: shopify, customers, orders: makeOrders(customers, new Date().toISOString()) });
  const portal = await addPortal(hubspot, { contacts: makeContacts(10) });
  try {
    await connectPortal(h, hubspot, portal);
    const report = await runSync(h.store, h.deps, { shopId: h.shop, trigger: 'test', pollIntervalMs: 10 });
    assert.equal(report.status, 'succeeded');
    assert.equal(report.wrote.hubspot.contactsCreated, 0);
    assert.equal(hubspot.listContacts(portal.portalId).length, 10);
  } finally {
    await h.close();
  }
});
