import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFakeClock } from '../test-support/fake-shopify.ts';
import { createBatcher, packBodies, type PendingEvent } from './batcher.ts';
import { utf8Length, type WireBody, type WireEvent } from './wire.ts';

const header = { shop: 'demo.myshopify.com', key: 'k1' };
const SENT_AT = '2026-05-04T10:00:00.000Z';

function ev(i: number, overrides: Partial<WireEvent> = {}, clientId = 'c1'): PendingEvent {
  return { clientId, event: { id: `e${i}`, name: 'page_viewed', timestamp: SENT_AT, customerId: null, url: `https://demo.myshopify.com/p/${i}`, data: {}, ...overrides } };
}
const parse = (bodies: string[]) => bodies.map((b) => JSON.parse(b) as WireBody);

function setup(limit = Infinity) {
  const clock = createFakeClock();
  const sent: string[] = [];
  let taken = 0;
  const batcher = createBatcher({ header, now: clock.now, setTimer: clock.setTimer, clearTimer: clock.clearTimer, send: (b) => sent.push(b), limiter: { tryTake: () => taken++ < limit } });
  return { clock, sent, batcher, bodies: () => parse(sent) };
}

test('a body: the agreed header fields in order, then the events', () => {
  const { bodies } = { bodies: parse(packBodies(header, [ev(1)], SENT_AT, 0).bodies) };
  assert.deepEqual(Object.keys(bodies[0] ?? {}), ['v', 'shop', 'key', 'clientId', 'sentAt', 'events']);
  assert.deepEqual(bodies[0], { v: 1, shop: 'demo.myshopify.com', key: 'k1', clientId: 'c1', sentAt: SENT_AT, events: [ev(1).event] });
  const withDrops = parse(packBodies(header, [ev(1)], SENT_AT, 7).bodies);
  assert.deepEqual(Object.keys(withDrops[0] ?? {}), ['v', 'shop', 'key', 'clientId', 'sentAt', 'dropped', 'events']);
  assert.equal(withDrops[0]?.dropped, 7);
});

test('at most 50 events per body; dropped only in the first', () => {
  const { bodies, oversized } = packBodies(header, Array.from({ length: 120 }, (_, i) => ev(i)), SENT_AT, 3);
  const parsed = parse(bodies);
  assert.deepEqual(parsed.map((b) => b.events.length), [50, 50, 20]);
  assert.deepEqual(parsed.map((b) => b.dropped), [3, undefined, undefined]);
  assert.deepEqual(parsed.flatMap((b) => b.events.map((e) => e.id)), Array.from({ length: 120 }, (_, i) => `e${i}`));
  assert.equal(oversized, 0);
});

test('at most 60,000 UTF-8 bytes per body, counted exactly (multi-byte text included)', () => {
  const long = (i: number) => ev(i, { url: `https://demo.myshopify.com/search?q=${'é€'.repeat(1000)}`.slice(0, 2048) + i });
  const pending = Array.from({ length: 50 }, (_, i) => long(i));
  const { bodies } = packBodies(header, pending, SENT_AT, 0);
  assert.ok(bodies.length > 1);
  for (const body of bodies) {
    assert.ok(Buffer.byteLength(body, 'utf8') <= 60_000, `${Buffer.byteLength(body, 'utf8')} bytes`);
    assert.equal(utf8Length(body), Buffer.byteLength(body, 'utf8'));
  }
  assert.equal(parse(bodies).reduce((n, b) => n + b.events.length, 0), 50);
  // Packed tightly: one more event would not have fitted in the first body.
  const first = bodies[0] as string;
  assert.ok(Buffer.byteLength(first) + 1 + utf8Length(JSON.stringify(pending[parse(bodies)[0]?.events.length ?? 0]?.event)) > 60_000);
});

test('a small byte limit is honoured to the byte; an event too big for any body is counted, not sent', () => {
  const pending = Array.from({ length: 10 }, (_, i) => ev(i));
  const one = utf8Length(packBodies(header, [ev(0)], SENT_AT, 0).bodies[0] as string);
  const two = packBodies(header, pending, SENT_AT, 0, { maxEventsPerBody: 50, maxBodyBytes: one * 2 });
  for (const body of two.bodies) assert.ok(utf8Length(body) <= one * 2);
  const tiny = packBodies(header, [ev(1), ev(2, { url: 'x'.repeat(500) }), ev(3)], SENT_AT, 0, { maxEventsPerBody: 50, maxBodyBytes: 400 });
  assert.equal(tiny.oversized, 1);
  assert.deepEqual(parse(tiny.bodies).flatMap((b) => b.events.map((e) => e.id)), ['e1', 'e3']);
});

