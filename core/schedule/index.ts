// Sync schedules: cron expressions read in IANA time zones (DST-aware), epoch-aligned incremental
// intervals, and the per-shop schedule built from them. Pure. See schedule.md.
export { MAX_CRON_LENGTH, latestFireTime, nextFireTimes, upcomingFireTimes, validateCron, type CronCheck, type CronSchedule } from './cron.ts';
export {
  MAX_EVERY_MINUTES, MIN_EVERY_MINUTES, intervalFireTimes, latestIntervalFire, nextIntervalFire, validateEveryMinutes, type EveryMinutesCheck,
} from './interval.ts';
export {
  DEFAULT_FULL_SYNC_CRON, DEFAULT_INCREMENTAL_EVERY_MINUTES, DEFAULT_TIME_ZONE, defaultSchedule, dueSyncs, validateSchedule,
  type DueSyncs, type ScheduleCheck, type ScheduleField, type ScheduleFieldError, type ShopSchedule,
} from './schedule.ts';
export { formatLocal, localTime, offsetAt, timeZoneNames, validateTimeZone, wallTimeToInstant, type LocalTime, type TimeZoneCheck } from './time-zone.ts';
