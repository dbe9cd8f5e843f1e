// The lift report of a segment: how the treated members (who got the segment written back)
// did against the holdout (who qualified but were kept out), in a window after the segment's
// first write-back. See holdout.md for the statistics and why they were chosen. In short:
// - conversion = share of people with at least one counted order in the window; the interval
//   for the difference (treated - holdout) is Newcombe's hybrid score interval (Wilson-based);
// - revenue per person = window revenue / people (non-buyers count as 0); the interval for the
//   difference is normal with Welch's standard error;
// - "not enough data" (no estimates, only the group counts) when either group has fewer than
//   `minGroupSize` (30) people, or nobody converted in either group; revenue lift is also left
//   out when neither group has any revenue. Never NaN: empty groups have rates of 0.
// The accumulator keeps sums only (integer cents, squares as BigInt), so the result does not
// depend on the order outcomes are added in, and memory does not grow with the people.
import { RefineryError } from '../errors.ts';
import { fromCents, toCents } from '../instant.ts';
import { newcombeInterval, twoSidedZ, welchInterval, type Interval } from './stats.ts';

export type HoldoutGroup = 'treated' | 'holdout';

/** What one person did in the window. */
export interface PersonOutcome {
  /** At least one counted order in the window. */
  converted: boolean;
  /** Revenue in the window (0 for a person who did not buy). */
  revenue: number;
}

export interface LiftOptions {
  /** Two-sided confidence of the intervals; default 0.95. */
  confidence?: number;
  /** Fewest people per group for estimates; default 30. */
  minGroupSize?: number;
}

export const DEFAULT_LIFT_CONFIDENCE = 0.95;
export const DEFAULT_MIN_GROUP_SIZE = 30;

export interface GroupSummary {
  people: number;
  converters: number;
  /** converters / people; 0 for an empty group. */
  conversionRate: number;
  /** Total revenue of the group in the window. */
  revenue: number;
  /** revenue / people; 0 for an empty group. */
  revenuePerPerson: number;
  /** Sample standard deviation of revenue per person; 0 with fewer than 2 people. */
  revenueStdDev: number;
}

export interface LiftEstimate {
  /** Treated minus holdout (conversion: a difference of proportions, e.g. 0.02 = 2 points). */
  absolute: number;
  /** absolute / holdout value; null when the holdout value is 0. */
  relative: number | null;
  /** Interval for `absolute` at the report's confidence. */
  interval: Interval;
  /** `newcombe-wilson` for conversion, `welch-normal` for revenue per person. */
  method: 'newcombe-wilson' | 'welch-normal';
  /** `up` / `down` when the interval excludes 0, else `unclear`. */
  direction: 'up' | 'down' | 'unclear';
}

export interface LiftReport {
  /** `ok` when at least the conversion lift is estimated. */
  status: 'ok' | 'not-enough-data';
  /** Why an estimate is missing, in plain words; empty when both are given. */
  reasons: string[];
  confidence: number;
  minGroupSize: number;
  treated: GroupSummary;
  holdout: GroupSummary;
  conversion: LiftEstimate | null;
  revenuePerPerson: LiftEstimate | null;
  /** One line in plain words. */
  finding: string;
}

interface Sums {
  people: number;
  converters: number;
  revenueCents: number;
  squaresCents: bigint;
}

function emptySums(): Sums {
  return { people: 0, converters: 0, revenueCents: 0, squaresCents: 0n };
}

export interface LiftAccumulator {
  add(group: HoldoutGroup, outcome: PersonOutcome): void;
  addAll(group: HoldoutGroup, outcomes: Iterable<PersonOutcome>): void;
  /** The report so far; the accumulator stays usable. */
  report(options?: LiftOptions): LiftReport;
}

