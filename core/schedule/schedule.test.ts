import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_FULL_SYNC_CRON, DEFAULT_INCREMENTAL_EVERY_MINUTES, defaultSchedule, dueSyncs, validateSchedule, type ShopSchedule } from './schedule.ts';

const at = (iso: string) => Date.parse(iso);

test('defaults: full sync at 03:00 in the shop\'s time zone (UTC when unknown), incremental every 15 minutes', () => {
  assert.equal(DEFAULT_FULL_SYNC_CRON, '0 3 * * *');
  assert.equal(DEFAULT_INCREMENTAL_EVERY_MINUTES, 15);
  assert.deepEqual(defaultSchedule(), { fullSyncCron: '0 3 * * *', timeZone: 'UTC', incrementalEveryMinutes: 15, paused: false });
  assert.equal(defaultSchedule('Europe/Paris').timeZone, 'Europe/Paris');
  assert.equal(defaultSchedule('europe/paris').timeZone, 'Europe/Paris');
  assert.equal(defaultSchedule(null).timeZone, 'UTC');
  assert.equal(defaultSchedule('Nowhere/Land').timeZone, 'UTC');
  assert.equal(defaultSchedule('+02:00').timeZone, 'UTC');
  assert.deepEqual(validateSchedule(defaultSchedule('Asia/Tokyo')), { ok: true, schedule: defaultSchedule('Asia/Tokyo') });
});

test('validateSchedule: a valid schedule comes back normalised', () => {
  assert.deepEqual(validateSchedule({ fullSyncCron: ' 0  9 * * 1-5 ', timeZone: 'asia/tokyo', incrementalEveryMinutes: 30, paused: true }), {
    ok: true, schedule: { fullSyncCron: '0 9 * * 1-5', timeZone: 'Asia/Tokyo', incrementalEveryMinutes: 30, paused: true },
  });
  assert.deepEqual(validateSchedule({ fullSyncCron: null, timeZone: 'UTC', incrementalEveryMinutes: null, paused: false }), {
    ok: true, schedule: { fullSyncCron: null, timeZone: 'UTC', incrementalEveryMinutes: null, paused: false },
  });
});

test('validateSchedule: every field error at once, each naming its field and value', () => {
  const check = validateSchedule({ fullSyncCron: '0 3 * *', timeZone: 'Mars/Olympus', incrementalEveryMinutes: 0, paused: 'no', extra: 1 });
  assert.equal(check.ok, false);
  if (check.ok) return;
  assert.deepEqual(check.errors.map((e) => e.field), ['schedule', 'fullSyncCron', 'timeZone', 'incrementalEveryMinutes', 'paused']);
  const message = (field: string) => check.errors.find((e) => e.field === field)?.message ?? '';
  assert.match(message('schedule'), /unknown field "extra"/);
  assert.match(message('fullSyncCron'), /"0 3 \* \*" must have 5 fields/);
  assert.match(message('timeZone'), /"Mars\/Olympus" is not an IANA time zone/);
  assert.match(message('incrementalEveryMinutes'), /from 1 to 1440 \(got 0\)/);
  assert.match(message('paused'), /must be true or false \(got "no"\)/);

  for (const input of [null, undefined, 'daily', 3, [], ['0 3 * * *']]) {
    const bad = validateSchedule(input);
    assert.equal(bad.ok, false);
    if (!bad.ok) assert.deepEqual(bad.errors.map((e) => e.field), ['schedule']);
  }
  const missing = validateSchedule({});
  assert.equal(missing.ok, false);
  if (!missing.ok) {
    assert.deepEqual(missing.errors.map((e) => e.field), ['fullSyncCron', 'timeZone', 'incrementalEveryMinutes', 'paused']);
    assert.match(missing.errors[0]?.message ?? '', /required: a cron expression, or null/);
  }
  const zone = validateSchedule({ ...defaultSchedule(), timeZone: '+01:00' });
  assert.ok(!zone.ok && /UTC offset/.test(zone.errors[0]?.message ?? ''));
  const every = validateSchedule({ ...defaultSchedule(), incrementalEveryMinutes: 1441 });
  assert.ok(!every.ok && every.errors[0]?.field === 'incrementalEveryMinutes');
});

const schedule = (overrides: Partial<ShopSchedule> = {}): ShopSchedule => ({ ...defaultSchedule(), ...overrides });

test('dueSyncs: the latest fire of each kind in the period, never a backlog', () => {
  // A one-minute tick that includes 03:00: the full sync; the incremental boundary at 03:00 is left to it.
  assert.deepEqual(dueSyncs(schedule(), at('2024-05-01T02:59:00Z'), at('2024-05-01T03:00:00Z')), { fullSync: at('2024-05-01T03:00:00Z'), incrementalSync: null });
  assert.deepEqual(dueSyncs(schedule(), at('2024-05-01T02:44:00Z'), at('2024-05-01T02:45:00Z')), { fullSync: null, incrementalSync: at('2024-05-01T02:45:00Z') });
  assert.deepEqual(dueSyncs(schedule(), at('2024-05-01T03:00:00Z'), at('2024-05-01T03:15:00Z')), { fullSync: null, incrementalSync: at('2024-05-01T03:15:00Z') });
  assert.deepEqual(dueSyncs(schedule(), at('2024-05-01T03:01:00Z'), at('2024-05-01T03:14:00Z')), { fullSync: null, incrementalSync: null });
  // Three days down: one full sync (the latest, today 03:00) and one incremental (the latest boundary).
  assert.deepEqual(dueSyncs(schedule(), at('2024-05-01T00:00:00Z'), at('2024-05-04T10:07:00Z')), { fullSync: at('2024-05-04T03:00:00Z'), incrementalSync: at('2024-05-04T10:00:00Z') });
  // In the schedule's time zone.
  assert.deepEqual(dueSyncs(schedule({ fullSyncCron: '0 9 * * *', timeZone: 'Asia/Tokyo', incrementalEveryMinutes: null }), at('2024-04-30T23:59:00Z'), at('2024-05-01T00:00:00Z')), { fullSync: at('2024-05-01T00:00:00Z'), incrementalSync: null });
});

test('dueSyncs: paused, or no cron / no interval, starts nothing of that kind', () => {
  const day = [at('2024-05-01T00:00:00Z'), at('2024-05-02T00:00:00Z')] as const;
  assert.deepEqual(dueSyncs(schedule({ paused: true }), ...day), { fullSync: null, incrementalSync: null });
  assert.deepEqual(dueSyncs(schedule({ fullSyncCron: null }), ...day), { fullSync: null, incrementalSync: at('2024-05-02T00:00:00Z') });
  assert.deepEqual(dueSyncs(schedule({ incrementalEveryMinutes: null }), ...day), { fullSync: at('2024-05-01T03:00:00Z'), incrementalSync: null });
  assert.deepEqual(dueSyncs(schedule(), day[1], day[0]), { fullSync: null, incrementalSync: null }, 'an empty period');
});
