// Cron expressions (five fields, standard syntax) and the instants they fire at in a time zone.
// cron-parser (the version bull 4 uses) parses the expression and finds the matching local
// wall-clock times; this file turns those into instants with the DST rules of schedule.md, so
// that the instants do not depend on where a search starts (cron-parser's own time zone mode
// does: started inside a repeated hour it fires that hour twice, started inside a skipped hour it
// misses the day, and it skips a day when DST starts at midnight).
import cronParser from 'cron-parser';
import { RefineryError } from '../errors.ts';
import { MS_PER_HOUR, offsetAt, validateTimeZone, wallTimeToInstant } from './time-zone.ts';

/** A cron expression and the time zone its times are read in. */
export interface CronSchedule {
  cron: string;
  timeZone: string;
}

export type CronCheck = { ok: true; cron: string } | { ok: false; error: string };

export const MAX_CRON_LENGTH = 200;

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  /** Three-letter names, lower case, for the values from min on. */
  names?: readonly string[];
  hint: string;
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59, hint: 'a number from 0 to 59' },
  { name: 'hour', min: 0, max: 23, hint: 'a number from 0 to 23' },
  { name: 'day-of-month', min: 1, max: 31, hint: 'a number from 1 to 31' },
  { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'], hint: 'a number from 1 to 12 or JAN-DEC' },
  { name: 'day-of-week', min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'], hint: 'a number from 0 to 7 (0 and 7 are Sunday) or SUN-SAT' },
];

const FIELD_NAMES = FIELDS.map((f) => f.name).join(' ');

function fieldValue(text: string, spec: FieldSpec): number | string {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n >= spec.min && n <= spec.max ? n : `${text} is out of range (${spec.hint})`;
  }
  const index = spec.names?.indexOf(text.toLowerCase()) ?? -1;
  if (index >= 0) return spec.min + index;
  return `"${text}" is not ${spec.hint}`;
}

/** The problem with one field, or null. Standard syntax: `*`, values, ranges `a-b`, steps `* /n` and `a-b/n`, lists. */
function fieldProblem(text: string, spec: FieldSpec): string | null {
  for (const item of text.split(',')) {
    if (item === '') return 'a list has an empty item';
    const [base = '', step, ...extra] = item.split('/');
    if (extra.length > 0) return `"${item}" has more than one "/"`;
    if (step !== undefined) {
      const span = spec.max - spec.min + 1;
      if (!/^\d+$/.test(step) || Number(step) < 1 || Number(step) > span) return `step "${step}" in "${item}" must be a whole number from 1 to ${span}`;
      if (base !== '*' && !base.includes('-')) return `"${item}": a step needs "*" or a range before it (e.g. */15 or ${base}-${spec.max}/${step})`;
    }
    if (base === '*') continue;
    const bounds = base.split('-');
    if (bounds.length > 2) return `"${base}" is not a range (use a-b)`;
    const values = bounds.map((b) => fieldValue(b, spec));
    for (const v of values) if (typeof v === 'string') return v;
    const [from, to] = values as number[];
    if (to !== undefined && from !== undefined && from > to) return `range "${base}" goes backwards`;
  }
  return null;
}

function parse(cron: string, options: { currentDate: number; endDate: number }) {
  return cronParser.parseExpression(cron, { currentDate: new Date(options.currentDate), endDate: new Date(options.endDate), utc: true });
}

/** Wall-clock times (as UTC milliseconds of the local fields) matching the expression in (from, to]. */
function wallTimes(cron: string, fromMs: number, toMs: number): number[] {
  if (!(toMs > fromMs)) return [];
  const expression = parse(cron, { currentDate: fromMs, endDate: toMs });
  const out: number[] = [];
  for (;;) {
    let next: number;
    try {
      next = expression.next().getTime();
    } catch {
      break; // past the end date (cron-parser says so by throwing)
    }
    if (next > toMs) break;
    out.push(next);
  }
  return out;
}

const NEVER_FIRES_FROM = Date.UTC(2000, 0, 1);
const NEVER_FIRES_TO = Date.UTC(2009, 0, 1); // more than one leap-year cycle

/**
 * A cron expression: five fields (minute hour day-of-month month day-of-week) in standard
 * syntax: `*`, numbers, ranges, steps after `*` or a range, lists, and JAN-DEC / SUN-SAT names.
 * Nonstandard extensions (seconds, `@daily`, `L`, `W`, `#`, `?`) and expressions that never fire
 * (`0 0 30 2 *`) are refused. Returns the expression with single spaces between fields.
 */
