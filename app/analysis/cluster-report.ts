// The cluster report of a shop (`refinery report clusters`, GET /api/models): k-means on the
// feature snapshot as of a date, seeded so that the same data gives the same clusters. Given the
// cluster model the last run kept, cluster ids and names follow it (the segment keys in use).
import { findClusters, type ClusterRun } from '../../core/clusters/cluster-run.ts';
import type { ClusterModel } from '../../core/clusters/cluster-model.ts';
import type { FeatureTable } from '../../core/features/feature-accumulator.ts';

export const CLUSTER_REPORT_SEED = 20_260_101;

export function analyseClusters(table: FeatureTable | undefined, previous: ClusterModel | null = null): ClusterRun {
  return findClusters(table?.rows ?? [], { seed: CLUSTER_REPORT_SEED, previous });
}

export type ClusterOverview =
  | { ok: true; k: number; silhouette: number; wcss: number; clusters: Array<{ id: string; name: string; size: number; share: number; explanation: string }> }
  | { ok: false; reason: string };

/** The clusters in a marketer's terms: how many, how well separated, each one's name and why. */
export function clusterOverview(run: ClusterRun): ClusterOverview {
  if (run.status === 'skipped') return { ok: false, reason: run.reason.message };
  const r = run.report;
  return { ok: true, k: r.k, silhouette: r.silhouette, wcss: r.wcss, clusters: r.clusters.map((c) => ({ id: c.id, name: c.name, size: c.size, share: c.share, explanation: c.explanation })) };
}
