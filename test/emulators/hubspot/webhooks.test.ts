// Webhook delivery: events for creation, property changes, deletion and privacy deletion, signed
// with HubSpot's v3 signature (checked here by an independent HMAC computation in a receiver that
// also rejects stale timestamps), batching, retries, custom mis-signed deliveries, loopback only.
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Signature } from '@hubspot/api-client';
import { createHubSpotEmulator } from './index.ts';
import type { HubSpotEmulator, WebhookEvent } from './index.ts';
import { OTHER_PORTAL, OTHER_TOKEN, PORTAL, TOKEN, UNLIMITED, sampleContacts, sdk } from './test-support.ts';

const SECRET = 'app-client-secret';
const APP_ID = 424242;
const FIVE_MINUTES = 5 * 60_000;

interface Received {
  url: string;
  body: string;
  timestamp: string;
  signature: string;
  verified: boolean;
  events: WebhookEvent[];
}

/** A receiver that verifies like a careful app: v3 signature over method + full URI + body + timestamp, constant-time, fresh timestamps only. */
async function startReceiver(): Promise<{ server: Server; url: string; received: Received[]; failNext: { count: number } }> {
  const received: Received[] = [];
  const failNext = { count: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const { port } = server.address() as AddressInfo;
      // HubSpot signs the URI with a few percent-encodings decoded (its v3 signature docs).
      const decoded = (req.url ?? '').replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
      const uri = `http://127.0.0.1:${port}${decoded}`;
      const timestamp = String(req.headers['x-hubspot-request-timestamp'] ?? '');
      const signature = String(req.headers['x-hubspot-signature-v3'] ?? '');
      const expected = createHmac('sha256', SECRET).update(`${req.method ?? ''}${uri}${body}${timestamp}`).digest();
      const given = Buffer.from(signature, 'base64');
      const fresh = Date.now() - Number(timestamp) < FIVE_MINUTES;
      const verified = fresh && given.length === expected.length && timingSafeEqual(given, expected);
      let events: WebhookEvent[];
      try {
        events = JSON.parse(body) as WebhookEvent[];
      } catch {
        events = [];
      }
      received.push({ url: uri, body, timestamp, signature, verified, events });
      if (!verified) res.writeHead(401).end();
      else if (failNext.count > 0) {
        failNext.count--;
        res.writeHead(500).end();
      } else res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/webhooks/hubspot`, received, failNext };
}

describe('hubspot emulator: webhooks', () => {
  let emulator: HubSpotEmulator;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let client: ReturnType<typeof sdk>;
  const events = (): WebhookEvent[] => receiver.received.flatMap((r) => r.events);

  before(async () => {
    receiver = await startReceiver();
    emulator = await createHubSpotEmulator({ webhookSecret: SECRET });
    emulator.addPortal(PORTAL, { accessToken: TOKEN, ...UNLIMITED });
    emulator.addPortal(OTHER_PORTAL, { accessToken: OTHER_TOKEN, ...UNLIMITED });
    await emulator.seed(PORTAL, { contacts: sampleContacts(40) });
    await emulator.seed(OTHER_PORTAL, { contacts: sampleContacts(2) });
    emulator.subscribeWebhooks(PORTAL, { targetUrl: receiver.url, appId: APP_ID, clientSecret: SECRET });
    client = sdk(emulator);
  });

  beforeEach(() => {
    receiver.received.length = 0;
  });

  after(async () => {
    await emulator.close();
    await new Promise((resolve) => receiver.server.close(resolve));
  });

  it('delivers creation and property-change events from API writes, signed with the v3 signature', async () => {
    await client.crm.contacts.batchApi.upsert({
      inputs: [
        { id: 'brand.new@example.com', idProperty: 'email', properties: { firstname: 'Brand' } },
        { id: 'contact1@example.com', idProperty: 'email', properties: { lifecyclestage: 'evangelist', firstname: 'First1' } },
      ],
    });
    await emulator.flushWebhooks();
    assert.equal(receiver.received.length, 1, 'one POST carries the batch');
    const [delivery] = receiver.received;
    assert.ok(delivery?.verified, 'the signature verifies with an independent HMAC');
    assert.ok(Signature.isValid({ signatureVersion: 'v3', signature: delivery.signature, clientSecret: SECRET, requestBody: delivery.body, url: delivery.url, method: 'POST', timestamp: Number(delivery.timestamp) }), "and with the SDK's own check");
    const created = events().find((e) => e.subscriptionType === 'contact.creation');
    const changed = events().filter((e) => e.subscriptionType === 'contact.propertyChange');
    assert.equal(created?.objectId, Number(emulator.getContactByEmail(PORTAL, 'brand.new@example.com')?.id));
    assert.deepEqual(
      changed.map((e) => [e.objectId, e.propertyName, e.propertyValue]),
      [[1, 'lifecyclestage', 'evangelist']],
      'only values that changed fire events',
    );
    for (const event of events()) {
      assert.equal(event.portalId, PORTAL);
      assert.equal(event.appId, APP_ID);
      assert.equal(event.attemptNumber, 0);
      assert.equal(event.changeSource, 'INTEGRATION');
      assert.equal(typeof event.eventId, 'number');
      assert.equal(typeof event.subscriptionId, 'number');
      assert.equal(typeof event.occurredAt, 'number');
    }
    assert.equal(new Set(events().map((e) => e.eventId)).size, events().length);
  });

  it('delivers HubSpot-side changes, deletions and privacy deletions', async () => {
    emulator.updateContact(PORTAL, 2, { hs_email_open: 12 });
    emulator.deleteContact(PORTAL, 3);
    await client.crm.contacts.basicApi.archive('4');
    await client.crm.contacts.basicApi.purge({ objectId: '5' });
    await emulator.flushWebhooks();
    assert.ok(receiver.received.every((r) => r.verified));
    assert.deepEqual(
      events().map((e) => [e.subscriptionType, e.objectId, e.changeSource, e.propertyName ?? null]),
      [
        ['contact.propertyChange', 2, 'CRM_UI', 'hs_email_open'],
        ['contact.deletion', 3, 'CRM_UI', null],
        ['contact.deletion', 4, 'INTEGRATION', null],
        ['contact.privacyDeletion', 5, 'INTEGRATION', null],
      ],
    );
  });

  it('sends at most maxEventsPerRequest events per POST and filters by property name', async () => {
    emulator.unsubscribeWebhooks(PORTAL);
    emulator.subscribeWebhooks(PORTAL, { targetUrl: receiver.url, appId: APP_ID, events: ['contact.propertyChange'], propertyNames: ['lifecyclestage'], maxEventsPerRequest: 10 });
    const inputs = Array.from({ length: 25 }, (_, i) => ({ id: String(i + 10), properties: { lifecyclestage: 'opportunity', firstname: `Changed${i}` } }));
    await client.crm.contacts.batchApi.update({ inputs });
    await emulator.flushWebhooks();
    assert.deepEqual(receiver.received.map((r) => r.events.length), [10, 10, 5]);
    assert.ok(events().every((e) => e.propertyName === 'lifecyclestage'));
  });

  it('retries failed deliveries with a growing attemptNumber', async () => {
    emulator.unsubscribeWebhooks(PORTAL);
    emulator.subscribeWebhooks(PORTAL, { targetUrl: receiver.url, appId: APP_ID, maxRetries: 2 });
    receiver.failNext.count = 1;
    emulator.updateContact(PORTAL, 6, { firstname: 'Retried' });
    await emulator.flushWebhooks();
    assert.deepEqual(receiver.received.map((r) => r.events[0]?.attemptNumber), [0, 1]);
    const log = emulator.webhookDeliveries(PORTAL).slice(-2);
    assert.deepEqual(log.map((d) => d.status), [500, 204]);
    assert.ok(emulator.stats(PORTAL).webhookDeliveries >= 2);
  });

  it('signs the URI with the percent-encodings HubSpot decodes', async () => {
    emulator.unsubscribeWebhooks(PORTAL);
    emulator.subscribeWebhooks(PORTAL, { targetUrl: `${receiver.url}?source=hub%3Aspot&path=a%2Fb`, appId: APP_ID });
    emulator.updateContact(PORTAL, 7, { firstname: 'Encoded' });
    await emulator.flushWebhooks();
    assert.equal(receiver.received.length, 1);
    assert.ok(receiver.received[0]?.verified);
    assert.equal(receiver.received[0]?.url, `${receiver.url}?source=hub:spot&path=a/b`);
    emulator.unsubscribeWebhooks(PORTAL);
    emulator.subscribeWebhooks(PORTAL, { targetUrl: receiver.url, appId: APP_ID });
  });

  it('sends custom deliveries with a bad signature or a stale timestamp for receiver tests', async () => {
    const good = await emulator.sendCustomWebhook(PORTAL, { events: [{ subscriptionType: 'contact.creation', objectId: 7 }] });
    assert.equal(good.status, 204);
    const badSignature = await emulator.sendCustomWebhook(PORTAL, { signature: 'bm90IGEgc2lnbmF0dXJl' });
    assert.equal(badSignature.status, 401);
    const otherSecret = await emulator.sendCustomWebhook(PORTAL, { signWithSecret: 'someone-elses-secret' });
    assert.equal(otherSecret.status, 401);
    const stale = await emulator.sendCustomWebhook(PORTAL, { timestamp: Date.now() - 6 * 60_000 });
    assert.equal(stale.status, 401, 'correctly signed, but older than five minutes');
    assert.equal(stale.signatureV3, createHmac('sha256', SECRET).update(`POST${receiver.url}${stale.body}${stale.timestamp}`).digest('base64'));
    const unsigned = await emulator.sendCustomWebhook(PORTAL, { omitSignature: true });
    assert.equal(unsigned.status, 401);
  });

  it('delivers to loopback addresses only, and only the portal’s own events', async () => {
    assert.throws(() => emulator.subscribeWebhooks(PORTAL, { targetUrl: 'https://hooks.example.com/hubspot', appId: APP_ID }), /loopback/);
    assert.throws(() => emulator.subscribeWebhooks(PORTAL, { targetUrl: 'http://10.0.0.8/hook', appId: APP_ID }), /loopback/);
    await sdk(emulator, OTHER_TOKEN).crm.contacts.batchApi.update({ inputs: [{ id: '1', properties: { firstname: 'Other portal' } }] });
    await emulator.flushWebhooks();
    assert.equal(receiver.received.length, 0);
  });
});