test('one clientId per body', () => {
  const parsed = parse(packBodies(header, [ev(1, {}, 'a'), ev(2, {}, 'a'), ev(3, {}, 'b'), ev(4, {}, 'a')], SENT_AT, 0).bodies);
  assert.deepEqual(parsed.map((b) => [b.clientId, b.events.length]), [['a', 2], ['b', 1], ['a', 1]]);
});

test('flushes at 20 buffered events', () => {
  const { batcher, bodies, clock } = setup();
  for (let i = 0; i < 19; i++) batcher.add(ev(i));
  assert.equal(bodies().length, 0);
  batcher.add(ev(19));
  assert.deepEqual(bodies().map((b) => b.events.length), [20]);
  assert.equal(batcher.buffered, 0);
  assert.equal(clock.pending(), 0, 'the 2 s timer is cancelled by the flush');
});

test('flushes 2 s after the first buffered event, not after the last', () => {
  const { batcher, bodies, clock } = setup();
  batcher.add(ev(1));
  clock.advance(1_500);
  batcher.add(ev(2));
  clock.advance(499);
  assert.equal(bodies().length, 0);
  clock.advance(1);
  assert.deepEqual(bodies().map((b) => b.events.map((e) => e.id)), [['e1', 'e2']]);
  assert.equal(bodies()[0]?.sentAt, '2026-05-04T10:00:02.000Z');
  batcher.add(ev(3));
  clock.advance(2_000);
  assert.equal(bodies().length, 2);
  clock.advance(10_000);
  assert.equal(bodies().length, 2, 'nothing buffered, nothing sent');
});

test('urgent events flush at once, but not twice within a second; flush() on an empty buffer sends nothing', () => {
  const { batcher, bodies, clock } = setup();
  assert.equal(batcher.flush(), 0);
  batcher.add(ev(1));
  batcher.add(ev(2), { urgent: true });
  assert.deepEqual(bodies().map((b) => b.events.length), [2]);
  clock.advance(500);
  batcher.add(ev(3), { urgent: true });
  assert.equal(bodies().length, 1, 'buffered: the previous flush was 500 ms ago');
  clock.advance(500);
  batcher.add(ev(4), { urgent: true });
  assert.deepEqual(bodies().map((b) => b.events.length), [2, 2]);
});

test('duplicate event ids are sent once and take no rate slot', () => {
  const { batcher, bodies } = setup(2);
  assert.equal(batcher.add(ev(1)), 'queued');
  assert.equal(batcher.add(ev(1)), 'duplicate');
  assert.equal(batcher.add(ev(2)), 'queued');
  batcher.flush();
  assert.equal(batcher.add(ev(1)), 'duplicate', 'remembered after the flush too');
  assert.deepEqual(bodies().flatMap((b) => b.events.map((e) => e.id)), ['e1', 'e2']);
  assert.equal(bodies()[0]?.dropped, undefined);
});

test('the de-duplication memory is bounded', () => {
  const clock = createFakeClock();
  const sent: string[] = [];
  const batcher = createBatcher({ header, now: clock.now, setTimer: clock.setTimer, clearTimer: clock.clearTimer, send: (b) => sent.push(b), limiter: { tryTake: () => true }, dedupeIds: 3 });
  for (const i of [1, 2, 3, 4]) batcher.add(ev(i));
  assert.equal(batcher.add(ev(1)), 'queued', 'the oldest id was forgotten');
  assert.equal(batcher.add(ev(4)), 'duplicate');
});

test('events over the rate cap are dropped, counted, and reported once in the next body', () => {
  const { batcher, bodies } = setup(3);
  for (let i = 0; i < 8; i++) batcher.add(ev(i));
  assert.equal(batcher.unreportedDrops, 5);
  batcher.flush();
  assert.deepEqual(bodies().map((b) => [b.events.length, b.dropped]), [[3, 5]]);
  assert.equal(batcher.unreportedDrops, 0);
});

test('a drop with nothing buffered waits for the next body that has events', () => {
  const clock = createFakeClock();
  const sent: string[] = [];
  let allow = false;
  const batcher = createBatcher({ header, now: clock.now, setTimer: clock.setTimer, clearTimer: clock.clearTimer, send: (b) => sent.push(b), limiter: { tryTake: () => allow } });
  batcher.add(ev(1));
  batcher.add(ev(2));
  clock.advance(5_000);
  assert.equal(sent.length, 0, 'no body with only a drop count');
  allow = true;
  batcher.add(ev(3), { urgent: true });
  assert.deepEqual(parse(sent).map((b) => [b.events.length, b.dropped]), [[1, 2]]);
});

test('clear() forgets the buffer, the drops and the timer', () => {
  const { batcher, bodies, clock } = setup(1);
  batcher.add(ev(1));
  batcher.add(ev(2));
  batcher.clear();
  assert.equal(batcher.buffered, 0);
  assert.equal(batcher.unreportedDrops, 0);
  assert.equal(clock.pending(), 0);
  clock.advance(10_000);
  assert.equal(bodies().length, 0);
});
