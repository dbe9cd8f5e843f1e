// Calendar days as integers (days since 1970-01-01, UTC), for date conditions. Integer arithmetic
// only (Howard Hinnant's civil-day algorithms): no Date quirks with years below 100, no time zone.
import { MS_PER_DAY } from '../instant.ts';
import type { DateUnit, RuleValue } from './rule.ts';
import { daysInMonth } from './lexer.ts';

export function dayFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

export function civilFromDay(dayNumber: number): { year: number; month: number; day: number } {
  const z = dayNumber + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** The day of a `YYYY-MM-DD` text (assumed valid). */
export function dayOfDateText(text: string): number {
  return dayFromCivil(Number(text.slice(0, 4)), Number(text.slice(5, 7)), Number(text.slice(8, 10)));
}

/** `amount` units from `asOfDay`; months and years keep the day of the month, clamped to the month's end. */
export function shiftDay(asOfDay: number, amount: number, unit: DateUnit): number {
  if (unit === 'd') return asOfDay + amount;
  if (unit === 'w') return asOfDay + 7 * amount;
  const { year, month, day } = civilFromDay(asOfDay);
  const monthIndex = year * 12 + (month - 1) + amount * (unit === 'y' ? 12 : 1);
  const newYear = Math.floor(monthIndex / 12);
  const newMonth = monthIndex - newYear * 12 + 1;
  return dayFromCivil(newYear, newMonth, Math.min(day, daysInMonth(newYear, newMonth)));
}

/** The day a date literal names, given the asOf day. */
export function dayOfLiteral(value: RuleValue, asOfDay: number): number {
  if (value.type === 'date') return dayOfDateText(value.value);
  if (value.type === 'relative-date') return shiftDay(asOfDay, value.amount, value.unit);
  if (value.type === 'string') return dayOfDateText(value.value);
  return Number.NaN;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/;
const HAS_ZONE = /(?:Z|[+-]\d{2}:?\d{2})$/i;
/** A UTC time of day after the date, whose day is then the date itself (the fast, common case). */
const UTC_TIME = /[T ](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?Z$/iy;

/** The day of `YYYY-MM-DD` at the start of `text`, read digit by digit; null if it is not a real day. */
function leadingDay(text: string): number | null {
  if (text.length < 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return null;
  let year = 0;
  let month = 0;
  let day = 0;
  for (let i = 0; i < 10; i += 1) {
    if (i === 4 || i === 7) continue;
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return null;
    if (i < 4) year = year * 10 + digit;
    else if (i < 7) month = month * 10 + digit;
    else day = day * 10 + digit;
  }
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return dayFromCivil(year, month, day);
}

/**
 * The UTC day of a record's date value, or null when it is missing or unreadable. Takes
 * `YYYY-MM-DD`, an ISO-8601 date-time (read as UTC when it has no offset), epoch milliseconds or
 * a Date.
 */
export function dayOfRecordValue(value: unknown): number | null {
  let ms: number;
  if (typeof value === 'string') {
    const day = leadingDay(value);
    if (day === null) return null;
    if (value.length === 10) return day;
    UTC_TIME.lastIndex = 10;
    if (UTC_TIME.test(value)) return day;
    if (!DATE_TIME.test(value)) return null;
    const iso = value.replace(' ', 'T');
    ms = Date.parse(HAS_ZONE.test(iso) ? iso : `${iso}Z`);
  } else if (typeof value === 'number') {
    ms = value;
  } else if (value instanceof Date) {
    ms = value.getTime();
  } else {
    return null;
  }
  return Number.isFinite(ms) ? Math.floor(ms / MS_PER_DAY) : null;
}
