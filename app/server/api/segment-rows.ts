// Segment rows of the overview and the segment page: the stored snapshot of the last run, each
// with its size over past successful runs (from the segment summary every run report carries).
import type { SegmentSummaryRow } from '../../../core/segment-summary.ts';
import type { SegmentSnapshot, Store } from '../../store/store.ts';
import type { SegmentRow, TrendPoint } from './api-types.ts';

/** Runs read for trends: at most this many of the latest. */
export const TREND_RUNS = 30;

export interface SegmentTable {
  rows: SegmentRow[];
  /** People of the shop at the last run (the RFM groups hold everyone once). */
  people: number;
  /** Revenue of the shop at the last run. */
  revenue: number;
}

export async function segmentTable(store: Store, shopId: string): Promise<SegmentTable> {
  const snapshot = await store.listSegmentSnapshot(shopId);
  const trends = await segmentTrends(store, shopId);
  let people = 0;
  let revenue = 0;
  for (const s of snapshot) {
    if (s.definition.kind !== 'rfm') continue;
    people += s.size;
    revenue += s.revenue;
  }
  return { rows: snapshot.map((s) => segmentRow(s, people, trends.get(s.definition.key) ?? [])), people, revenue: Math.round(revenue * 100) / 100 };
}

function segmentRow(s: SegmentSnapshot, people: number, trend: TrendPoint[]): SegmentRow {
  return {
    key: s.definition.key,
    name: s.definition.name,
    kind: s.definition.kind,
    description: s.definition.description,
    size: s.size,
    revenue: s.revenue,
    revenueShare: s.revenueShare,
    customerShare: people === 0 ? 0 : s.size / people,
    trend,
  };
}

/** Segment key -> its size at each past successful run, oldest first. */
async function segmentTrends(store: Store, shopId: string): Promise<Map<string, TrendPoint[]>> {
  const runs = (await store.listRuns(shopId, TREND_RUNS)).filter((r) => r.status === 'succeeded').reverse();
  const trends = new Map<string, TrendPoint[]>();
  for (const run of runs) {
    const rows = run.report.segments;
    if (!Array.isArray(rows)) continue;
    const at = typeof run.report.asOf === 'string' ? run.report.asOf : (run.finishedAt ?? run.startedAt);
    for (const row of rows as SegmentSummaryRow[]) {
      if (typeof row?.key !== 'string' || typeof row.size !== 'number') continue;
      let points = trends.get(row.key);
      if (!points) trends.set(row.key, (points = []));
      points.push({ at, size: row.size });
    }
  }
  return trends;
}
