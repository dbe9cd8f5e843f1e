// HubSpot webhooks into our handler over real HTTP: a privacy deletion removes the person's
// HubSpot data from the store; bad, stale and malformed deliveries are refused and change nothing.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { handleHubSpotWebhook, type HubSpotWebhookOutcome } from '../../app/webhooks/hubspot-webhook.ts';
import { createStore } from '../../app/store/create-store.ts';
import type { Store } from '../../app/store/store.ts';
import { pullHubSpot } from '../../app/sync/pull-hubspot.ts';
import { createHubSpotEmulator, type HubSpotEmulator } from '../emulators/hubspot/index.ts';
import { addPortal, makeContacts } from '../support/hubspot-harness.ts';

const SECRET = 'app-client-secret';
const SHOP = 'webhooks.myshopify.com';
let emulator: HubSpotEmulator;
let store: Store;
let server: Server;
let target: string;
const outcomes: HubSpotWebhookOutcome[] = [];

before(async () => {
  emulator = await createHubSpotEmulator();
  store = await createStore({ sqlitePath: ':memory:' });
  await store.ensureShop(SHOP, new Date().toISOString());
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const { port } = server.address() as AddressInfo;
      void handleHubSpotWebhook(
        store,
        SHOP,
        { method: req.method ?? 'POST', uri: `http://127.0.0.1:${port}${req.url ?? '/'}`, rawBody: Buffer.concat(chunks), headers: req.headers as Record<string, string> },
        { clientSecret: SECRET, now: new Date() },
      ).then((outcome) => {
        outcomes.push(outcome);
        res.writeHead(outcome.accepted ? 204 : outcome.status).end();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  target = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/hubspot`;
});
after(async () => {
  await emulator.close();
  await store.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

test('a GDPR deletion in HubSpot removes the contact and what we wrote about it from our store', async () => {
  const portal = await addPortal(emulator, { contacts: makeContacts(5) });
  emulator.subscribeWebhooks(portal.portalId, { targetUrl: target, appId: 99, clientSecret: SECRET });
  const client = portal.client();
  await pullHubSpot(store, SHOP, client, { full: true, progress: () => {} });
  const victim = emulator.listContacts(portal.portalId)[2]?.id ?? '';
  const other = emulator.listContacts(portal.portalId)[3]?.id ?? '';
  await store.recordPropertyWrites(SHOP, [{ contactId: victim, values: { refinery_rfm_group: 'loyal' } }, { contactId: other, values: { refinery_rfm_group: 'new' } }], new Date().toISOString());
  await store.recordMembershipWrite(SHOP, { platform: 'hubspot', added: [{ segmentKey: 'loyal', customerId: victim }], removed: [], at: new Date().toISOString() });
  assert.ok(await store.getContact(SHOP, victim));

  await client.call('gdpr delete', (sdk) => sdk.crm.contacts.basicApi.purge({ objectId: victim }));
  await emulator.flushWebhooks();
  const deliveries = emulator.webhookDeliveries(portal.portalId);
  assert.ok(deliveries.some((d) => d.status === 204 && d.events.some((e) => e.subscriptionType === 'contact.privacyDeletion')), 'the privacy deletion was delivered and accepted');
  assert.equal(await store.getContact(SHOP, victim), null);
  assert.equal((await store.getWrittenProperties(SHOP)).has(victim), false);
  assert.equal((await store.getWrittenMemberships(SHOP, 'hubspot')).get('loyal')?.has(victim) ?? false, false);
  assert.ok(await store.getContact(SHOP, other), 'another contact is untouched');
  assert.equal((await store.getWrittenProperties(SHOP)).get(other)?.refinery_rfm_group, 'new');
  emulator.unsubscribeWebhooks(portal.portalId);
});

test('a bad signature, a stale timestamp and a malformed body are refused and change nothing', async () => {
  const portal = await addPortal(emulator, { contacts: makeContacts(3, { start: 50 }) });
  emulator.subscribeWebhooks(portal.portalId, { targetUrl: target, appId: 99, clientSecret: SECRET });
  await pullHubSpot(store, SHOP, portal.client(), { full: true, progress: () => {} });
  const id = emulator.listContacts(portal.portalId)[0]?.id ?? '';
  const before = await store.countContacts(SHOP);
  const deletion = [{ subscriptionType: 'contact.privacyDeletion' as const, objectId: Number(id) }];
  const bad = await emulator.sendCustomWebhook(portal.portalId, { events: deletion, signWithSecret: 'not-the-secret' });
  assert.equal(bad.status, 401);
  const stale = await emulator.sendCustomWebhook(portal.portalId, { events: deletion, timestamp: Date.now() - 6 * 60_000 });
  assert.equal(stale.status, 401);
  const unsigned = await emulator.sendCustomWebhook(portal.portalId, { events: deletion, omitSignature: true });
  assert.equal(unsigned.status, 401);
  const malformed = await emulator.sendCustomWebhook(portal.portalId, { body: '{"not":"an array"' });
  assert.equal(malformed.status, 400);
  assert.equal(await store.countContacts(SHOP), before, 'nothing was deleted');
  const reasons = outcomes.slice(-4).map((o) => (o.accepted ? 'accepted' : o.reason));
  assert.deepEqual(reasons.slice(0, 3), ['signature-mismatch', 'stale-timestamp', 'missing-signature']);
  const good = await emulator.sendCustomWebhook(portal.portalId, { events: deletion });
  assert.equal(good.status, 204);
  assert.equal(await store.getContact(SHOP, id), null);
  emulator.unsubscribeWebhooks(portal.portalId);
});
