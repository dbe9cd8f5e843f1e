import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatCompact, formatDateTime, formatDuration, formatMoney, formatNumber, formatPercent, formatPoints, formatRelative, formatSignedMoney, plural } from './format.ts';

test('numbers, money and shares', () => {
  assert.equal(formatNumber(1234567), '1,234,567');
  assert.equal(formatNumber(2.345, 1), '2.3');
  assert.equal(formatNumber(null), '—');
  assert.equal(formatNumber(Number.NaN), '—');
  assert.equal(formatMoney(1234.5), '1,234.50');
  assert.equal(formatPercent(0.1234), '12.3%');
  assert.equal(formatPercent(0.5, 0), '50%');
  assert.equal(formatPercent(undefined), '—');
});

test('compact numbers for axes', () => {
  assert.equal(formatCompact(0), '0');
  assert.equal(formatCompact(950), '950');
  assert.equal(formatCompact(2.5), '2.5');
  assert.equal(formatCompact(1000), '1K');
  assert.equal(formatCompact(1500), '1.5K');
  assert.equal(formatCompact(34_000), '34K');
  assert.equal(formatCompact(412_870.45), '413K');
  assert.equal(formatCompact(1_500_000), '1.5M');
  assert.equal(formatCompact(-2500), '-2.5K');
});

test('signed differences: points and money', () => {
  assert.equal(formatPoints(0.0928), '+9.3 pts');
  assert.equal(formatPoints(-0.03), '−3.0 pts');
  assert.equal(formatPoints(0.00001), '0.0 pts');
  assert.equal(formatSignedMoney(28.25), '+28.25');
  assert.equal(formatSignedMoney(-7.1), '−7.10');
  assert.equal(formatSignedMoney(0), '0.00');
});

test('dates in a given time zone', () => {
  assert.equal(formatDateTime('2026-03-02T03:00:00Z', 'UTC'), 'Mar 2, 2026, 03:00');
  assert.equal(formatDateTime('2026-03-02T03:00:00Z', 'America/New_York'), 'Mar 1, 2026, 22:00');
  assert.equal(formatDateTime(null), '—');
  assert.equal(formatDateTime('not a date'), 'not a date');
});

test('durations', () => {
  assert.equal(formatDuration(850), '850 ms');
  assert.equal(formatDuration(4200), '4.2 s');
  assert.equal(formatDuration(42_000), '42 s');
  assert.equal(formatDuration(125_000), '2 min 5 s');
  assert.equal(formatDuration(120_000), '2 min');
  assert.equal(formatDuration(3_960_000), '1 h 6 min');
  assert.equal(formatDuration(null), '—');
});

test('relative times', () => {
  const now = new Date('2026-03-02T12:00:00Z');
  assert.equal(formatRelative('2026-03-02T11:59:50Z', now), 'just now');
  assert.equal(formatRelative('2026-03-02T11:55:00Z', now), '5 minutes ago');
  assert.equal(formatRelative('2026-03-02T09:00:00Z', now), '3 hours ago');
  assert.equal(formatRelative('2026-02-28T12:00:00Z', now), '2 days ago');
  assert.equal(formatRelative('2026-03-02T16:00:00Z', now), 'in 4 hours');
  assert.equal(plural(1, 'customer'), '1 customer');
  assert.equal(plural(1200, 'customer'), '1,200 customers');
});
