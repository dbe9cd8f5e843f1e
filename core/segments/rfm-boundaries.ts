// RFM for one person between batch runs: the batch scores every buyer against the whole shop
// (quintiles, core/rfm.ts); a real-time update cannot re-rank the shop for one order. So the
// batch keeps, per dimension, the smallest value that reached each score 2..5, and one person is
// scored by where their value falls. A value the batch saw gets the score it got in the batch
// (scores are monotone in the value); a new value gets the score of the values just below it.
import type { CustomerAggregate } from '../customer-aggregate.ts';
import { parseEpochMs, toCents, toEpochMs, wholeDaysBetween, type InstantInput } from '../instant.ts';
import { combineFm, rfmGroupFor, type RfmScore, type Score } from '../rfm.ts';

/** Per dimension, the smallest ranked value with a score of at least 2, 3, 4 and 5 (null: none). */
export interface RfmBoundaries {
  /** Ranked value: minus whole days since the last order (more recent = higher). */
  r: Array<number | null>;
  /** Order count. */
  f: Array<number | null>;
  /** Total spent, in cents. */
  m: Array<number | null>;
}

interface Ranked {
  r: number;
  f: number;
  m: number;
}

function rankedValues(aggregate: CustomerAggregate, asOfMs: number): Ranked | null {
  const lastMs = parseEpochMs(aggregate.lastOrderAt);
  if (aggregate.orderCount <= 0 || lastMs === null) return null;
  return { r: -wholeDaysBetween(lastMs, asOfMs), f: aggregate.orderCount, m: toCents(aggregate.totalSpent) };
}

/** The boundaries of a batch: scores from scoreRfm, aggregates it scored, the same asOf. */
export function rfmBoundaries(scores: readonly RfmScore[], aggregates: readonly CustomerAggregate[], asOf: InstantInput): RfmBoundaries {
  const asOfMs = toEpochMs(asOf, 'asOf');
  const byId = new Map(aggregates.map((a) => [a.customerId, a]));
  const out: RfmBoundaries = { r: [null, null, null, null], f: [null, null, null, null], m: [null, null, null, null] };
  for (const score of scores) {
    if (score.r === null || score.f === null || score.m === null) continue;
    const aggregate = byId.get(score.customerId);
    const values = aggregate ? rankedValues(aggregate, asOfMs) : null;
    if (!values) continue;
    for (const dim of ['r', 'f', 'm'] as const) {
      const s = score[dim] as Score;
      for (let level = 2; level <= s; level += 1) {
        const current = out[dim][level - 2] ?? null;
        if (current === null || values[dim] < current) out[dim][level - 2] = values[dim];
      }
    }
  }
  return out;
}

function scoreOf(value: number, boundaries: Array<number | null>): Score {
  // No buyer in the batch: rank the person alone, as scoreRfm ranks a shop of one (3).
  if (boundaries.every((b) => b === null || b === undefined)) return 3;
  let score: Score = 1;
  for (let level = 2; level <= 5; level += 1) {
    const bound = boundaries[level - 2];
    if (bound !== null && bound !== undefined && value >= bound) score = level as Score;
  }
  return score;
}

/** One person's RFM score as of `asOf` against a batch's boundaries. */
export function scoreRfmAgainst(aggregate: CustomerAggregate, boundaries: RfmBoundaries, asOf: InstantInput): RfmScore {
  const values = rankedValues(aggregate, toEpochMs(asOf, 'asOf'));
  if (!values) return { customerId: aggregate.customerId, recencyDays: null, r: null, f: null, m: null, fm: null, group: 'PROSPECTS' };
  const r = scoreOf(values.r, boundaries.r);
  const f = scoreOf(values.f, boundaries.f);
  const m = scoreOf(values.m, boundaries.m);
  const fm = combineFm(f, m);
  return { customerId: aggregate.customerId, recencyDays: -values.r, r, f, m, fm, group: rfmGroupFor(r, fm) };
}