export function createLiftAccumulator(): LiftAccumulator {
  const sums: Record<HoldoutGroup, Sums> = { treated: emptySums(), holdout: emptySums() };
  function add(group: HoldoutGroup, outcome: PersonOutcome): void {
    const target = sums[group];
    if (target === undefined) throw new RefineryError('VALIDATION', `unknown holdout group: ${String(group)}`);
    if (!Number.isFinite(outcome.revenue)) {
      throw new RefineryError('VALIDATION', `revenue must be a finite number, got ${String(outcome.revenue)}`);
    }
    const cents = toCents(outcome.revenue);
    target.people += 1;
    if (outcome.converted) target.converters += 1;
    target.revenueCents += cents;
    target.squaresCents += BigInt(cents) * BigInt(cents);
  }
  return {
    add,
    addAll(group, outcomes) {
      for (const outcome of outcomes) add(group, outcome);
    },
    report(options = {}) {
      return buildReport(sums.treated, sums.holdout, options);
    },
  };
}

/** One-shot form: the lift report of two lists of outcomes. */
export function computeLift(
  groups: { treated: Iterable<PersonOutcome>; holdout: Iterable<PersonOutcome> },
  options: LiftOptions = {},
): LiftReport {
  const accumulator = createLiftAccumulator();
  accumulator.addAll('treated', groups.treated);
  accumulator.addAll('holdout', groups.holdout);
  return accumulator.report(options);
}

const NO_OUTCOME: PersonOutcome = { converted: false, revenue: 0 };

/**
 * The lift report of a segment from its two groups of person ids and the outcomes of the people
 * who bought in the window (see createOutcomeCollector). A person without an outcome did not buy.
 * A person id listed in both groups is a caller error: VALIDATION.
 */
export function measureSegmentLift(
  input: { treated: Iterable<string>; holdout: Iterable<string>; outcomes: ReadonlyMap<string, PersonOutcome> },
  options: LiftOptions = {},
): LiftReport {
  const treated = new Set(input.treated);
  const holdout = new Set(input.holdout);
  for (const personId of holdout) {
    if (treated.has(personId)) throw new RefineryError('VALIDATION', `person ${personId} is in both the treated group and the holdout`);
  }
  const accumulator = createLiftAccumulator();
  for (const personId of treated) accumulator.add('treated', input.outcomes.get(personId) ?? NO_OUTCOME);
  for (const personId of holdout) accumulator.add('holdout', input.outcomes.get(personId) ?? NO_OUTCOME);
  return accumulator.report(options);
}

interface Moments {
  n: number;
  mean: number;
  variance: number;
}

/** Mean and unbiased variance in money units, from exact integer sums of cents. */
function moments(sums: Sums): Moments {
  const n = sums.people;
  if (n === 0) return { n, mean: 0, variance: 0 };
  const mean = sums.revenueCents / n / 100;
  if (n < 2) return { n, mean, variance: 0 };
  const s = BigInt(sums.revenueCents);
  const numerator = BigInt(n) * sums.squaresCents - s * s; // n * SS - S^2 >= 0, exact
  const variance = Number(numerator) / (n * (n - 1)) / 10_000;
  return { n, mean, variance: Math.max(0, variance) };
}

function summary(sums: Sums): GroupSummary {
  const m = moments(sums);
  return {
    people: sums.people,
    converters: sums.converters,
    conversionRate: sums.people > 0 ? sums.converters / sums.people : 0,
    revenue: fromCents(sums.revenueCents),
    revenuePerPerson: m.mean,
    revenueStdDev: Math.sqrt(m.variance),
  };
}

function direction(interval: Interval): LiftEstimate['direction'] {
  if (interval.lower > 0) return 'up';
  if (interval.upper < 0) return 'down';
  return 'unclear';
}

function validateOptions(options: LiftOptions): { confidence: number; minGroupSize: number; z: number } {
  const confidence = options.confidence ?? DEFAULT_LIFT_CONFIDENCE;
  const z = twoSidedZ(confidence);
  const minGroupSize = options.minGroupSize ?? DEFAULT_MIN_GROUP_SIZE;
  if (!Number.isInteger(minGroupSize) || minGroupSize < 2) {
    throw new RefineryError('VALIDATION', `minGroupSize must be an integer of at least 2, got ${String(minGroupSize)}`);
  }
  return { confidence, minGroupSize, z };
}

