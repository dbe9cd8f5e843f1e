// Per-person inputs of the BG/NBD and Gamma-Gamma models, built from purchase DAYS.
// Several orders on one calendar day are one purchase occasion (their amounts are added).
// The first purchase day is the start of the person's history and is not a repeat purchase:
//   x  = number of purchase days after the first one (repeat purchase days), up to asOfDay
//   tx = time from the first to the last purchase day (0 when x = 0)
//   T  = time from the first purchase day to asOfDay
// all in one time unit (weeks by default). meanSpend is the mean spend per repeat purchase day
// (the first day's spend is left out, as Fader & Hardie do for the Gamma-Gamma model), or null
// when x = 0. Purchases after asOfDay are ignored.
import { RefineryError } from '../errors.ts';
import { fromCents, toCents } from '../instant.ts';

export type ClvTimeUnit = 'day' | 'week' | 'month';

/** Days per unit; a month is 365.25 / 12 days. */
export const DAYS_PER_UNIT: Readonly<Record<ClvTimeUnit, number>> = { day: 1, week: 7, month: 365.25 / 12 };

export const DEFAULT_TIME_UNIT: ClvTimeUnit = 'week';

/** Days in twelve months, the CLV horizon. */
export const DAYS_PER_YEAR = 365.25;

export interface PurchaseSummary {
  /** Repeat purchase days (purchase days after the first). */
  x: number;
  /** Time of the last purchase day since the first, in the unit. */
  tx: number;
  /** Time from the first purchase day to the as-of day, in the unit. */
  T: number;
  /** Mean spend per repeat purchase day; null when x = 0. */
  meanSpend: number | null;
}

export function daysToUnits(days: number, unit: ClvTimeUnit): number {
  return days / DAYS_PER_UNIT[unit];
}

export function unitsToDays(units: number, unit: ClvTimeUnit): number {
  return units * DAYS_PER_UNIT[unit];
}

interface PurchaseDay {
  day: number;
  cents: number;
}

/** Distinct purchase days in ascending order with the day's total in cents. */
function purchaseDays(days: readonly number[], amounts: readonly number[]): PurchaseDay[] {
  if (days.length !== amounts.length) {
    throw new RefineryError('VALIDATION', `purchase days (${days.length}) and amounts (${amounts.length}) differ in length`);
  }
  const list: PurchaseDay[] = [];
  let sorted = true;
  for (let i = 0; i < days.length; i += 1) {
    const day = days[i] as number;
    const amount = amounts[i] as number;
    if (!Number.isInteger(day)) throw new RefineryError('VALIDATION', `purchase day ${day} is not an integer day number`);
    if (!Number.isFinite(amount)) throw new RefineryError('VALIDATION', `amount ${amount} on day ${day} is not a number`);
    const last = list[list.length - 1];
    // Days come in any order; a day equal to the previous one adds to it (the usual case of
    // several orders on one day, oldest first), others are merged after sorting.
    if (last !== undefined && last.day === day) last.cents += toCents(amount);
    else {
      if (last !== undefined && last.day > day) sorted = false;
      list.push({ day, cents: toCents(amount) });
    }
  }
  if (sorted) return list;
  // Stable sort by day, then the entries of one day added up in the order they came.
  list.sort((p, q) => p.day - q.day);
  const merged: PurchaseDay[] = [];
  for (const entry of list) {
    const last = merged[merged.length - 1];
    if (last !== undefined && last.day === entry.day) last.cents += entry.cents;
    else merged.push(entry);
  }
  return merged;
}

function summaryOf(list: readonly PurchaseDay[], asOfDay: number, unit: ClvTimeUnit): PurchaseSummary | null {
  const first = list[0];
  if (first === undefined || first.day > asOfDay) return null;
  let x = 0;
  let last = first.day;
  let repeatCents = 0;
  for (let i = 1; i < list.length; i += 1) {
    const p = list[i] as PurchaseDay;
    if (p.day > asOfDay) break;
    x += 1;
    last = p.day;
    repeatCents += p.cents;
  }
  return {
    x,
    tx: daysToUnits(last - first.day, unit),
    T: daysToUnits(asOfDay - first.day, unit),
    meanSpend: x > 0 ? fromCents(repeatCents) / x : null,
  };
}

/**
 * The summary of one person as of `asOfDay` (an integer day number, e.g. `utcDayNumber`), from
 * the day numbers of their orders and the amount of each order (parallel arrays; order does not
 * matter). Null when the person made no purchase on or before `asOfDay`.
 */
