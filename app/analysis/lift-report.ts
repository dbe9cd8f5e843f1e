// The holdout lift report of a shop: for each segment written back, from its first write-back to
// the report date, conversion and revenue per person of the treated people against the people held
// out (core/holdout/holdout.md). One pass over the orders serves every segment.
import { createOutcomeCollector, personIdOfOrder, type OutcomeCollector } from '../../core/holdout/outcomes.ts';
import { measureSegmentLift, type LiftReport } from '../../core/holdout/lift.ts';
import type { Store } from '../store/store.ts';
import { loadPeople } from '../sync/load-people.ts';

export interface SegmentLift {
  segmentKey: string;
  name: string;
  startedAt: string;
  share: number;
  /** Days from the first write-back to the report date. */
  days: number;
  lift: LiftReport | null;
  /** Why there is no lift yet (the report date is not after the first write-back). */
  note: string | null;
}

export async function liftReport(store: Store, shopId: string, options: { asOf: string; segmentKey?: string }): Promise<SegmentLift[]> {
  const endMs = Date.parse(options.asOf);
  const cohorts = (await store.listHoldoutCohorts(shopId)).filter((c) => options.segmentKey === undefined || c.segmentKey === options.segmentKey);
  if (cohorts.length === 0) return [];
  const names = new Map((await store.listSegmentSnapshot(shopId)).map((s) => [s.definition.key, s.definition.name]));
  const { identity } = await loadPeople(store, shopId);
  const personIdOf = personIdOfOrder(identity.index);
  const collectors = new Map<string, OutcomeCollector>();
  for (const c of cohorts) {
    if (Date.parse(c.startedAt) < endMs && !collectors.has(c.startedAt)) {
      collectors.set(c.startedAt, createOutcomeCollector({ windowStart: c.startedAt, windowEnd: options.asOf, personIdOf }));
    }
  }
  if (collectors.size > 0) {
    for await (const page of store.iterateOrders(shopId)) for (const collector of collectors.values()) collector.addOrders(page);
  }
  return cohorts.map((c) => {
    const collector = collectors.get(c.startedAt);
    const days = Math.max(0, Math.floor((endMs - Date.parse(c.startedAt)) / 86_400_000));
    const base = { segmentKey: c.segmentKey, name: names.get(c.segmentKey) ?? c.segmentKey, startedAt: c.startedAt, share: c.share, days };
    if (!collector) return { ...base, lift: null, note: `first written back at ${c.startedAt}, not before the report date` };
    return { ...base, lift: measureSegmentLift({ treated: c.treated, holdout: c.holdout, outcomes: collector.outcomes() }), note: null };
  });
}