function buildReport(treatedSums: Sums, holdoutSums: Sums, options: LiftOptions): LiftReport {
  const { confidence, minGroupSize, z } = validateOptions(options);
  const treated = summary(treatedSums);
  const holdout = summary(holdoutSums);
  const reasons: string[] = [];
  if (holdout.people < minGroupSize) reasons.push(`the holdout has ${holdout.people} people; at least ${minGroupSize} are needed`);
  if (treated.people < minGroupSize) reasons.push(`the treated group has ${treated.people} people; at least ${minGroupSize} are needed`);
  if (treated.converters === 0 && holdout.converters === 0) reasons.push('nobody in either group bought in the window');

  let conversion: LiftEstimate | null = null;
  let revenuePerPerson: LiftEstimate | null = null;
  if (reasons.length === 0) {
    const interval = newcombeInterval(treated.converters, treated.people, holdout.converters, holdout.people, z);
    const absolute = treated.conversionRate - holdout.conversionRate;
    conversion = {
      absolute,
      relative: holdout.conversionRate > 0 ? absolute / holdout.conversionRate : null,
      interval,
      method: 'newcombe-wilson',
      direction: direction(interval),
    };
    if (treatedSums.squaresCents === 0n && holdoutSums.squaresCents === 0n) {
      reasons.push('neither group has any revenue in the window');
    } else {
      const welch = welchInterval(moments(treatedSums), moments(holdoutSums), z);
      const difference = treated.revenuePerPerson - holdout.revenuePerPerson;
      const revenueInterval = { lower: welch.lower, upper: welch.upper };
      revenuePerPerson = {
        absolute: difference,
        relative: holdout.revenuePerPerson !== 0 ? difference / holdout.revenuePerPerson : null,
        interval: revenueInterval,
        method: 'welch-normal',
        direction: direction(revenueInterval),
      };
    }
  }
  const report: LiftReport = {
    status: conversion === null ? 'not-enough-data' : 'ok',
    reasons,
    confidence,
    minGroupSize,
    treated,
    holdout,
    conversion,
    revenuePerPerson,
    finding: '',
  };
  report.finding = describeLift(report);
  return report;
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1)} %`;
}

function signed(value: number, digits: number): string {
  const text = value.toFixed(digits);
  return value >= 0 && !text.startsWith('-') ? `+${text}` : text;
}

const VERDICT: Record<LiftEstimate['direction'], string> = {
  up: 'a real lift',
  down: 'a real drop',
  unclear: 'not clearly different from the holdout',
};

/** The report's one-line finding, in plain words. */
export function describeLift(report: LiftReport): string {
  const { treated, holdout, conversion, revenuePerPerson } = report;
  if (conversion === null) {
    return `Not enough data yet: ${report.reasons.join('; ')}.`;
  }
  const level = Math.round(report.confidence * 100);
  let text =
    `Treated people bought at ${percent(treated.conversionRate)} against ${percent(holdout.conversionRate)} in the holdout: ` +
    `${signed(conversion.absolute * 100, 1)} points (${level} % interval ${signed(conversion.interval.lower * 100, 1)} to ` +
    `${signed(conversion.interval.upper * 100, 1)}), ${VERDICT[conversion.direction]}`;
  if (revenuePerPerson !== null) {
    text +=
      `; revenue per person ${treated.revenuePerPerson.toFixed(2)} against ${holdout.revenuePerPerson.toFixed(2)} ` +
      `(${signed(revenuePerPerson.absolute, 2)}, ${VERDICT[revenuePerPerson.direction]})`;
  } else {
    text += '; no revenue in the window to compare';
  }
  return `${text}.`;
}
