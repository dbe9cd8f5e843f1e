import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  MAX_WEBHOOK_BODY_BYTES,
  MAX_WEBHOOK_EVENTS,
  hubSpotEventDedupeKey,
  parseHubSpotWebhookBody,
  parseHubSpotWebhookEvent,
  parseHubSpotWebhookEvents,
  type HubSpotContactEvent,
  type WebhookParseResult,
} from './webhook-events.ts';

const OCCURRED = 1740830400000; // 2025-03-01T12:00:00.000Z

function raw(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventId: 100,
    subscriptionId: 2001,
    portalId: 62515,
    appId: 54321,
    occurredAt: OCCURRED,
    subscriptionType: 'contact.creation',
    attemptNumber: 0,
    objectId: 123,
    changeSource: 'CRM_UI',
    changeFlag: 'NEW',
    ...overrides,
  };
}

function ok(result: WebhookParseResult): { events: HubSpotContactEvent[]; rejected: Array<{ index: number; reason: string }> } {
  assert.equal(result.ok, true, result.ok ? '' : result.reason);
  if (!result.ok) throw new Error('unreachable');
  return result;
}

test('maps the four contact subscription types to canonical events', () => {
  const { events, rejected } = ok(
    parseHubSpotWebhookEvents([
      raw(),
      raw({ eventId: 101, subscriptionType: 'contact.propertyChange', propertyName: 'email', propertyValue: 'ann@example.com' }),
      raw({ eventId: 102, subscriptionType: 'contact.deletion', changeSource: undefined }),
      raw({ eventId: 103, subscriptionType: 'contact.privacyDeletion' }),
    ]),
  );
  assert.deepEqual(rejected, []);
  assert.deepEqual(events[0], {
    kind: 'contact.created',
    portalId: '62515',
    contactId: '123',
    occurredAt: '2025-03-01T12:00:00.000Z',
    eventId: '100',
    attemptNumber: 0,
    changeSource: 'CRM_UI',
    dedupeKey: 'hubspot:62515:100:contact.creation:123',
  });
  assert.deepEqual(events[1]?.property, { name: 'email', value: 'ann@example.com' });
  assert.equal(events[1]?.kind, 'contact.changed');
  assert.equal(events[1]?.dedupeKey, 'hubspot:62515:101:contact.propertyChange:123:email');
  assert.equal(events[2]?.kind, 'contact.deleted');
  assert.equal(events[2]?.changeSource, undefined);
  assert.equal(events[3]?.kind, 'contact.privacyDeleted');
});

test('generic object.* subscriptions count only for contacts (objectTypeId 0-1)', () => {
  const { events, rejected } = ok(
    parseHubSpotWebhookEvents([
      raw({ subscriptionType: 'object.creation', objectTypeId: '0-1' }),
      raw({ eventId: 2, subscriptionType: 'object.propertyChange', objectTypeId: '0-1', propertyName: 'hs_email_optout', propertyValue: 'true' }),
      raw({ eventId: 3, subscriptionType: 'object.deletion', objectTypeId: '0-2' }),
      raw({ eventId: 4, subscriptionType: 'object.creation' }),
    ]),
  );
  assert.deepEqual(
    events.map((e) => e.kind),
    ['contact.created', 'contact.changed'],
  );
  assert.deepEqual(events[1]?.property, { name: 'hs_email_optout', value: 'true' });
  assert.deepEqual(rejected, [
    { index: 2, reason: 'object.deletion for objectTypeId 0-2 (not a contact)' },
    { index: 3, reason: 'object.creation without objectTypeId' },
  ]);
});

test('unknown subscription types are skipped with a reason; the rest go on', () => {
  const { events, rejected } = ok(
    parseHubSpotWebhookEvents([
      raw({ subscriptionType: 'deal.creation' }),
      raw({ eventId: 2 }),
      raw({ eventId: 3, subscriptionType: 'contact.merge', primaryObjectId: 1, mergedObjectIds: [2] }),
    ]),
  );
  assert.deepEqual(
    events.map((e) => e.eventId),
    ['2'],
  );
  assert.deepEqual(rejected, [
    { index: 0, reason: 'unsupported subscription type deal.creation' },
    { index: 2, reason: 'unsupported subscription type contact.merge' },
  ]);
});

