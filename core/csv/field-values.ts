// Strict parsers for the values found in order files. Each returns the value or null; callers
// turn null into a row error that names the column.

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * An ISO-8601-like date or date-time (`2011-10-06`, `2011-10-06 16:20`, `2011-10-06T16:20:00Z`,
 * `2011-10-06T16:20:00+02:00`), checked against the calendar. Without an offset it is UTC.
 * Returns the instant as an ISO-8601 UTC string.
 */
export function parseDateTime(text: string): string | null {
  const match = DATE_TIME.exec(text.trim());
  if (match === null) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone = 'Z'] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const ms = Number(frac.padEnd(3, '0').slice(0, 3));
  const local = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const check = new Date(local);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  let offsetMinutes = 0;
  if (zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = Number(digits.slice(2, 4));
    if (oh > 23 || om > 59) return null;
    offsetMinutes = sign * (oh * 60 + om);
  }
  return new Date(local - offsetMinutes * 60_000).toISOString();
}

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

/** A plain decimal number (`4.15`, `-2`, `.5`); no thousands separators, exponents or currency signs. */
export function parseDecimal(text: string): number | null {
  const trimmed = text.trim();
  if (!DECIMAL.test(trimmed)) return null;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : null;
}

/** An integer (`12`, `-3`); also accepts a float spelling of one (`12.0`). */
export function parseInteger(text: string): number | null {
  const value = parseDecimal(text);
  return value !== null && Number.isSafeInteger(value) ? value : null;
}

const EMAIL = /^[^\s@,;<>"]+@[^\s@,;<>"]+\.[^\s@,;<>".]+$/;

/** Trimmed email when it has the shape local@domain.tld, else null. */
export function parseEmail(text: string): string | null {
  const trimmed = text.trim();
  return EMAIL.test(trimmed) ? trimmed : null;
}

/** A three-letter currency code, upper-cased. */
export function parseCurrency(text: string): string | null {
  const trimmed = text.trim();
  return /^[A-Za-z]{3}$/.test(trimmed) ? trimmed.toUpperCase() : null;
}

/**
 * A customer id as written in a file: trimmed, and a float spelling of an integer id
 * (`12923.0`, as spreadsheets write it) becomes the integer (`12923`). Blank -> null.
 */
export function normaliseCustomerId(text: string): string | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const float = /^(\d+)\.0+$/.exec(trimmed);
  return float?.[1] ?? trimmed;
}

/** Money rounded to cents. */
export function roundMoney(amount: number): number {
  return Math.round(amount * 100) / 100;
}
