// Incremental syncs every N minutes, on boundaries counted from the Unix epoch (floor(t / N min)),
// so that every scheduler process, whenever it started, agrees on the fire times. Time zones and
// daylight saving time do not apply: every N minutes means every N minutes of real time.
import { RefineryError } from '../errors.ts';

export const MIN_EVERY_MINUTES = 1;
export const MAX_EVERY_MINUTES = 1440;
const MS_PER_MINUTE = 60_000;

export type EveryMinutesCheck = { ok: true; minutes: number } | { ok: false; error: string };

/** A whole number of minutes from 1 to 1440 (once a day). */
export function validateEveryMinutes(value: unknown): EveryMinutesCheck {
  if (typeof value === 'number' && Number.isInteger(value) && value >= MIN_EVERY_MINUTES && value <= MAX_EVERY_MINUTES) return { ok: true, minutes: value };
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return { ok: false, error: `must be a whole number of minutes from ${MIN_EVERY_MINUTES} to ${MAX_EVERY_MINUTES} (got ${shown})` };
}

function periodMs(everyMinutes: number): number {
  const check = validateEveryMinutes(everyMinutes);
  if (!check.ok) throw new RefineryError('VALIDATION', `every N minutes: N ${check.error}`);
  return check.minutes * MS_PER_MINUTE;
}

/** The boundaries k * N minutes (epoch milliseconds, ascending) within (afterMs, untilMs]. */
export function intervalFireTimes(everyMinutes: number, afterMs: number, untilMs: number): number[] {
  const period = periodMs(everyMinutes);
  const out: number[] = [];
  for (let k = Math.floor(afterMs / period) + 1; k * period <= untilMs; k += 1) out.push(k * period);
  return out;
}

/** The last boundary within (afterMs, untilMs], or null. */
export function latestIntervalFire(everyMinutes: number, afterMs: number, untilMs: number): number | null {
  const period = periodMs(everyMinutes);
  const latest = Math.floor(untilMs / period) * period;
  return latest > afterMs ? latest : null;
}

/** The first boundary after afterMs. */
export function nextIntervalFire(everyMinutes: number, afterMs: number): number {
  const period = periodMs(everyMinutes);
  return (Math.floor(afterMs / period) + 1) * period;
}