test('malformed entries are skipped with their index and a reason', () => {
  const entries: unknown[] = [
    null,
    42,
    'contact.creation',
    [raw()],
    raw({ objectId: undefined }),
    raw({ eventId: 'abc' }),
    raw({ portalId: -1 }),
    raw({ occurredAt: '2025-03-01T12:00:00Z' }),
    raw({ attemptNumber: 1.5 }),
    raw({ subscriptionType: '' }),
    raw({ objectId: 2 ** 60 }),
    raw({ subscriptionType: 'contact.propertyChange' }),
    raw({ occurredAt: 9e15 }),
    raw({ eventId: 999 }),
  ];
  const { events, rejected } = ok(parseHubSpotWebhookEvents(entries));
  assert.deepEqual(
    events.map((e) => e.eventId),
    ['999'],
  );
  assert.deepEqual(
    rejected.map((r) => r.index),
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
  );
  const reasons = new Map(rejected.map((r) => [r.index, r.reason]));
  assert.equal(reasons.get(0), 'event must be an object (got null)');
  assert.equal(reasons.get(1), 'event must be an object (got number)');
  assert.equal(reasons.get(3), 'event must be an object (got array)');
  assert.match(reasons.get(4) ?? '', /^objectId: /);
  assert.match(reasons.get(5) ?? '', /^eventId: /);
  assert.match(reasons.get(8) ?? '', /^attemptNumber: /);
  assert.match(reasons.get(10) ?? '', /lost precision/);
  assert.equal(reasons.get(11), 'propertyName: required for a property change');
  assert.equal(reasons.get(12), 'occurredAt: out of range');
});

test('ids may arrive as decimal strings; the canonical form is a string', () => {
  const result = parseHubSpotWebhookEvent(raw({ eventId: '18446744073709551617', objectId: '9007199254740993', portalId: '62515' }));
  assert.ok('event' in result);
  assert.equal(result.event.eventId, '18446744073709551617');
  assert.equal(result.event.contactId, '9007199254740993');
});

test('a property change keeps a null or non-string value as null or its string', () => {
  const changed = (propertyValue: unknown): unknown => {
    const result = parseHubSpotWebhookEvent(raw({ subscriptionType: 'contact.propertyChange', propertyName: 'hs_email_optout', propertyValue }));
    return 'event' in result ? result.event.property : result.reason;
  };
  assert.deepEqual(changed(undefined), { name: 'hs_email_optout', value: null });
  assert.deepEqual(changed(null), { name: 'hs_email_optout', value: null });
  assert.deepEqual(changed(''), { name: 'hs_email_optout', value: '' });
  assert.deepEqual(changed(true), { name: 'hs_email_optout', value: 'true' });
  assert.match(String(changed({ nested: 1 })), /^propertyValue: /);
});

test('dedupe key: stable across retries, distinct across events; repeats in one delivery are dropped', () => {
  const first = parseHubSpotWebhookEvent(raw({ attemptNumber: 0 }));
  const retry = parseHubSpotWebhookEvent(raw({ attemptNumber: 3 }));
  assert.ok('event' in first && 'event' in retry);
  assert.equal(first.event.dedupeKey, retry.event.dedupeKey);
  const otherContact = parseHubSpotWebhookEvent(raw({ objectId: 124 }));
  const otherPortal = parseHubSpotWebhookEvent(raw({ portalId: 1 }));
  const deletion = parseHubSpotWebhookEvent(raw({ subscriptionType: 'contact.deletion' }));
  for (const other of [otherContact, otherPortal, deletion]) {
    assert.ok('event' in other);
    assert.notEqual(other.event.dedupeKey, first.event.dedupeKey);
  }
  assert.equal(
    hubSpotEventDedupeKey({ portalId: '1', eventId: '2', subscriptionType: 'contact.propertyChange', objectId: '3', propertyName: 'email' }),
    'hubspot:1:2:contact.propertyChange:3:email',
  );
  const { events, rejected } = ok(parseHubSpotWebhookEvents([raw(), raw({ attemptNumber: 1 }), raw({ eventId: 7 })]));
  assert.equal(events.length, 2);
  assert.deepEqual(rejected, [{ index: 1, reason: 'duplicate of event at index 0' }]);
});

