// The ten-second rolling limit per portal: HubSpot's rate-limit headers on every answer, the 429
// body (TEN_SECONDLY_ROLLING) once the window is full, the daily limit, per-portal budgets, and
// the peak recorded in stats.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createHubSpotEmulator } from './index.ts';
import type { HubSpotEmulator } from './index.ts';
import { OTHER_PORTAL, OTHER_TOKEN, PORTAL, TOKEN, failure, sampleContacts, sdk } from './test-support.ts';

describe('hubspot emulator: rate limits', () => {
  let emulator: HubSpotEmulator;

  before(async () => {
    emulator = await createHubSpotEmulator();
    emulator.addPortal(PORTAL, { accessToken: TOKEN, requestsPerTenSeconds: 5 });
    emulator.addPortal(OTHER_PORTAL, { accessToken: OTHER_TOKEN, requestsPerTenSeconds: 190 });
    emulator.addPortal(4004, { accessToken: 'pat-default' });
    emulator.addPortal(5005, { accessToken: 'pat-daily', dailyLimit: 2 });
    await emulator.seed(PORTAL, { contacts: sampleContacts(2) });
  });

  after(async () => {
    await emulator.close();
  });

  it('sends the rate-limit headers on successful answers', async () => {
    const client = sdk(emulator);
    const first = await client.crm.contacts.basicApi.getPageWithHttpInfo(1);
    assert.equal(first.httpStatusCode, 200);
    assert.equal(first.headers['x-hubspot-ratelimit-max'], '5');
    assert.equal(first.headers['x-hubspot-ratelimit-remaining'], '4');
    assert.equal(first.headers['x-hubspot-ratelimit-interval-milliseconds'], '10000');
    assert.equal(first.headers['x-hubspot-ratelimit-daily'], '250000');
    assert.equal(first.headers['x-hubspot-ratelimit-daily-remaining'], '249999');
    const notFound = await failure(client.crm.contacts.basicApi.getById('777'));
    assert.equal(notFound.code, 404);
    assert.equal(notFound.headers['x-hubspot-ratelimit-remaining'], '3', 'errors count against the window too');
    const defaults = await sdk(emulator, 'pat-default').crm.contacts.basicApi.getPageWithHttpInfo();
    assert.equal(defaults.headers['x-hubspot-ratelimit-max'], '100');
  });

  it("answers 429 with HubSpot's RATE_LIMIT body once the ten-second window is full", async () => {
    const client = sdk(emulator);
    await client.crm.contacts.basicApi.getPage(1);
    await client.crm.contacts.basicApi.getPage(1);
    await client.crm.contacts.basicApi.getPage(1);
    const limited = await failure(client.crm.contacts.basicApi.getPage(1));
    assert.equal(limited.code, 429);
    assert.deepEqual(Object.keys(limited.body).sort(), ['correlationId', 'errorType', 'groupName', 'message', 'policyName', 'status']);
    assert.equal(limited.body.status, 'error');
    assert.equal(limited.body.message, 'You have reached your ten_secondly_rolling limit.');
    assert.equal(limited.body.errorType, 'RATE_LIMIT');
    assert.equal(limited.body.policyName, 'TEN_SECONDLY_ROLLING');
    assert.match(limited.body.correlationId ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(limited.headers['x-hubspot-ratelimit-max'], '5');
    assert.equal(limited.headers['x-hubspot-ratelimit-remaining'], '0');
    assert.equal(limited.headers['x-hubspot-ratelimit-interval-milliseconds'], '10000');

    const stats = emulator.stats(PORTAL);
    assert.equal(stats.peakRequestsPerTenSeconds, 5);
    assert.equal(stats.tooManyRequests, 1);
    assert.equal(stats.rateLimitedByPolicy.TEN_SECONDLY_ROLLING, 1);
    assert.equal(stats.requests, 5, 'refused requests are not counted as accepted');
    assert.equal(stats.requestsByKind['contacts.getPage'], 4);
  });

  it("keeps each portal's budget separate, and 401s cost nothing", async () => {
    const other = await sdk(emulator, OTHER_TOKEN).crm.contacts.basicApi.getPageWithHttpInfo();
    assert.equal(other.headers['x-hubspot-ratelimit-max'], '190');
    assert.equal(other.headers['x-hubspot-ratelimit-remaining'], '189');
    const unauthenticated = await failure(sdk(emulator, 'pat-wrong').crm.contacts.basicApi.getPage());
    assert.equal(unauthenticated.code, 401);
    assert.equal(unauthenticated.headers['x-hubspot-ratelimit-max'], undefined);
    assert.equal(emulator.stats(OTHER_PORTAL).requests, 1);
  });

  it('enforces the daily limit with policy DAILY', async () => {
    const client = sdk(emulator, 'pat-daily');
    await client.crm.contacts.basicApi.getPage();
    const last = await client.crm.contacts.basicApi.getPageWithHttpInfo();
    assert.equal(last.headers['x-hubspot-ratelimit-daily-remaining'], '0');
    const refused = await failure(client.crm.contacts.basicApi.getPage());
    assert.equal(refused.code, 429);
    assert.equal(refused.body.policyName, 'DAILY');
    assert.equal(emulator.stats(5005).rateLimitedByPolicy.DAILY, 1);
  });
});
