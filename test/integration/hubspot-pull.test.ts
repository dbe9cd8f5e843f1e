// HubSpot contacts in, through the real SDK against the emulator: full read, incremental reads,
// more than 10,000 changes (search time windows), retries.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { parseContactCheckpoint } from '../../connectors/hubspot/contact-checkpoint.ts';
import { contactsStream } from '../../connectors/hubspot/contacts-stream.ts';
import { pullHubSpot } from '../../app/sync/pull-hubspot.ts';
import { createStore } from '../../app/store/create-store.ts';
import type { Store } from '../../app/store/store.ts';
import type { Contact } from '../../core/model.ts';
import { createHubSpotEmulator, type HubSpotEmulator } from '../emulators/hubspot/index.ts';
import { HUBSPOT_FAST_RETRY, addPortal, makeContacts } from '../support/hubspot-harness.ts';

let emulator: HubSpotEmulator;
before(async () => {
  emulator = await createHubSpotEmulator();
});
after(async () => {
  await emulator.close();
});

async function freshStore(): Promise<{ store: Store; shop: string }> {
  const store = await createStore({ sqlitePath: ':memory:' });
  const shop = 'hubspot-test.myshopify.com';
  await store.ensureShop(shop, new Date().toISOString());
  return { store, shop };
}
const quiet = { progress: () => {} };

test('a full read stores every contact with its engagement, then reads only what changed', async () => {
  const portal = await addPortal(emulator, { contacts: makeContacts(250) });
  const { store, shop } = await freshStore();
  try {
    const first = await pullHubSpot(store, shop, portal.client(), { full: false, ...quiet });
    assert.equal(first.mode, 'full');
    assert.equal(first.contacts, 250);
    assert.equal(await store.countContacts(shop), 250);
    const ids = emulator.listContacts(portal.portalId).map((c) => c.id);
    const seven = await store.getContact(shop, ids[6] ?? '');
    assert.equal(seven?.email, 'person7@example.com');
    assert.equal(seven?.emailOpens, 0);
    assert.equal(seven?.emailClicks, 1);
    assert.equal(seven?.emailDelivered, 12);
    assert.equal(parseContactCheckpoint(await store.getCheckpoint(shop, 'hubspot.contacts'))?.mode, 'incremental');

    emulator.updateContact(portal.portalId, ids[9] ?? '', { firstname: 'Changed', hs_analytics_num_visits: '42' } as never);
    const second = await pullHubSpot(store, shop, portal.client(), { full: false, ...quiet });
    assert.equal(second.mode, 'incremental');
    assert.ok(second.contacts >= 1 && second.contacts < 250, `read ${second.contacts}`);
    const ten = await store.getContact(shop, ids[9] ?? '');
    assert.equal(ten?.firstName, 'Changed');
    assert.equal(ten?.visits, 42);
  } finally {
    await store.close();
  }
});

test('more than 10,000 changed contacts are read in search time windows without passing the limit', async () => {
  const count = 10_450;
  const portal = await addPortal(emulator, { contacts: makeContacts(count) });
  const { store, shop } = await freshStore();
  try {
    await store.savePage(shop, { checkpoint: { stream: 'hubspot.contacts', value: JSON.stringify({ mode: 'incremental', since: '2000-01-01T00:00:00.000Z' }) } });
    const result = await pullHubSpot(store, shop, portal.client(), { full: false, ...quiet });
    assert.equal(result.mode, 'incremental');
    assert.equal(await store.countContacts(shop), count, 'every contact arrived');
    const stats = emulator.stats(portal.portalId);
    assert.equal(stats.clientErrors, 0, 'no search went past 10,000 results');
    assert.ok((stats.requestsByKind['contacts.search'] ?? 0) >= 53, 'it took more than one window');
  } finally {
    await store.close();
  }
});

