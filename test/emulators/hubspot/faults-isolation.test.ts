// Authentication (401 INVALID_AUTHENTICATION), injected faults (5xx, 429 bodies, dropped sockets,
// delays; n times, by path prefix and method) and tenant isolation between two portals.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from '@hubspot/api-client';
import { createHubSpotEmulator } from './index.ts';
import type { HubSpotEmulator } from './index.ts';
import { OTHER_PORTAL, OTHER_TOKEN, PORTAL, TOKEN, UNLIMITED, failure, sampleContacts, sdk } from './test-support.ts';

describe('hubspot emulator: authentication, faults and isolation', () => {
  let emulator: HubSpotEmulator;
  let alpha: ReturnType<typeof sdk>;
  let beta: ReturnType<typeof sdk>;

  before(async () => {
    emulator = await createHubSpotEmulator();
    emulator.addPortal(PORTAL, { accessToken: TOKEN, ...UNLIMITED });
    emulator.addPortal(OTHER_PORTAL, { accessToken: OTHER_TOKEN, ...UNLIMITED });
    await emulator.seed(PORTAL, { contacts: sampleContacts(3) });
    await emulator.seed(OTHER_PORTAL, { contacts: [{ id: 1, email: 'beta-only@example.com', firstname: 'Beta', createdate: '2024-03-01T00:00:00Z' }] });
    alpha = sdk(emulator);
    beta = sdk(emulator, OTHER_TOKEN);
  });

  after(async () => {
    await emulator.close();
  });

  it("answers 401 with HubSpot's INVALID_AUTHENTICATION body for a missing or unknown token", async () => {
    const wrong = await failure(sdk(emulator, 'pat-na1-nope').crm.contacts.basicApi.getPage());
    assert.equal(wrong.code, 401);
    assert.equal(wrong.body.status, 'error');
    assert.equal(wrong.body.category, 'INVALID_AUTHENTICATION');
    assert.match(wrong.body.message ?? '', /^Authentication credentials not found/);
    const missing = await failure(new Client({ basePath: emulator.origin }).crm.contacts.basicApi.getPage());
    assert.equal(missing.code, 401);
  });

  it('injects 500, 502, 503 and 504 once each, then answers normally', async () => {
    for (const status of [500, 502, 503, 504] as const) emulator.injectFault(PORTAL, { kind: 'http', status });
    for (const status of [500, 502, 503, 504]) {
      const fault = await failure(alpha.crm.contacts.basicApi.getPage());
      assert.equal(fault.code, status);
      assert.equal(fault.body.status, 'error');
    }
    assert.equal((await alpha.crm.contacts.basicApi.getPage()).results.length, 3);
    assert.equal(emulator.stats(PORTAL).faults, 4);
  });

  it('matches faults on a path prefix and method, n times', async () => {
    emulator.injectFault(PORTAL, { kind: 'http', status: 503, times: 2, pathPrefix: '/crm/v3/objects/contacts/search' });
    emulator.injectFault(PORTAL, { kind: 'http', status: 500, method: 'PUT', pathPrefix: '/crm/v3/lists' });
    assert.equal((await alpha.crm.contacts.basicApi.getPage()).results.length, 3, 'other paths are untouched');
    assert.equal((await failure(alpha.crm.contacts.searchApi.doSearch({}))).code, 503);
    assert.equal((await failure(alpha.crm.contacts.searchApi.doSearch({}))).code, 503);
    assert.equal((await alpha.crm.contacts.searchApi.doSearch({})).total, 3);
    const list = await alpha.crm.lists.listsApi.create({ name: 'Faulty', objectTypeId: '0-1', processingType: 'MANUAL' });
    assert.equal((await failure(alpha.crm.lists.membershipsApi.add(list.list.listId, ['1']))).code, 500);
    assert.deepEqual((await alpha.crm.lists.membershipsApi.add(list.list.listId, ['1'])).recordsIdsAdded, ['1']);
  });

  it('injects 429s with the rate-limit body of the chosen policy', async () => {
    emulator.injectFault(PORTAL, { kind: 'http', status: 429 });
    emulator.injectFault(PORTAL, { kind: 'http', status: 429, policyName: 'SECONDLY' });
    const rolling = await failure(alpha.crm.contacts.basicApi.getPage());
    assert.equal(rolling.code, 429);
    assert.equal(rolling.body.policyName, 'TEN_SECONDLY_ROLLING');
    assert.equal(rolling.body.errorType, 'RATE_LIMIT');
    assert.equal(rolling.headers['x-hubspot-ratelimit-remaining'], '0');
    const secondly = await failure(alpha.crm.contacts.basicApi.getPage());
    assert.equal(secondly.body.policyName, 'SECONDLY');
    assert.equal(secondly.body.message, 'You have reached your secondly limit.');
  });

  it('drops the socket without an answer, delays answers, and clears faults', async () => {
    emulator.injectFault(PORTAL, { kind: 'drop' });
    await assert.rejects(alpha.crm.contacts.basicApi.getPage(), TypeError, 'a network error, not an ApiException');
    emulator.injectFault(PORTAL, { kind: 'delay', ms: 150 });
    const started = Date.now();
    await alpha.crm.contacts.basicApi.getPage();
    assert.ok(Date.now() - started >= 140);
    emulator.injectFault(PORTAL, { kind: 'http', status: 500, times: 5 });
    emulator.clearFaults(PORTAL);
    assert.equal((await alpha.crm.contacts.basicApi.getPage()).results.length, 3);
  });

  it("keeps each portal to its own contacts, properties, lists and faults", async () => {
    assert.deepEqual((await beta.crm.contacts.basicApi.getPage()).results.map((c) => c.properties.email), ['beta-only@example.com']);
    await alpha.crm.contacts.batchApi.update({ inputs: [{ id: '1', properties: { firstname: 'Alpha-only change' } }] });
    assert.equal((await beta.crm.contacts.basicApi.getById('1', ['firstname'])).properties.firstname, 'Beta');
    assert.equal(emulator.getContactByEmail(OTHER_PORTAL, 'contact1@example.com'), null);

    await alpha.crm.properties.groupsApi.create('contacts', { name: 'alpha_group', label: 'Alpha' });
    assert.equal((await failure(beta.crm.properties.groupsApi.getByName('contacts', 'alpha_group'))).code, 404);

    const alphaList = await alpha.crm.lists.listsApi.create({ name: 'Same name', objectTypeId: '0-1', processingType: 'MANUAL' });
    const betaList = await beta.crm.lists.listsApi.create({ name: 'Same name', objectTypeId: '0-1', processingType: 'MANUAL' });
    await alpha.crm.lists.membershipsApi.add(alphaList.list.listId, ['2', '3']);
    const betaAdd = await beta.crm.lists.membershipsApi.add(betaList.list.listId, ['2', '3', '1']);
    assert.deepEqual(betaAdd.recordsIdsAdded, ['1']);
    assert.deepEqual(betaAdd.recordIdsMissing, ['2', '3'], "alpha's record ids mean nothing in beta");
    assert.equal((await beta.crm.lists.listsApi.doSearch({ query: 'Faulty' })).total, 0);

    emulator.injectFault(OTHER_PORTAL, { kind: 'http', status: 503 });
    assert.equal((await alpha.crm.contacts.basicApi.getPage()).results.length, 3, "beta's fault doesn't hit alpha");
    assert.equal((await failure(beta.crm.contacts.basicApi.getPage())).code, 503);
  });
});
