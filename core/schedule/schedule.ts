// A shop's sync schedule: when full syncs run (a cron in the shop's time zone), how often
// incremental syncs run (every N minutes), and whether the schedule is paused. See schedule.md.
import { latestFireTime, validateCron } from './cron.ts';
import { latestIntervalFire, validateEveryMinutes } from './interval.ts';
import { validateTimeZone } from './time-zone.ts';

export interface ShopSchedule {
  /** When full syncs run, as a five-field cron read in timeZone; null: no scheduled full sync. */
  fullSyncCron: string | null;
  /** IANA time zone the cron is read in, e.g. `Europe/Paris`. */
  timeZone: string;
  /** Incremental sync every N minutes (1 to 1440), on epoch-aligned boundaries; null: none. */
  incrementalEveryMinutes: number | null;
  /** A paused schedule runs nothing (the settings are kept for when it is resumed). */
  paused: boolean;
}

/** Full sync every day at 03:00 local time. */
export const DEFAULT_FULL_SYNC_CRON = '0 3 * * *';
export const DEFAULT_INCREMENTAL_EVERY_MINUTES = 15;
export const DEFAULT_TIME_ZONE = 'UTC';

/** The schedule of a shop that has not chosen one: in the shop's time zone when it is known (and valid), UTC otherwise. */
export function defaultSchedule(shopTimeZone?: string | null): ShopSchedule {
  const zone = shopTimeZone == null ? null : validateTimeZone(shopTimeZone);
  return {
    fullSyncCron: DEFAULT_FULL_SYNC_CRON,
    timeZone: zone?.ok ? zone.timeZone : DEFAULT_TIME_ZONE,
    incrementalEveryMinutes: DEFAULT_INCREMENTAL_EVERY_MINUTES,
    paused: false,
  };
}

export type ScheduleField = keyof ShopSchedule;

export interface ScheduleFieldError {
  /** The field at fault; `schedule` when the input is not an object or has unknown fields. */
  field: ScheduleField | 'schedule';
  /** What is wrong, naming the bad value but not the field (shown next to it, or after `field: `). */
  message: string;
}

export type ScheduleCheck = { ok: true; schedule: ShopSchedule } | { ok: false; errors: ScheduleFieldError[] };

const FIELDS: readonly ScheduleField[] = ['fullSyncCron', 'timeZone', 'incrementalEveryMinutes', 'paused'];

/**
 * Checks a schedule from outside (settings, the CLI, a form): an object with exactly the four
 * fields. Returns it normalised (single spaces in the cron, the time zone's canonical name), or
 * every field error at once.
 */
export function validateSchedule(input: unknown): ScheduleCheck {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, errors: [{ field: 'schedule', message: 'a schedule must be an object with fullSyncCron, timeZone, incrementalEveryMinutes and paused' }] };
  }
  const record = input as Record<string, unknown>;
  const errors: ScheduleFieldError[] = [];
  const unknown = Object.keys(record).filter((key) => !(FIELDS as readonly string[]).includes(key));
  if (unknown.length > 0) errors.push({ field: 'schedule', message: `unknown field${unknown.length === 1 ? '' : 's'} ${unknown.map((k) => JSON.stringify(k)).join(', ')} (a schedule has ${FIELDS.join(', ')})` });

  let fullSyncCron: string | null = null;
  if (record['fullSyncCron'] !== null) {
    const cron = validateCron(record['fullSyncCron']);
    if (cron.ok) fullSyncCron = cron.cron;
    else errors.push({ field: 'fullSyncCron', message: record['fullSyncCron'] === undefined ? 'required: a cron expression, or null for no scheduled full sync' : cron.error });
  }
  const zone = validateTimeZone(record['timeZone']);
  if (!zone.ok) errors.push({ field: 'timeZone', message: zone.error });
  let incrementalEveryMinutes: number | null = null;
  if (record['incrementalEveryMinutes'] !== null) {
    const every = validateEveryMinutes(record['incrementalEveryMinutes']);
    if (every.ok) incrementalEveryMinutes = every.minutes;
    else errors.push({ field: 'incrementalEveryMinutes', message: `${every.error}, or null for no incremental sync` });
  }
  const paused = record['paused'];
  if (typeof paused !== 'boolean') errors.push({ field: 'paused', message: `must be true or false (got ${paused === undefined ? 'nothing' : JSON.stringify(paused)})` });

  if (errors.length > 0 || !zone.ok || typeof paused !== 'boolean') return { ok: false, errors };
  return { ok: true, schedule: { fullSyncCron, timeZone: zone.timeZone, incrementalEveryMinutes, paused } };
}

/** The syncs a schedule asks for in a period: the latest fire of each kind (older missed fires are not run). */
export interface DueSyncs {
  /** The latest full-sync fire time in the period, or null. */
  fullSync: number | null;
  /** The latest incremental fire time, or null; null too when a full sync fires at that same instant. */
  incrementalSync: number | null;
}

/**
 * What a scheduler should start for the period (afterMs, untilMs]: at most one full sync and one
 * incremental sync, each the latest fire of its kind in the period, however long the period (a
 * scheduler that was down runs one catch-up of each, not the backlog). A paused schedule asks for
 * nothing. An incremental fire at the instant of a full sync is left out: the full sync covers it.
 */
export function dueSyncs(schedule: ShopSchedule, afterMs: number, untilMs: number): DueSyncs {
  if (schedule.paused || !(untilMs > afterMs)) return { fullSync: null, incrementalSync: null };
  const fullSync = schedule.fullSyncCron === null ? null : latestFireTime({ cron: schedule.fullSyncCron, timeZone: schedule.timeZone }, afterMs, untilMs);
  const incremental = schedule.incrementalEveryMinutes === null ? null : latestIntervalFire(schedule.incrementalEveryMinutes, afterMs, untilMs);
  return { fullSync, incrementalSync: incremental !== null && incremental === fullSync ? null : incremental };
}
