// The settings form: its text fields from the settings, the update a save sends (only what
// changed), and the checks the browser can make before the server's own validation. Pure.
import type { ConsentPolicy, SettingsResponse, SettingsUpdate } from '../../server/api/api-types.ts';

export interface SettingsForm {
  tagPrefix: string;
  consentPolicy: ConsentPolicy;
  /** 0..0.5, as a share. */
  holdoutShare: number;
  /** Off: no scheduled full sync (fullSyncCron null). */
  fullSyncEnabled: boolean;
  fullSyncCron: string;
  timeZone: string;
  /** Off: no incremental sync (incrementalEveryMinutes null). */
  incrementalEnabled: boolean;
  incrementalEveryMinutes: string;
  paused: boolean;
}

/** Form field names, and the API paths whose issues belong to them. */
export const FIELD_OF_PATH: Readonly<Record<string, keyof SettingsForm>> = {
  tagPrefix: 'tagPrefix',
  consentPolicy: 'consentPolicy',
  holdoutShare: 'holdoutShare',
  'schedule.fullSyncCron': 'fullSyncCron',
  'schedule.timeZone': 'timeZone',
  'schedule.incrementalEveryMinutes': 'incrementalEveryMinutes',
  'schedule.paused': 'paused',
};

export const MAX_HOLDOUT_SHARE = 0.5;

export function formFromSettings(settings: SettingsResponse): SettingsForm {
  const s = settings.schedule;
  return {
    tagPrefix: settings.tagPrefix,
    consentPolicy: settings.consentPolicy,
    holdoutShare: settings.holdoutShare,
    fullSyncEnabled: s.fullSyncCron !== null,
    fullSyncCron: s.fullSyncCron ?? '0 3 * * *',
    timeZone: s.timeZone,
    incrementalEnabled: s.incrementalEveryMinutes !== null,
    incrementalEveryMinutes: s.incrementalEveryMinutes === null ? '15' : String(s.incrementalEveryMinutes),
    paused: s.paused,
  };
}

export type FormErrors = Partial<Record<keyof SettingsForm, string>>;

/** What the browser can tell before asking the server (the server checks everything again). */
export function checkForm(form: SettingsForm): FormErrors {
  const errors: FormErrors = {};
  if (form.tagPrefix.trim() === '') errors.tagPrefix = 'A tag prefix is required.';
  else if (form.tagPrefix.includes(',')) errors.tagPrefix = 'A tag cannot contain a comma.';
  if (!(form.holdoutShare >= 0 && form.holdoutShare <= MAX_HOLDOUT_SHARE)) errors.holdoutShare = `Hold out between 0% and ${MAX_HOLDOUT_SHARE * 100}%.`;
  if (form.fullSyncEnabled && form.fullSyncCron.trim().split(/\s+/).length !== 5) errors.fullSyncCron = 'A cron has five fields: minute hour day-of-month month day-of-week.';
  if (form.incrementalEnabled) {
    const minutes = Number(form.incrementalEveryMinutes);
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440) errors.incrementalEveryMinutes = 'Between 1 and 1440 minutes.';
  }
  return errors;
}

/** The update a save sends: only the settings that differ from the saved ones (the schedule whole). */
export function updateFromForm(form: SettingsForm, saved: SettingsResponse): SettingsUpdate {
  const update: SettingsUpdate = {};
  if (form.tagPrefix !== saved.tagPrefix) update.tagPrefix = form.tagPrefix;
  if (form.consentPolicy !== saved.consentPolicy) update.consentPolicy = form.consentPolicy;
  if (form.holdoutShare !== saved.holdoutShare) update.holdoutShare = form.holdoutShare;
  const schedule = {
    fullSyncCron: form.fullSyncEnabled ? form.fullSyncCron.trim() : null,
    timeZone: form.timeZone,
    incrementalEveryMinutes: form.incrementalEnabled ? Number(form.incrementalEveryMinutes) : null,
    paused: form.paused,
  };
  const s = saved.schedule;
  if (schedule.fullSyncCron !== s.fullSyncCron || schedule.timeZone !== s.timeZone || schedule.incrementalEveryMinutes !== s.incrementalEveryMinutes || schedule.paused !== s.paused) {
    update.schedule = schedule;
  }
  return update;
}

export function isDirty(form: SettingsForm, saved: SettingsResponse): boolean {
  return Object.keys(updateFromForm(form, saved)).length > 0;
}

/** Server issues by form field; issues on paths the form has no field for are returned apart. */
export function errorsFromIssues(issues: ReadonlyArray<{ path: string; message: string }>): { fields: FormErrors; other: string[] } {
  const fields: FormErrors = {};
  const other: string[] = [];
  for (const issue of issues) {
    const field = FIELD_OF_PATH[issue.path];
    if (field) fields[field] = fields[field] ? `${fields[field]}; ${issue.message}` : issue.message;
    else other.push(issue.path ? `${issue.path}: ${issue.message}` : issue.message);
  }
  return { fields, other };
}

/** IANA time zones for the select: the browser's list, with the current value kept if it is missing. */
export function timeZoneOptions(supported: readonly string[], current: string): string[] {
  const zones = supported.includes('UTC') ? [...supported] : ['UTC', ...supported];
  if (current && !zones.includes(current)) zones.unshift(current);
  return zones;
}
