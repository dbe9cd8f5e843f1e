// Small, pure helpers for instants. Nothing here reads the clock: every "now" is a parameter.
import { RefineryError } from './errors.ts';

export const MS_PER_DAY = 86_400_000;

/** An instant as given by callers: a Date, an ISO-8601 string or epoch milliseconds. */
export type InstantInput = Date | string | number;

/** Milliseconds since the epoch; throws a VALIDATION error for an unparseable instant. */
export function toEpochMs(value: InstantInput, what = 'instant'): number {
  const ms = typeof value === 'string' ? Date.parse(value) : typeof value === 'number' ? value : value.getTime();
  if (!Number.isFinite(ms)) {
    throw new RefineryError('VALIDATION', `${what} is not a valid date: ${String(value)}`);
  }
  return ms;
}

/** Milliseconds since the epoch, or null when the string does not parse. */
export function parseEpochMs(value: string | null | undefined): number | null {
  if (value == null || value === '') return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

/** The UTC calendar day of an instant, as an integer day number (days since 1970-01-01). */
export function utcDayNumber(ms: number): number {
  return Math.floor(ms / MS_PER_DAY);
}

/** Whole days from `fromMs` to `toMs` (floored; 0 when `fromMs` is later). */
export function wholeDaysBetween(fromMs: number, toMs: number): number {
  return toMs <= fromMs ? 0 : Math.floor((toMs - fromMs) / MS_PER_DAY);
}

export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Money as integer cents, so sums do not depend on the order they are added in. */
export function toCents(amount: number): number {
  return Math.round(amount * 100);
}

export function fromCents(cents: number): number {
  return cents / 100;
}

/** Compare strings by UTF-16 code units: locale-independent, hence deterministic everywhere. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