test('when most contacts changed, an incremental pull reads them all through the list instead of searching', async () => {
  const portal = await addPortal(emulator, { contacts: makeContacts(600) });
  const { store, shop } = await freshStore();
  try {
    await pullHubSpot(store, shop, portal.client(), { full: false, ...quiet });
    const ids = emulator.listContacts(portal.portalId).map((c) => c.id);
    // Searches at 5 a second of 200 contacts (1,000 a second) against list pages of 100 at 100 a
    // second (10,000 a second): the list is quicker once more than a tenth of the contacts changed.
    const client = () => portal.client({ searchRequestsPerSecond: 5 });
    for (const id of ids.slice(0, 450)) emulator.updateContact(portal.portalId, id, { lastname: 'Moved' } as never);
    // The latest change comes over a second after the others: the list read's margin is one second
    // before the latest change, so the next pull does not take the 450 again.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    emulator.updateContact(portal.portalId, ids[599] ?? '', { lastname: 'Last' } as never);
    const before = emulator.stats(portal.portalId).requestsByKind;
    const progress: string[] = [];
    const many = await pullHubSpot(store, shop, client(), { full: false, progress: (_s, m) => progress.push(m) });
    const after = emulator.stats(portal.portalId).requestsByKind;
    const spent = (kind: string) => (after[kind] ?? 0) - (before[kind] ?? 0);
    assert.equal(spent('contacts.search'), 2, 'two one-result searches: the changed and the whole count');
    assert.equal(spent('contacts.getPage'), 6, 'then the list, 100 a page');
    assert.equal(many.contacts, 600);
    assert.ok(progress.some((m) => /^451 of 600 contacts changed since .*: reading them all is quicker than searching$/.test(m)), progress.join('\n'));
    assert.equal((await store.getContact(shop, ids[0] ?? ''))?.lastName, 'Moved');
    const checkpoint = parseContactCheckpoint(await store.getCheckpoint(shop, 'hubspot.contacts'));
    assert.equal(checkpoint?.mode, 'incremental', 'the list read ends in an incremental checkpoint');

    // A few changes: searched, as before.
    emulator.updateContact(portal.portalId, ids[500] ?? '', { lastname: 'Once' } as never);
    const mid = emulator.stats(portal.portalId).requestsByKind;
    await pullHubSpot(store, shop, client(), { full: false, ...quiet });
    const end = emulator.stats(portal.portalId).requestsByKind;
    assert.equal((end['contacts.getPage'] ?? 0) - (mid['contacts.getPage'] ?? 0), 0, 'no list read for a few changes');
    assert.ok((end['contacts.search'] ?? 0) - (mid['contacts.search'] ?? 0) >= 2);
    assert.equal((await store.getContact(shop, ids[500] ?? ''))?.lastName, 'Once');
  } finally {
    await store.close();
  }
});

test('more than 10,000 contacts modified at the same instant are paged by record id', async () => {
  const count = 10_300;
  const portal = await addPortal(emulator, { contacts: makeContacts(count, { modifiedAt: () => '2025-03-01T12:00:00.000Z' }) });
  const seen = new Set<string>();
  const pages = contactsStream.pull({ client: portal.client(), full: false }, JSON.stringify({ mode: 'incremental', since: '2025-03-01T00:00:00.000Z' }));
  for await (const page of pages) for (const c of page.records as Contact[]) seen.add(c.id);
  assert.equal(seen.size, count);
  assert.equal(emulator.stats(portal.portalId).clientErrors, 0);
});

test('5xx answers, dropped connections and a 429 storm are retried; a contact without email is kept with email null', async () => {
  const contacts = makeContacts(120);
  const portal = await addPortal(emulator, { contacts });
  const { store, shop } = await freshStore();
  try {
    const noEmail = emulator.listContacts(portal.portalId)[3]?.id ?? '';
    emulator.updateContact(portal.portalId, noEmail, { email: '' } as never);
    emulator.injectFault(portal.portalId, { kind: 'http', status: 503, times: 2 });
    emulator.injectFault(portal.portalId, { kind: 'drop', times: 1 });
    emulator.injectFault(portal.portalId, { kind: 'http', status: 429, policyName: 'TEN_SECONDLY_ROLLING', times: 3 });
    // Six failures in a row on the first request: a policy of eight attempts rides them out.
    const client = portal.client({ retryPolicy: { ...HUBSPOT_FAST_RETRY, maxAttempts: 8 } });
    const result = await pullHubSpot(store, shop, client, { full: false, ...quiet });
    assert.equal(result.contacts, 120);
    assert.equal(client.stats().retries, 6);
    assert.equal(client.stats().rateLimited, 3);
    assert.equal((await store.getContact(shop, noEmail))?.email, null);
  } finally {
    await store.close();
  }
});

test('a wrong token fails at once with a clear error and stores nothing', async () => {
  const portal = await addPortal(emulator, { contacts: makeContacts(5) });
  const { store, shop } = await freshStore();
  try {
    const { createHubSpotClient } = await import('../../connectors/hubspot/hubspot-client.ts');
    const wrong = createHubSpotClient({ accessToken: 'pat-wrong', basePath: emulator.origin }, { now: Date.now, sleep: async () => {}, random: Math.random });
    await assert.rejects(pullHubSpot(store, shop, wrong, { full: false, ...quiet }), /HubSpot refused the access token/);
    assert.equal(await store.countContacts(shop), 0);
    assert.equal(await store.getCheckpoint(shop, 'hubspot.contacts'), null);
    assert.equal(portal.logs.length, 0);
  } finally {
    await store.close();
  }
});
