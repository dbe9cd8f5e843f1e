import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RefineryError } from '../errors.ts';
import { latestFireTime, nextFireTimes, upcomingFireTimes, validateCron } from './cron.ts';
import { formatLocal } from './time-zone.ts';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number[]) => ms.map((t) => new Date(t).toISOString().replace(':00.000Z', 'Z'));
const fires = (cron: string, timeZone: string, after: string, until: string) => iso(nextFireTimes({ cron, timeZone }, at(after), at(until)));

/** The same period cut into windows of stepMinutes: every window's fires, concatenated. */
function inWindows(cron: string, timeZone: string, after: string, until: string, stepMinutes: number): string[] {
  const out: number[] = [];
  for (let a = at(after); a < at(until); a += stepMinutes * 60_000) out.push(...nextFireTimes({ cron, timeZone }, a, Math.min(a + stepMinutes * 60_000, at(until))));
  return iso(out);
}

test('valid expressions: five standard fields, returned with single spaces', () => {
  for (const [given, cron] of [
    ['0 3 * * *', '0 3 * * *'], ['  0   3 * *   *  ', '0 3 * * *'], ['*/15 * * * *', '*/15 * * * *'], ['0 9-17/2 * * 1-5', '0 9-17/2 * * 1-5'],
    ['0 0 1,15 * *', '0 0 1,15 * *'], ['30 4 1 JAN,jul *', '30 4 1 JAN,jul *'], ['0 6 * * mon-FRI', '0 6 * * mon-FRI'], ['0 0 * * 7', '0 0 * * 7'],
    ['0 0 29 2 *', '0 0 29 2 *'], ['59 23 31 12 6', '59 23 31 12 6'], ['0 0 * * */2', '0 0 * * */2'],
  ] as const) {
    assert.deepEqual(validateCron(given), { ok: true, cron }, given);
  }
});

test('invalid expressions: refused with a message naming the expression and the field', () => {
  for (const [given, pattern] of [
    ['0 3 * *', /"0 3 \* \*" must have 5 fields \(minute hour day-of-month month day-of-week\).*got 4/],
    ['0 0 3 * * *', /must have 5 fields.*got 6/],
    ['@daily', /"@daily" must have 5 fields/],
    ['', /must have 5 fields.*got 0/],
    ['60 * * * *', /minute field "60": 60 is out of range \(a number from 0 to 59\)/],
    ['0 24 * * *', /hour field "24": 24 is out of range/],
    ['0 0 0 * *', /day-of-month field "0": 0 is out of range/],
    ['0 0 * 13 *', /month field "13": 13 is out of range/],
    ['0 0 * * 8', /day-of-week field "8": 8 is out of range/],
    ['0 0 * * MONDAY', /day-of-week field "MONDAY": "MONDAY" is not a number from 0 to 7 .* or SUN-SAT/],
    ['0 0 * foo *', /month field "foo": "foo" is not a number from 1 to 12 or JAN-DEC/],
    ['0 0 L * *', /day-of-month field "L"/],
    ['0 0 * * 1#2', /day-of-week field "1#2"/],
    ['0 0 ? * *', /day-of-month field "\?"/],
    ['0 0 15W * *', /day-of-month field "15W"/],
    ['5/15 * * * *', /minute field "5\/15": "5\/15": a step needs "\*" or a range before it \(e\.g\. \*\/15 or 5-59\/15\)/],
    ['*/0 * * * *', /step "0" in "\*\/0" must be a whole number from 1 to 60/],
    ['*/x * * * *', /step "x"/],
    ['*/5/5 * * * *', /more than one "\/"/],
    ['5-1 * * * *', /range "5-1" goes backwards/],
    ['1-2-3 * * * *', /"1-2-3" is not a range/],
    ['1,,2 * * * *', /a list has an empty item/],
    ['-1 * * * *', /minute field "-1"/],
    ['0 0 30 2 *', /"0 0 30 2 \*" never fires/],
    ['0 0 31 4,6 *', /"0 0 31 4,6 \*" never fires/],
  ] as const) {
    const check = validateCron(given);
    assert.equal(check.ok, false, given);
    if (!check.ok) assert.match(check.error, pattern, given);
  }
  assert.equal(validateCron(3).ok, false);
  assert.equal(validateCron(null).ok, false);
  assert.match((validateCron(`0 0 * * * ${' '.repeat(300)}`) as { error: string }).error, /longer than 200/);
});

