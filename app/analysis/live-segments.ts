// The shop's segments recomputed from its stored data (the compute stage of a sync, without any
// write): who is in each segment, each person's aggregates and scores, and the record rules are
// evaluated against. The admin API keeps one per shop, last run and privacy epoch (a customer
// redaction moves it), for segment profiles and for a rule's live size before it is saved; it shows
// person ids only as opaque member references (app/server/api/member-ref.ts).
import type { CustomerAggregate } from '../../core/customer-aggregate.ts';
import type { Person } from '../../core/identity.ts';
import type { Memberships } from '../../core/model.ts';
import { compileRule, type Rule, type RuleRecord } from '../../core/rules/index.ts';
import type { PersonScores } from '../../core/segments/person-scores.ts';
import type { Store } from '../store/store.ts';
import { computeSegments } from '../sync/compute-segments.ts';

export interface LiveSegments {
  asOf: string;
  /** Sorted by person id. */
  people: Person[];
  personById: Map<string, Person>;
  aggregateOf: Map<string, CustomerAggregate>;
  scores: Map<string, PersonScores>;
  /** Segment key -> person ids (before holdouts and the consent policy). */
  memberships: Memberships;
  ruleRecords: Array<{ personId: string; record: RuleRecord }>;
}

export async function computeLiveSegments(store: Store, shopId: string, asOf: string): Promise<LiveSegments> {
  const computed = await computeSegments(store, shopId, asOf);
  return {
    asOf,
    people: computed.identity.people,
    personById: new Map(computed.identity.people.map((p) => [p.personId, p])),
    aggregateOf: new Map(computed.aggregates.map((a) => [a.customerId, a])),
    scores: computed.refined.scores,
    memberships: computed.memberships,
    ruleRecords: [...computed.ruleRecords()],
  };
}

export interface RuleSize {
  size: number;
  /** 0..1 of the shop's people. */
  share: number;
  /** The first matching person ids (in person id order). */
  samplePersonIds: string[];
}

/** How many people a parsed rule selects now, as the sync would evaluate it. */
export function ruleSize(live: LiveSegments, rule: Rule, sampleSize = 10): RuleSize {
  const matches = compileRule(rule, { asOf: live.asOf });
  let size = 0;
  const samplePersonIds: string[] = [];
  for (const { personId, record } of live.ruleRecords) {
    if (!matches(record)) continue;
    size += 1;
    if (samplePersonIds.length < sampleSize) samplePersonIds.push(personId);
  }
  const people = live.ruleRecords.length;
  return { size, share: people === 0 ? 0 : size / people, samplePersonIds };
}