test('a payload that is not an array is rejected as a whole', () => {
  for (const payload of [null, {}, raw(), 'x', 1]) {
    assert.deepEqual(parseHubSpotWebhookEvents(payload), { ok: false, reason: 'payload must be a JSON array of events' });
  }
  assert.deepEqual(ok(parseHubSpotWebhookEvents([])), { ok: true, events: [], rejected: [] });
});

test(`more than ${MAX_WEBHOOK_EVENTS} events is rejected as a whole`, () => {
  const atLimit = Array.from({ length: MAX_WEBHOOK_EVENTS }, (_, i) => raw({ eventId: i }));
  assert.equal(ok(parseHubSpotWebhookEvents(atLimit)).events.length, MAX_WEBHOOK_EVENTS);
  const result = parseHubSpotWebhookEvents([...atLimit, raw({ eventId: 'x' })]);
  assert.equal(result.ok, false);
  assert.match(result.ok ? '' : result.reason, /1001 events; at most 1000/);
});

test('the raw body: JSON array parsed; bad JSON, bad UTF-8 and bodies over 1 MiB rejected as a whole', () => {
  const body = JSON.stringify([raw(), raw({ eventId: 2, subscriptionType: 'company.creation' })]);
  const fromString = ok(parseHubSpotWebhookBody(body));
  assert.equal(fromString.events.length, 1);
  assert.deepEqual(fromString.rejected, [{ index: 1, reason: 'unsupported subscription type company.creation' }]);
  assert.deepEqual(parseHubSpotWebhookBody(Buffer.from(body, 'utf8')), fromString);

  const notJson = parseHubSpotWebhookBody('[{"eventId":1,');
  assert.equal(notJson.ok, false);
  assert.match(notJson.ok ? '' : notJson.reason, /^body is not valid UTF-8 JSON/);
  assert.equal(parseHubSpotWebhookBody(new Uint8Array([0x5b, 0xff, 0x5d])).ok, false);
  assert.deepEqual(parseHubSpotWebhookBody('{"events":[]}'), { ok: false, reason: 'payload must be a JSON array of events' });

  const padding = ' '.repeat(MAX_WEBHOOK_BODY_BYTES - 2);
  assert.equal(parseHubSpotWebhookBody(`[${padding}]`).ok, true, 'exactly 1 MiB is accepted');
  const tooBig = parseHubSpotWebhookBody(`[${padding} ]`);
  assert.deepEqual(tooBig, { ok: false, reason: `body is ${MAX_WEBHOOK_BODY_BYTES + 1} bytes; at most ${MAX_WEBHOOK_BODY_BYTES} are accepted` });
  const multiByte = parseHubSpotWebhookBody(`["${'é'.repeat(MAX_WEBHOOK_BODY_BYTES / 2)}"]`);
  assert.equal(multiByte.ok, false, 'the limit counts bytes, not characters');
});

test('never throws, whatever the payload', () => {
  const weird: unknown[] = [undefined, Symbol.iterator, () => 1, new Map(), [undefined, Number.NaN, { eventId: {} }]];
  for (const payload of weird) assert.doesNotThrow(() => parseHubSpotWebhookEvents(payload));
  for (const body of ['', 'null', '[', '\u0000', '[1,2,3]']) assert.doesNotThrow(() => parseHubSpotWebhookBody(body));
});