test('fire times in the time zone: (after, until], ascending', () => {
  assert.deepEqual(fires('0 9 * * *', 'Asia/Tokyo', '2024-03-29T00:00:00Z', '2024-04-01T00:00:00Z'), ['2024-03-30T00:00Z', '2024-03-31T00:00Z', '2024-04-01T00:00Z']);
  assert.deepEqual(fires('0 3 * * *', 'UTC', '2024-05-01T03:00:00Z', '2024-05-03T02:59:59Z'), ['2024-05-02T03:00Z'], 'after excluded, until included');
  assert.deepEqual(fires('0 3 * * *', 'UTC', '2024-05-01T00:00:00Z', '2024-05-01T03:00:00Z'), ['2024-05-01T03:00Z']);
  assert.deepEqual(fires('0 3 * * *', 'UTC', '2024-05-01T00:00:00Z', '2024-05-01T00:00:00Z'), []);
  assert.deepEqual(fires('0 3 * * *', 'UTC', '2024-05-02T00:00:00Z', '2024-05-01T00:00:00Z'), []);
  assert.deepEqual(fires('0 0 * * 1', 'America/New_York', '2024-05-01T00:00:00Z', '2024-05-15T00:00:00Z'), ['2024-05-06T04:00Z', '2024-05-13T04:00Z'], 'Mondays, EDT');
  assert.deepEqual(fires('0 12 1,15 * 5', 'UTC', '2024-03-01T00:00:00Z', '2024-03-16T00:00:00Z'), ['2024-03-01T12:00Z', '2024-03-08T12:00Z', '2024-03-15T12:00Z'], 'day of month or day of week');
  assert.deepEqual(fires('30 5 * * *', 'Asia/Kolkata', '2023-12-31T12:00:00Z', '2024-01-01T12:00:00Z'), ['2024-01-01T00:00Z']);
  assert.equal(latestFireTime({ cron: '0 * * * *', timeZone: 'UTC' }, at('2024-05-01T00:00:00Z'), at('2024-05-01T05:30:00Z')), at('2024-05-01T05:00:00Z'));
  assert.equal(latestFireTime({ cron: '0 3 * * *', timeZone: 'UTC' }, at('2024-05-01T04:00:00Z'), at('2024-05-01T05:00:00Z')), null);
  assert.throws(() => nextFireTimes({ cron: '0 3 * *', timeZone: 'UTC' }, 0, 1), (e: unknown) => e instanceof RefineryError && e.code === 'VALIDATION' && /5 fields/.test(e.message));
  assert.throws(() => nextFireTimes({ cron: '0 3 * * *', timeZone: 'Nowhere/Land' }, 0, 1), (e: unknown) => e instanceof RefineryError && /Nowhere\/Land/.test(e.message));
  assert.throws(() => nextFireTimes({ cron: '0 3 * * *', timeZone: 'UTC' }, Number.NaN, 1), RefineryError);
});

// DST: see schedule.md. Paris: clocks go 02:00 -> 03:00 on 2024-03-31 (at 01:00Z) and 03:00 -> 02:00
// on 2024-10-27 (at 01:00Z). New York: 02:00 -> 03:00 on 2024-03-10 (07:00Z), 02:00 -> 01:00 on
// 2024-11-03 (06:00Z).
const DST_CASES: ReadonlyArray<{ name: string; cron: string; timeZone: string; after: string; until: string; expected: string[] }> = [
  {
    name: 'Paris spring forward: 02:30 does not exist, fires at 03:30 CEST',
    cron: '30 2 * * *', timeZone: 'Europe/Paris', after: '2024-03-30T00:00:00Z', until: '2024-04-02T00:00:00Z',
    expected: ['2024-03-30T01:30Z', '2024-03-31T01:30Z', '2024-04-01T00:30Z'],
  },
  {
    name: 'New York spring forward: 02:30 does not exist, fires at 03:30 EDT',
    cron: '30 2 * * *', timeZone: 'America/New_York', after: '2024-03-09T00:00:00Z', until: '2024-03-12T00:00:00Z',
    expected: ['2024-03-09T07:30Z', '2024-03-10T07:30Z', '2024-03-11T06:30Z'],
  },
  {
    name: 'New York fall back: 01:30 happens twice, fires at the first (EDT) only',
    cron: '30 1 * * *', timeZone: 'America/New_York', after: '2024-11-02T00:00:00Z', until: '2024-11-05T00:00:00Z',
    expected: ['2024-11-02T05:30Z', '2024-11-03T05:30Z', '2024-11-04T06:30Z'],
  },
  {
    name: 'Paris fall back: 01:30 happens once (the repeated hour is 02:00-03:00)',
    cron: '30 1 * * *', timeZone: 'Europe/Paris', after: '2024-10-26T00:00:00Z', until: '2024-10-29T00:00:00Z',
    expected: ['2024-10-26T23:30Z', '2024-10-28T00:30Z'],
  },
  {
    name: 'Paris fall back: 02:30 happens twice, fires at the first (CEST) only',
    cron: '30 2 * * *', timeZone: 'Europe/Paris', after: '2024-10-26T00:00:00Z', until: '2024-10-29T00:00:00Z',
    expected: ['2024-10-26T00:30Z', '2024-10-27T00:30Z', '2024-10-28T01:30Z'],
  },
  {
    name: 'New York fall back: 02:30 (after the repeated hour) once, EST',
    cron: '30 2 * * *', timeZone: 'America/New_York', after: '2024-11-02T12:00:00Z', until: '2024-11-04T12:00:00Z',
    expected: ['2024-11-03T07:30Z', '2024-11-04T07:30Z'],
  },
  {
    name: 'Paris hourly through spring forward: 02:00 moved to 03:00 fires once with it',
    cron: '0 * * * *', timeZone: 'Europe/Paris', after: '2024-03-30T22:30:00Z', until: '2024-03-31T03:30:00Z',
    expected: ['2024-03-30T23:00Z', '2024-03-31T00:00Z', '2024-03-31T01:00Z', '2024-03-31T02:00Z', '2024-03-31T03:00Z'],
  },
  {
    name: 'Paris hourly through fall back: the repeated 02:00 fires once',
    cron: '0 * * * *', timeZone: 'Europe/Paris', after: '2024-10-26T22:30:00Z', until: '2024-10-27T03:30:00Z',
    expected: ['2024-10-26T23:00Z', '2024-10-27T00:00Z', '2024-10-27T02:00Z', '2024-10-27T03:00Z'],
  },
  {
    name: 'Weekly on the Sunday of spring forward (Paris): 02:00 fires at 03:00 CEST',
    cron: '0 2 * * 0', timeZone: 'Europe/Paris', after: '2024-03-20T00:00:00Z', until: '2024-04-10T00:00:00Z',
    expected: ['2024-03-24T01:00Z', '2024-03-31T01:00Z', '2024-04-07T00:00Z'],
  },
  {
    name: 'Santiago: DST starts at midnight, 00:30 fires at 01:30 that day (not skipped)',
    cron: '30 0 * * *', timeZone: 'America/Santiago', after: '2024-09-06T00:00:00Z', until: '2024-09-10T00:00:00Z',
    expected: ['2024-09-06T04:30Z', '2024-09-07T04:30Z', '2024-09-08T04:30Z', '2024-09-09T03:30Z'],
  },
  {
    name: 'Lord Howe: a half-hour jump, 02:00 fires at 02:30',
    cron: '0 2 * * *', timeZone: 'Australia/Lord_Howe', after: '2024-10-04T00:00:00Z', until: '2024-10-08T00:00:00Z',
    expected: ['2024-10-04T15:30Z', '2024-10-05T15:30Z', '2024-10-06T15:00Z', '2024-10-07T15:00Z'],
  },
];

