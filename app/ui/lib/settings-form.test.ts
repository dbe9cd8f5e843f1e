import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SettingsResponse } from '../../server/api/api-types.ts';
import { checkForm, errorsFromIssues, formFromSettings, isDirty, timeZoneOptions, updateFromForm } from './settings-form.ts';

const saved: SettingsResponse = {
  tagPrefix: 'refinery:',
  consentPolicy: 'all',
  holdoutShare: 0.1,
  schedule: { fullSyncCron: '0 3 * * *', timeZone: 'Europe/Paris', incrementalEveryMinutes: null, paused: false },
  nextFullSyncAt: null,
  hubspot: { connected: false, portalId: null, authKind: null, requestsPerTenSeconds: null, createContacts: false },
};

test('an unchanged form sends nothing', () => {
  const form = formFromSettings(saved);
  assert.equal(form.incrementalEnabled, false);
  assert.deepEqual(updateFromForm(form, saved), {});
  assert.equal(isDirty(form, saved), false);
  assert.deepEqual(checkForm(form), {});
});

test('only changed settings are sent; the schedule goes whole', () => {
  const form = { ...formFromSettings(saved), holdoutShare: 0.2, incrementalEnabled: true, incrementalEveryMinutes: '30' };
  assert.deepEqual(updateFromForm(form, saved), {
    holdoutShare: 0.2,
    schedule: { fullSyncCron: '0 3 * * *', timeZone: 'Europe/Paris', incrementalEveryMinutes: 30, paused: false },
  });
  const off = { ...formFromSettings(saved), fullSyncEnabled: false };
  assert.equal(updateFromForm(off, saved).schedule?.fullSyncCron, null);
});

test('browser-side checks', () => {
  const form = formFromSettings(saved);
  assert.ok(checkForm({ ...form, tagPrefix: '' }).tagPrefix);
  assert.ok(checkForm({ ...form, tagPrefix: 'a,b' }).tagPrefix);
  assert.ok(checkForm({ ...form, fullSyncCron: '0 3 * *' }).fullSyncCron);
  assert.equal(checkForm({ ...form, fullSyncEnabled: false, fullSyncCron: '' }).fullSyncCron, undefined);
  assert.ok(checkForm({ ...form, incrementalEnabled: true, incrementalEveryMinutes: '0' }).incrementalEveryMinutes);
  assert.ok(checkForm({ ...form, incrementalEnabled: true, incrementalEveryMinutes: '2.5' }).incrementalEveryMinutes);
  assert.ok(checkForm({ ...form, holdoutShare: 0.9 }).holdoutShare);
});

test('server issues land on their fields', () => {
  assert.deepEqual(
    errorsFromIssues([
      { path: 'schedule.timeZone', message: 'unknown time zone' },
      { path: 'tagPrefix', message: 'too long' },
      { path: 'schedule', message: 'unknown field' },
    ]),
    { fields: { timeZone: 'unknown time zone', tagPrefix: 'too long' }, other: ['schedule: unknown field'] },
  );
});

test('time zone options keep the current zone and UTC', () => {
  assert.deepEqual(timeZoneOptions(['Europe/Paris'], 'Etc/Old'), ['Etc/Old', 'UTC', 'Europe/Paris']);
  assert.deepEqual(timeZoneOptions(['UTC', 'Europe/Paris'], 'UTC'), ['UTC', 'Europe/Paris']);
});
