import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RefineryError } from './errors.ts';
import { compareStrings, fromCents, toCents, toEpochMs, utcDayNumber, wholeDaysBetween } from './instant.ts';

test('instants from strings, dates and numbers; invalid ones are VALIDATION errors', () => {
  const ms = Date.UTC(2024, 0, 2, 3, 4, 5);
  assert.equal(toEpochMs('2024-01-02T03:04:05Z'), ms);
  assert.equal(toEpochMs(new Date(ms)), ms);
  assert.equal(toEpochMs(ms), ms);
  assert.throws(() => toEpochMs('nope', 'asOf'), (e: unknown) => e instanceof RefineryError && e.code === 'VALIDATION' && /asOf/.test(e.message));
});

test('days, cents and string order', () => {
  assert.equal(utcDayNumber(Date.UTC(1970, 0, 2, 23, 59)), 1);
  assert.equal(wholeDaysBetween(Date.UTC(2024, 0, 1, 12), Date.UTC(2024, 0, 3, 11)), 1);
  assert.equal(wholeDaysBetween(Date.UTC(2024, 0, 3), Date.UTC(2024, 0, 1)), 0);
  assert.equal(fromCents(toCents(0.1) + toCents(0.2)), 0.3);
  assert.deepEqual(['b', 'B', 'a', '10', '9'].sort(compareStrings), ['10', '9', 'B', 'a', 'b']);
});
