// Contacts through the real SDK: paging with property selection, reads by id and email, batch
// read (207 for missing ids), upsert by email with `new` flags, create conflicts, batch update by id
// (and its refusal by email), the 100-input limit, and GDPR delete.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createHubSpotEmulator } from './index.ts';
import type { HubSpotEmulator } from './index.ts';
import { PORTAL, TOKEN, UNLIMITED, failure, sampleContacts, sdk } from './test-support.ts';

describe('hubspot emulator: contacts', () => {
  let emulator: HubSpotEmulator;
  let client: ReturnType<typeof sdk>;

  before(async () => {
    emulator = await createHubSpotEmulator();
    emulator.addPortal(PORTAL, { accessToken: TOKEN, ...UNLIMITED });
    await emulator.seed(PORTAL, { contacts: sampleContacts(25) });
    client = sdk(emulator);
  });

  after(async () => {
    await emulator.close();
  });

  it('pages through contacts with the after cursor, answering HubSpot defaults or the asked properties', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.crm.contacts.basicApi.getPage(10, cursor);
      seen.push(...page.results.map((c) => c.id));
      cursor = page.paging?.next?.after;
    } while (cursor);
    assert.deepEqual(seen, Array.from({ length: 25 }, (_, i) => String(i + 1)));

    const first = await client.crm.contacts.basicApi.getPage(1);
    const contact = first.results[0];
    assert.ok(contact);
    assert.deepEqual(Object.keys(contact.properties).sort(), ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname']);
    assert.ok(contact.createdAt instanceof Date, 'createdAt deserialises as a Date');
    assert.equal(contact.createdAt.toISOString(), '2024-01-01T00:00:00.000Z');
    assert.equal(contact.properties.createdate, '2024-01-01T00:00:00.000Z');

    const selected = await client.crm.contacts.basicApi.getPage(2, undefined, ['hs_email_open', 'lifecyclestage', 'jobtitle', 'no_such_property']);
    const second = selected.results[1];
    assert.ok(second);
    assert.deepEqual(second.properties, {
      createdate: '2024-01-02T00:00:00.000Z',
      email: 'contact2@example.com',
      hs_email_open: '1',
      hs_object_id: '2',
      jobtitle: null,
      lastmodifieddate: '2024-01-02T01:00:00.000Z',
      lifecyclestage: 'lead',
    });
    assert.equal(typeof second.properties.hs_email_open, 'string', 'numbers come back as strings');
  });

  it('refuses a page size above 100', async () => {
    const refused = await failure(client.crm.contacts.basicApi.getPage(101));
    assert.equal(refused.code, 400);
    assert.equal(refused.body.category, 'VALIDATION_ERROR');
  });

  it('reads one contact by id or by email, and answers 404 for an unknown one', async () => {
    const byId = await client.crm.contacts.basicApi.getById('3', ['lifecyclestage']);
    assert.equal(byId.properties.lifecyclestage, 'customer');
    const byEmail = await client.crm.contacts.basicApi.getById('CONTACT3@example.com', ['firstname'], ['lifecyclestage'], undefined, false, 'email');
    assert.equal(byEmail.id, '3');
    assert.equal(byEmail.propertiesWithHistory?.lifecyclestage?.[0]?.value, 'customer');
    const missing = await failure(client.crm.contacts.basicApi.getById('9999'));
    assert.equal(missing.code, 404);
    assert.equal(missing.body.category, 'OBJECT_NOT_FOUND');
  });

  it('batch-reads by id and by email, answering 207 with the missing ids', async () => {
    const all = await client.crm.contacts.batchApi.read({ inputs: [{ id: '1' }, { id: '2' }], properties: ['email'], propertiesWithHistory: [] });
    assert.deepEqual(all.results.map((c) => c.id).sort(), ['1', '2']);
    assert.equal('errors' in all ? all.errors : undefined, undefined);

    const partial = await client.crm.contacts.batchApi.read({ inputs: [{ id: 'contact4@example.com' }, { id: 'ghost@example.com' }], idProperty: 'email', properties: ['email'], propertiesWithHistory: [] });
    assert.deepEqual(partial.results.map((c) => c.properties.email), ['contact4@example.com']);
    assert.ok('numErrors' in partial, 'a 207 deserialises as BatchResponseSimplePublicObjectWithErrors');
    assert.equal(partial.numErrors, 1);
    assert.equal(partial.errors?.[0]?.category, 'OBJECT_NOT_FOUND');
    assert.deepEqual(partial.errors?.[0]?.context, { ids: ['ghost@example.com'] });
  });

  it('upserts by email: creates missing contacts, updates existing ones, flags which are new', async () => {
    const response = await client.crm.contacts.batchApi.upsert({
      inputs: [
        { id: 'contact5@example.com', idProperty: 'email', properties: { lifecyclestage: 'evangelist', firstname: 'Fifth' } },
        { id: 'New.Person@Example.com', idProperty: 'email', properties: { firstname: 'New', lifecyclestage: 'subscriber' } },
      ],
    });
    assert.equal(response.status, 'COMPLETE');
    const byEmail = new Map(response.results.map((r) => [r.properties.email, r]));
    assert.equal(byEmail.get('contact5@example.com')?._new, false);
    assert.equal(byEmail.get('new.person@example.com')?._new, true, 'emails are stored lower-cased');
    const stored = emulator.getContactByEmail(PORTAL, 'contact5@example.com');
    assert.equal(stored?.properties.lifecyclestage, 'evangelist');
    assert.ok(Date.parse(stored?.properties.lastmodifieddate ?? '') > Date.UTC(2025, 0, 1), 'lastmodifieddate bumped');
    assert.equal(emulator.getContactByEmail(PORTAL, 'NEW.PERSON@example.com')?.properties.firstname, 'New');
  });

  it('refuses batches of more than 100 inputs', async () => {
    const inputs = Array.from({ length: 101 }, (_, i) => ({ id: `bulk${i}@example.com`, idProperty: 'email', properties: { firstname: 'x' } }));
    const refused = await failure(client.crm.contacts.batchApi.upsert({ inputs }));
    assert.equal(refused.code, 400);
    assert.equal(refused.body.category, 'VALIDATION_ERROR');
    assert.equal(emulator.getContactByEmail(PORTAL, 'bulk0@example.com'), null);
  });

  it('creates contacts in a batch (201) and answers 409 CONFLICT for an email that exists', async () => {
    const created = await client.crm.contacts.batchApi.create({ inputs: [{ properties: { email: 'made@example.com', firstname: 'Made' }, associations: [] }] });
    assert.equal(created.results[0]?.properties.firstname, 'Made');
    const duplicate = await failure(client.crm.contacts.batchApi.create({ inputs: [{ properties: { email: 'MADE@example.com' }, associations: [] }] }));
    assert.equal(duplicate.code, 409);
    assert.equal(duplicate.body.category, 'CONFLICT');
    assert.match(duplicate.body.message ?? '', /^Contact already exists\. Existing ID: \d+$/);
    const single = await failure(client.crm.contacts.basicApi.create({ properties: { email: 'contact1@example.com' }, associations: [] }));
    assert.equal(single.code, 409);
  });

  it('updates in a batch by record id, and refuses idProperty email as HubSpot does', async () => {
    const updated = await client.crm.contacts.batchApi.update({ inputs: [{ id: '6', properties: { firstname: 'Sixth' } }] });
    assert.equal(updated.results[0]?.properties.firstname, 'Sixth');
    const byEmail = await failure(client.crm.contacts.batchApi.update({ inputs: [{ id: 'contact7@example.com', idProperty: 'email', properties: { firstname: 'Nope' } }] }));
    assert.equal(byEmail.code, 400);
    assert.equal(byEmail.body.category, 'VALIDATION_ERROR');
    assert.match(byEmail.body.message ?? '', /Unable to perform update\/upsert by non-unique 0-1 property email/);
    assert.equal(emulator.getContactByEmail(PORTAL, 'contact7@example.com')?.properties.firstname, 'First7');
    const taken = await failure(client.crm.contacts.batchApi.update({ inputs: [{ id: '11', properties: { firstname: 'Eleventh' } }, { id: '12', properties: { email: 'CONTACT13@example.com' } }] }));
    assert.equal(taken.code, 409, 'an email may belong to one contact only');
    assert.equal(emulator.getContactByEmail(PORTAL, 'contact11@example.com')?.properties.firstname, 'First11', 'nothing was written');
    const missing = await client.crm.contacts.batchApi.update({ inputs: [{ id: '8', properties: { firstname: 'Eighth' } }, { id: '8888', properties: { firstname: 'Ghost' } }] });
    assert.ok('numErrors' in missing && missing.numErrors === 1, 'unknown ids come back as errors (207)');
  });

  it('GDPR-deletes a contact by id or email: gone from reads and from lists (204)', async () => {
    const list = await client.crm.lists.listsApi.create({ name: 'GDPR check', objectTypeId: '0-1', processingType: 'MANUAL' });
    await client.crm.lists.membershipsApi.add(list.list.listId, ['9', '10']);
    await client.crm.contacts.basicApi.purge({ objectId: '9' });
    await client.crm.contacts.basicApi.purge({ objectId: 'contact10@example.com', idProperty: 'email' });
    assert.equal((await failure(client.crm.contacts.basicApi.getById('9'))).code, 404);
    assert.equal(emulator.getContactByEmail(PORTAL, 'contact10@example.com'), null);
    assert.deepEqual(emulator.listMembers(PORTAL, list.list.listId), []);
    assert.equal((await failure(client.crm.contacts.basicApi.purge({ objectId: '9' }))).code, 404);
  });
});