export function summarize(
  purchaseDayNumbers: readonly number[],
  amountsPerDay: readonly number[],
  asOfDay: number,
  unit: ClvTimeUnit = DEFAULT_TIME_UNIT,
): PurchaseSummary | null {
  if (!Number.isInteger(asOfDay)) throw new RefineryError('VALIDATION', `asOfDay ${asOfDay} is not an integer day number`);
  return summaryOfSorted(purchaseDayNumbers, amountsPerDay, asOfDay, unit) ?? summaryOf(purchaseDays(purchaseDayNumbers, amountsPerDay), asOfDay, unit);
}

/**
 * The summary straight from days that come in ascending order (the usual case), without building
 * the list of purchase days: the same numbers as summaryOf(purchaseDays(...)). Undefined when
 * the days are not in order (or the lengths differ), for the general path to handle.
 */
function summaryOfSorted(days: readonly number[], amounts: readonly number[], asOfDay: number, unit: ClvTimeUnit): PurchaseSummary | null | undefined {
  if (days.length !== amounts.length) return undefined;
  for (let i = 1; i < days.length; i += 1) if (!((days[i - 1] as number) <= (days[i] as number))) return undefined;
  let first = Number.NaN;
  let last = Number.NaN;
  let x = 0;
  let repeatCents = 0;
  let dayCents = 0; // the current day's total, added to repeatCents once the day is complete
  for (let i = 0; i < days.length; i += 1) {
    const day = days[i] as number;
    const amount = amounts[i] as number;
    if (!Number.isInteger(day)) throw new RefineryError('VALIDATION', `purchase day ${day} is not an integer day number`);
    if (!Number.isFinite(amount)) throw new RefineryError('VALIDATION', `amount ${amount} on day ${day} is not a number`);
    if (i === 0 || day !== last) {
      if (i > 0 && last !== first && last <= asOfDay) repeatCents += dayCents;
      if (i > 0) x += last !== first && last <= asOfDay ? 1 : 0;
      last = day;
      if (i === 0) first = day;
      dayCents = toCents(amount);
    } else {
      dayCents += toCents(amount);
    }
  }
  if (days.length === 0 || first > asOfDay) return null;
  // The last day seen closes: a repeat day when after the first and not after asOfDay.
  if (last !== first && last <= asOfDay) {
    repeatCents += dayCents;
    x += 1;
  }
  // The last purchase day on or before asOfDay.
  let lastCounted = first;
  for (let i = days.length - 1; i >= 0; i -= 1) {
    if ((days[i] as number) <= asOfDay) {
      lastCounted = days[i] as number;
      break;
    }
  }
  return {
    x,
    tx: daysToUnits(lastCounted - first, unit),
    T: daysToUnits(asOfDay - first, unit),
    meanSpend: x > 0 ? fromCents(repeatCents) / x : null,
  };
}

export interface CalibrationHoldout {
  /** Summary as of the split day. */
  summary: PurchaseSummary;
  /** Purchase days in (splitDay, endDay]. */
  holdoutPurchases: number;
  /** Spend on those days. */
  holdoutSpend: number;
}

/**
 * One person's history split for a backtest: the summary as of `splitDay`, and what they did in
 * the holdout window (splitDay, endDay]. Null for people whose first purchase is after splitDay
 * (the model knows nothing about them at the split).
 */
export function splitCalibrationHoldout(
  purchaseDayNumbers: readonly number[],
  amountsPerDay: readonly number[],
  splitDay: number,
  endDay: number,
  unit: ClvTimeUnit = DEFAULT_TIME_UNIT,
): CalibrationHoldout | null {
  if (!Number.isInteger(splitDay) || !Number.isInteger(endDay) || endDay < splitDay) {
    throw new RefineryError('VALIDATION', `holdout window (${splitDay}, ${endDay}] is not a window of integer days`);
  }
  const list = purchaseDays(purchaseDayNumbers, amountsPerDay);
  const summary = summaryOf(list, splitDay, unit);
  if (summary === null) return null;
  let holdoutPurchases = 0;
  let holdoutCents = 0;
  for (const p of list) {
    if (p.day > splitDay && p.day <= endDay) {
      holdoutPurchases += 1;
      holdoutCents += p.cents;
    }
  }
  return { summary, holdoutPurchases, holdoutSpend: fromCents(holdoutCents) };
}
