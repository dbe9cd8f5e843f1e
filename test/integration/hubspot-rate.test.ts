// A burst of writes from two pushes in flight at once completes without a 429 failure and never
// exceeds the portal's configured rate.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pushProperties, type PropertyChange } from '../../connectors/hubspot/property-push.ts';
import { createHubSpotEmulator, type HubSpotEmulator } from '../emulators/hubspot/index.ts';
import { addPortal, makeContacts } from '../support/hubspot-harness.ts';

let emulator: HubSpotEmulator;
before(async () => {
  emulator = await createHubSpotEmulator();
});
after(async () => {
  await emulator.close();
});

test('two concurrent pushes share the portal limit: no 429, never above the rate', async () => {
  const limit = 12;
  const portal = await addPortal(emulator, { contacts: makeContacts(1400), requestsPerTenSeconds: limit });
  const changes = (from: number): PropertyChange[] =>
    Array.from({ length: 700 }, (_, k) => ({ email: `person${from + k}@example.com`, values: { lastname: `Burst${from + k}` } }));
  // Two clients for the same portal, as two pushes in flight would have.
  const a = portal.client({ requestsPerTenSeconds: limit });
  const b = portal.client({ requestsPerTenSeconds: limit });
  const started = Date.now();
  const [ra, rb] = await Promise.all([pushProperties(a, changes(1), async () => {}), pushProperties(b, changes(701), async () => {})]);
  assert.deepEqual([ra.failed, rb.failed], [[], []]);
  assert.equal(ra.upserted + rb.upserted, 1400);
  const stats = emulator.stats(portal.portalId);
  assert.equal(stats.tooManyRequests, 0, 'HubSpot never had to refuse a request');
  assert.ok(stats.peakRequestsPerTenSeconds <= limit, `peak ${stats.peakRequestsPerTenSeconds} in ten seconds, limit ${limit}`);
  assert.equal(ra.requests + rb.requests, 14);
  assert.ok(Date.now() - started >= 10_000, 'the second window was waited for');
  assert.equal(emulator.getContactByEmail(portal.portalId, 'person1400@example.com')?.properties.lastname, 'Burst1400');
});

test('a 4xx other than 429 stops at once with HubSpot\'s message; the other batches still go out', async () => {
  const portal = await addPortal(emulator, { contacts: makeContacts(150, { start: 5000 }) });
  const client = portal.client();
  const good = Array.from({ length: 100 }, (_, k) => ({ email: `person${5000 + k}@example.com`, values: { lastname: 'Fine' } }));
  const bad = Array.from({ length: 50 }, (_, k) => ({ email: `person${5100 + k}@example.com`, values: { no_such_property: 'x' } }));
  const result = await pushProperties(client, [...good, ...bad], async () => {});
  assert.equal(result.upserted, 100);
  assert.equal(result.failed.length, 50);
  assert.match(result.failed[0]?.message ?? '', /\[VALIDATION\] HubSpot rejected contacts batch upsert \(400\).*no_such_property/s);
  assert.equal(client.stats().retries, 0, 'a refused request is not retried');
  assert.equal(emulator.getContactByEmail(portal.portalId, 'person5000@example.com')?.properties.lastname, 'Fine');
});
