// Freshness of each source: the newest updatedAt seen per source, and whether it is older than
// the source's threshold relative to asOf. A source without records (or without a readable date)
// is not judged. Stale: older than the threshold (a warning); older than STALE_PROBLEM_FACTOR
// times the threshold: a problem (a sync has most likely stopped).
import { MS_PER_DAY, parseEpochMs, toIso } from '../instant.ts';
import { STALE_PROBLEM_FACTOR, plural, ratio, type QualityCheck, type Severity } from './quality-checks.ts';

export type FreshnessSource = 'shopify-customers' | 'shopify-orders' | 'csv' | 'hubspot-contacts';

export const FRESHNESS_SOURCES: readonly FreshnessSource[] = ['shopify-customers', 'shopify-orders', 'csv', 'hubspot-contacts'];

const SOURCE_NAMES: Record<FreshnessSource, string> = {
  'shopify-customers': 'Shopify customers',
  'shopify-orders': 'Shopify orders',
  csv: 'CSV imports',
  'hubspot-contacts': 'HubSpot contacts',
};

export interface SourceFreshness {
  source: FreshnessSource;
  records: number;
  /** Newest readable updatedAt, ISO-8601 UTC; null without records (or without a readable date). */
  newestUpdatedAt: string | null;
  /** Whole days from newestUpdatedAt to asOf (0 when newer than asOf); null without it. */
  ageDays: number | null;
  /** The threshold applied, in days; null when the source is not checked. */
  staleAfterDays: number | null;
  stale: boolean;
}

export interface FreshnessTracker {
  /** Count a record of the source; false when its updatedAt does not read. */
  seen(source: FreshnessSource, updatedAt: string): boolean;
  result(asOfMs: number, thresholds: ReadonlyMap<FreshnessSource, number | null>): SourceFreshness[];
}

export function createFreshnessTracker(): FreshnessTracker {
  const records = new Map<FreshnessSource, number>();
  const newest = new Map<FreshnessSource, number>();
  return {
    seen(source, updatedAt) {
      records.set(source, (records.get(source) ?? 0) + 1);
      const ms = parseEpochMs(updatedAt);
      if (ms === null) return false;
      const current = newest.get(source);
      if (current === undefined || ms > current) newest.set(source, ms);
      return true;
    },
    result(asOfMs, thresholds) {
      return FRESHNESS_SOURCES.map((source) => {
        const newestMs = newest.get(source);
        const threshold = thresholds.get(source) ?? null;
        const ageMs = newestMs === undefined ? null : Math.max(0, asOfMs - newestMs);
        return {
          source,
          records: records.get(source) ?? 0,
          newestUpdatedAt: newestMs === undefined ? null : toIso(newestMs),
          ageDays: ageMs === null ? null : Math.floor(ageMs / MS_PER_DAY),
          staleAfterDays: threshold,
          stale: ageMs !== null && threshold !== null && ageMs > threshold * MS_PER_DAY,
        };
      });
    },
  };
}

function ageMs(source: SourceFreshness, asOfMs: number): number {
  const newestMs = parseEpochMs(source.newestUpdatedAt);
  return newestMs === null ? 0 : Math.max(0, asOfMs - newestMs);
}

export function staleSourcesCheck(sources: readonly SourceFreshness[], asOfMs: number): QualityCheck {
  const checked = sources.filter((s) => s.newestUpdatedAt !== null && s.staleAfterDays !== null);
  const stale = checked.filter((s) => s.stale);
  let severity: Severity = 'ok';
  if (stale.length > 0) {
    const veryOld = stale.some((s) => ageMs(s, asOfMs) > STALE_PROBLEM_FACTOR * (s.staleAfterDays ?? 0) * MS_PER_DAY);
    severity = veryOld ? 'problem' : 'warning';
  }
  let finding: string;
  if (checked.length === 0) finding = 'No dated records to check.';
  else if (stale.length === 0) {
    finding = `Every source was updated within its threshold (${checked.map((s) => SOURCE_NAMES[s.source]).join(', ')}).`;
  } else {
    const list = stale.map((s) => `${SOURCE_NAMES[s.source]}: last update ${plural(s.ageDays ?? 0, 'day')} ago`).join('; ');
    finding = `${plural(stale.length, 'source')} had no update for longer than the threshold (${list}): check that syncs run.`;
  }
  return {
    id: 'stale-sources',
    title: 'Stale sources',
    available: true,
    count: stale.length,
    total: checked.length,
    share: ratio(stale.length, checked.length),
    severity,
    finding,
  };
}
