// A segment's feature profile: the mean of a few marketer-readable features over its members
// against the same mean over every person of the shop, and its biggest spenders as a sample. One
// pass over the people serves both means and the sample; memory beyond the input is constant.
import type { CustomerAggregate } from '../../core/customer-aggregate.ts';
import type { Person } from '../../core/identity.ts';
import { MS_PER_DAY, compareStrings } from '../../core/instant.ts';
import type { PersonScores } from '../../core/segments/person-scores.ts';

export type ProfileUnit = 'count' | 'days' | 'money' | 'share';

export interface ProfileFeature {
  feature: string;
  label: string;
  unit: ProfileUnit;
}

interface FeatureDef extends ProfileFeature {
  value(p: PersonFacts): number | null;
}

interface PersonFacts {
  person: Person;
  aggregate: CustomerAggregate | undefined;
  scores: PersonScores | undefined;
  asOfMs: number;
}

const daysSince = (iso: string | null | undefined, asOfMs: number): number | null => {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? Math.max(0, Math.floor((asOfMs - t) / MS_PER_DAY)) : null;
};

const FEATURES: readonly FeatureDef[] = [
  { feature: 'recency_days', label: 'Days since the last order', unit: 'days', value: (p) => daysSince(p.aggregate?.lastOrderAt, p.asOfMs) },
  { feature: 'orders_count', label: 'Orders', unit: 'count', value: (p) => p.aggregate?.orderCount ?? 0 },
  { feature: 'amount_spent', label: 'Amount spent', unit: 'money', value: (p) => p.aggregate?.totalSpent ?? 0 },
  {
    feature: 'average_order_value',
    label: 'Average order value',
    unit: 'money',
    value: (p) => (p.aggregate && p.aggregate.orderCount > 0 ? p.aggregate.totalSpent / p.aggregate.orderCount : null),
  },
  { feature: 'tenure_days', label: 'Days since the first order', unit: 'days', value: (p) => daysSince(p.aggregate?.firstOrderAt, p.asOfMs) },
  { feature: 'purchase_propensity', label: 'Purchase propensity', unit: 'share', value: (p) => p.scores?.purchasePropensity ?? null },
  { feature: 'churn_risk', label: 'Churn risk', unit: 'share', value: (p) => p.scores?.churnRisk ?? null },
  { feature: 'predicted_clv', label: 'Predicted 12-month value', unit: 'money', value: (p) => p.scores?.predictedClv ?? null },
  { feature: 'expected_purchases', label: 'Expected orders in 12 months', unit: 'count', value: (p) => p.scores?.expectedPurchases ?? null },
  { feature: 'email_subscribed', label: 'Subscribed to email marketing', unit: 'share', value: (p) => (p.person.marketingConsent ? 1 : 0) },
];

export const PROFILE_FEATURES: readonly ProfileFeature[] = FEATURES.map(({ feature, label, unit }) => ({ feature, label, unit }));

export interface ProfileRow extends ProfileFeature {
  /** Mean over the members that have a value; null when none has one. */
  segment: number | null;
  /** Mean over every person that has a value. */
  store: number | null;
}

export interface SampleMember {
  personId: string;
  email: string | null;
  orders: number;
  spent: number;
  lastOrderAt: string | null;
}

export interface SegmentProfile {
  members: number;
  profile: ProfileRow[];
  /** Members with the highest spend first (ties by person id), at most `sampleSize`. */
  sample: SampleMember[];
}

export interface SegmentProfileInput {
  asOf: string;
  people: readonly Person[];
  aggregateOf: ReadonlyMap<string, CustomerAggregate>;
  scores: ReadonlyMap<string, PersonScores>;
  members: ReadonlySet<string>;
  sampleSize?: number;
}

const round = (v: number) => Math.round(v * 10_000) / 10_000;

/** Whether a ranks before b in the sample: more spent first, then person id. */
const before = (a: SampleMember, b: SampleMember) => a.spent > b.spent || (a.spent === b.spent && compareStrings(a.personId, b.personId) < 0);

export function segmentProfile(input: SegmentProfileInput): SegmentProfile {
  const asOfMs = Date.parse(input.asOf);
  const sampleSize = input.sampleSize ?? 20;
  const storeSum = new Float64Array(FEATURES.length);
  const storeCount = new Uint32Array(FEATURES.length);
  const segSum = new Float64Array(FEATURES.length);
  const segCount = new Uint32Array(FEATURES.length);
  const sample: SampleMember[] = [];
  let members = 0;
  for (const person of input.people) {
    const aggregate = input.aggregateOf.get(person.personId);
    const facts: PersonFacts = { person, aggregate, scores: input.scores.get(person.personId), asOfMs };
    const member = input.members.has(person.personId);
    if (member) members += 1;
    for (let i = 0; i < FEATURES.length; i++) {
      const v = (FEATURES[i] as FeatureDef).value(facts);
      if (v === null || !Number.isFinite(v)) continue;
      storeSum[i] = (storeSum[i] ?? 0) + v;
      storeCount[i] = (storeCount[i] ?? 0) + 1;
      if (member) {
        segSum[i] = (segSum[i] ?? 0) + v;
        segCount[i] = (segCount[i] ?? 0) + 1;
      }
    }
    if (!member || sampleSize === 0) continue;
    const candidate: SampleMember = { personId: person.personId, email: person.email, orders: aggregate?.orderCount ?? 0, spent: aggregate?.totalSpent ?? 0, lastOrderAt: aggregate?.lastOrderAt ?? null };
    const last = sample[sample.length - 1];
    if (sample.length === sampleSize && last && !before(candidate, last)) continue;
    // Insert in place: the sample stays sorted and at most sampleSize long.
    let at = sample.length;
    while (at > 0 && before(candidate, sample[at - 1] as SampleMember)) at -= 1;
    sample.splice(at, 0, candidate);
    if (sample.length > sampleSize) sample.pop();
  }
  const mean = (sum: Float64Array, count: Uint32Array, i: number) => ((count[i] ?? 0) === 0 ? null : round((sum[i] ?? 0) / (count[i] ?? 1)));
  return {
    members,
    profile: FEATURES.map((f, i) => ({ feature: f.feature, label: f.label, unit: f.unit, segment: mean(segSum, segCount, i), store: mean(storeSum, storeCount, i) })),
    sample,
  };
}

/** `j***@example.com`: the first character of the local part, then the domain. */
export function maskEmail(email: string | null): string | null {
  if (!email) return null;
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${email.slice(0, 1)}***${email.slice(at)}`;
}
