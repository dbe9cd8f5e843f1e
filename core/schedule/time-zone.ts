// IANA time zones through Intl: validation, UTC offsets, local times, and the instant a local
// wall-clock time stands for (with the DST rules of schedule.md). Pure: the time zone database is
// the runtime's (ICU), and no clock is read.

const MS_PER_SECOND = 1000;
const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;

export type TimeZoneCheck = { ok: true; timeZone: string } | { ok: false; error: string };

const EXAMPLES = '"Europe/Paris", "America/New_York" or "UTC"';

/**
 * An IANA time zone name as Intl knows it (`Intl.DateTimeFormat(undefined, { timeZone })`),
 * returned in its canonical spelling (`europe/paris` -> `Europe/Paris`, `Etc/UTC` -> `UTC`, links
 * such as `US/Eastern` -> `America/New_York`). UTC offsets (`+01:00`), which Intl also takes, are
 * refused: they are not zones and know nothing of daylight saving time.
 */
export function validateTimeZone(value: unknown): TimeZoneCheck {
  if (typeof value !== 'string') return { ok: false, error: `time zone must be an IANA name such as ${EXAMPLES} (got ${describe(value)})` };
  if (value.trim() === '') return { ok: false, error: `time zone must not be empty: an IANA name such as ${EXAMPLES}` };
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat(undefined, { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    return { ok: false, error: `"${value}" is not an IANA time zone: use a name such as ${EXAMPLES}` };
  }
  if (resolved.startsWith('+') || resolved.startsWith('-')) {
    return { ok: false, error: `"${value}" is a UTC offset, not an IANA time zone: use a name such as ${EXAMPLES}` };
  }
  return { ok: true, timeZone: resolved };
}

/** Every time zone name the runtime lists (for a settings form); UTC first. */
export function timeZoneNames(): string[] {
  return ['UTC', ...Intl.supportedValuesOf('timeZone').filter((name) => name !== 'UTC')];
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(timeZone, f); // only valid zones get here (the constructor throws otherwise)
  }
  return f;
}

/** Local calendar fields of an instant in a zone. */
export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** UTC offset in milliseconds (local = UTC + offset). */
  offsetMs: number;
}

function floorTo(ms: number, unit: number): number {
  return ms - (((ms % unit) + unit) % unit);
}

export function localTime(timeZone: string, instantMs: number): LocalTime {
  const t = floorTo(instantMs, MS_PER_SECOND);
  const fields: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(t)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const year = fields['year'] ?? Number.NaN;
  const month = fields['month'] ?? Number.NaN;
  const day = fields['day'] ?? Number.NaN;
  const hour = (fields['hour'] ?? Number.NaN) % 24; // some engines print midnight as 24
  const minute = fields['minute'] ?? Number.NaN;
  const second = fields['second'] ?? Number.NaN;
  const wall = new Date(Date.UTC(2000, month - 1, day, hour, minute, second));
  wall.setUTCFullYear(year); // Date.UTC maps years 0..99 to 1900..1999
  return { year, month, day, hour, minute, second, offsetMs: wall.getTime() - t };
}

/** The zone's UTC offset at an instant, in milliseconds. */
export function offsetAt(timeZone: string, instantMs: number): number {
  return localTime(timeZone, instantMs).offsetMs;
}

/**
 * The instant of a local wall-clock time, given as milliseconds of the same calendar fields read
 * as UTC (`Date.UTC(2024, 2, 31, 2, 30)` for 02:30 on 31 March):
 * - a time that occurs once is that instant;
 * - a time that occurs twice (clocks going back) is its first occurrence;
 * - a time that never occurs (clocks going forward) is moved forward by the jump: 02:30 on the
 *   night Paris goes from 02:00 to 03:00 is 03:30 CEST.
 * This is the "compatible" choice of JavaScript's Temporal and of luxon.
 */
export function wallTimeToInstant(timeZone: string, wallMs: number): number {
  const before = offsetAt(timeZone, wallMs - MS_PER_DAY);
  const after = offsetAt(timeZone, wallMs + MS_PER_DAY);
  let best: number | null = null;
  for (const offset of before === after ? [before] : [before, after]) {
    const instant = wallMs - offset;
    if (offsetAt(timeZone, instant) === offset && (best === null || instant < best)) best = instant;
  }
  if (best !== null) return best;
  // In a gap: read the time with the offset in force before the jump, which lands after it.
  return wallMs - before;
}

function pad(n: number, width = 2): string {
  return String(Math.abs(n)).padStart(width, '0');
}

/** `2024-03-31T03:30:00+02:00`: the local time of an instant with its UTC offset (RFC 3339). */
export function formatLocal(timeZone: string, instantMs: number): string {
  const l = localTime(timeZone, instantMs);
  const offsetMinutes = Math.round(l.offsetMs / MS_PER_MINUTE);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const year = l.year < 0 ? `-${pad(l.year, 6)}` : pad(l.year, 4);
  return `${year}-${pad(l.month)}-${pad(l.day)}T${pad(l.hour)}:${pad(l.minute)}:${pad(l.second)}${sign}${pad(Math.trunc(Math.abs(offsetMinutes) / 60))}:${pad(Math.abs(offsetMinutes) % 60)}`;
}