export function validateCron(value: unknown): CronCheck {
  if (typeof value !== 'string') return { ok: false, error: `cron expression must be a string of five fields (${FIELD_NAMES})` };
  if (value.length > MAX_CRON_LENGTH) return { ok: false, error: `cron expression is longer than ${MAX_CRON_LENGTH} characters` };
  const fields = value.trim() === '' ? [] : value.trim().split(/\s+/);
  if (fields.length !== FIELDS.length) {
    return { ok: false, error: `"${value}" must have 5 fields (${FIELD_NAMES}), e.g. "0 3 * * *" for 03:00 every day; got ${fields.length}` };
  }
  for (const [i, spec] of FIELDS.entries()) {
    const problem = fieldProblem(fields[i] ?? '', spec);
    if (problem !== null) return { ok: false, error: `"${value}": ${spec.name} field "${fields[i]}": ${problem}` };
  }
  const cron = fields.join(' ');
  try {
    parse(cron, { currentDate: NEVER_FIRES_FROM, endDate: NEVER_FIRES_TO }).next();
  } catch (error) {
    // cron-parser refuses a single month without the day (`0 0 30 2 *`) when parsing, and says
    // "Out of the timespan range" when nothing matches within nine years (`0 0 31 4,6 *`).
    const message = error instanceof Error ? error.message : String(error);
    if (/day of month|timespan|loop limit/i.test(message)) return { ok: false, error: `"${value}" never fires: no date matches its day-of-month and month` };
    return { ok: false, error: `"${value}": ${message}` };
  }
  return { ok: true, cron };
}

// Checked expressions and zones, remembered (a scheduler checks the same few on every tick).
const MAX_REMEMBERED = 1000;
const checkedCrons = new Map<string, CronCheck>();
const checkedZones = new Map<string, ReturnType<typeof validateTimeZone>>();

function remembered<T>(cache: Map<string, T>, key: string, check: () => T): T {
  let result = cache.get(key);
  if (result === undefined) {
    if (cache.size >= MAX_REMEMBERED) cache.clear();
    result = check();
    cache.set(key, result);
  }
  return result;
}

function checked(schedule: CronSchedule): CronSchedule {
  if (typeof schedule?.cron !== 'string' || typeof schedule.timeZone !== 'string') throw new RefineryError('VALIDATION', 'a cron schedule needs a cron and a timeZone string');
  const cron = remembered(checkedCrons, schedule.cron, () => validateCron(schedule.cron));
  if (!cron.ok) throw new RefineryError('VALIDATION', `cron ${cron.error}`);
  const zone = remembered(checkedZones, schedule.timeZone, () => validateTimeZone(schedule.timeZone));
  if (!zone.ok) throw new RefineryError('VALIDATION', zone.error);
  return { cron: cron.cron, timeZone: zone.timeZone };
}

/** Longest offset jump to allow for when mapping instants to wall times (Samoa skipped a whole day in 2011). */
const MAX_JUMP_MS = 26 * MS_PER_HOUR;
const OFFSET_SAMPLE_MS = 12 * MS_PER_HOUR;

/** The least and greatest UTC offset in force over [from, to], sampled twice a day. */
function offsetRange(timeZone: string, fromMs: number, toMs: number): { min: number; max: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let t = fromMs; ; t = Math.min(t + OFFSET_SAMPLE_MS, toMs)) {
    const offset = offsetAt(timeZone, t);
    min = Math.min(min, offset);
    max = Math.max(max, offset);
    if (t >= toMs) break;
  }
  return { min, max };
}

/**
 * The instants, in epoch milliseconds and ascending, at which the cron fires in its time zone
 * within (afterMs, untilMs]. Each local time the expression names fires once: a time skipped when
 * clocks go forward fires moved forward by the jump (02:30 -> 03:30), a time repeated when clocks
 * go back fires at its first occurrence only. The result does not depend on how a period is cut
 * into windows: the windows (a, b] and (b, c] together give exactly (a, c].
 * Throws VALIDATION for an invalid expression or time zone.
 */
export function nextFireTimes(schedule: CronSchedule, afterMs: number, untilMs: number): number[] {
  if (!Number.isFinite(afterMs) || !Number.isFinite(untilMs)) throw new RefineryError('VALIDATION', 'fire times need finite instants');
  const { cron, timeZone } = checked(schedule);
  if (!(untilMs > afterMs)) return [];
  // A fire at instant t comes from the wall time t + offset, the offset being the one in force at
  // t or, for a skipped time, the one in force before a jump that happened shortly before t.
  const offsets = offsetRange(timeZone, afterMs - MAX_JUMP_MS, untilMs);
  const fires = new Set<number>();
  for (const wall of wallTimes(cron, afterMs + offsets.min, untilMs + offsets.max)) {
    const instant = wallTimeToInstant(timeZone, wall);
    if (instant > afterMs && instant <= untilMs) fires.add(instant);
  }
  return [...fires].sort((a, b) => a - b);
}

/** The last fire time in (afterMs, untilMs], or null. */
export function latestFireTime(schedule: CronSchedule, afterMs: number, untilMs: number): number | null {
  const fires = nextFireTimes(schedule, afterMs, untilMs);
  return fires[fires.length - 1] ?? null;
}

const SEARCH_WINDOWS_MS = [MS_PER_HOUR, 24 * MS_PER_HOUR, 35 * 24 * MS_PER_HOUR, 400 * 24 * MS_PER_HOUR, 9 * 366 * 24 * MS_PER_HOUR];

/** The first `count` fire times after afterMs (fewer when the cron fires less often than that within nine years). */
export function upcomingFireTimes(schedule: CronSchedule, afterMs: number, count: number): number[] {
  let fires: number[] = [];
  for (const window of SEARCH_WINDOWS_MS) {
    fires = nextFireTimes(schedule, afterMs, afterMs + window);
    if (fires.length >= count) break;
  }
  return fires.slice(0, Math.max(0, count));
}