for (const c of DST_CASES) {
  test(`DST: ${c.name}`, () => {
    assert.deepEqual(fires(c.cron, c.timeZone, c.after, c.until), c.expected);
    // Whatever the tick boundaries, each fire comes once: windows of 1 (short periods), 7 and 60 minutes agree.
    const long = at(c.until) - at(c.after) > 4 * 86_400_000;
    for (const step of long ? [7, 60] : [1, 7, 60]) assert.deepEqual(inWindows(c.cron, c.timeZone, c.after, c.until, step), c.expected, `windows of ${step} min`);
  });
}

test('DST: the local times of the fires, as shown to an admin', () => {
  const local = (cron: string, timeZone: string, after: string, until: string) =>
    nextFireTimes({ cron, timeZone }, at(after), at(until)).map((t) => formatLocal(timeZone, t));
  assert.deepEqual(local('30 2 * * *', 'Europe/Paris', '2024-03-30T12:00:00Z', '2024-04-01T12:00:00Z'), ['2024-03-31T03:30:00+02:00', '2024-04-01T02:30:00+02:00']);
  assert.deepEqual(local('30 1 * * *', 'America/New_York', '2024-11-02T12:00:00Z', '2024-11-04T12:00:00Z'), ['2024-11-03T01:30:00-04:00', '2024-11-04T01:30:00-05:00']);
});

test('upcoming fire times: the first N after an instant, searching further for rare crons', () => {
  const from = at('2025-01-01T00:00:00Z');
  assert.deepEqual(iso(upcomingFireTimes({ cron: '0 3 * * *', timeZone: 'Europe/Paris' }, from, 3)), ['2025-01-01T02:00Z', '2025-01-02T02:00Z', '2025-01-03T02:00Z']);
  assert.deepEqual(iso(upcomingFireTimes({ cron: '* * * * *', timeZone: 'UTC' }, from, 2)), ['2025-01-01T00:01Z', '2025-01-01T00:02Z']);
  assert.deepEqual(iso(upcomingFireTimes({ cron: '0 0 1 1 *', timeZone: 'UTC' }, from, 2)), ['2026-01-01T00:00Z', '2027-01-01T00:00Z']);
  assert.deepEqual(iso(upcomingFireTimes({ cron: '0 0 29 2 *', timeZone: 'UTC' }, from, 2)), ['2028-02-29T00:00Z', '2032-02-29T00:00Z']);
  assert.deepEqual(upcomingFireTimes({ cron: '0 0 1 1 *', timeZone: 'UTC' }, from, 0), []);
});
