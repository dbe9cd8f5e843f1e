import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatLocal, localTime, offsetAt, timeZoneNames, validateTimeZone, wallTimeToInstant } from './time-zone.ts';

const HOUR = 3_600_000;

test('time zones: IANA names accepted in their canonical spelling', () => {
  for (const [given, canonical] of [
    ['Europe/Paris', 'Europe/Paris'], ['europe/paris', 'Europe/Paris'], ['America/New_York', 'America/New_York'], ['Asia/Tokyo', 'Asia/Tokyo'],
    ['UTC', 'UTC'], ['Etc/UTC', 'UTC'], ['US/Eastern', 'America/New_York'], ['Etc/GMT-14', 'Etc/GMT-14'], ['Australia/Lord_Howe', 'Australia/Lord_Howe'],
  ] as const) {
    assert.deepEqual(validateTimeZone(given), { ok: true, timeZone: canonical }, given);
  }
});

test('time zones: anything else refused with a message naming the value', () => {
  for (const [given, pattern] of [
    ['Mars/Olympus', /"Mars\/Olympus" is not an IANA time zone/],
    ['Europe/Paris ', /"Europe\/Paris " is not an IANA time zone/],
    ['Paris', /"Paris" is not an IANA time zone/],
    ['+01:00', /"\+01:00" is a UTC offset, not an IANA time zone/],
    ['-0500', /"-0500" is a UTC offset/],
    ['', /must not be empty/],
    ['  ', /must not be empty/],
    [null, /got null/],
    [1, /got 1/],
    [undefined, /got undefined/],
    [{ zone: 'UTC' }, /got object/],
  ] as const) {
    const check = validateTimeZone(given);
    assert.equal(check.ok, false, String(given));
    if (!check.ok) {
      assert.match(check.error, pattern);
      assert.match(check.error, /Europe\/Paris/, 'the message shows an example');
    }
  }
});

test('the list for a settings form starts with UTC and holds the zones', () => {
  const names = timeZoneNames();
  assert.equal(names[0], 'UTC');
  assert.ok(names.includes('Europe/Paris') && names.includes('America/New_York'));
  assert.equal(new Set(names).size, names.length);
  for (const name of names) assert.ok(validateTimeZone(name).ok, name);
});

test('offsets and local times, winter and summer', () => {
  assert.equal(offsetAt('Europe/Paris', Date.UTC(2024, 0, 15)), HOUR);
  assert.equal(offsetAt('Europe/Paris', Date.UTC(2024, 6, 15)), 2 * HOUR);
  assert.equal(offsetAt('America/New_York', Date.UTC(2024, 0, 15)), -5 * HOUR);
  assert.equal(offsetAt('Asia/Kolkata', Date.UTC(2024, 0, 15)), 5.5 * HOUR);
  assert.equal(offsetAt('UTC', Date.UTC(2024, 0, 15, 12, 0, 0, 999)), 0, 'milliseconds do not leak into the offset');
  assert.equal(offsetAt('Europe/Paris', Date.UTC(1969, 11, 31, 23, 59, 59, 500)), HOUR, 'before the epoch too');
  assert.deepEqual(localTime('Asia/Tokyo', Date.UTC(2024, 2, 31, 15, 4, 5)), { year: 2024, month: 4, day: 1, hour: 0, minute: 4, second: 5, offsetMs: 9 * HOUR });
  assert.equal(formatLocal('Europe/Paris', Date.UTC(2024, 2, 31, 1, 30)), '2024-03-31T03:30:00+02:00');
  assert.equal(formatLocal('America/New_York', Date.UTC(2024, 10, 3, 6, 30)), '2024-11-03T01:30:00-05:00');
  assert.equal(formatLocal('Asia/Kolkata', Date.UTC(2024, 0, 1)), '2024-01-01T05:30:00+05:30');
  assert.equal(formatLocal('UTC', Date.UTC(2024, 0, 1)), '2024-01-01T00:00:00+00:00');
});

test('wall-clock times: once, twice (first occurrence) and never (moved forward by the jump)', () => {
  const wall = (y: number, mo: number, d: number, h: number, mi: number) => Date.UTC(y, mo - 1, d, h, mi);
  assert.equal(wallTimeToInstant('Europe/Paris', wall(2024, 1, 15, 3, 0)), Date.UTC(2024, 0, 15, 2, 0));
  assert.equal(wallTimeToInstant('Europe/Paris', wall(2024, 3, 31, 2, 30)), Date.UTC(2024, 2, 31, 1, 30), 'skipped 02:30 is 03:30 CEST');
  assert.equal(wallTimeToInstant('Europe/Paris', wall(2024, 3, 31, 3, 30)), Date.UTC(2024, 2, 31, 1, 30), '03:30 CEST itself');
  assert.equal(wallTimeToInstant('Europe/Paris', wall(2024, 10, 27, 2, 30)), Date.UTC(2024, 9, 27, 0, 30), 'repeated 02:30: CEST');
  assert.equal(wallTimeToInstant('America/New_York', wall(2024, 11, 3, 1, 30)), Date.UTC(2024, 10, 3, 5, 30), 'repeated 01:30: EDT');
  assert.equal(wallTimeToInstant('America/New_York', wall(2024, 3, 10, 2, 0)), Date.UTC(2024, 2, 10, 7, 0), 'skipped 02:00 is 03:00 EDT');
  assert.equal(wallTimeToInstant('Australia/Lord_Howe', wall(2024, 10, 6, 2, 15)), Date.UTC(2024, 9, 5, 15, 45), 'half-hour jump: 02:15 is 02:45 +11');
  assert.equal(wallTimeToInstant('Asia/Tokyo', wall(2024, 6, 1, 9, 0)), Date.UTC(2024, 5, 1, 0, 0));
});
