// Properties and groups through the real SDK: built-ins present from the start, creation checked as
// HubSpot checks it (type/fieldType pairs, options, unknown group, duplicates), and contact writes
// checked against the definitions (read-only, unknown property, invalid option, multi-select).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PropertyCreateFieldTypeEnum as FieldType, PropertyCreateTypeEnum as Type } from '@hubspot/api-client/lib/codegen/crm/properties/index.js';
import { createHubSpotEmulator } from './index.ts';
import type { HubSpotEmulator } from './index.ts';
import { PORTAL, TOKEN, UNLIMITED, failure, sampleContacts, sdk } from './test-support.ts';

describe('hubspot emulator: properties', () => {
  let emulator: HubSpotEmulator;
  let client: ReturnType<typeof sdk>;

  before(async () => {
    emulator = await createHubSpotEmulator();
    emulator.addPortal(PORTAL, { accessToken: TOKEN, ...UNLIMITED });
    await emulator.seed(PORTAL, { contacts: sampleContacts(3) });
    client = sdk(emulator);
  });

  after(async () => {
    await emulator.close();
  });

  it('has the built-in contact properties and groups from the start', async () => {
    const all = await client.crm.properties.coreApi.getAll('contacts');
    const names = all.results.map((p) => p.name);
    for (const name of ['email', 'firstname', 'lastname', 'lifecyclestage', 'createdate', 'lastmodifieddate', 'hs_email_open', 'hs_email_click', 'hs_email_delivered', 'hs_email_bounce', 'hs_email_optout', 'hs_analytics_num_page_views', 'hs_analytics_num_visits', 'hs_analytics_last_visit_timestamp']) {
      assert.ok(names.includes(name), `${name} is built in`);
    }
    const open = await client.crm.properties.coreApi.getByName('contacts', 'hs_email_open');
    assert.equal(open.type, 'number');
    assert.equal(open.modificationMetadata?.readOnlyValue, true);
    assert.equal(open.hubspotDefined, true);
    const stage = await client.crm.properties.coreApi.getByName('contacts', 'lifecyclestage');
    assert.ok(stage.options.some((o) => o.value === 'customer'));
    const groups = await client.crm.properties.groupsApi.getAll('contacts');
    assert.ok(groups.results.some((g) => g.name === 'contactinformation'));
    assert.equal((await failure(client.crm.properties.coreApi.getByName('contacts', 'nope'))).code, 404);
  });

  it('creates a group and properties in it; refuses duplicates with 409', async () => {
    const group = await client.crm.properties.groupsApi.create('contacts', { name: 'refinery', label: 'Segment Refinery', displayOrder: 5 });
    assert.deepEqual({ ...group }, { name: 'refinery', label: 'Segment Refinery', displayOrder: 5, archived: false });
    assert.equal((await client.crm.properties.groupsApi.getByName('contacts', 'refinery')).label, 'Segment Refinery');
    assert.equal((await failure(client.crm.properties.groupsApi.create('contacts', { name: 'refinery', label: 'Again' }))).code, 409);

    const segments = await client.crm.properties.coreApi.create('contacts', {
      name: 'refinery_segments',
      label: 'Refinery segments',
      type: Type.Enumeration,
      fieldType: FieldType.Checkbox,
      groupName: 'refinery',
      options: [
        { label: 'Champions', value: 'champions', hidden: false, displayOrder: 0 },
        { label: 'At risk', value: 'at_risk', hidden: false, displayOrder: 1 },
      ],
    });
    assert.equal(segments.fieldType, 'checkbox');
    assert.equal(segments.createdAt instanceof Date, true);
    const score = await client.crm.properties.coreApi.create('contacts', { name: 'refinery_score', label: 'Score', type: Type.Number, fieldType: FieldType.Number, groupName: 'refinery' });
    assert.equal(score.type, 'number');
    const duplicate = await failure(client.crm.properties.coreApi.create('contacts', { name: 'refinery_score', label: 'Score', type: Type.Number, fieldType: FieldType.Number, groupName: 'refinery' }));
    assert.equal(duplicate.code, 409);
    assert.ok(emulator.listProperties(PORTAL).some((p) => p.name === 'refinery_segments' && p.options.length === 2));
    assert.ok(emulator.listPropertyGroups(PORTAL).some((g) => g.name === 'refinery'));
  });

  it('validates type and fieldType pairs, options and the group', async () => {
    const base = { label: 'X', groupName: 'refinery' };
    const cases = [
      { ...base, name: 'bad_enum_text', type: Type.Enumeration, fieldType: FieldType.Text, options: [{ label: 'A', value: 'a', hidden: false }] },
      { ...base, name: 'bad_enum_no_options', type: Type.Enumeration, fieldType: FieldType.Select },
      { ...base, name: 'bad_number_text', type: Type.Number, fieldType: FieldType.Text },
      { ...base, name: 'bad_string_select', type: Type.String, fieldType: FieldType.Select },
      { ...base, name: 'bad_group', type: Type.String, fieldType: FieldType.Text, groupName: 'no_such_group' },
      { ...base, name: 'Bad Name', type: Type.String, fieldType: FieldType.Text },
    ];
    for (const input of cases) {
      const refused = await failure(client.crm.properties.coreApi.create('contacts', input));
      assert.equal(refused.code, 400, input.name);
      assert.equal(refused.body.category, 'VALIDATION_ERROR', input.name);
    }
    const radio = await client.crm.properties.coreApi.create('contacts', { ...base, name: 'refinery_tier', type: Type.Enumeration, fieldType: FieldType.Radio, options: [{ label: 'Gold', value: 'gold', hidden: false }] });
    assert.equal(radio.options[0]?.value, 'gold');
    const flag = await client.crm.properties.coreApi.create('contacts', { ...base, name: 'refinery_flag', type: Type.Enumeration, fieldType: FieldType.Booleancheckbox, options: [{ label: 'Yes', value: 'true', hidden: false }, { label: 'No', value: 'false', hidden: false }] });
    assert.equal(flag.fieldType, 'booleancheckbox');
  });

  it('checks contact writes against the definitions, as HubSpot does', async () => {
    const readOnly = await failure(client.crm.contacts.batchApi.upsert({ inputs: [{ id: 'contact1@example.com', idProperty: 'email', properties: { hs_email_open: '42' } }] }));
    assert.equal(readOnly.code, 400);
    assert.equal(readOnly.body.category, 'VALIDATION_ERROR');
    assert.match(readOnly.body.message ?? '', /^Property values were not valid: .*"error":"READ_ONLY_VALUE".*"name":"hs_email_open"/);
    const unknown = await failure(client.crm.contacts.batchApi.upsert({ inputs: [{ id: 'contact1@example.com', idProperty: 'email', properties: { favourite_colour: 'blue' } }] }));
    assert.match(unknown.body.message ?? '', /"error":"PROPERTY_DOESNT_EXIST".*"name":"favourite_colour"/);
    const badOption = await failure(client.crm.contacts.batchApi.upsert({ inputs: [{ id: 'contact1@example.com', idProperty: 'email', properties: { lifecyclestage: 'wizard' } }] }));
    assert.match(badOption.body.message ?? '', /"error":"INVALID_OPTION"/);
    const badMulti = await failure(client.crm.contacts.batchApi.upsert({ inputs: [{ id: 'contact1@example.com', idProperty: 'email', properties: { refinery_segments: 'champions;unknown' } }] }));
    assert.match(badMulti.body.message ?? '', /"error":"INVALID_OPTION"/);
    assert.equal(emulator.getContactByEmail(PORTAL, 'contact1@example.com')?.properties.hs_email_open, '0', 'a refused batch writes nothing');

    await client.crm.contacts.batchApi.upsert({ inputs: [{ id: 'contact1@example.com', idProperty: 'email', properties: { refinery_segments: 'champions;at_risk', refinery_score: '12.5', refinery_tier: 'gold' } }] });
    const stored = emulator.getContactByEmail(PORTAL, 'contact1@example.com');
    assert.equal(stored?.properties.refinery_segments, 'champions;at_risk');
    assert.equal(stored?.properties.refinery_score, '12.5');
    await client.crm.contacts.batchApi.upsert({ inputs: [{ id: 'contact1@example.com', idProperty: 'email', properties: { refinery_segments: '' } }] });
    assert.equal(emulator.getContactByEmail(PORTAL, 'contact1@example.com')?.properties.refinery_segments, undefined, 'an empty value clears');
  });

  it('lets HubSpot-side changes set calculated properties and bumps lastmodifieddate', () => {
    const before = emulator.getContactByEmail(PORTAL, 'contact2@example.com');
    const after = emulator.updateContact(PORTAL, before?.id ?? '', { hs_email_open: 7, hs_analytics_last_visit_timestamp: Date.UTC(2025, 5, 1) });
    assert.equal(after.properties.hs_email_open, '7');
    assert.equal(after.properties.hs_analytics_last_visit_timestamp, '2025-06-01T00:00:00.000Z');
    assert.ok(after.updatedAt > (before?.updatedAt ?? ''));
    assert.equal(after.properties.lastmodifieddate, after.updatedAt);
    assert.throws(() => emulator.updateContact(PORTAL, 2, { no_such_property: 'x' }), /PROPERTY_DOESNT_EXIST/);
  });

  it('defines unknown seed properties as text properties', async () => {
    await emulator.seed(PORTAL, { contacts: [{ email: 'snacker@example.com', favourite_snack: 'crisps' }] });
    const definition = await client.crm.properties.coreApi.getByName('contacts', 'favourite_snack');
    assert.equal(definition.type, 'string');
    assert.equal(definition.hubspotDefined, false);
    const stored = emulator.getContactByEmail(PORTAL, 'snacker@example.com');
    assert.equal(stored?.properties.favourite_snack, 'crisps');
  });
});
