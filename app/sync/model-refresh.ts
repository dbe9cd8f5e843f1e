// When a sync trains new models and when it scores with the ones it kept (the scoring snapshot of
// the run that trained them). Training every run moves every probability a little and every tier
// boundary with it, so a run after a 1 % change would rewrite most properties and many tags; kept
// models score everybody as real time scores one person, and only what changed moves. Models are
// trained again when:
// - there are none (or from an older format, or for another horizon);
// - the sync is a full one (an explicit refresh: `refinery sync --full`, a first sync);
// - they are older than MODEL_REFRESH.maxAgeDays at the run's as-of date, or the date is before
//   the one they were trained at;
// - the store's orders changed by more than MODEL_REFRESH.maxOrderChange since (new orders,
//   imports, deletions), or the people's count by as much.
import { MS_PER_DAY } from '../../core/instant.ts';
import { isScoringSnapshot, type ScoringSnapshot } from '../../core/segments/scoring-snapshot.ts';

export const MODEL_REFRESH = {
  /** Models are trained again at least this often. */
  maxAgeDays: 7,
  /** Relative change of the stored orders (or people) that calls for new models. */
  maxOrderChange: 0.05,
} as const;

export type RefreshDecision = { retrain: true; reason: string } | { retrain: false; reason: string; snapshot: ScoringSnapshot };

export function decideModelRefresh(previous: unknown, now: { asOf: string; horizonDays: number; storedOrders: number; full: boolean }): RefreshDecision {
  if (now.full) return { retrain: true, reason: 'a full sync trains new models' };
  if (!isScoringSnapshot(previous) || !previous.trainedOn || (previous.clusters !== null && typeof previous.clusters.silhouette !== 'number')) return { retrain: true, reason: 'no kept models' };
  if (previous.horizonDays !== now.horizonDays) return { retrain: true, reason: `the horizon changed (${previous.horizonDays} to ${now.horizonDays} days)` };
  const ageDays = (Date.parse(now.asOf) - Date.parse(previous.asOf)) / MS_PER_DAY;
  if (!Number.isFinite(ageDays) || ageDays < 0) return { retrain: true, reason: 'the kept models were trained after this date' };
  if (ageDays > MODEL_REFRESH.maxAgeDays) return { retrain: true, reason: `the kept models are ${Math.floor(ageDays)} days old (at most ${MODEL_REFRESH.maxAgeDays})` };
  const trained = previous.trainedOn.orders;
  const change = trained === 0 ? (now.storedOrders === 0 ? 0 : Infinity) : Math.abs(now.storedOrders - trained) / trained;
  if (change > MODEL_REFRESH.maxOrderChange) return { retrain: true, reason: `the orders changed by ${(change * 100).toFixed(1)} % since the models were trained (more than ${MODEL_REFRESH.maxOrderChange * 100} %)` };
  return { retrain: false, reason: `kept models trained as of ${previous.asOf.slice(0, 16).replace('T', ' ')} on ${trained.toLocaleString('en')} orders`, snapshot: previous };
}

/** The people's count moved too far from the models' (checked once the people are known). */
export function peopleChangedTooMuch(snapshot: ScoringSnapshot, people: number): boolean {
  const trained = snapshot.trainedOn?.people ?? 0;
  return trained === 0 || Math.abs(people - trained) / trained > MODEL_REFRESH.maxOrderChange;
}
