import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RefineryError } from '../errors.ts';
import { intervalFireTimes, latestIntervalFire, nextIntervalFire, validateEveryMinutes } from './interval.ts';

const MIN = 60_000;
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number[]) => ms.map((t) => new Date(t).toISOString());

test('every N minutes: epoch-aligned boundaries in (after, until]', () => {
  assert.deepEqual(iso(intervalFireTimes(15, at('2024-05-01T10:00:00Z'), at('2024-05-01T11:00:00Z'))), [
    '2024-05-01T10:15:00.000Z', '2024-05-01T10:30:00.000Z', '2024-05-01T10:45:00.000Z', '2024-05-01T11:00:00.000Z',
  ]);
  assert.deepEqual(iso(intervalFireTimes(15, at('2024-05-01T10:07:13Z'), at('2024-05-01T10:31:00Z'))), ['2024-05-01T10:15:00.000Z', '2024-05-01T10:30:00.000Z']);
  assert.deepEqual(intervalFireTimes(15, at('2024-05-01T10:15:00Z'), at('2024-05-01T10:29:59.999Z')), [], 'after is exclusive');
  assert.deepEqual(intervalFireTimes(15, at('2024-05-01T10:00:00Z'), at('2024-05-01T10:00:00Z')), []);
  // A period that does not divide an hour or a day still counts from the epoch, so every process agrees.
  const sevens = intervalFireTimes(7, at('2024-05-01T00:00:00Z'), at('2024-05-01T01:00:00Z'));
  assert.ok(sevens.length >= 8 && sevens.every((t) => t % (7 * MIN) === 0));
  assert.deepEqual(iso(intervalFireTimes(1440, at('2024-05-01T12:00:00Z'), at('2024-05-03T12:00:00Z'))), ['2024-05-02T00:00:00.000Z', '2024-05-03T00:00:00.000Z']);
  assert.equal(intervalFireTimes(1, at('2024-05-01T00:00:00Z'), at('2024-05-02T00:00:00Z')).length, 1440);
});

test('latest and next boundary', () => {
  assert.equal(latestIntervalFire(15, at('2024-05-01T10:00:00Z'), at('2024-05-01T12:07:00Z')), at('2024-05-01T12:00:00Z'));
  assert.equal(latestIntervalFire(15, at('2024-05-01T12:00:00Z'), at('2024-05-01T12:07:00Z')), null);
  assert.equal(latestIntervalFire(15, at('2024-05-01T11:59:59.999Z'), at('2024-05-01T12:00:00Z')), at('2024-05-01T12:00:00Z'));
  assert.equal(nextIntervalFire(15, at('2024-05-01T12:00:00Z')), at('2024-05-01T12:15:00Z'));
  assert.equal(nextIntervalFire(15, at('2024-05-01T12:14:59Z')), at('2024-05-01T12:15:00Z'));
});

test('every: a whole number of minutes from 1 to 1440', () => {
  for (const ok of [1, 15, 60, 1440]) assert.deepEqual(validateEveryMinutes(ok), { ok: true, minutes: ok });
  for (const bad of [0, -15, 1441, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '15', null, undefined, true]) {
    const check = validateEveryMinutes(bad);
    assert.equal(check.ok, false, String(bad));
    if (!check.ok) assert.match(check.error, /whole number of minutes from 1 to 1440 \(got /);
  }
  assert.throws(() => intervalFireTimes(0, 0, MIN), (e: unknown) => e instanceof RefineryError && e.code === 'VALIDATION');
});
