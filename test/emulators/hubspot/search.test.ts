// CRM search through the real SDK: operators on strings, numbers and date-times (epoch ms or ISO),
// OR-ed filter groups, sorts, paging with total, the 200 page limit, the 10,000-result window and
// the search endpoints' own limit of 5 requests per second.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FilterOperatorEnum as Op } from '@hubspot/api-client/lib/codegen/crm/contacts/index.js';
import type { Filter } from '@hubspot/api-client/lib/codegen/crm/contacts/index.js';
import { createHubSpotEmulator } from './index.ts';
import type { HubSpotEmulator } from './index.ts';
import { OTHER_PORTAL, OTHER_TOKEN, PORTAL, START, TOKEN, UNLIMITED, failure, sampleContacts, sdk } from './test-support.ts';

const DAY = 86_400_000;
const BIG_PORTAL = 3003;
const BIG_TOKEN = 'pat-na1-big';

describe('hubspot emulator: search', () => {
  let emulator: HubSpotEmulator;
  let client: ReturnType<typeof sdk>;

  const ids = async (filters: Filter[][], extra: { sorts?: string[]; limit?: number } = {}): Promise<string[]> => {
    const response = await client.crm.contacts.searchApi.doSearch({ filterGroups: filters.map((group) => ({ filters: group })), limit: extra.limit ?? 200, sorts: extra.sorts });
    return response.results.map((c) => c.id);
  };

  before(async () => {
    emulator = await createHubSpotEmulator();
    emulator.addPortal(PORTAL, { accessToken: TOKEN, ...UNLIMITED });
    emulator.addPortal(OTHER_PORTAL, { accessToken: OTHER_TOKEN, requestsPerTenSeconds: 1000 });
    emulator.addPortal(BIG_PORTAL, { accessToken: BIG_TOKEN, ...UNLIMITED });
    await emulator.seed(PORTAL, { contacts: [...sampleContacts(10), { id: 11, email: 'jobless@example.com', createdate: START, jobtitle: 'Buyer' }] });
    await emulator.seed(OTHER_PORTAL, { contacts: sampleContacts(2) });
    await emulator.seed(BIG_PORTAL, { contacts: Array.from({ length: 10_050 }, (_, i) => ({ email: `big${i}@example.com`, createdate: START + i * 1000 })) });
    client = sdk(emulator);
  });

  after(async () => {
    await emulator.close();
  });

  it('filters with EQ, NEQ, IN, HAS_PROPERTY and NOT_HAS_PROPERTY', async () => {
    assert.deepEqual(await ids([[{ propertyName: 'email', operator: Op.Eq, value: 'CONTACT3@example.com' }]]), ['3']);
    assert.deepEqual(await ids([[{ propertyName: 'lifecyclestage', operator: Op.In, values: ['lead'] }]]), ['2', '4', '6', '8', '10']);
    assert.equal((await ids([[{ propertyName: 'lifecyclestage', operator: Op.Neq, value: 'customer' }]])).length, 6, 'NEQ includes contacts without a value');
    assert.deepEqual(await ids([[{ propertyName: 'jobtitle', operator: Op.HasProperty }]]), ['11']);
    assert.equal((await ids([[{ propertyName: 'jobtitle', operator: Op.NotHasProperty }]])).length, 10);
  });

  it('compares numbers and date-times given as epoch milliseconds or ISO strings', async () => {
    assert.deepEqual(await ids([[{ propertyName: 'hs_email_open', operator: Op.Gte, value: '8' }]]), ['9', '10']);
    assert.deepEqual(await ids([[{ propertyName: 'hs_email_open', operator: Op.Lt, value: '2' }]]), ['1', '2']);
    const since = String(START + 7 * DAY);
    assert.deepEqual(await ids([[{ propertyName: 'lastmodifieddate', operator: Op.Gt, value: since }]]), ['8', '9', '10']);
    assert.deepEqual(await ids([[{ propertyName: 'createdate', operator: Op.Between, value: new Date(START + DAY).toISOString(), highValue: String(START + 3 * DAY) }]]), ['2', '3', '4']);
    assert.deepEqual(await ids([[{ propertyName: 'createdate', operator: Op.Lte, value: '2024-01-01T00:00:00Z' }]]), ['1', '11']);
  });

  it('ORs filter groups, ANDs filters within one, and sorts', async () => {
    const found = await ids(
      [
        [{ propertyName: 'lifecyclestage', operator: Op.Eq, value: 'customer' }, { propertyName: 'hs_email_open', operator: Op.Gt, value: '5' }],
        [{ propertyName: 'email', operator: Op.Eq, value: 'contact2@example.com' }],
      ],
      { sorts: ['-createdate'] },
    );
    assert.deepEqual(found, ['9', '7', '2']);
    const response = await client.crm.contacts.searchApi.doSearch({ sorts: [{ propertyName: 'hs_email_open', direction: 'DESCENDING' } as unknown as string], limit: 2, properties: ['hs_email_open'] });
    assert.deepEqual(response.results.map((c) => c.properties.hs_email_open), ['9', '8']);
    assert.deepEqual(Object.keys(response.results[0]?.properties ?? {}).sort(), ['createdate', 'email', 'hs_email_open', 'hs_object_id', 'lastmodifieddate']);
  });

  it('pages with after and reports the total; refuses limits above 200', async () => {
    const first = await client.crm.contacts.searchApi.doSearch({ limit: 4 });
    assert.equal(first.total, 11);
    assert.equal(first.paging?.next?.after, '4');
    const last = await client.crm.contacts.searchApi.doSearch({ limit: 4, after: '8' });
    assert.deepEqual(last.results.map((c) => c.id), ['9', '10', '11']);
    assert.equal(last.paging, undefined);
    const refused = await failure(client.crm.contacts.searchApi.doSearch({ limit: 201 }));
    assert.equal(refused.code, 400);
    assert.equal(refused.body.category, 'VALIDATION_ERROR');
    const badProperty = await failure(client.crm.contacts.searchApi.doSearch({ filterGroups: [{ filters: [{ propertyName: 'nope', operator: Op.Eq, value: 'x' }] }] }));
    assert.equal(badProperty.code, 400);
  });

  it('refuses to page past 10,000 results with a 400', async () => {
    const big = sdk(emulator, BIG_TOKEN);
    const near = await big.crm.contacts.searchApi.doSearch({ limit: 200, after: '9800', sorts: ['createdate'] });
    assert.equal(near.total, 10_050);
    assert.equal(near.results.length, 200);
    assert.equal(near.paging?.next?.after, '10000');
    const beyond = await failure(big.crm.contacts.searchApi.doSearch({ limit: 200, after: near.paging?.next?.after }));
    assert.equal(beyond.code, 400);
    assert.equal(beyond.body.status, 'error');
    assert.equal(beyond.body.category, 'VALIDATION_ERROR');
    assert.match(beyond.body.message ?? '', /10000/);
  });

  it('limits search to 5 requests per second per portal with a SECONDLY 429', async () => {
    const other = sdk(emulator, OTHER_TOKEN);
    const outcomes = await Promise.allSettled(Array.from({ length: 7 }, () => other.crm.contacts.searchApi.doSearch({ limit: 1 })));
    const refused = outcomes.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason as { code: number; body: Record<string, unknown> });
    assert.ok(refused.length >= 2, `expected at least two 429s, got ${refused.length}`);
    for (const error of refused) {
      assert.equal(error.code, 429);
      assert.equal(error.body.policyName, 'SECONDLY');
      assert.equal(error.body.errorType, 'RATE_LIMIT');
      assert.equal(error.body.message, 'You have reached your secondly limit.');
    }
    const stats = emulator.stats(OTHER_PORTAL);
    assert.equal(stats.peakSearchRequestsPerSecond, 5);
    assert.equal(stats.rateLimitedByPolicy.SECONDLY, refused.length);
    assert.equal(emulator.stats(PORTAL).rateLimitedByPolicy.SECONDLY, 0, 'another portal has its own search budget');
    await new Promise((resolve) => setTimeout(resolve, 1050));
    assert.equal((await other.crm.contacts.searchApi.doSearch({ limit: 1 })).total, 2, 'the budget comes back after a second');
  });
});
