// Lists v3 through the real SDK: creation with unique names, fetch by id and name, search,
// membership add/remove/add-and-remove (unknown ids reported missing), member paging, DYNAMIC lists
// (evaluated from their filters, refusing membership writes) and deletion.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createHubSpotEmulator } from './index.ts';
import type { HubSpotEmulator } from './index.ts';
import { PORTAL, TOKEN, UNLIMITED, failure, sampleContacts, sdk } from './test-support.ts';

describe('hubspot emulator: lists', () => {
  let emulator: HubSpotEmulator;
  let client: ReturnType<typeof sdk>;
  let listId: string;

  before(async () => {
    emulator = await createHubSpotEmulator();
    emulator.addPortal(PORTAL, { accessToken: TOKEN, ...UNLIMITED });
    await emulator.seed(PORTAL, { contacts: sampleContacts(12) });
    client = sdk(emulator);
  });

  after(async () => {
    await emulator.close();
  });

  it('creates a MANUAL list and finds it by id, by name and by search', async () => {
    const created = await client.crm.lists.listsApi.create({ name: 'Refinery: Champions', objectTypeId: '0-1', processingType: 'MANUAL' });
    listId = created.list.listId;
    assert.equal(created.list.processingType, 'MANUAL');
    assert.equal(created.list.processingStatus, 'COMPLETE');
    assert.ok(created.list.createdAt instanceof Date);
    assert.equal((await client.crm.lists.listsApi.getById(listId)).list.name, 'Refinery: Champions');
    const byName = await client.crm.lists.listsApi.getByName('Refinery: Champions', '0-1');
    assert.equal(byName.list.listId, listId);
    const found = await client.crm.lists.listsApi.doSearch({ query: 'champ', processingTypes: ['MANUAL'] });
    assert.equal(found.total, 1);
    assert.equal(found.lists[0]?.listId, listId);
    assert.equal(found.lists[0]?.additionalProperties.hs_list_size, '0');
    assert.equal((await failure(client.crm.lists.listsApi.getByName('No such list', '0-1'))).code, 404);
  });

  it('refuses a second list with the same name, a bad processing type and a DYNAMIC list without filters', async () => {
    const duplicate = await failure(client.crm.lists.listsApi.create({ name: 'refinery: champions', objectTypeId: '0-1', processingType: 'MANUAL' }));
    assert.equal(duplicate.code, 400);
    assert.equal(duplicate.body.category, 'VALIDATION_ERROR');
    assert.equal(duplicate.body.subCategory, 'ILS.DUPLICATE_LIST_NAMES');
    assert.equal((await failure(client.crm.lists.listsApi.create({ name: 'X', objectTypeId: '0-1', processingType: 'WEEKLY' }))).code, 400);
    assert.equal((await failure(client.crm.lists.listsApi.create({ name: 'Y', objectTypeId: '0-1', processingType: 'DYNAMIC' }))).code, 400);
  });

  it('adds and removes members, reporting unknown record ids as missing', async () => {
    const added = await client.crm.lists.membershipsApi.add(listId, ['1', '2', '3', '4', '404']);
    assert.deepEqual(added.recordsIdsAdded, ['1', '2', '3', '4']);
    assert.deepEqual(added.recordIdsMissing, ['404']);
    const again = await client.crm.lists.membershipsApi.add(listId, ['4', '5']);
    assert.deepEqual(again.recordsIdsAdded, ['5'], 'members already in the list are not added twice');
    const removed = await client.crm.lists.membershipsApi.remove(listId, ['2', '11', '405']);
    assert.deepEqual(removed.recordIdsRemoved, ['2']);
    assert.deepEqual(removed.recordIdsMissing, ['405']);
    const both = await client.crm.lists.membershipsApi.addAndRemove(listId, { recordIdsToAdd: ['6', '7'], recordIdsToRemove: ['1'] });
    assert.deepEqual(both.recordsIdsAdded, ['6', '7']);
    assert.deepEqual(both.recordIdsRemoved, ['1']);
    assert.deepEqual(emulator.listMembers(PORTAL, listId), ['3', '4', '5', '6', '7']);
    assert.equal((await client.crm.lists.listsApi.getById(listId)).list.size, 5);
  });

  it('pages through members with after and limit', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await client.crm.lists.membershipsApi.getPage(listId, cursor, undefined, 2);
      seen.push(...page.results.map((m) => m.recordId));
      assert.ok(page.results.every((m) => m.membershipTimestamp instanceof Date));
      cursor = page.paging?.next?.after;
      pages++;
    } while (cursor);
    assert.deepEqual(seen, ['3', '4', '5', '6', '7']);
    assert.equal(pages, 3);
    assert.equal((await failure(client.crm.lists.membershipsApi.getPage(listId, undefined, undefined, 251))).code, 400);
    assert.equal((await failure(client.crm.lists.membershipsApi.getPage('999'))).code, 404);
  });

  it('evaluates DYNAMIC lists from their filters and refuses membership writes to them', async () => {
    const dynamic = await client.crm.lists.listsApi.create({
      name: 'Customers (dynamic)',
      objectTypeId: '0-1',
      processingType: 'DYNAMIC',
      filterBranch: {
        filterBranchType: 'OR',
        filterBranchOperator: 'OR',
        filters: [],
        filterBranches: [
          {
            filterBranchType: 'AND',
            filterBranchOperator: 'AND',
            filterBranches: [],
            filters: [{ filterType: 'PROPERTY', property: 'lifecyclestage', operation: { operationType: 'ENUMERATION', operator: 'IS_ANY_OF', values: ['customer'], includeObjectsWithNoValueSet: false } }],
          },
        ],
      } as never,
    });
    const id = dynamic.list.listId;
    assert.deepEqual(emulator.listMembers(PORTAL, id), ['1', '3', '5', '7', '9', '11']);
    for (const call of [
      client.crm.lists.membershipsApi.add(id, ['2']),
      client.crm.lists.membershipsApi.remove(id, ['1']),
      client.crm.lists.membershipsApi.addAndRemove(id, { recordIdsToAdd: ['2'], recordIdsToRemove: [] }),
    ]) {
      const refused = await failure(call);
      assert.equal(refused.code, 400);
      assert.equal(refused.body.category, 'VALIDATION_ERROR');
    }
    emulator.updateContact(PORTAL, 2, { lifecyclestage: 'customer' });
    assert.equal((await client.crm.lists.membershipsApi.getPage(id)).results.length, 7, 'membership follows the data');
  });

  it('deletes a list: 404 afterwards, and its name is free again', async () => {
    await client.crm.lists.listsApi.remove(listId);
    assert.equal((await failure(client.crm.lists.listsApi.getById(listId))).code, 404);
    assert.equal((await failure(client.crm.lists.membershipsApi.add(listId, ['1']))).code, 404);
    assert.ok(emulator.listLists(PORTAL, { includeDeleted: true }).some((l) => l.listId === listId && l.deleted));
    const again = await client.crm.lists.listsApi.create({ name: 'Refinery: Champions', objectTypeId: '0-1', processingType: 'SNAPSHOT' });
    assert.notEqual(again.list.listId, listId);
    assert.deepEqual((await client.crm.lists.membershipsApi.add(again.list.listId, ['1'])).recordsIdsAdded, ['1'], 'SNAPSHOT lists take membership writes');
  });
});
