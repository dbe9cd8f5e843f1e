// Synthetic feature rows with planted groups, for tests, benchmarks and demos of the clustering.
// Pure and seeded: the same options give the same rows.
import { BASE_FEATURES, type FeatureName, type FeatureRow } from '../features/feature-names.ts';
import { mulberry32 } from '../prng.ts';

export interface PlantedGroup {
  name: string;
  /** Relative size. */
  weight: number;
  /** Typical raw value per feature; features not given are drawn around the store defaults. */
  center: Partial<Record<FeatureName, number | null>>;
}

/** Four kinds of customers most stores have, well apart on recency, frequency and spend. */
export const ARCHETYPES: readonly PlantedGroup[] = [
  {
    name: 'loyal big spenders',
    weight: 2,
    center: { recencyDays: 12, frequency: 9, monetaryTotal: 1500, averageOrderValue: 150, tenureDays: 900, meanDaysBetween: 45, discountedShare: 0.1, emailOpenRate: 0.55 },
  },
  {
    name: 'lapsed one-timers',
    weight: 4,
    center: { recencyDays: 420, frequency: 1, monetaryTotal: 35, averageOrderValue: 35, tenureDays: 430, meanDaysBetween: null, discountedShare: 0.3, emailOpenRate: 0.08 },
  },
  {
    name: 'new customers',
    weight: 2,
    center: { recencyDays: 8, frequency: 1, monetaryTotal: 70, averageOrderValue: 70, tenureDays: 10, meanDaysBetween: null, discountedShare: 0.2, emailOpenRate: 0.4 },
  },
  {
    name: 'deal seekers',
    weight: 2,
    center: { recencyDays: 70, frequency: 4, monetaryTotal: 150, averageOrderValue: 38, tenureDays: 380, meanDaysBetween: 80, discountedShare: 0.95, emailOpenRate: 0.3 },
  },
];

const DEFAULTS: Partial<Record<FeatureName, number>> = {
  refundRate: 0.02,
  'category:Boards': 0.4,
  'category:Wax': 0.3,
  categoryOtherShare: 0.3,
  emailClickRate: 0.05,
  emailOptOut: 0.05,
  visits: 6,
  pageViews: 30,
  cartAddsWithoutPurchase: 1,
};

export interface SyntheticOptions {
  people: number;
  seed: number;
  groups?: readonly PlantedGroup[];
  /** Multiplicative (lognormal) noise for money, counts and days; additive for shares (default 0.25). */
  noise?: number;
  /** People with no order at all (prospects), added on top (default 0). */
  prospects?: number;
  /** Person id prefix (default 'p'). */
  prefix?: string;
}

export interface SyntheticStore {
  rows: FeatureRow[];
  /** Planted group index per person id (prospects: -1). */
  truth: Map<string, number>;
}

const SHARES: ReadonlySet<string> = new Set([
  'discountedShare',
  'refundRate',
  'categoryOtherShare',
  'category:Boards',
  'category:Wax',
  'emailOpenRate',
  'emailClickRate',
]);

export function syntheticStore(options: SyntheticOptions): SyntheticStore {
  const random = mulberry32(options.seed);
  const gaussian = (): number => {
    const u = Math.max(random(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
  const groups = options.groups ?? ARCHETYPES;
  const noise = options.noise ?? 0.25;
  const prefix = options.prefix ?? 'p';
  const totalWeight = groups.reduce((sum, g) => sum + g.weight, 0);
  const columns: FeatureName[] = [...BASE_FEATURES.filter((f) => f !== 'categoryOtherShare'), 'category:Boards', 'category:Wax', 'categoryOtherShare'];
  const rows: FeatureRow[] = [];
  const truth = new Map<string, number>();
  const width = String(options.people + (options.prospects ?? 0)).length;

  for (let i = 0; i < options.people; i++) {
    let pick = random() * totalWeight;
    let group = 0;
    while (group < groups.length - 1 && pick >= (groups[group] as PlantedGroup).weight) {
      pick -= (groups[group] as PlantedGroup).weight;
      group += 1;
    }
    const center = (groups[group] as PlantedGroup).center;
    const values = {} as Record<FeatureName, number | null>;
    for (const feature of columns) {
      const target = feature in center ? (center[feature] ?? null) : (DEFAULTS[feature] ?? null);
      if (target === null) {
        values[feature] = null;
      } else if (feature === 'emailOptOut') {
        values[feature] = random() < target ? 1 : 0;
      } else if (SHARES.has(feature)) {
        values[feature] = Math.min(1, Math.max(0, target + noise * 0.2 * gaussian()));
      } else {
        values[feature] = target * Math.exp(noise * gaussian());
      }
    }
    const frequency = Math.max(1, Math.round(values.frequency ?? 1));
    values.frequency = frequency;
    values.orderCount = frequency + (random() < 0.1 ? 1 : 0);
    values.recencyDays = Math.round(values.recencyDays ?? 0);
    values.tenureDays = Math.max(values.recencyDays, Math.round(values.tenureDays ?? 0));
    values.meanDaysBetween = frequency >= 2 ? (values.meanDaysBetween ?? 30) : null;
    values.stdDaysBetween = frequency >= 3 ? (values.meanDaysBetween ?? 0) * 0.4 : null;
    values.emailOpens = Math.round((values.emailOpenRate ?? 0) * 40);
    values.emailClicks = Math.round((values.emailClickRate ?? 0) * 40);
    const personId = `${prefix}${String(i).padStart(width, '0')}`;
    rows.push({ personId, values });
    truth.set(personId, group);
  }
  for (let i = 0; i < (options.prospects ?? 0); i++) {
    const values = {} as Record<FeatureName, number | null>;
    for (const feature of columns) values[feature] = null;
    values.frequency = 0;
    values.orderCount = 0;
    values.monetaryTotal = 0;
    const personId = `${prefix}${String(options.people + i).padStart(width, '0')}`;
    rows.push({ personId, values });
    truth.set(personId, -1);
  }
  return { rows, truth };
}
